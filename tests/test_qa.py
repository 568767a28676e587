"""Question answering end to end on the real seeds: real model, real Chroma, real BM25."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from index.embed import default_model_dir, ensure_model
from qa.compose import asked_fields, ungrounded_numbers
from qa.evaluate import evaluate
from qa.figures import figures
from qa.places import find_places
from qa.question import parse_question
from qa.retriever import rrf
from qa.service import InvalidQuestion, PolicyQA, chunks_fit

ROOT = Path(__file__).resolve().parent.parent
ZHENGZHOU_2022 = "001_34e1b1a508027352.txt"


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return ensure_model(default_model_dir())


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in BUNDLED_CORPUS.iterdir():
        shutil.copy(path, folder / path.name)
    return folder


def _one_extra_document(tmp_path: Path, model_dir: Path, *names: str) -> PolicyQA:
    """PolicyQA over documents of tests/corpora: a bare name is one of policies-extra, else "folder/name"."""
    folder = tmp_path / "corpus"
    folder.mkdir(parents=True)
    for name in names:
        path = ROOT / "tests" / "corpora" / (name if "/" in name else f"policies-extra/{name}")
        shutil.copy(path, folder / path.name)
    return PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)


def _qa_over(tmp_path: Path, model_dir: Path, **texts: str) -> PolicyQA:
    """PolicyQA over documents written here: file stem → text."""
    folder = tmp_path / "corpus"
    folder.mkdir(parents=True)
    for stem, text in texts.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    return PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)


def _seeds_and(tmp_path: Path, model_dir: Path, name: str, text: str) -> PolicyQA:
    """PolicyQA over the seeds (for corpus statistics) and one more document written here."""
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)


@pytest.fixture(scope="module")
def qa(corpus_dir, model_dir, tmp_path_factory) -> PolicyQA:
    return PolicyQA(corpus_dir, tmp_path_factory.mktemp("db"), model_dir, today=date(2026, 11, 22)).open(progress=False)


def _body(answer_text: str) -> str:
    """The answer without its source lines (which carry metadata such as dates)."""
    return "\n".join(line for line in answer_text.splitlines() if "出处：" not in line)


def test_tape_out_question_quotes_the_zhengzhou_clause(qa):
    answer = qa.ask("首轮流片补助多少")
    assert answer.answerable
    assert "40%" in answer.answer and "500万" in answer.answer
    first = answer.citations[0]
    assert first.source == ZHENGZHOU_2022
    assert "40%" in first.quote and "500万" in first.quote
    assert first.heading.endswith("10.") and "支持政策" in first.heading
    assert qa.document(first.source).text[first.start:first.end] == first.quote


def test_every_citation_is_exact_and_every_number_grounded(qa):
    questions = [json.loads(line)["question"] for line in (ROOT / "tests" / "questions.jsonl").read_text("utf-8").splitlines()]
    for question in questions[::3]:
        answer = qa.ask(question)
        if not answer.answerable:  # a refusal cites at most passages marked as related, and states no figure
            assert all(c.related for c in answer.citations), question
            said = re.sub(r"《[^》]*》|\[\d+\]", "", answer.answer)  # titles may carry years; markers are not figures
            assert not re.search(r"\d", said), question
            continue
        assert answer.citations, question
        for c in answer.citations:
            assert qa.document(c.source).text[c.start:c.end] == c.quote, question
        body = re.sub(r"\[\d+\]", " ", _body(answer.answer))
        assert ungrounded_numbers(body, [c.quote for c in answer.citations]) == [], question


def test_grounding_check_catches_an_invented_figure():
    assert ungrounded_numbers("补助 45%，上限 500万元", ["给予40%的补助，不超过500万元"]) == ["45"]
    assert ("上限", "500万元") in [(f.role, f.text) for f in figures("单个企业每年补助总额不超过500万元")]
    assert ("比例", "40%") in [(f.role, f.text) for f in figures("首轮流片费用40%的补助")]


def test_place_the_corpus_does_not_cover_is_refused(qa):
    answer = qa.ask("深圳市首轮流片补助多少")
    assert not answer.answerable
    assert not answer.citations
    assert "深圳" in answer.answer
    assert "40%" not in answer.answer


def test_named_region_scopes_the_search(qa):
    suzhou = qa.ask("苏州工业园区集成电路产业规模目标是多少")
    assert suzhou.answerable and {c.source for c in suzhou.citations} == {"004_446eb3355726a05e.txt"}
    huli = qa.ask("湖里区集成电路产业集群去年产值多少")
    assert huli.answerable and {c.source for c in huli.citations} == {"002_bffc04d33daf096a.txt"}


def test_off_topic_question_is_refused(qa):
    answer = qa.ask("新能源汽车购置税减免政策是什么")
    assert not answer.answerable and all(c.related for c in answer.citations)


def test_traditional_and_english_questions(qa):
    trad = qa.ask("首輪流片補助多少")
    assert trad.answerable and trad.citations[0].source == ZHENGZHOU_2022 and "40%" in trad.answer
    # cross-lingual through the multilingual embedding (no glossary); English place names are not resolved
    english = qa.ask("What subsidy is given for the first tape-out of a chip?")
    assert english.answerable and english.citations[0].source == ZHENGZHOU_2022 and "40%" in english.answer
    # the answering sentence sits in a long clause whose one vector says little: its own vector finds it
    growth = qa.ask("How much did Zhengzhou's electronic information industry contribute to overall industrial growth in 2021?")
    assert growth.answerable and "71.3%" in growth.answer.split("[1]")[0]


def test_an_answer_stays_with_the_subject_the_question_names(qa):
    """郑科贷 is named in one document, which states its amount but no term: a loan term from another policy's
    clause (智能制造贴息期限最高3年) is about something else."""
    assert "2000万元" in qa.ask("郑科贷最高能贷多少？").answer
    for question in ("郑科贷最长能贷几年？", "郑科贷的贷款期限是多久？"):
        answer = qa.ask(question)
        assert not answer.answerable and "3年" not in answer.answer.split("相关条款")[0], question


def test_a_count_is_not_a_reward_the_corpus_states_in_yuan(qa):
    """The Suzhou plan counts leading talents (400名) but states no reward for them; elsewhere the corpus
    states 奖励 in 万元, so 400名 does not answer 奖励多少."""
    answer = qa.ask("苏州工业园区对集成电路科技领军人才奖励多少？")
    assert not answer.answerable and "400名" not in answer.answer.split("相关条款")[0]


def test_a_question_of_interrogatives_and_places_only_asks_for_what_is_meant(qa):
    for question in ("多少？", "郑州多少？", "由谁"):
        answer = qa.ask(question)
        assert not answer.answerable and not answer.citations and "请写明要问的事项" in answer.answer, question


def test_an_application_deadline_is_not_the_documents_validity(qa):
    """截止 names a deadline (申报, 意见反馈); the clause on tape-out grants states none, and 40%, 500万元 are no date."""
    deadline = qa.ask("郑州首轮流片补助的申报截止日期是哪天？")
    assert not deadline.answerable and "500万元" not in deadline.answer.split("相关条款")[0]
    assert "有效期" in qa.ask("郑州新一代信息技术实施意见的有效期到什么时候？").answer


def test_lapsed_validity_is_stated_with_dates(qa, corpus_dir, model_dir, tmp_path):
    answer = qa.ask("首轮流片补助多少")
    assert any("2025-06-02" in w and "有效期" in w for w in answer.warnings)
    earlier = PolicyQA(corpus_dir, qa.db_dir, model_dir, today=date(2023, 1, 1)).open(progress=False)
    assert not any("有效期" in w for w in earlier.ask("首轮流片补助多少").warnings)


def test_follow_up_is_rewritten_with_the_previous_turn(qa):
    first = qa.ask("首轮流片补助比例是多少")
    follow = qa.ask("上限是多少？", history=[("首轮流片补助比例是多少", first)])
    assert "流片" in follow.rewritten_question
    assert "500万" in follow.answer


def test_empty_and_huge_questions_are_rejected_with_a_message(qa):
    with pytest.raises(InvalidQuestion, match="为空"):
        qa.ask("   ")
    with pytest.raises(InvalidQuestion, match="太长"):
        qa.ask("流片" * 1000)


def test_dev_set_scores(qa):
    report = evaluate(qa, ROOT / "tests" / "dev.jsonl")
    assert report["citation_validity"] == 1.0
    assert report["overall"] >= 11 / 12, [r for r in report["rows"] if not r["correct"]]


def test_rrf_keys_on_chunk_id():
    from index.store import Hit

    fused = rrf([[Hit("a", 0.9, 1), Hit("b", 0.8, 2)], [Hit("b", 5.0, 1), Hit("c", 4.0, 2)]])
    assert max(fused, key=fused.get) == "b"
    assert set(fused) == {"a", "b", "c"}


def test_places_are_found_in_order_longest_name_winning():
    assert find_places("苏州工业园区的政策") == ["苏州工业园区"]
    assert find_places("深圳和上海") == ["深圳", "上海"]


def _cli(*args: str, stdin: str = "", env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)


def test_cli_json_contract(qa, corpus_dir):
    paths = ["--corpus", str(corpus_dir), "--db", str(qa.db_dir)]
    out = _cli("ask", "--json", "首轮流片补助多少", *paths)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) >= {"question", "answer", "answerable", "citations", "warnings", "timings_ms"}
    assert set(obj["citations"][0]) >= {"id", "source", "title", "heading", "quote", "start", "end", "score"}
    lines = _cli("ask", "--jsonl", *paths, stdin="首轮流片补助多少\n\n新能源汽车购置税减免政策是什么\n")
    objs = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [o["answerable"] for o in objs] == [True, False]
    empty = _cli("ask", "", *paths)
    assert empty.returncode == 2 and "为空" in empty.stderr


def test_questions_about_a_document_are_answered_from_its_own_lines(qa):
    issued = qa.ask("郑州市关于加快新一代信息技术的实施意见是什么时候印发的")
    assert issued.answerable and "2022年6月2日" in issued.answer
    assert issued.citations[0].source == ZHENGZHOU_2022 and "2022年6月2日" in issued.citations[0].quote
    proposer = qa.ask("开源芯片产业生态建设的提案是哪位委员提出的")
    assert proposer.answerable and "程伯群" in proposer.citations[0].quote


def test_asking_about_something_the_clause_never_mentions_is_refused(qa):
    answer = qa.ask("湖里区对新入驻集成电路企业的房租补贴标准是多少")
    assert not answer.answerable and all(c.related for c in answer.citations)


def test_garbled_source_text_is_never_quoted(qa):
    suzhou = "004_446eb3355726a05e.txt"
    garbled = [f for f in qa.document(suzhou).flags if f.kind == "mojibake"]
    assert garbled
    answer = qa.ask("苏州工业园区重点领域里的模拟电路和先进封测技术有哪些")
    assert answer.answerable and answer.citations[0].source == suzhou
    for c in answer.citations:
        assert not any(f.start < c.end and c.start < f.end for f in garbled), c.quote
    assert any("乱码" in w for w in answer.warnings)


def test_a_figure_in_a_unit_no_clause_states_is_refused(qa):
    # 003 gives the plant's investment (2亿元) but not its capacity in tonnes
    answer = qa.ask("新郑的电子元件清洗废水污水处理厂日处理能力是多少吨")
    assert not answer.answerable and all(c.related for c in answer.citations)


def test_eval_normalises_facts_like_a_reader_would():
    from qa.evaluate import has_fact

    assert has_fact("给予百分之四十的补助", "40%")
    assert has_fact("不超过５００萬元", "500万")
    assert has_fact("產(chǎn)業規模突破1000億", "1000亿")
    assert not has_fact("不超过300万元", "500万")


def test_the_retriever_plugs_into_langchain(qa):
    docs = qa.pipeline.retriever.invoke("首轮流片补助多少")
    assert docs and docs[0].metadata["source"] == ZHENGZHOU_2022
    assert "流片" in docs[0].page_content


def test_json_answer_carries_the_gate_and_its_reasons(qa):
    answered = qa.ask("首轮流片补助多少").to_dict()
    assert answered["gate"]["answerable"] and answered["gate"]["probability"] >= 0.5
    assert set(answered["gate"]["features"]) >= {"coverage", "answer_sentence", "dense_margin"}
    refused = qa.ask("湖里区对新入驻集成电路企业的房租补贴标准是多少").to_dict()
    assert not refused["answerable"] and refused["gate"]["reasons"]


def test_every_part_of_a_multi_part_question_is_answered(qa):
    answer = qa.ask("首轮流片补助比例是多少？单个企业每年最多补多少？")
    assert answer.answerable
    assert "40%" in answer.answer and "500万" in answer.answer


def test_the_answer_leads_with_the_sentence_that_answers(qa):
    answer = qa.ask("首轮流片补助多少")
    body = [line for line in answer.answer.splitlines() if not line.startswith(("要点", "["))]
    assert "流片" in body[0] and "40%" in body[0]


def test_a_named_edition_year_the_corpus_lacks_is_refused(qa):
    answer = qa.ask("郑州市2019年版的首轮流片补助政策是多少")
    assert not answer.answerable and "2019年" in answer.answer and "40%" not in answer.answer


def test_the_asked_kind_is_judged_part_by_part(qa):
    both = qa.ask("首轮流片补助比例是多少？单个企业每年最多补多少？").to_dict()
    assert both["gate"]["features"]["kind"] == 1.0
    one = qa.ask("首轮流片补助比例是多少？流片补助资金有多少吨？")  # no clause states tonnes
    assert one.to_dict()["gate"]["features"]["kind"] == 0.5
    assert "40%" in one.answer and "“流片补助资金有多少吨”：引用的条款中没有写明" in one.answer


def test_answer_config_is_tuned_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_QA_GATE_THRESHOLD", "0.7")
    monkeypatch.setenv("POLICYQA_QA_DEPTH", "12")
    config = PolicyQA(tmp_path, tmp_path / "db", tmp_path / "model").config
    assert config.gate_threshold == 0.7 and config.depth == 12


def test_the_number_of_a_document_the_corpus_only_cites(model_dir, tmp_path):
    award = "xuchang_mayor_quality_award_2017.txt"  # a 2017 decision citing the 2016 rules by title and 文号
    qa = _one_extra_document(tmp_path, model_dir, award)
    answer = qa.ask("许昌市市长质量奖管理办法是哪个文号？")
    assert answer.answerable and "许政〔2016〕46号" in answer.answer
    assert "许政〔2016〕46号" in answer.citations[0].quote and answer.citations[0].source == award
    assert "许政[2017]16号" not in answer.answer  # the citing decision's own number is not the one asked


def test_a_quoted_name_no_document_writes_is_a_near_miss(qa):
    near = qa.ask("郑州对首轮流片的“芯火计划”企业补助多少？")
    assert not near.answerable and "芯火计划" in near.answer
    assert near.citations and all(c.related for c in near.citations)  # what the corpus does say, cited
    assert qa.ask("郑州对“首轮流片”补助多少？").answerable  # a quoted name the clause writes


def test_another_years_document_does_not_answer_for_the_asked_year(model_dir, tmp_path):
    awards = "henan_cluster_awards_2010.txt"  # 《…表彰2010年度全省产业集聚区发展先进单位的通报》
    qa = _one_extra_document(tmp_path, model_dir, awards)
    assert "200万元" in qa.ask("河南省2010年度产业集聚区发展先进单位每个奖励多少？").answer
    other = qa.ask("河南省2012年度产业集聚区发展先进单位每个奖励多少？")
    assert not other.answerable and "2012年" in other.answer and other.to_dict()["gate"]["veto"]


def test_a_draft_does_not_answer_for_the_adopted_text(model_dir, tmp_path):
    draft = "shengzhou_4173_2023_draft.txt"  # 《2023年嵊州市“4173”…专项政策(征求意见稿)…》, no final beside it
    qa = _one_extra_document(tmp_path, model_dir, draft)
    assert "100万元" in qa.ask("嵊州2023年“4173”专项政策征求意见稿对万亩千亿平台奖励多少？").answer
    final = qa.ask("嵊州2023年“4173”专项政策正式稿对万亩千亿平台奖励多少？")
    assert not final.answerable and "征求意见稿" in final.answer and "100万元" not in final.answer.split("相关条款")[0]
    dated = qa.ask("嵊州2023年“4173”专项政策正式稿是什么时候印发的？")  # a document fact of the adopted text
    assert not dated.answerable and "征求意见稿" in dated.answer


def test_a_place_inside_a_quoted_name_is_part_of_the_name(qa):
    award = qa.trace("对获评“河南省质量标杆”的芯片企业奖励多少？")  # an award's name, not where the asker is
    assert not award.scope.places and not award.scope.uncovered
    assert [p.short for p in qa.trace("郑州对获评“质量标杆”的芯片企业奖励多少？").scope.places] == ["郑州"]
    assert not qa.trace("对获评‘河南省质量标杆’的芯片企业奖励多少？").scope.places  # single quotes too
    titled = qa.trace("《郑州市支持新一代信息技术产业发展若干政策》对流片补助多少？")  # a title names its issuer's place
    assert [p.short for p in titled.scope.places] == ["郑州"]
    headline = qa.trace("《河南日报》那篇“郑州市集成电路产业再上新台阶”的报道是哪天发的？")  # a quoted headline's place inside
    assert [p.short for p in headline.scope.places] == ["郑州"]  # the one named outside says which part of it


def test_words_only_in_the_clause_a_cut_off_document_breaks_off_with_are_a_near_miss(model_dir, tmp_path):
    excerpt = "zhejiang_high_quality_policies_2024.txt"  # ends "…先进制造业基地领域资金8.79亿元,科技创新强基领域"
    qa = _one_extra_document(tmp_path, model_dir, excerpt)
    stated = qa.ask("浙江省级财政2024年给先进制造业基地领域安排了多少资金？")
    assert stated.answerable and "8.79亿元" in stated.answer
    cut = qa.ask("浙江省级财政2024年给科技创新强基领域安排了多少资金？")
    assert not cut.answerable and "中断" in cut.answer and cut.to_dict()["gate"]["veto"]
    assert cut.citations[0].related and cut.citations[0].quote.endswith("科技创新强基领域")
    assert "8.79亿元" not in cut.answer.split("相关条款")[0]


def test_a_figure_question_answered_only_by_a_sentence_that_breaks_off_before_its_figure_is_a_near_miss(
        model_dir, tmp_path):
    excerpt = "shengzhou_4173_2024.txt"  # ends "…支持创建数字化示范园区,对当年"
    qa = _one_extra_document(tmp_path, model_dir, excerpt)
    assert "10万元" in qa.ask("嵊州2024年对当年新增认定省级小微企业园奖励多少？").answer
    cut = qa.ask("嵊州2024年对当年创建的数字化示范园区奖励多少？")
    assert not cut.answerable and "中断" in cut.answer and cut.citations[0].quote.endswith("对当年")
    how = qa.ask("嵊州2024年对创建数字化示范园区的怎么支持？")  # a how question: what follows the cut is missing too
    assert not how.answerable and "中断" in how.answer
    assert qa.ask("嵊州2024年对晋级星级的小微企业园怎么奖励？").answerable  # a complete sentence says how


def test_a_rule_for_a_sibling_of_the_asked_qualifier_is_a_near_miss(model_dir, tmp_path):
    policy = "shengzhou_4173_2024.txt"  # 获三星、四星、五星级小微企业园,分别奖励20万元、40万元、60万元
    qa = _one_extra_document(tmp_path, model_dir, policy)
    stated = qa.ask("嵊州2024年对获评四星级小微企业园奖励多少？")
    assert stated.answerable and "40万元" in stated.answer
    sibling = qa.ask("嵊州2024年对获评二星级小微企业园奖励多少？")
    gate = sibling.to_dict()["gate"]
    assert not sibling.answerable and gate["outright"] and "二星级" in gate["veto"] and "五星级" in gate["veto"]
    assert sibling.citations[0].related and "五星级小微企业园" in sibling.citations[0].quote
    assert "万元" not in sibling.answer.split("相关条款")[0]


def test_a_part_asking_for_a_cap_is_answered_by_the_sentence_stating_the_cap(model_dir, tmp_path):
    policy = "huarong_investment_promotion_awards.txt"  # …投资总额的2‰进行现金奖励。奖金总额不超过50万元。
    qa = _one_extra_document(tmp_path, model_dir, policy)
    answer = qa.ask("华容县“飞地项目”奖，三产业项目按投资总额的多少奖励？奖金总额最高多少？")
    assert answer.answerable and "2‰" in answer.answer and "50万元" in answer.answer
    assert answer.citations[0].title == "岳阳市华容县:招商工作奖励的政策支持"  # a headline led by its place
    skipping = qa.ask("华容县“飞地项目”奖二产业项目按投资总额的多少奖励？总额封顶多少？")
    for c in skipping.citations:  # what an answer line says is its citation's quote, with nothing left out between
        assert f"{c.quote.strip()} [{c.id}]" in skipping.answer, c.quote


def test_a_question_naming_its_documents_year_is_not_answered_from_another_years(model_dir, tmp_path):
    policy = "liuhe_key_industries_2023.txt"  # dated 2023-02-08, no year in its title
    qa = _one_extra_document(tmp_path, model_dir, policy)
    same = qa.ask("柳河县2023年印发的支持重点产业加快发展的实施意见对新列入省级专精特新中小企业奖励多少？")
    assert same.answerable and "10万元" in same.answer
    other = qa.ask("柳河县2021年印发的支持重点产业加快发展的实施意见对新列入省级专精特新中小企业奖励多少？")
    assert not other.answerable and "2021" in other.to_dict()["gate"]["veto"]


def test_a_figure_stated_for_another_target_year_is_a_near_miss(model_dir, tmp_path):
    policy = "shenzhen_basic_research_2019.txt"  # 到2022年,…全社会研发投入占GDP比重达4.28%…; the 2025 paragraph breaks off
    qa = _one_extra_document(tmp_path, model_dir, policy)
    stated = qa.ask("深圳到2022年全社会研发投入占GDP比重要达到多少？")
    assert stated.answerable and "4.28%" in stated.answer
    other = qa.ask("深圳到2025年全社会研发投入占GDP比重要达到多少？")
    veto = other.to_dict()["gate"]["veto"]
    assert not other.answerable and "2022" in veto and "2025" in veto and "4.28%" not in other.answer.split("相关条款")[0]
    report = qa.ask("深圳2019年那份基础研究的文件说到2022年研发投入占GDP比重要达到多少？")  # two years: not one asked
    assert report.answerable and "4.28%" in report.answer


def test_a_year_naming_the_text_is_not_the_year_its_figure_is_for(model_dir, tmp_path):
    qa = _qa_over(tmp_path, model_dir, profile="长春九台经济开发区基本情况简介【2024年1月】\n"
                  "九台经济开发区成立于2003年7月,是吉林省批准设立的省级开发区。\n"
                  "截至2021年底,全区共计签约落位企业646户,其中规上工业企业109户。\n")
    asked = qa.ask("九台经济开发区2024年1月的基本情况简介说签约落位企业有多少户？")  # the profile's year, not the figure's
    assert asked.answerable and "646" in asked.answer


def test_the_document_a_policy_is_based_on_is_the_one_its_drafting_formula_cites(model_dir, tmp_path):
    policy = "tianjin_development_zones_2017.txt"  # 津政办函〔2017〕103号: 为贯彻落实《…若干意见》(国办发〔2017〕7号)
    qa = _one_extra_document(tmp_path, model_dir, policy)
    answer = qa.ask("天津开发区改革和创新发展实施方案是落实哪个文件的？文号多少？")
    assert answer.answerable and "国办发〔2017〕7号" in answer.answer and "103号" not in answer.answer.split("[1]")[0]
    assert "国办发〔2017〕7号" in answer.citations[0].quote
    assert "津政办函〔2017〕103号" in qa.ask("天津开发区改革和创新发展实施方案的文号是多少？").answer  # its own


def test_clauses_indexed_from_a_differently_cleaned_text_do_not_fit_it():
    """`policyqa ask` serves the index as it is: a document whose clauses an older release cut from a
    differently cleaned text waits for the next sync instead of being quoted at wrong offsets."""
    docs, _ = load_corpus(BUNDLED_CORPUS)
    doc = docs[0]
    chunks = chunk_document(doc)
    assert chunks_fit(doc, chunks)
    cut = len(doc.text) // 2
    doc.text = doc.text[:cut] + doc.text[cut + 1:]  # one character fewer, as a joined line break would leave
    assert not chunks_fit(doc, chunks)


@pytest.fixture(scope="module")
def extra_qa(model_dir, tmp_path_factory) -> PolicyQA:
    """The 22 real documents of tests/corpora/policies-extra (other places than the seeds)."""
    return PolicyQA(ROOT / "tests" / "corpora" / "policies-extra", tmp_path_factory.mktemp("extra-db"),
                    model_dir).open(progress=False)


def test_an_amount_the_asker_gives_is_answered_from_the_tier_that_contains_it(extra_qa):
    # huarong: 10亿—50亿元 … 20万元; 50亿—100亿元 … 30万元; 100亿元以上 … 50万元
    answer = extra_qa.ask("华容县引进固定资产投资20亿元的重大项目，提供信息的人能拿多少信息奖？")
    assert answer.answerable and "10亿—50亿元" in answer.citations[0].quote and "20万元" in answer.citations[0].quote


def test_a_parenthetical_after_a_sentence_is_quoted_with_it(extra_qa):
    # shengzhou 2024: "…奖励平台100万元。(责任单位:市发改局)": the unit in charge annotates the sentence before it
    answer = extra_qa.ask("嵊州2024年对新列入省级万亩千亿新产业平台的奖励由哪个部门负责？")
    assert answer.answerable and "(责任单位:市发改局)" in answer.citations[0].quote
    assert "100万元" in answer.citations[0].quote


def test_a_part_the_chosen_clauses_do_not_answer_is_looked_for_in_the_same_document(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "fund.txt",
        "抚州市本级财政专项资金管理办法\n(联系人:抚州市财政局王明,联系电话:0794-8123456)\n"
        "各乡镇人民政府、市有关单位:\n《抚州市本级财政专项资金管理办法》已经市人民政府同意,现印发给你们,请认真贯彻执行。\n"
        "第一条 为规范本级财政专项资金管理,提高财政资金使用效益,制定本办法。\n"
        "第二条 专项资金实行目录清单管理,由市业务主管部门负责管理。\n")
    answer = qa.ask("抚州市本级财政专项资金管理办法有问题要找谁？联系电话是多少？")
    assert answer.answerable and any("0794-8123456" in c.quote for c in answer.citations)
    assert "没有写明" not in answer.answer


def test_a_sentence_about_the_one_before_it_is_quoted_with_it(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "kindergartens.txt",
        "抚州市城镇小区配套幼儿园治理工作方案\n一、工作措施\n"
        "1.摸底排查。各县(区)对城镇小区配套幼儿园情况进行全面摸底排查,分别列出清单、建立台账。该项工作于2025年4月底前完成。\n"
        "2.全面整改。针对排查出的问题逐一进行整改,原则上于2025年6月底前完成。\n")
    answer = qa.ask("抚州市小区配套幼儿园摸底排查什么时候前要完成？")
    assert answer.answerable and "2025年4月底前" in answer.citations[0].quote
    assert "全面摸底排查" in answer.citations[0].quote  # "该项工作" is the 摸底排查 of the sentence before


def test_a_number_is_found_in_digits_or_chinese_numerals_and_the_askers_own_figures_do_not_refuse(
        model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "fuzhou_investment.txt",
        "抚州市招商引资奖励办法\n第一条 为加快招商引资,制定本办法。\n"
        "第二条 对世界五百强企业在本市新设立区域总部的,一次性奖励500万元。\n"
        "第三条 对新引进固定资产投资10亿元以上的工业项目,奖励100万元。\n")
    written = qa.ask("抚州市对世界500强企业设立区域总部奖励多少？")  # the document writes 五百强
    assert written.answerable and "500万元" in written.answer
    assert qa.ask("抚州市引进固定资产投资30亿元的工业项目奖励多少？").answerable  # inside 10亿元以上
    # what the asker says of itself (产值2500万元, 增长15%) is no figure a document must state
    own = qa.ask("抚州市对产值2500万元的世界500强企业设立区域总部奖励多少？")
    assert own.answerable and "500万元" in own.answer


def test_a_later_part_that_leaves_its_subject_to_the_first_is_answered_beside_it(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "holidays.txt",
        "抚州市人民政府办公室关于2027年部分节假日安排的通知\n各县(区)人民政府,市政府各部门:\n"
        "一、元旦:1月1日至3日放假调休,共3天。1月4日(星期日)上班。\n"
        "二、春节:2月6日至12日放假调休,共7天。2月1日(星期一)、2月13日(星期六)上班。\n"
        "三、国庆节:10月1日至7日放假调休,共7天。9月26日(星期日)、10月9日(星期六)上班。\n")
    answer = qa.ask("抚州2027年春节放假几天？哪两天要调休上班？")
    assert answer.answerable and "7天" in answer.answer
    assert "2月1日" in answer.answer and "2月13日" in answer.answer  # beside the 春节 answer, not 元旦's
    assert "2月" not in answer.answer.split("\n")[0]  # the key figures: 2月1日 is a date, not a span of time


def test_a_rule_left_to_a_document_the_corpus_lacks_is_a_near_miss(model_dir, tmp_path):
    measures = ("抚州市关于推动工业经济稳增长的若干措施\n一、支持企业扩大生产\n"
                "(一)对重点物资生产企业稳产扩产的,按《关于鼓励重点物资生产企业稳产扩产的政策措施》执行,不重复享受。\n"
                "(二)对新认定的专精特新中小企业,一次性奖励20万元。\n")
    qa = _seeds_and(tmp_path / "a", model_dir, "measures.txt", measures)
    near = qa.ask("抚州市对重点物资生产企业稳产扩产奖励多少？")
    gate = near.to_dict()["gate"]
    assert not near.answerable and gate["outright"] and "《关于鼓励重点物资生产企业稳产扩产的政策措施》" in gate["veto"]
    assert near.citations and "按《关于鼓励" in near.citations[0].quote  # the referral, cited as related
    (tmp_path / "b").mkdir()
    shutil.copytree(BUNDLED_CORPUS, tmp_path / "b" / "corpus")
    (tmp_path / "b" / "corpus" / "measures.txt").write_text(measures, encoding="utf-8")
    (tmp_path / "b" / "corpus" / "referred.txt").write_text(
        "关于鼓励重点物资生产企业稳产扩产的政策措施\n一、对抚州市重点物资生产企业稳产扩产的,按新增产值的5%给予奖励,最高50万元。\n",
        encoding="utf-8")
    held = PolicyQA(tmp_path / "b" / "corpus", tmp_path / "b" / "db", model_dir).open(progress=False)
    assert held.ask("抚州市对重点物资生产企业稳产扩产奖励多少？").answerable  # the corpus holds the referred document


def test_an_award_of_another_level_of_government_is_a_near_miss(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "awards.txt",
        "抚州市关于促进民营经济发展的若干措施\n一、支持科技创新\n"
        "(一)对获得江西省科学技术进步奖的民营企业,按一等奖、二等奖分别奖励30万元、20万元。\n"
        "(二)对获得国家、省级工信部门认定的新一代信息技术融合发展试点示范项目,奖励50万元。\n"
        "(三)对获评国家、省级“再生资源回收体系典型企业”分别给予最高20万元、10万元的一次性奖励。\n")
    near = qa.ask("抚州市对获得国家科学技术进步奖的民营企业奖励多少？")
    assert not near.answerable and "江西省科学技术" in near.to_dict()["gate"]["veto"]
    assert qa.ask("抚州市对获得省级科学技术进步奖的民营企业奖励多少？").answerable  # 江西省 is the province
    assert qa.ask("抚州市对获得国家级新一代信息技术融合发展试点示范的项目奖励多少？").answerable  # 国家、省级…
    quoted = qa.ask("抚州市对获评市级“再生资源回收体系典型企业”的奖励是多少？")  # a level before a quoted name
    assert not quoted.answerable and quoted.to_dict()["gate"]["outright"]
    assert qa.ask("抚州市对获评省级“再生资源回收体系典型企业”的奖励是多少？").answerable


def test_a_parent_place_written_into_a_name_is_part_of_the_name_not_the_place_asked(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "quality.txt",
        "抚州市关于支持重点产业加快发展的实施意见\n一、支持企业争创质量品牌\n"
        "对年度新获得中国质量奖的,当年给予企业50万元奖励;对获得中国质量奖提名奖的,给予企业20万元奖励。\n")
    assert "50万元" in qa.ask("抚州市临川区对获得中国质量奖的企业奖励多少？").answer
    near = qa.ask("抚州市临川区对获得江西省质量奖的企业奖励多少？")  # 江西省质量奖 is an award, 临川区 the place
    assert not near.answerable and "江西省质量奖" in near.to_dict()["gate"]["veto"]
    assert not any("江西省" in w for w in near.warnings)  # not read as a place the corpus does not cover


def test_a_document_of_a_place_that_has_none_of_its_own_is_not_its_parents(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "region.txt",
        "内蒙古自治区人民政府关于印发自治区2024年推动产业高质量发展政策清单的通知\n内政发〔2024〕6号\n"
        "一、推进农牧业现代化\n1.实施耕地保护与建设行动,积极争取高标准农田建设项目710万亩以上。\n")
    named = qa.ask("鄂尔多斯市2024年推动产业高质量发展政策清单中，争取高标准农田建设项目多少万亩？")
    assert not named.answerable and "鄂尔多斯市2024年推动产业高质量发展政策清单" in named.answer
    parent = qa.ask("鄂尔多斯市争取高标准农田建设项目多少万亩？")  # no document named: the parent's rule, labelled
    assert parent.answerable and "710万亩" in parent.answer and "内蒙古自治区" in parent.answer
    facts = qa.ask("鄂尔多斯市推动产业高质量发展的实施意见是哪天印发的？文号是多少？")  # its own, asked by its facts
    assert not facts.answerable and "内政发〔2024〕6号" not in facts.answer
    both = qa.ask("鄂尔多斯市和郑州市分别争取高标准农田建设项目多少万亩？")  # a section answered by the parent's rule says so
    section = next(part for part in both.answer.split("【") if part.startswith("内蒙古自治区鄂尔多斯市"))
    assert "710万亩" in section and "说明：" in section and "内蒙古自治区" in section.split("说明：")[1]
    undated = qa.ask("内政发〔2024〕6号是哪天印发的？")  # named by its 文号, which states no date
    assert not undated.answerable and "没有写明印发日期" in undated.answer


def test_the_document_a_policy_repeals_is_the_one_its_repeal_formula_cites(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "list.txt",
        "抚州市人民政府关于印发2024年推动产业高质量发展政策清单的通知\n抚府发〔2024〕6号\n各县(区)人民政府:\n"
        "现将《2024年推动产业高质量发展政策清单》印发给你们,请认真抓好落实。"
        "《抚州市人民政府关于印发2023年推动产业高质量发展政策清单的通知》(抚府发〔2023〕3号)同时废止。\n"
        "抚州市人民政府\n2024年1月21日\n")
    answer = qa.ask("抚州市印发2024年政策清单时，同时废止了哪个文件？文号多少？")
    assert answer.answerable and "抚府发〔2023〕3号" in answer.answer and "同时废止" in answer.citations[0].quote
    assert "抚府发〔2024〕6号" not in answer.answer.split("[1]")[0]  # not its own number


def test_a_figure_stated_for_another_run_of_years_is_a_near_miss(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "fund.txt",
        "抚州市关于支持高新区开发建设的政策意见\n一、加大资金支持\n"
        "(一)设立高新区开发建设专项资金,2013年一2017年,由市政府和区政府按7:3的比例,每年筹集10亿元,用于开发建设。\n")
    assert "10亿元" in qa.ask("抚州市2015年每年给高新区筹集多少开发建设专项资金？").answer  # inside the run
    other = qa.ask("抚州市2018年至2022年每年给高新区筹集多少开发建设专项资金？")
    veto = other.to_dict()["gate"]["veto"]
    assert not other.answerable and "2013—2017" in veto and "2018—2022" in veto


def test_a_grant_asked_of_passages_that_state_no_grant_is_a_near_miss(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "park.txt",
        "西藏白朗:高原上的现代化瓜果蔬菜产业园\n如今白朗县把发展万亩有机果蔬作为重点,2018年白朗县新建高效温室大棚"
        "4200亩,计划今年种植面积超过1万亩,预计产值达4亿元。\n园区已吸纳当地群众就业1200余人。\n")
    assert "4200亩" in qa.ask("白朗县2018年新建了多少亩温室大棚？").answer
    grant = qa.ask("白朗县新建蔬菜大棚，政府每座大棚补贴多少钱？")
    assert not grant.answerable and "没有提到任何补贴" in grant.to_dict()["gate"]["veto"]
    assert "4亿元" not in grant.answer.split("相关条款")[0]
    how = qa.ask("白朗县对新建蔬菜大棚的企业怎么补贴？")  # how a grant is paid, of passages stating none
    assert not how.answerable and "没有提到任何补贴" in how.to_dict()["gate"]["veto"]


def test_the_day_a_page_was_posted_is_answered_when_the_page_is_asked_about(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "plan.txt",
        "泉州市洛江区人民政府关于印发洛江区国民经济和社会发展第十四个五年规划纲要的通知\n时间: 2021-08-02 10:56\n"
        "泉洛政文〔2021〕25号\n各乡镇人民政府,区直有关单位:\n《洛江区国民经济和社会发展第十四个五年规划纲要》已经区人民代表"
        "大会批准,现印发给你们,请认真组织实施。\n泉州市洛江区人民政府\n2021年7月26日\n")
    posted = qa.ask("洛江区十四五规划纲要的印发通知，在区政府网站上是哪天挂出来的？")
    assert posted.answerable and "2021-08-02" in posted.answer and "7月26日" not in posted.answer
    issued = qa.ask("洛江区十四五规划纲要的印发通知是哪天印发的？")  # the notice's own date, not the page's
    assert issued.answerable and "2021年7月26日" in issued.answer and "08-02" not in issued.answer
    both = qa.ask("洛江区十四五规划纲要的印发通知，网页上标的发布时间是哪天？落款日期又是哪天？")
    assert "2021-08-02" in both.answer and "2021年7月26日" in both.answer


def test_how_many_chapters_a_law_has_and_what_one_is_called_are_read_from_its_headings(model_dir, tmp_path):
    law = ("某省促进中小企业发展条例\n第一章 总则\n第一条 为了促进中小企业发展,制定本条例。\n"
           "第二章 融资促进\n第二条 县级以上人民政府应当推动中小企业融资。\n"
           "第三章 附则\n第三条 本条例自2023年3月1日起施行。\n")
    qa = _qa_over(tmp_path, model_dir, law=law)
    both = qa.ask("《某省促进中小企业发展条例》一共分几章？第二章讲什么？")
    assert both.answerable and "共3章" in both.answer and "融资促进" in both.answer
    assert any(c.quote == "第三章 附则" for c in both.citations)
    # a copy that breaks off, with no table of contents and no 附则, does not say how many chapters the law has
    from corpus.pipeline import load_document
    from qa.compose import _chapters_answered
    (tmp_path / "cut.txt").write_text(law.split("第三章")[0] + "第三章 创业扶持\n第三条 县级以上人民政府应当", encoding="utf-8")
    cut = load_document(tmp_path / "cut.txt")
    assert [t for t, _ in _chapters_answered(parse_question("一共分几章？第三章讲什么？"), cut)] == ["第三章：创业扶持"]


def test_the_source_a_page_names_is_a_document_fact(model_dir, tmp_path):
    qa = _qa_over(tmp_path, model_dir, news="云南孟连推进边境经济合作区建设\n2023-05-26 02:22:05来源: 人民网\n"
                  "日前,孟连边境经济合作区挂牌成立,为全面推进孟连县经济社会高质量发展打牢基础。\n来源:普洱日报\n")
    source = qa.ask("孟连边境经济合作区挂牌的那篇报道，来源是哪家媒体？")
    assert source.answerable and "人民网" in source.answer and source.citations[0].quote.endswith("人民网")
    first = qa.ask("孟连边境经济合作区挂牌的那篇报道，文末注明最初来源是哪家报纸？")  # the source a repost names last
    assert first.answerable and "普洱日报" in first.answer and "人民网" not in first.answer


def test_a_heading_that_states_the_asked_figure_may_be_quoted(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "measures.txt",
        "抚州市临川区稳定经济运行的若干政策措施\n为稳定经济运行,结合区实际,制定下列措施。\n一、财税政策(9项)\n"
        "1.全面落实增值税留抵退税政策。\n2.全面落实研发费用加计扣除政策。\n二、金融政策(5项)\n1.加大普惠小微贷款支持力度。\n")
    answer = qa.ask("抚州市临川区稳定经济运行的若干政策措施中,财税政策共有几项？")
    assert answer.answerable and "9项" in answer.answer and "9项" in answer.citations[0].quote


def test_a_part_asking_about_the_text_beside_a_part_asking_a_document_fact_is_answered_from_that_document(
        model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "measures.txt",
        "抚州市人民政府关于印发若干政策措施的通知\n抚府规〔2024〕5号\n各县(区)人民政府:\n"
        "《若干政策措施》已经市政府第46次常务会议审议通过,现印发给你们,请认真组织实施。\n抚州市人民政府\n2024年11月11日\n")
    answer = qa.ask("抚州市人民政府关于印发若干政策措施的通知的文号是什么？是经市政府第几次常务会议审议通过的？")
    assert answer.answerable and "抚府规〔2024〕5号" in answer.answer and "第46次" in answer.answer


def test_the_addressees_and_the_signature_date_of_a_notice_are_document_facts(model_dir, tmp_path):
    policy = "hengyang_enterprise_awards_2021.txt"  # 各县市区人民政府,市直机关各单位,驻衡国省属单位: … 2021年9月2日
    qa = _one_extra_document(tmp_path, model_dir, policy)
    sent = qa.ask("衡阳优化企业奖补投入的实施意见是发给哪些单位的？")
    assert sent.answerable and "主送机关" in sent.answer and "各县市区人民政府" in sent.citations[0].quote
    signed = qa.ask("衡阳优化企业奖补投入的实施意见落款日期是哪天？")
    assert signed.answerable and "2021年9月2日" in signed.answer


def test_a_question_counting_documents_gets_each_ones_fact(model_dir, tmp_path):
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind5/shandong_yantai_economy_2024.txt",
                             "policies-blind5/shandong_yantai_vitality_2024.txt")
    answer = qa.ask("烟台2024年的两份政策措施分别是什么时候印发的？")
    assert answer.answerable and "2024年2月8日" in answer.answer and "2024年10月30日" in answer.answer
    assert {c.source for c in answer.citations} == {"shandong_yantai_economy_2024.txt", "shandong_yantai_vitality_2024.txt"}
    editions = _one_extra_document(tmp_path / "editions", model_dir, "policies-blind8/wenzhou_economy_2024_trad.txt",
                                   "policies-blind8/wenzhou_economy_2025.txt")
    both = editions.ask("温州推动经济高质量发展若干政策的2024年那版和2025年版分别是哪天印发的？")  # two editions named
    assert both.answerable and "2024年2月23日" in both.answer and "2025年2月8日" in both.answer
    copies = _one_extra_document(tmp_path / "copies", model_dir, "policies-blind56/shandong_private_economy_awards_2021_news.txt",
                                 "policies-blind56/shandong_private_economy_awards_2021_news_trad.txt")
    dated = copies.ask("山东三项奖励政策的两篇转载稿分别是哪天发布的？")  # the head noun's count (两篇), not 三项's
    assert dated.answerable and "2021年2月25日" in dated.answer and "2021年2月26日" in dated.answer
    drafts = _one_extra_document(tmp_path / "drafts", model_dir, "policies-blind64/henan_private_economy_regulation_2025_draft.txt",
                                 "policies-blind64/henan_private_economy_regulation_2025_justice_draft_trad.txt")
    both = drafts.ask("河南民营经济促进条例的两份征求意见稿分别是哪天发布的？")  # the drafts asked are the documents counted
    assert both.answerable and "2025年7月1日" in both.answer and "2025年9月2日" in both.answer


def test_a_sibling_is_no_near_miss_when_another_sentence_states_the_asked_value(model_dir, tmp_path):
    # 今后3年…销售收入年均增长20%以上 (江苏), beside 未来十五年 in another document (渝中)
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind5/jiangsu_suzhong_2013.txt",
                             "policies-blind5/chongqing_yuzhong_plan14_2021.txt")
    answer = qa.ask("苏中未来三年战略性新兴产业销售收入年均增长多少？")
    assert answer.answerable and "20%" in answer.answer


def test_a_joint_signature_is_quoted_whole_and_a_fact_the_named_document_lacks_is_refused(model_dir, tmp_path):
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind7/shanghai_pudong_commerce_fund_2025.txt",
                             "policies-blind6/guizhou_digital_workpoints_2026.txt")
    joint = qa.ask("浦东新区商务高质量发展专项资金使用管理办法是哪两个部门印发的？")
    assert joint.answerable and "浦东新区财政局" in joint.citations[0].quote and "商务委员会" in joint.citations[0].quote
    unnumbered = qa.ask("《数智贵州建设2026年工作要点》的文号是什么？")  # a copy that states no 文号
    assert not unnumbered.answerable and "没有写明文号" in unnumbered.answer


def test_the_number_of_a_document_the_question_quotes_is_the_cited_ones(model_dir, tmp_path):
    """邱县's draft cites 《…关于印发<邯郸市支持民营经济发展十二条政策措施>的通知》(邯字〔2019〕1号); the county's copy
    states no number of its own, and the quoted name is the cited document's."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind18/hebei_handan_qiuxian_private_economy_draft_nd.txt")
    answer = qa.ask("邱县这份征求意见稿引用的《邯郸市支持民营经济发展十二条政策措施》，文号是什么？")
    assert answer.answerable and "邯字〔2019〕1号" in answer.answer


