"""Question parsing and figure reading: general word classes, not per-question lists."""

from __future__ import annotations

from qa.figures import figures, has_unit
from qa.question import parse_question, split_parts


def test_content_words_drop_form_words_and_keep_the_subject():
    q = parse_question("请问我们公司首轮流片补助多少")
    assert {"首轮", "流片", "补助"} <= set(q.terms)
    assert not {"我们", "多少"} & set(q.terms)
    assert q.asks == "quantity" and q.wants_figure


def test_places_are_not_terms():
    q = parse_question("郑州市首轮流片补助多少", places=("郑州市",))
    assert "郑州市" not in q.terms and "郑州" not in q.terms


def test_asked_unit_and_cap_are_read_from_the_question():
    assert parse_question("培育了多少家企业").unit == "家"
    assert parse_question("年产能达到多少吨").unit == "吨"
    assert parse_question("补助比例是多少").unit == "%"
    assert parse_question("最高能补多少").wants_cap
    assert not parse_question("补助比例是多少").wants_cap


def test_kinds_of_question():
    assert parse_question("有效期几年").asks == "duration"
    assert parse_question("什么时候开始申报").asks == "date"
    assert parse_question("由哪个部门负责").asks == "which"
    assert parse_question("How much is the subsidy for a first tape-out?").asks == "quantity"
    assert parse_question("How much is the subsidy for a first tape-out?").crosslingual


def test_multi_part_questions_are_split_at_each_interrogative_clause():
    assert len(split_parts("开工和投产各拿多少比例？最高补助多少？")) == 2
    assert len(split_parts("补助多少，上限是多少")) == 2
    assert len(split_parts("对首次进入百强的企业奖励多少")) == 1
    assert len(parse_question("计划建立多大尺寸的加工能力，搭建什么样的体系？").parts) == 2  # search form: "," too


def test_figures_carry_their_role():
    roles = {(f.role, f.text) for f in figures("对投资1亿元以上的项目给予10%的补助，最高5000万元")}
    assert roles == {("门槛", "1亿元"), ("比例", "10%"), ("上限", "5000万元")}
    assert [f.text for f in figures("培育200余家企业，建设3个平台")] == ["200余家", "3个"]
    assert figures("2019年3月5日印发") == ()  # dates are not figures an answer leads with
    assert has_unit("年产10万吨", "吨") and not has_unit("年产10万吨", "家")


def test_rates_written_as_fractions_are_rates():
    found = [(f.role, f.text, f.unit) for f in figures("二产业按3‰、三产业按2‰奖励，按每日利率万分之五支付，最高50万元")]
    assert found == [("比例", "3‰", "%"), ("比例", "2‰", "%"), ("比例", "万分之五", "%"), ("上限", "50万元", "元")]
    assert [f.text for f in figures("给予百分之二十的补助")] == ["百分之二十"]


def test_a_number_with_a_two_character_noun_is_a_measure():
    assert [(f.text, f.unit) for f in figures("探索建立8英寸微机电系统加工能力")] == [("8英寸", "英寸")]
    assert figures("入选2023年度特色产业集群") == ()  # a year, not a measure


def test_english_questions_asking_for_a_rate_want_a_percentage():
    assert parse_question("By what percentage did the output grow in 2023?").unit == "%"
    assert parse_question("What share of booth costs is subsidised?").unit == "%"
    assert parse_question("How much does Qingdao pay?").unit == ""


def test_documents_named_by_their_number_are_found_in_order():
    from pathlib import Path

    import pytest

    from corpus.pipeline import load_corpus
    from qa.compose import asked_fields, named_documents

    folder = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "policies-dev"
    if not folder.is_dir():
        pytest.skip("../shared/corpora/policies-dev is not beside the checkout")
    docs, _ = load_corpus(folder)
    by_id = {d.doc_id: d for d in docs}
    q = parse_question("国办发〔2019〕3号和国办发〔2019〕2号分别是哪天印发的？")
    assert [d.doc_id for d in named_documents(q, by_id)] == [
        "guobanfa_2019_3_community_kindergartens.txt", "guobanfa_2019_2_drug_volume_procurement.txt"]
    assert asked_fields(q) == ["date"]
    assert asked_fields(parse_question("这个意见是哪天发的")) == ["date"]
    assert asked_fields(parse_question("补贴什么时候发放")) == []
