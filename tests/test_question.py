"""Question parsing and figure reading: general word classes, not per-question lists."""

from __future__ import annotations

from dataclasses import replace

from qa.figures import (
    asked_figures,
    brackets,
    expected_units,
    figures,
    states_asked_kind,
    states_identifier,
    within_bracket,
)
from qa.question import parse_question, quoted_names, quoted_spans, split_parts
from qa.terms import match


def test_content_words_drop_form_words_and_keep_the_subject():
    q = parse_question("请问我们公司首轮流片补助多少")
    assert {"首轮", "流片", "补助"} <= set(q.terms)
    assert not {"我们", "多少"} & set(q.terms)
    assert q.asks == "quantity" and q.wants_figure


def test_a_level_of_government_with_the_locative_is_a_place_word_not_a_term():
    for word in ("县里", "镇里", "市里", "区里"):  # jieba tags 市里 a place word (s) but 县里 a noun
        assert word not in parse_question(f"{word}能补贴多少").terms


def test_places_are_not_terms():
    q = parse_question("郑州市首轮流片补助多少", places=("郑州市",))
    assert "郑州市" not in q.terms and "郑州" not in q.terms


def test_asked_unit_and_cap_are_read_from_the_question():
    assert parse_question("培育了多少家企业").unit == "家"
    assert parse_question("年产能达到多少吨").unit == "吨"
    assert parse_question("补助比例是多少").unit == "%"
    assert parse_question("最高能补多少").wants_cap
    assert not parse_question("补助比例是多少").wants_cap


def test_how_much_money_asks_an_amount_in_yuan():
    q = parse_question("企业初次被认定为专精特新“小巨人”，省里奖励多少钱？")
    assert q.unit == "元"
    assert states_asked_kind(q, "一次性奖励50万元")
    assert not states_asked_kind(q, "培育专精特新“小巨人”企业30户以上,数量增长20%")  # counts and rates are no money


def test_kinds_of_question():
    assert parse_question("有效期几年").asks == "duration"
    assert parse_question("什么时候开始申报").asks == "date"
    assert parse_question("由哪个部门负责").asks == "which"
    assert parse_question("How much is the subsidy for a first tape-out?").asks == "quantity"
    assert parse_question("How much is the subsidy for a first tape-out?").crosslingual


def test_multi_part_questions_are_split_at_each_interrogative_clause():
    assert split_parts("开工和投产各拿多少比例？最高补助多少？") == ("开工拿多少比例", "投产拿多少比例", "最高补助多少")
    assert len(split_parts("补助多少，上限是多少")) == 2
    assert len(split_parts("对首次进入百强的企业奖励多少")) == 1
    assert len(parse_question("计划建立多大尺寸的加工能力，搭建什么样的体系？").parts) == 2  # search form: "," too


def test_figures_carry_their_role():
    roles = {(f.role, f.text) for f in figures("对投资1亿元以上的项目给予10%的补助，最高5000万元")}
    assert roles == {("门槛", "1亿元"), ("比例", "10%"), ("上限", "5000万元")}
    assert [f.text for f in figures("培育200余家企业，建设3个平台")] == ["200余家", "3个"]
    assert figures("2019年3月5日印发") == ()  # dates are not figures an answer leads with
    # a number the asker quotes as a name is what it asks about, not an answer: “两重”; a quoted count may be asked
    named = parse_question("“两重”政策资金有多少？")
    assert [f.text for f in asked_figures(named, "发挥10.27亿元“两重”政策资金撬动作用")] == ["10.27亿元"]
    counted = parse_question("招标投标要严格执行几个「不得」？")
    assert [f.text for f in asked_figures(counted, "严格执行“六个不得”")] == ["六个"]
    major = parse_question("集成电路产业聚焦几大主赛道？")  # 几大: how many major items, 六大 answers
    assert major.unit == "大" and [f.text for f in asked_figures(major, "聚焦六大主赛道及两大特色领域、7大领域")] == ["六大", "两大", "7大"]
    assert figures("聚焦六大主赛道") == ()  # to any other question 六大 is a name's part, not a figure
    minor = parse_question("这份政策意见共有几大类几小项？")  # 几小项: how many minor items, 二十小项 answers
    assert minor.unit == "小" and [f.text for f in asked_figures(minor, "共计九大类二十小项具体意见")] == ["二十小"]
    tonnes, firms = parse_question("年产能多少吨"), parse_question("培育多少家企业")
    assert asked_figures(tonnes, "年产10万吨") and not asked_figures(firms, "年产10万吨")
    named = parse_question("在重庆做食品的，市里那个黄金十条能奖多少？")  # 十条 names the policy the asker means
    text = "重庆出台“黄金十条政策”。对新授予的中华老字号等,最高给予200万元奖励。"
    assert [f.text for f in asked_figures(named, text)] == ["200万元"]
    served = parse_question("我在临港上班满5年了，参保年限能缩短到几年？")  # a span of time may be asked and stated alike
    assert "5年" in [f.text for f in asked_figures(served, "工作满5年的人员,持证及参保年限可缩短至5年。")]


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