def test_the_documents_a_policy_is_based_on_one_asked_by_name_or_several(model_dir, tmp_path):
    """A 文号 asked of the document named after 依据的 is the cited one's, under a 政策依据 heading too; 哪两个文件
    gets every document of the drafting formula."""
    qa = _seeds_and(tmp_path, model_dir, "town.txt",
                    "关于印发《泗泾镇关于推进经济高质量发展的若干措施》的通知\n各村委会:\n一、政策依据\n"
                    "《松江区关于支持先进制造业发展的若干意见》(沪松府规〔2025〕14号)等相关文件。\n二、支持措施\n"
                    "为落实《省人民政府关于推动设备更新的通知》(省政发〔2024〕7号)、《市人民政府关于推动设备更新的实施方案》"
                    "(市政发〔2024〕10号)具体要求,对首次升规的工业企业奖励5万元。\n")
    named = qa.ask("泗泾镇推进经济高质量发展的若干措施所依据的松江区支持先进制造业的若干意见，文号是多少？")
    assert named.answerable and "沪松府规〔2025〕14号" in named.answer
    both = qa.ask("泗泾镇这份若干措施是落实哪两个文件的？文号各是多少？")
    assert both.answerable and "省政发〔2024〕7号" in both.answer and "市政发〔2024〕10号" in both.answer