def test_ranges_and_time_words_glued_to_a_number_are_figures():
    assert [(f.text, f.unit) for f in figures("在2—3年内调整到位", with_dates=True)] == [("2—3年", "年")]
    assert [(f.text, f.unit) for f in figures("按5～10万元给予补助")] == [("5～10万元", "元")]
    assert [f.text for f in figures("应当在3年内完成", with_dates=True)] == ["3年"]
    assert not figures("支持创建一批青年创业见习基地,培育一个示范园区")  # 一 + a measure word: the indefinite article
    assert [f.text for f in figures("入围两家,奖励一千万元")] == ["两家", "一千万元"]
    for span in ("3年", "6个月", "48小时"):  # every unit of time is a date figure, kept only when asked
        assert not figures(f"应当在{span}内完成") and figures(f"应当在{span}内完成", with_dates=True), span


def test_a_time_question_accepts_any_unit_of_time_but_not_a_calendar_year():
    days = parse_question("采购货物后多少天内要付款？")
    assert days.unit == "天"  # 天内 is one word for jieba: its first character is the unit
    assert [f.text for f in asked_figures(days, "付款期限最长不得超过60日")] == ["60日"]
    assert asked_figures(days, "2019年起施行") == []
    assert [f.text for f in asked_figures(parse_question("分几年调整到位"), "在2—3年内调整到位")] == ["2—3年"]
    clause = "承诺五年内不迁出本县的外来投资企业"  # jieba tags 五年 a time word, 三年 a numeral: both are spans
    assert [f.text for f in asked_figures(parse_question("承诺几年内不迁出？"), clause)] == ["五年"]
    english = parse_question("For how many years must an enterprise promise not to move out of the county?")
    assert english.asks == "duration" and [f.text for f in asked_figures(english, clause)] == ["五年"]


def test_which_ones_is_not_how_many():
    q = parse_question("前期工作主要包括哪几个工作环节？")
    assert q.asks == "which" and not q.unit and not q.wants_figure
    assert parse_question("培育了几家企业").unit == "家"


def test_spoken_amounts_are_read_as_documents_write_them():
    assert "10亿" in parse_question("今年工业销售头一回过了10个亿，能给多少奖金").terms
    assert "500万" in parse_question("投资五百万以上的项目补多少").search
    assert "2000万元" in parse_question("两千万元以上的项目").search
    assert "千万不要" in parse_question("千万不要错过申报").search  # a bare magnitude, no number said
    assert "800万" in parse_question("今年升级改造投了800多万买新设备，能补贴多少").terms  # an approximate amount
    assert "20亿" in parse_question("营收20多个亿的企业奖励多少").search
    assert "5亿" in parse_question("工业总产值5个多亿，比上年涨了25%左右，能奖多少").terms  # 多 after 个
    assert "27亿" in parse_question("固定资产投资能做到27个亿左右，按什么比例奖").terms
    assert "左右" not in parse_question("比上年涨了25%左右，能奖多少").terms  # an approximate rate is the asker's


def test_numbers_are_never_stop_words():
    assert "10" in parse_question("第10条规定了什么").terms  # the ISO list holds "10"


def test_codes_are_told_from_figures():
    assert states_identifier("联系电话:0750-7821612") and states_identifier("20250616号提案")
    assert not states_identifier("2019年印发，第12条")


def test_quoted_names_are_chinese_names_and_codes():
    assert quoted_names("对新上榜“浙江制造精品”和《某某办法》的企业") == ("浙江制造精品", "某某办法")
    assert quoted_names("瓯海区的“1+5+16”产业政策") == ("1+5+16",)
    assert quoted_names('What is the "Zhengkedai" rate?') == ()  # a translation no document writes
    assert quoted_names('Under Qujiang\'s "30 new industrial policies", how much?') == ()  # a translation, with a number
    assert quoted_names('What does the "5G+" plan fund?') == ("5G+",)  # a code
    spans = quoted_spans("对‘单项冠军’和《某某办法》", titles=False)
    assert [m.group(1) for m in spans] == ["单项冠军"]  # a place scoper masks names, not titles


def test_the_interrogative_decides_what_is_asked_before_a_quantity_noun():
    assert (parse_question("抽查比例有没有上限").asks, parse_question("抽查比例有没有上限").unit) == ("yesno", "")
    assert parse_question("补助比例怎么确定").asks == "how"
    dated = parse_question("降低失业保险费率的政策执行到什么时候")  # a rate it names, a date it asks
    assert (dated.asks, dated.unit) == ("date", "")
    assert parse_question("补助比例是什么").unit == "%" and parse_question("首轮流片补助比例").unit == "%"
    english = parse_question("Under the 2019 opinion, is there a ceiling on the sampling ratio?")
    assert english.asks == "yesno" and not english.wants_figure