def test_a_question_about_two_editions_is_answered_for_each(model_dir, tmp_path):
    """2018年版…2020年版…分别: one section per edition, neither refused as "another year's document"."""
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, folder)
    for year, rate, cap in ((2018, "1%", "100万元"), (2020, "2%", "200万元")):
        (folder / f"suining{year}.txt").write_text(
            f"遂宁市人民政府关于印发《遂宁市促进制造业发展的若干政策》的通知\n遂府发〔{year}〕3号\n"
            f"一、对实施技术改造项目且当年购置设备金额达到1000万元及以上的,按购置金额的{rate}、最高不超过{cap}给予补助。\n",
            encoding="utf-8")
    qa = PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)
    answer = qa.ask("遂宁2018年版和2020年版的政策，技改购置设备最高分别补助多少万元？")
    assert answer.answerable and "【2018年】" in answer.answer and "【2020年】" in answer.answer
    assert "100万元" in answer.answer and "200万元" in answer.answer


def test_a_document_named_by_what_it_carries_out_is_asked_its_own_number():
    """落实…政策的实施方案，文号: the implementing plan's own number; 所依据的…若干意见，文号 and 根据哪份文件: its basis's."""
    def fields(text: str) -> list[str]:
        return asked_fields(parse_question(text))
    assert fields("柯城区那份承接落实推动经济高质量发展若干政策的实施方案，文号和成文日期是什么？") == ["doc_number", "date"]
    assert fields("上海市政府贯彻国务院建设国际金融中心意见的那份实施意见，文号是多少？") == ["doc_number"]
    assert fields("四川省经信厅落实“推动经济持续回升向好若干政策措施”的那个工业领域工作细则，文号是多少？") == ["doc_number"]
    assert "basis" in fields("洞泾镇若干措施所依据的松江区支持先进制造业的若干意见，文号是多少？")
    assert "basis" in fields("武威市贯彻落实甘肃省支持科技创新若干措施的实施方案，依据的省委办公厅文件文号是多少？")


def test_a_quoted_document_is_not_the_one_whose_title_carries_it_out(tmp_path, model_dir):
    """《天津市推动制造业高质量发展若干政策措施》是哪个单位印发的: the measures (their copies), not the zone's rules
    关于进一步落实天津市推动…措施的实施细则 (real documents of policies-blind111)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    source = Path(__file__).parent / "corpora" / "policies-blind111"
    for name in ("tianjin_manufacturing_measures_2023.txt", "tianjin_manufacturing_measures_2023_trad.txt",
                 "tianjin_bonded_zone_manufacturing_rules_2025.txt"):
        shutil.copy(source / name, folder / name)
    qa = PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)
    answer = qa.ask("《天津市推动制造业高质量发展若干政策措施》是哪个单位印发的？落款日期是哪天？")
    assert answer.answerable and "2025年11月28日" not in answer.answer
    assert {c.source for c in answer.citations} <= {"tianjin_manufacturing_measures_2023.txt",
                                                    "tianjin_manufacturing_measures_2023_trad.txt"}


def test_a_document_is_asked_its_facts_before_a_text_written_on_it(tmp_path, model_dir):
    """方正县…奖励办法是哪个单位印发的: the 通知 issuing it, not 《…的通知》政策解读, the county's explanation of it (the
    real documents of policies-blind112)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in (Path(__file__).parent / "corpora" / "policies-blind112").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    qa = PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)
    answer = qa.ask("方正县促进民营企业高质量发展奖励办法是哪个单位印发的？文号和印发日期是什么？")
    assert answer.answerable and "方政办规〔2020〕3号" in answer.answer
    assert {c.source for c in answer.citations} == {"heilongjiang_harbin_fangzheng_private_enterprise_awards_2020.txt"}