def test_the_language_of_a_question_is_that_of_most_of_its_words():
    mixed = parse_question('What is the maximum fee rate for "Zhengkedai" (郑科贷) technology loans?')
    assert mixed.crosslingual and mixed.asks == "quantity"
    assert not parse_question("MEMS传感器首轮流片补助多少").crosslingual  # Chinese, with a Latin acronym


def test_the_asked_kind_of_fact_is_one_definition():
    when = parse_question("摸底排查什么时候前完成？")
    assert states_asked_kind(when, "该项工作于2019年4月底前完成") == 1.0
    assert states_asked_kind(when, "切实把摸底排查落到实处") == 0.0
    assert states_asked_kind(parse_question("联系电话是多少"), "联系电话:0750-7821612") == 1.0
    assert states_asked_kind(parse_question("由哪个部门负责"), "加强组织领导") == 1.0  # nothing specific asked


def test_the_last_interrogative_of_a_clause_asks_and_earlier_ones_modify():
    rate = parse_question("绩效奖励前几年按多少比例？")
    assert (rate.asks, rate.unit) == ("quantity", "%")  # 几年 says which years; 多少比例 is asked
    assert (parse_question("几年内补助多少？").asks, parse_question("几年内补助多少？").unit) == ("quantity", "")
    assert parse_question("贴息期限是多少？").asks == "duration"  # a noun naming the figure decides
    assert parse_question("有效期几年？").unit == "年" and parse_question("几月几日截止？").asks == "date"
    assert parse_question("意见反馈截止到哪天？联系电话多少？").asks == "date"  # each clause asks its own


def test_an_amount_the_asker_gives_falls_in_the_bracket_a_document_states():
    tiers = "投资在10亿—50亿元(不含50亿元)的,奖励20万元;在50亿—100亿元的,奖励30万元;100亿元以上的,奖励50万元"
    assert brackets("3000万元—1亿元(不含1亿元)的,5～10万元") == ((3e7, 1e8), (5e4, 1e5))  # 5～10万: the low end is 5万
    assert within_bracket("60亿", tiers) and within_bracket("120亿", tiers) and not within_bracket("5亿", tiers)
    assert not within_bracket("9", "5—10万元")  # a bare number (an ordinal, part of a 文号) is not an amount
    assert match("60亿", "在50亿—100亿元的,奖励30万元") == 1.0
    assert within_bracket("3000万", "奖励投资额在1000万――5000万元人民币以内的项目")  # a doubled horizontal bar


def test_a_count_right_after_an_interrogative_is_part_of_it_not_the_focus():
    assert "两天" not in parse_question("哪两天要调休上班？").focus
    assert "调休" in parse_question("哪两天要调休上班？").focus


def test_the_unit_of_a_bare_how_much_is_read_from_the_evidence():
    question = parse_question("引导基金的规模是多少？")
    evidence = ["设立产业引导基金,规模50亿元。", "子基金规模不低于10亿元,其中社会资本占比不低于60%。",
                "母基金规模20亿元。", "电子信息产业增加值增长23.9%。"]
    units = expected_units(question, evidence, min_figures=3, min_share=0.3)
    assert units == ("元",)  # sentences naming 规模 state it in 亿元 (3 of 4 figures); 23.9% is not next to it
    assert [f.text for f in asked_figures(replace(question, units=units), "增长23.9%,规模50亿元")] == ["50亿元"]
    assert expected_units(question, evidence[:1], min_figures=3, min_share=0.3) == ()  # too little to say
    # too little in the evidence: the rest of the corpus says what the noun is counted in, if mostly one unit
    rewarded = parse_question("对新认定的高新技术企业奖励多少？")
    targets = ["到2023年,培育高新技术企业600家、研发机构200家。"]  # no figure of 奖励 in the evidence
    corpus = ["对首次认定的企业奖励20万元。", "给予一次性奖励50万元。", "奖励10万元,其中5%用于团队。", "奖励30万元。"]
    assert expected_units(rewarded, targets, 3, 0.2, lambda noun: corpus, 0.5) == ("元",)
    mixed = ["奖励20万元。", "奖励5家。", "奖励10%。", "奖励3项。"]  # no unit it is mostly counted in
    assert expected_units(rewarded, targets, 3, 0.2, lambda noun: mixed, 0.5) == ()


def test_words_written_together_are_paired_with_the_word_they_qualify():
    assert ("省级", "单项") in parse_question("对首次列入省级单项冠军示范企业奖励多少").pairs
    assert ("突破", "100亿") in parse_question("年销售收入首次突破100亿元的企业").pairs  # a value after its verb
    assert ("基金", "三期") in parse_question("新郑市电子信息产业基金三期规模是多少", ("新郑市",)).pairs
    assert not any("新郑市" in pair for pair in parse_question("新郑市基金规模", ("新郑市",)).pairs)  # places are not words


def test_who_bears_a_duty_is_not_who_issued_the_document():
    from qa.compose import asked_fields

    assert asked_fields(parse_question("跨国界水体污染防治由谁承担支出责任？")) == []
    assert asked_fields(parse_question("这个办法是由谁印发的？")) == ["issuer"]


def test_a_date_question_is_answered_by_a_time_not_by_an_amount():
    dated = parse_question("申报截止日期是哪天？")
    assert asked_figures(dated, "补助40%,单个企业每年补助总额不超过500万元") == []
    assert [f.text for f in asked_figures(dated, "2024年3月8日前报送")] != []


def test_a_word_jieba_only_guessed_is_a_term_only_where_the_corpus_writes_it():
    text = "对环境公用设施，一律采用公开招标或竞争性谈判方式确定特许经营方或委托运营方。郑科贷单户最高可贷500万元。"
    question = "委托运营方要通过什么方式选定？郑科贷最高能贷多少？"
    assert {"方要", "能贷"} <= set(parse_question(question).terms)  # jieba's HMM joins 方+要, 能+贷
    q = parse_question(question, writes=lambda w: w in text)
    assert not {"方要", "能贷"} & set(q.terms + q.focus)
    assert {"委托", "运营", "方式", "最高"} <= set(q.terms)  # dictionary words stay whether written or not
    assert all(not {"方要", "能贷"} & set(part.terms) for part in map(q.part, q.parts))  # parts read alike
    assert "方要" in parse_question(question, writes=lambda w: True).terms  # a guess the corpus writes stays


def test_the_parts_of_a_date_are_not_spans_of_time():
    q = parse_question("春节放假几天？")
    assert [f.text for f in asked_figures(q, "2月6日至12日放假调休,共7天。")] == ["7天"]
    assert asked_figures(q, "2月1日(星期一)、2月13日(星期六)上班。") == []
    assert [f.text for f in asked_figures(parse_question("补贴期限几年？"), "补贴期限3年。")] == ["3年"]


def test_a_date_listed_beside_the_document_number_is_the_documents_date():
    from qa.compose import asked_fields

    assert asked_fields(parse_question("指挥部印发《关于振作工业经济的政策措施》的文号和日期是什么?")) == ["doc_number", "date"]
    assert asked_fields(parse_question("这份通知的日期、文号是什么？")) == ["doc_number", "date"]
    assert asked_fields(parse_question("这份通知的文号是什么？")) == ["doc_number"]


def test_a_cap_asked_in_a_unit_is_not_answered_by_a_threshold_in_that_unit():
    q = parse_question("对设备投资500万元以上的技改项目,奖励最高不超过多少万元?")
    assert q.wants_cap and asked_figures(q, "对设备投资500万元以上的技改项目,给予不超过6%的奖励") == []
    assert [f.text for f in asked_figures(q, "对设备投资500万元以上的技改项目,最高奖励200万元")] == ["200万元"]


def test_an_article_or_demonstrative_with_its_measure_word_is_not_a_term():
    q = parse_question("我们是一家工业企业,按县里那份措施能拿多少奖励?")
    assert not {"一家", "那份"} & set(q.terms) and {"工业", "企业", "措施", "奖励"} <= set(q.terms)
    assert "一起" in parse_question("嵊政办〔2025〕9号一起印发了哪些政策？").terms  # 一起 (together) is no article
    assert "两家" in parse_question("两家企业各奖励多少").terms  # a count stays


def test_what_the_asker_says_of_itself_is_not_what_it_asks():
    from qa.question import without_own_statements
    own = "我们厂在安徽,2018年出过一次重大生产安全事故,还能申报2019年制造强省那批资金奖补吗?"
    assert "2018" not in without_own_statements(own) and "2019年" in without_own_statements(own)
    described = "烟台2024年出了两份稳经济的政策措施,分别是什么时候印发的?"  # no first person: every clause counts
    assert without_own_statements(described) == described
    named = "我们想问2023年出台的实施意见,对专精特新奖励多少?"  # a clause naming a document is asked about
    assert "2023年" in without_own_statements(named)


def test_an_a_not_a_question_asks_yes_or_no_and_its_verb_pair_is_no_term():
    for text, term in (("之前做的项目能不能享受？", "享受"), ("两项补贴可不可以叠加？", "叠加")):
        q = parse_question(text)
        assert q.asks == "yesno" and term in q.terms and "不能" not in q.terms and "不可" not in q.terms
    assert parse_question("不得不说的补贴政策是多少").asks == "quantity"  # 不得不 is no A-not-A question