def test_who_drafted_and_what_a_numbered_document_is_are_document_facts():
    assert asked_fields(parse_question("这份实施意见由谁牵头起草？")) == ["issuer"]
    assert asked_fields(parse_question("这份规划纲要是哪个单位编制的？")) == ["issuer"]
    assert asked_fields(parse_question("滨政字〔2024〕4号是一份什么文件？")) == ["title"]
    assert asked_fields(parse_question("晋市政办〔2025〕4号印发的是什么方案？")) == ["title"]
    assert asked_fields(parse_question("这项补贴是什么文件规定的，补多少？")) == []
    assert asked_fields(parse_question("公布这部条例的常委会公告是第几号？")) == ["doc_number"]  # an announcement's number
    assert asked_fields(parse_question("这个条例是国务院令第幾號？")) == ["doc_number"]
    assert asked_fields(parse_question("想提意见，该找谁、打什么电话？")) == ["contact", "contact_person"]
    assert asked_fields(parse_question("公开征求意见，意见最晚要在哪天之前提交？")) == ["comment_until"]
    assert asked_fields(parse_question("想提建议，发邮件的话发到哪个邮箱？")) == ["email"]
    assert asked_fields(parse_question("区政府哪天落款？")) == ["date"]
    from qa.compose import _ADOPTED, _DRAFTED
    assert _DRAFTED.search("加快把秀山高新区创成市级高新区,秀山高新区管委会牵头起草了《实施意见》。").group(1) == "秀山高新区管委会"
    assert not _DRAFTED.search("我局起草了《鹰潭市农业产业化高质量发展若干政策措施》")  # first person: the signature says who
    assert _ADOPTED.search("《汝州市招商引资若干支持政策》已经市政府第21次常务会研究通过,现印发给你们")