def test_a_drafts_comment_deadline_and_telephone_are_document_facts():
    from qa.compose import asked_fields

    assert asked_fields(parse_question("征求意见到哪天截止？有意见打哪个电话？")) == ["comment_until", "contact"]
    assert asked_fields(parse_question("这份征求意见稿是哪个部门起草的？意见征求到哪天？")) == ["issuer", "comment_until"]
    assert asked_fields(parse_question("申报截止日期是哪天？")) == []  # a rule's deadline is asked of its text
    assert asked_fields(parse_question("闽政办〔2024〕25号是哪个单位发的？")) == ["issuer"]
    assert asked_fields(parse_question("这份政策举措是谁发的，哪天发的？")) == ["date", "issuer"]
    assert asked_fields(parse_question("规划纲要落款是哪个单位、哪一天？")) == ["date", "issuer"]  # the signature
    assert asked_fields(parse_question("这两份文件的标题分别叫什么？")) == ["title"]
    assert asked_fields(parse_question("这个奖项叫什么？")) == []  # an award's name is asked of the text
    assert asked_fields(parse_question("郑州制定的集成电路产业发展行动方案叫什么？")) == []  # a plan it mentions
    assert asked_fields(parse_question("这份规划是哪个部门作为发布机构挂出来的？")) == ["publisher"]  # not the issuer


def _document(tmp_path, name: str, text: str):
    """A document of `text`, loaded as the corpus stage loads a file."""
    from corpus.pipeline import load_document

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_a_drafts_comment_deadline_and_telephone_are_quoted_from_its_notice(tmp_path):
    from corpus.pipeline import load_document
    from qa.compose import compose_about_document

    doc = _document(tmp_path, "draft.txt", "关于公开征求《某市制造业扶持措施(征求意见稿)》意见的公告\n为扶持企业发展,我局起草了该措施。"
                    "公众所提意见请通过信件或电子邮件等方式于2022年12月19日前反馈至某市工业和信息化局。\n"
                    "联系电话:0631-5201388\n某市工业和信息化局\n2022年12月12日\n")
    answer = compose_about_document(parse_question("征求意见到哪天截止？有意见打哪个电话？"), doc, lambda _: [], 1.0)
    assert answer is not None and answer.answerable
    assert "2022年12月19日" in answer.answer and "0631-5201388" in answer.answer
    assert [c.quote for c in answer.citations][1] == "联系电话:0631-5201388"
    period = tmp_path / "period.txt"
    period.write_text("某高新区实施意见(征求意见稿)\n公开征求意见时间:2025年11月7日-12月7日\n", encoding="utf-8")
    answer = compose_about_document(parse_question("意见征求到哪天？"), load_document(period), lambda _: [], 1.0)
    assert answer is not None and "12月7日" in answer.answer.split("[1]")[0]
    trad = tmp_path / "trad.txt"
    trad.write_text("關于公開征求《某市若干政策措施(征求意見稿)》意見的公告\n此次公開征求意見時間為2024年7月11日至2024年8月10日。\n",
                    encoding="utf-8")
    answer = compose_about_document(parse_question("意见征求到哪天截止？"), load_document(trad), lambda _: [], 1.0)
    assert answer is not None and "2024年8月10日" in answer.answer.split("[1]")[0]


def test_a_count_asked_with_its_measure_word_is_stated_with_a_qualifier_after_it():
    q = parse_question("到2025年要培育几个千亿级产业集群？")
    text = "到2025年,培育形成2个千亿级产业集群,力争用6个月完成"
    assert [f.text for f in asked_figures(q, text)] == ["2个千亿级"]  # not the 6个月 of a time span


def test_a_sub_question_keeps_the_clauses_before_it_and_a_stated_rate_is_not_asked():
    from qa.question import split_parts

    q = "我们公司在宜昌，今年第一次纳入规上统计，能拿多少奖励？要是进规后连续两年营收都涨15%以上，还能再拿多少？"
    assert split_parts(q) == ("我们公司在宜昌，今年第一次纳入规上统计，能拿多少奖励", "要是进规后连续两年营收都涨15%以上，还能再拿多少")
    assert split_parts("流片补助多少，设计补助多少") == ("流片补助多少", "设计补助多少")
    assert parse_question("要是营收涨15%以上，还能再拿多少").unit == ""  # 15% is the asker's condition
    assert parse_question("按多少%补助").unit == "%" and parse_question("补贴比例是多少").unit == "%"


def test_whether_a_document_is_adopted_or_a_draft_is_a_document_fact(tmp_path):
    from corpus.pipeline import load_document
    from qa.compose import asked_fields, compose_about_document
    from qa.gate import draft_instead

    asked = parse_question("这份实施办法是正式印发的，还是还在征求意见？")
    assert asked_fields(asked) == ["status"] and asked_fields(parse_question("现在是正式文件吗？")) == ["status"]
    assert asked_fields(parse_question("征求意见稿对设备更新项目补助多少？")) == []
    assert "status" in asked_fields(parse_question("这份措施是正式印发的文件吗？由哪个单位起草？"))  # 正式 qualifies a noun
    assert asked_fields(parse_question("这份实施意见是正式印发稿还是什么版本？")) == ["status"]  # 正式印发 + 稿
    assert asked_fields(parse_question("海盐县贯彻浙江省《若干政策》承接落实方案的文号是什么？")) == ["doc_number"]  # its own:
    # 落实方案 is a kind of document, not the drafting formula's verb
    own = "南开区人民政府关于印发南开区落实天津市科技创新三年行动计划(2020-2022年)工作方案的通知"  # its title holds 落实…方案
    assert asked_fields(parse_question("南开区落实天津市科技创新三年行动计划工作方案的文号是什么？"), (own,)) == ["doc_number"]
    assert "basis" in asked_fields(parse_question("南开区这份方案是落实天津市哪个行动计划的？文号是什么？"), (own,))
    assert asked_fields(parse_question("规划纲要第一篇的标题是什么？")) == []  # a heading of its text, not its title
    assert asked_fields(parse_question("规划要推动哪几个县一体化发展？")) == []  # 发展, not 发 (sent to)
    assert asked_fields(parse_question("这份政策是哪两个省级部门印发的？")) == ["issuer"]  # a level before 部门
    english = parse_question("Which body issued the opinions on supporting Haixi, and on what date were they posted?")
    assert asked_fields(english) == ["issuer", "date"]
    assert asked_fields(parse_question("What is the document number of Bayannur's 2023 notice?")) == ["doc_number"]
    assert asked_fields(parse_question("By what date should comments on the draft plan be sent?")) == []  # a deadline
    assert "status" not in asked_fields(parse_question("贷款贴息征求意见稿里就有吗？正式版贴多少？"))  # the content
    path = tmp_path / "draft.txt"
    path.write_text("某镇推动产业转型升级实施办法(征求意见稿)\n第一条 为推动产业转型升级,制定本办法。\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.meta.is_draft and not draft_instead(asked, doc)  # asking the status is no question about the final text
    answer = compose_about_document(asked, doc, lambda _: [], 1.0)
    assert answer is not None and "征求意见稿，尚未正式印发" in answer.answer and "征求意见稿" in answer.citations[0].quote


def test_the_meeting_that_adopted_a_document_is_a_document_fact(tmp_path):
    from corpus.pipeline import load_document
    from qa.compose import asked_fields, compose_about_document

    asked = parse_question("某县“十四五”规划纲要是哪天由哪次人代会通过的？")
    assert asked_fields(asked) == ["adopted"]
    assert asked_fields(parse_question("是市政府第几次常务会议通过的？")) == ["adopted"]
    assert asked_fields(parse_question("是哪天印发的？经过区政府第几次常务会同意？")) == ["date", "adopted"]  # 同意: as the
    assert asked_fields(parse_question("新闻里说是几月几号印发的？")) == ["date"]  # adoption formula says it; 几月几号: 哪天
    path = tmp_path / "plan.txt"
    path.write_text("(2021年1月18日某县第十七届人民代表大会\n第六次会议通过)\n目 录\n第一篇 发展的基础和环境\n", encoding="utf-8")
    answer = compose_about_document(asked, load_document(path), lambda _: [], 1.0)
    assert answer is not None and "2021年1月18日" in answer.answer and "第六次会议通过" in answer.citations[0].quote
    notice = tmp_path / "notice.txt"
    notice.write_text("某市人民政府关于印发某市若干政策的通知\n《某市若干政策》已经市政府七届28次常务会议讨论通过,现印发给你们。\n",
                      encoding="utf-8")
    answer = compose_about_document(asked, load_document(notice), lambda _: [], 1.0)
    assert answer is not None and "七届28次常务会议" in answer.answer.split("[1]")[0]
    trad = tmp_path / "trad.txt"
    trad.write_text("營口市人民政府關于印發《營口市推動經濟穩中求進若干政策舉措》的通知\n"
                    "《營口市推動經濟穩中求進若干政策舉措》業經2024年5月14日第十七屆市政府第47次常務會議和5月22日"
                    "第十三屆市委第118次常委會會議審議通過,現印發給你們。\n", encoding="utf-8")
    shown = compose_about_document(asked, load_document(trad), lambda _: [], 1.0).answer.split("[1]")[0]
    assert "第47次" in shown and "经济稳中求进" not in shown  # the 经 of 经济 starts no adoption note
    announced = tmp_path / "announced.txt"  # a congress's announcement: 已由…会议于<date>通过,现予公布
    announced.write_text("某省人民代表大會常務委員會\n公告第78號\n《某省促進民營經濟發展若干規定》已由某省第七屆人民代表大會常務"
                         "委員會第十九次會議于2025年7月30日通過,現予公布,自公布之日起施行。\n", encoding="utf-8")
    shown = compose_about_document(asked, load_document(announced), lambda _: [], 1.0).answer.split("[1]")[0]
    assert "第十九次会议于2025年7月30日通过" in shown


def test_a_place_before_a_level_word_leaves_the_level_a_term():
    """湖北省级首台(套): 湖北 is the place, 省级 qualifies 首台 (a near-miss beside 国家首台)."""
    q = parse_question("宜昌对纳入湖北省级首台(套)重大技术装备的产品奖励多少？", ("宜昌", "湖北省"))
    assert "省级" in q.terms and ("省级", "首台") in q.pairs
    assert "市级" in parse_question("郑州市级财政补助多少", ("郑州市",)).terms


def test_a_clause_asking_the_same_of_several_subjects_is_one_part_each():
    """X和Y分别/各…多少 asks each subject; a modifier pair shares the last subject's head; a conjunction inside a
    quoted name, or a clause without a distributive word, stays whole."""
    assert split_parts("对地区生产总值和规模以上工业增加值各定了多少增速目标？") == (
        "对地区生产总值定了多少增速目标", "规模以上工业增加值定了多少增速目标")
    assert split_parts("新认定国家级和省级制造业创新中心分别奖补多少") == (
        "新认定国家级制造业创新中心奖补多少", "省级制造业创新中心奖补多少")
    assert len(split_parts("茂名对“链主”企业、单项冠军企业和专精特新企业分别奖励多少")) == 3
    assert split_parts("《科技创新和产业创新若干政策》分别奖多少") == ("《科技创新和产业创新若干政策》分别奖多少",)
    assert split_parts("研发投入和设备投入补助多少") == ("研发投入和设备投入补助多少",)
    assert split_parts("各县区分别安排多少") == ("各县区分别安排多少",)


def test_tenths_and_percentage_points_ask_a_rate():
    assert parse_question("最低可以按全国工业用地出让最低价标准的几成来定？").unit == "%"
    assert parse_question("产业扶持资金能按几个点拿？").unit == "%"
    assert parse_question("每超过全区平均多少个百分点才奖励？").unit == "%"
    assert parse_question("全市建了几个点位？").unit == "个"  # 点位: places, not points


def test_a_question_asking_what_a_term_means_asks_a_definition():
    """…的定义写法是什么, 对“中小企业”的界定, 怎么定义的: the words naming the kind of fact are no terms; the term is the
    focus, and a text states it as 本条例所称…是指."""
    from qa.figures import states_asked_kind

    q = parse_question("浙江民营企业发展促进条例对“民营企业”的定义写法是什么?")
    assert q.asks == "definition" and q.focus == ("民营企业",) and not {"定义", "写法"} & set(q.terms)
    assert parse_question("黑龙江中小企业条例对“中小企业”的界定是什么？").asks == "definition"
    assert states_asked_kind(q, "本条例所称民营企业,是指依法设立的企业。")
    assert not states_asked_kind(q, "第二条 本省行政区域内民营企业发展促进有关工作,适用本条例。")
    assert parse_question("定义为专精特新的企业奖励多少？").asks == "quantity"


def test_a_report_naming_no_issuer_is_answered_with_the_unit_its_lead_says_issued_the_policy(tmp_path):
    from qa.compose import compose_about_document

    doc = _document(tmp_path, "news.txt", "马尾区“扶持龙头壮大产业”专项行动实施方案出台\n2021-04-21 12:00:42来源:福州新闻网作者:朱丽萍\n"
                    "福州新闻网4月21日讯(记者 朱丽萍)4月21日,记者从马尾区发展和改革局获悉,为全力扶引大龙头,马尾区委、区政府"
                    "近日正式出台《马尾区“扶持龙头壮大产业”专项行动实施方案》。\n方案指出,马尾区要集中力量培育壮大龙头企业。\n")
    answer = compose_about_document(parse_question("《马尾区“扶持龙头壮大产业”专项行动实施方案》是谁出台的？"), doc,
                                    lambda _: [], 1.0, named=True)
    assert answer is not None and answer.answerable and "马尾区委、区政府" in answer.answer


def test_document_facts_asked_in_english_include_entry_into_force_and_the_comment_deadline():
    from qa.compose import asked_fields

    assert asked_fields(parse_question("When did Zhejiang's Regulation on Promoting Private Enterprises come into force?")) \
        == ["valid_from"]
    assert asked_fields(parse_question("When does the regulation take effect, and which body adopted it?")) \
        == ["issuer", "valid_from"]
    assert asked_fields(parse_question("Until what date could the public send comments on the draft regulation?")) \
        == ["comment_until"]
    assert asked_fields(parse_question("How much does the zone give for each new patent?")) == []
    assert asked_fields(parse_question("Which office issued the county's investment measures, and on what date?")) \
        == ["issuer", "date"]  # the date asked after the verb
    assert asked_fields(parse_question("On what date did the fair open in the county?")) == []  # no issuing verb


def test_a_sentence_wrapped_over_lines_is_one_sentence_but_headings_and_items_are_not(tmp_path):
    from corpus.pipeline import chunk_document
    from qa.compose import sentences
    from qa.retriever import Candidate

    doc = _document(tmp_path, "law.txt", "某省民营企业发展促进条例\n第三条 民营企业发展促进工作应当坚持竞争中性原则,保\n"
                    "障民营企业依法平等使用资源要素,实现权利平等、机会平等、规则平等。\n一、发展目标\n到2025年,全省民营企业达到100万户。\n"
                    "(一)坚持强实体、兴产业,经济基础更加坚实\n工业规模不断壮大。\n"
                    "1.对新认定的企业,奖励10万元\n2.对新上规的企业,奖励5万元\n")
    said = [doc.text[s.start:s.end] for c in chunk_document(doc) for s in sentences(Candidate(c, doc, 1.0))]
    assert any(s.startswith("第三条") and s.endswith("规则平等。") for s in said)
    assert "一、发展目标" in said and "1.对新认定的企业,奖励10万元" in said
    assert "(一)坚持强实体、兴产业,经济基础更加坚实" in said  # a heading holding a comma is no wrapped prose


def test_a_fact_one_copy_does_not_state_is_read_from_another_copy(tmp_path):
    """Two copies of one 意见: the repost keeps the 文号 but lost the title and date, the other page the reverse. Asked
    both, the answer gives each from the copy that states it, citing that copy; without copies the lost one is unsaid."""
    from corpus.pipeline import load_corpus
    from qa.compose import compose_about_document

    body = ("为进一步优化民营经济发展环境,激发民营经济活力,推动民营经济加快发展,现提出如下意见。\n"
            "一、放宽市场准入。凡法律法规未明确禁止的行业和领域,一律向民营资本开放,不得单独对民营资本设置附加条件。\n"
            "二、加大财税支持。省级财政每年安排专项资金,重点支持民营企业技术改造、品牌建设和公共服务平台建设。\n")
    (tmp_path / "titled.txt").write_text("中共某省委 某省人民政府关于大力推进民营经济加快发展的若干意见\n(2014年4月28日)\n"
                                         + body, encoding="utf-8")
    (tmp_path / "repost.txt").write_text("某发〔2014〕8号\n" + body, encoding="utf-8")
    docs = {d.doc_id: d for d in load_corpus(tmp_path)[0]}
    titled, repost = docs["titled.txt"], docs["repost.txt"]
    asked = parse_question("这份民营经济若干意见的文号和发布日期是什么？")
    alone = compose_about_document(asked, titled, lambda _: [], 1.0)
    assert alone is not None and "没有写明文号" in alone.answer
    both = compose_about_document(asked, titled, lambda _: [], 1.0, copies=[repost])
    assert both is not None and "某发〔2014〕8号" in both.answer and "2014年4月28日" in both.answer
    assert [c.source for c in both.citations] == ["repost.txt", "titled.txt"]  # the 文号 from the copy stating it
    assert [c.id for c in both.citations] == [1, 2]


def test_a_laws_revision_is_adopted_at_a_meeting_too_and_the_latest_of_its_notes_answers(tmp_path):
    """现行条例是哪天、在第几次会议上修订的: the revision is a document fact as an adoption is, read from the adoption note
    that lists the first adoption and the revision (…通过;…修订): the latest one."""
    from corpus.pipeline import load_document
    from qa.compose import asked_fields, compose_about_document

    asked = parse_question("现行的某省中小企业促进条例是哪天、在省人大常委会第几次会议上修订的？")
    assert asked_fields(asked) == ["adopted"]
    path = tmp_path / "law.txt"
    path.write_text("某省中小企业促进条例\n(2010年1月8日某省第十一届人民代表大会常务委员会第十二次会议通过;2022年10月14日"
                    "某省第十三届人民代表大会常务委员会第三十五次会议修订)\n第一条 为了改善中小企业经营环境,制定本条例。\n",
                    encoding="utf-8")
    answer = compose_about_document(asked, load_document(path), lambda _: [], 1.0)
    assert answer is not None and "2022年10月14日" in answer.answer and "第三十五次会议修订" in answer.answer