def test_the_signature_date_is_answered_when_the_page_carries_another(model_dir, tmp_path):
    """落款 asks the date under the signature (2020年3月), not the page's 发布日期; a date the text writes 2025年02月23日
    or breaks over lines is shown as one date, its line quoted as written."""
    qa = _seeds_and(tmp_path, model_dir, "plan.txt",
                    "孝感高新区国民经济和社会发展第十四个五年规划纲要\n发布日期:2022-05-24\n"
                    "一、发展基础\n全区规模以上工业总产值突破500亿元。\n孝感高新技术产业开发区管理委员会\n2020年3月\n")
    signed = qa.ask("孝感高新区十四五规划纲要是哪个单位编制的，落款写的是什么时候？")
    assert signed.answerable and "落款日期：2020年3月" in signed.answer and "孝感高新技术产业开发区管理委员会" in signed.answer
    page = qa.ask("孝感高新区十四五规划纲要是哪天发布的？")
    assert page.answerable and "2022年5月24日" in page.answer and "2022-05-24" in page.citations[0].quote
    broken = _seeds_and(tmp_path / "broken", model_dir, "notice.txt",
                        "顺义区关于印发《促进高精尖产业发展实施意见》的通知\n各镇人民政府:\n现将《实施意见》印发给你们,请认真贯彻执行。\n"
                        "北京市顺义区人民政府\n2018\n年\n9\n月\n8\n日\n")
    answer = broken.ask("顺义区促进高精尖产业发展实施意见的落款日期是哪天？")
    assert answer.answerable and "2018年9月8日" in answer.answer and "日" in answer.citations[0].quote


def test_a_copy_naming_no_place_may_answer_for_an_uncovered_place_with_a_caution(model_dir, tmp_path):
    """A copy cut from its heading (我市…) never says where it is from: a question naming a place no document covers
    is answered from it, saying it may or may not be that place's; a place another document covers is not."""
    qa = _seeds_and(tmp_path, model_dir, "cut.txt",
                    "2.保障民营企业平等地位。对具备相应行业资质的民营企业,参与我市政府主导重大建设项目,不得设置初始业绩门槛。\n"
                    "3.降低用地成本。民营企业新建工业项目的土地出让底价按工业用地最低价标准的70%确定。\n")
    unplaced = qa.ask("朔州市的民营企业参与政府主导的重大建设项目，能不能设置初始业绩门槛？")
    assert unplaced.answerable and unplaced.citations[0].source == "cut.txt"
    assert any("没有写明发文地区" in w and "朔州" in w for w in unplaced.warnings)
    covered = qa.ask("郑州市首轮流片补助多少？")  # 郑州 has its own documents: the unplaced copy is not among them
    assert all(c.source != "cut.txt" for c in covered.citations)


def test_documents_listed_before_a_fact_asked_of_each_get_each_ones_fact(model_dir, tmp_path):
    """…的政策意见和…的政策措施，文号分别是什么: each listed document is found by its own description."""
    from qa.pipeline import _documents_listed
    assert _documents_listed("淄博2022年政策清单（第一批）和威海2022年政策清单（第一批）分别是哪天签发的") == [
        "淄博2022年政策清单（第一批）", "威海2022年政策清单（第一批）"]
    assert _documents_listed("新认定国家级和省级制造业创新中心分别奖补多少") == []
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, folder)
    (folder / "a.txt").write_text("海安市人民政府关于加快新型工业化发展的若干政策意见\n海政规〔2023〕3号\n"
                                  "一、对首次入选国家级制造业领航企业名单的企业给予50万元奖励。\n", encoding="utf-8")
    (folder / "b.txt").write_text("海安市人民政府关于加快推动科技创新和产业创新融合发展的若干政策措施\n海政规〔2026〕2号\n"
                                  "一、对新认定的省级创新联合体给予100万元支持。\n", encoding="utf-8")
    qa = PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)
    answer = qa.ask("海安市2023年加快新型工业化的政策意见和2026年科技创新与产业创新融合的政策措施，文号分别是什么？")
    assert answer.answerable and "海政规〔2023〕3号" in answer.answer and "海政规〔2026〕2号" in answer.answer


def test_a_comment_deadline_whose_year_and_month_marks_were_lost_is_read_as_written():
    from qa.compose import _COMMENT_UNTIL
    m = _COMMENT_UNTIL.search("有关意见建议请于202297日前通过以下方式反馈我们")
    assert m and (m.group("a") or m.group("b") or m.group("c")) == "202297日"


def test_a_question_after_the_place_whose_rule_it_is_gets_the_place_with_its_line(model_dir, tmp_path):
    qa = _seeds_and(tmp_path, model_dir, "danyang.txt",
                    "丹阳市关于鼓励外商投资企业利润再投资的实施办法\n"
                    "一、对以未分配利润转增注册资本达3000万美元以上的,其外国企业所得税地方留成部分100%返还给企业。\n")
    answer = qa.ask("镇江下面哪个县级市对外资企业用未分配利润转增注册资本给所得税返还？")
    assert answer.answerable and "地区：江苏省镇江市丹阳市" in answer.answer
    assert any("丹阳市" in c.quote for c in answer.citations) and any("100%" in c.quote for c in answer.citations)


def test_a_one_chunk_document_is_measured_against_the_corpus(model_dir, tmp_path):
    """A scope of one short document has no pool of its own to stand out from: its dense margin is taken against
    the corpus's nearest chunks, so an English question about it is not refused for want of a margin."""
    text = ("绵阳市人民政府关于印发《绵阳市制造业高质量发展行动方案》的通知\n绵府发〔2023〕9号\n"
            "到2025年,全市规模以上工业增加值年均增长8%,制造业占规模以上工业比重达到60%以上。\n")
    qa = _seeds_and(tmp_path, model_dir, "mianyang_plan.txt", text)
    trace = qa.trace("What share of above-scale industry should manufacturing reach in Mianyang by 2025?")
    assert trace.doc_ids == {"mianyang_plan.txt"} and len(trace.found.candidates) < 3
    assert trace.found.dense_margin > 0
    answer = qa.ask("What share of above-scale industry should manufacturing reach in Mianyang by 2025?")
    assert answer.answerable and "60%" in answer.answer


def test_a_copy_of_the_named_document_answers_what_the_named_copy_lacks(model_dir, tmp_path):
    """Two copies of one notice: the dated one carries the entry-into-force field, the undated repost carries the
    number the asker quotes and runs further. The number names the repost; its copy states the date, and the
    repost's later article is still found (it is no older version)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "dated.txt").write_text("北京市石景山区人民政府关于印发本区促进软件产业发展支持办法的通知\n发布时间:2019-03-20\n"
                                      "【发文字号】石行规发[2016]7\n【实施日期】2016.05.01\n各街道办事处,区政府各部门:\n石景山区促进软件产业发展支持办法\n"
                                      "第一条 为促进软件产业发展,制定本办法。\n北京市石景山区人民政府\n2016年4月1日\n", encoding="utf-8")
    (folder / "repost.txt").write_text("石景山区促进软件产业发展支持办法\n石行规发[2016]7号\n第一条 为促进软件产业发展,制定本办法。\n"
                                       "第二条 本办法由区商务委负责组织实施。\n", encoding="utf-8")
    qa = PolicyQA(folder, tmp_path / "db", model_dir).open(progress=False)
    assert "2016.05.01" in qa.ask("石行规发[2016]7号这份支持办法什么时候开始实施？").answer
    assert "区商务委" in qa.ask("石景山区软件产业支持办法由哪个部门组织实施？").answer


def test_a_label_line_chosen_to_answer_is_quoted_with_the_paragraph_it_heads(model_dir, tmp_path):
    """1、 新建总部企业 / 按…的70%奖励企业。: the label names the subject, the sentence below it the rule."""
    qa = _qa_over(tmp_path, model_dir, zone=(
        "某某示范区投资政策\n二、 奖励与服务\n对新引进项目的奖励\n1、 新建总部企业\n"
        "按企业年度实际形成县本级财政收入的70%奖励企业,用于企业发展和科技创新,奖励按季度结算。\n2、 新建工业企业\n"
        "从纳税之日起,前三年100%奖励企业,后三年50%奖励投资企业。\n"))
    head = qa.ask("某某示范区对新建总部企业怎么奖励？")
    assert head.answerable and "70%" in head.answer and "新建总部企业" in head.citations[0].quote
    assert "100%" in qa.ask("某某示范区对新建工业企业怎么奖励？").answer


def test_a_question_writing_a_documents_title_names_it_and_its_missing_fields_are_said_to_be_missing(model_dir,
                                                                                                     tmp_path):
    """某市促进…若干政策措施的文号和印发日期是什么: the title is written out, so the document is named; it states neither
    field, so the answer says so instead of quoting a clause about something else."""
    qa = _qa_over(tmp_path, model_dir, measures=(
        "某某市促进经济稳中有进推动全面转型高质量发展若干政策措施\n一、持续推动财税政策加力提效\n"
        "1.对小型微利企业按照50%税额幅度减征资源税、城市维护建设税,执行期限至2024年12月31日。\n"
        "2.对新升规工业企业给予一次性奖励10万元。\n"))
    named = qa.ask("某某市促进经济稳中有进推动全面转型高质量发展若干政策措施的文号和印发日期是什么？")
    assert not named.answerable and "没有写明文号" in named.answer and "没有写明印发日期" in named.answer
    assert "10万元" in qa.ask("某某市对新升规工业企业奖励多少？").answer


def test_the_asked_level_is_looked_for_with_the_whole_thing_it_qualifies(model_dir, tmp_path):
    """国家级企业技术中心: a 国家级 elsewhere before some other 企业 does not state the rule; the sentence that names
    企业技术中心 writes 省级和市级 in its place, a sibling rule."""
    qa = _qa_over(tmp_path, model_dir, dingxi=(
        "某某市工业产业扶持政策\n一、支持企业升级\n对新认定的国家级专精特新小巨人企业,每户奖励20万元。\n"
        "二、支持创建各类平台\n对新认定的省级和市级企业技术中心分别奖励20万元、5万元。\n"))
    sibling = qa.ask("某某市对新认定的国家级企业技术中心奖励多少？")
    assert not sibling.answerable and "国家级企业技术中心" in sibling.answer
    assert qa.ask("某某市对新认定的省级企业技术中心奖励多少？").answerable


def test_which_place_is_shown_from_the_first_sentence_naming_it_when_the_title_does_not(model_dir, tmp_path):
    """A news copy whose headline and issuer name no place: the place is cited from the first sentence that does."""
    qa = _qa_over(tmp_path, model_dir, town=(
        "三聚焦跑出项目投资加速度\n2024-11-15来源:苍溪县陵江镇人民政府\n今年以来,镇主要负责同志带头赴成都、重庆等地开展招商5次,"
        "成功招引项目5个,到位市外资金8297万元。\n"))
    answer = qa.ask("三聚焦跑出项目投资加速度的那个镇属于哪个县？到位市外资金多少？")
    assert answer.answerable and "地区：四川省广元市苍溪县" in answer.answer
    assert any("苍溪" in c.quote for c in answer.citations) and "8297万元" in answer.answer


def test_which_zone_is_shown_with_the_line_naming_it(model_dir, tmp_path):
    """哪个开发区…排第3位: the sentence ranking it names no zone; the answer shows the zone with its title line."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind102/liaoning_chaoyang_lingyuan_edz_2020_news_trad.txt")
    answer = qa.ask("辽宁哪个开发区的规模以上工业产值在2019年达到221.35亿元？")
    assert answer.answerable and "凌源" in answer.answer and any("凌源" in c.quote for c in answer.citations)


def test_a_sentence_naming_the_asked_year_among_others_answers_for_it(model_dir, tmp_path):
    """2024年至2026年…,到2024年年底总量达到7000亿元,到2026年年底突破万亿元: a question about 2024 is answered from it,
    not refused as another year's figure because 2026 is the last year the sentence names."""
    qa = _qa_over(tmp_path, model_dir, opinion=(
        "某某省关于进一步加强招商引资工作的意见\n一、总体要求\n——引资规模不断扩大。2024年至2026年,全省招商引资到位资金年均增长15%以上,"
        "到2024年年底总量达到7000亿元,到2026年年底突破万亿元大关。\n"))
    answer = qa.ask("某某省到2024年年底招商引资到位资金总量要达到多少？")
    assert answer.answerable and "7000亿元" in answer.answer


def test_a_reports_page_date_is_not_the_issue_date_of_the_measure_it_reports(model_dir, tmp_path):
    """重奖招商功臣!某某市出台22条措施招大商 / 2023/05/25 17:17: asked when the measures were issued, the answer says the
    report gives only its own date; asked when the report came out, it gives that date."""
    qa = _qa_over(tmp_path, model_dir, news=(
        "重奖招商功臣!某某市出台22条措施招大商\n2023/05/25 17:17 来源:新甘肃\n"
        "近日,某某市出台促进招商引资若干措施,对引进重大项目的招商功臣给予重奖,最高奖励100万元。\n"))
    issued = qa.ask("某某市促进招商引资若干措施的印发日期是什么？")
    assert not issued.answerable and "报道" in issued.answer
    assert "2023" in qa.ask("这篇招商功臣的报道是哪天发布的？").answer


def test_a_notice_issuing_its_text_is_no_report_though_its_title_ends_in_no_kind_word(model_dir, tmp_path):
    """《某某市推动经济稳中求进若干政策举措》…现予印发: the notice is the measures' own, its date their issue date."""
    qa = _qa_over(tmp_path, model_dir, notice=(
        "某某市推动经济稳中求进若干政策举措\n《某某市推动经济稳中求进若干政策举措》业经市政府常务会议审议通过,现予印发,请认真贯彻执行。\n"
        "某某市人民政府办公室\n2024年5月31日\n一、对新升规工业企业给予一次性奖励10万元。\n"))
    assert "2024年5月31日" in qa.ask("某某市推动经济稳中求进若干政策举措是哪天印发的？").answer


def test_a_towns_place_line_says_where_it_lies(model_dir, tmp_path):
    """A town's report titled by the town alone (陵江镇“三聚焦”…): the place is cited from a line naming its county too."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind45/sichuan_guangyuan_cangxi_lingjiang_town_investment_2024.txt")
    answer = qa.ask("陵江镇属于哪个县？这个镇到位市外资金多少？")
    assert answer.answerable and "8297万元" in answer.answer and any("苍溪" in c.quote for c in answer.citations)


def test_the_congress_that_approved_a_plan_is_the_meeting_asked(model_dir, tmp_path):
    """A plan's outline is approved (批准), not adopted: (2021年1月20日…人民代表大会第七次会议批准) under its title, or
    已经…人大五次会议审查批准 in the notice issuing it."""
    qa = _seeds_and(tmp_path, model_dir, "plan.txt",
        "某某区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n( 2021 年 1 月 20 日某某区第六届\n"
        "人民代表大会第七次会议批准 )\n“十四五”时期是全面建设社会主义现代化国家新征程的第一个五年。\n")
    answer = qa.ask("某某区十四五规划纲要是由哪次人民代表大会会议批准的？")  # read as the document's fact, labelled
    assert answer.answerable and "审议通过：" in answer.answer and "第七次会议" in answer.answer
    notice = _seeds_and(tmp_path / "notice", model_dir, "notice.txt",
        "某某州人民政府关于印发某某州十四五规划纲要的通知\n某府发〔2021〕4号\n各县人民政府:\n"
        "《某某州十四五规划纲要》已经州十二届人大五次会议审查批准,现印发,请认真组织实施。\n某某州人民政府\n2021年3月23日\n")
    answer = notice.ask("某某州十四五规划纲要是经过哪次会议审查批准的？")
    assert answer.answerable and "审议通过：" in answer.answer and "十二届人大五次会议" in answer.answer
    law = _seeds_and(tmp_path / "law", model_dir, "law.txt",
        "某某省中小企业促进条例\n(2007年5月24日某某省第十届人民代表大会常务委员会第二十八次会议通过 根据2022年7月28日某某省"
        "第十三届人民代表大会常务委员会第三十二次会议修正)\n第一条 为改善中小企业经营环境,制定本条例。\n")
    answer = law.ask("某某省中小企业促进条例最早是在第几次会议上通过的？")  # the adoption note goes on with its amendments
    assert answer.answerable and "审议通过：" in answer.answer and "第二十八次会议" in answer.answer


def test_a_date_asked_by_the_pages_own_field_label_is_quoted_from_that_field(model_dir, tmp_path):
    """成文日期 asked where the page's field block states 成文日期: 2019-08-19 and the signature below reads 2019819日
    (its separators lost): the field is the clearer quote."""
    qa = _seeds_and(tmp_path, model_dir, "wuhu.txt",
        "发布机构: 某某市人民政府 成文日期: 2019-08-19\n文  号: 某政〔2019〕36号\n某某市人民政府关于印发某某市扶持产业发展政策"
        "(2019年)的通知\n各县区人民政府:\n现将《某某市扶持产业发展政策(2019年)》印发给你们,请认真贯彻执行。\n某某市人民政府\n"
        "2019819日\n")
    answer = qa.ask("《某某市扶持产业发展政策(2019年)》的成文日期是哪天？")
    assert answer.answerable and "2019-08-19" in answer.citations[0].quote


def test_a_passage_is_quoted_from_the_copy_in_the_askers_script(tmp_path, model_dir):
    """One law in a simplified and a traditional copy: a question in simplified Chinese quotes the simplified copy,
    one in traditional script the traditional copy."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind78/heilongjiang_sme_promotion_regulation_2022.txt",
                             "policies-blind78/heilongjiang_sme_promotion_regulation_2022_trad.txt")
    simplified = qa.ask("黑龙江促进中小企业发展条例所称中小企业是指哪些企业？")
    assert simplified.answerable and simplified.citations[0].source.endswith("2022.txt")
    assert "依法设立" in simplified.answer
    trad = qa.ask("黑龍江促進中小企業發展條例所稱中小企業是指哪些企業？")
    assert trad.answerable and trad.citations[0].source.endswith("_trad.txt")


def test_a_document_fact_is_quoted_from_the_copy_in_the_askers_script(tmp_path, model_dir):
    """The 施行日期 of a law held in both scripts (versions of one policy with its draft), asked in English: the
    simplified copy is quoted."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind77/henan_business_environment_regulation_2025.txt",
                             "policies-blind77/henan_business_environment_regulation_2025_trad.txt",
                             "policies-blind77/henan_business_environment_regulation_2020_draft.txt")
    answer = qa.ask("From what date does Henan's revised Regulation on Optimizing the Business Environment take effect?")
    assert answer.answerable and "2026" in answer.answer
    assert [c.source for c in answer.citations] == ["henan_business_environment_regulation_2025.txt"]


def test_each_part_of_a_question_is_answered_by_the_passage_naming_it_best(tmp_path, model_dir):
    """光伏电站…？加氢站…？ with a policy on the one and a news report on the other: the second part is answered from
    the report's 加氢站 sentence, not from the policy's 最高补贴 clause, which names only its cap word."""
    qa = _qa_over(tmp_path, model_dir, solar=(
        "舟山市人民政府关于支持光伏产业发展的若干措施\n一、对新建光伏电站按装机容量每千瓦补贴200元，单个项目最高补贴300万元。\n"
        "二、对光伏组件生产企业新增投资给予5%补助。\n三、光伏电站并网后连续三年给予电价补贴。\n舟山市人民政府\n2024年3月1日\n"),
        news=("舟山新闻网讯 近日，舟山市召开能源工作会议，部署全年能源保供工作。会议指出，要加快新型能源体系建设，推动港口岸电"
              "改造。会上介绍，今年全市将新建加氢站3座，对新建加氢站按设备投资额的30%给予补助，最高补助500万元。会议还要求各县区"
              "做好迎峰度夏准备。\n"))
    answer = qa.ask("舟山对新建光伏电站按装机容量每千瓦补贴多少钱？新建加氢站最高补助多少？")
    assert answer.answerable and "200元" in answer.answer and "500万元" in answer.answer
    assert {c.source for c in answer.citations} == {"solar.txt", "news.txt"}


def test_a_parents_passage_about_a_sibling_does_not_answer_for_the_asked_place(tmp_path, model_dir):
    """A city's compilation of its counties' rules: 宜黄县 is answered by none of them (the 南城县 line is 南城's rule),
    while 南城县 itself is answered."""
    qa = _qa_over(tmp_path, model_dir, fuzhou=(
        "抚州市及各县区关于高新技术企业奖励优惠政策汇总\n抚州市人民政府\n2025年7月28日\n"
        "南城县：对新认定的国家高新技术企业给予一次性15万元奖励，重新认定的给予5万元奖励。\n"))
    sibling = qa.ask("宜黄县对新认定的国家高新技术企业奖励多少？")
    assert not sibling.answerable and "南城" in sibling.answer
    own = qa.ask("南城县对新认定的国家高新技术企业奖励多少？")
    assert own.answerable and "15万元" in own.answer


def test_where_to_send_comments_is_read_from_the_draft_when_the_adopted_text_ranks_first(model_dir, tmp_path):
    """Asked where comments on a revised regulation go, the adopted text ranks first but states no such thing: the
    draft of the same policy, which called for the comments, answers (in Chinese and in English)."""
    qa = _one_extra_document(tmp_path, model_dir, "policies-blind99/guizhou_sme_promotion_regulation_2022.txt",
                             "policies-blind99/guizhou_sme_promotion_regulation_2022_draft.txt",
                             "policies-blind99/guizhou_sme_promotion_regulation_2022_draft_trad.txt")
    phone = qa.ask("贵州中小企业促进条例修订的联系电话是多少？")
    assert phone.answerable and "0851-86865661" in phone.answer and "draft" in phone.citations[0].source
    mail = qa.ask("Where could comments on the revised Guizhou SME Promotion Regulation be e-mailed?")
    assert mail.answerable and "2518400249@qq.com" in mail.answer
