"""The answerability gate: fitting, storage beside the index, and its default."""

from __future__ import annotations

import random

from corpus.clean import search_form
from qa.gate import (
    DEFAULT_FILE,
    FEATURES,
    GATE_FILE,
    GateModel,
    _last_value_cut,
    _number_word,
    _respective_value_cut,
    _siblings,
    _year_spans,
    fit,
)
from qa.question import parse_question


def _sample(answerable: bool, rng: random.Random) -> dict[str, float]:
    base = 0.8 if answerable else 0.3
    x = {k: min(1.0, max(0.0, base + rng.uniform(-0.2, 0.2))) for k in FEATURES}
    x["missing"] = 1.0 - x["missing"]
    x["crosslingual"] = 0.0
    return x


def test_fit_separates_answerable_from_unanswerable():
    rng = random.Random(7)
    data = [(_sample(y, rng), y) for y in [True, False] * 40]
    model = fit(data)
    right = sum((model.probability(x) >= 0.5) == y for x, y in data)
    assert right >= 76
    assert model.weights["coverage"] > 0 and model.weights["missing"] < 0


def test_gate_is_read_from_the_index_folder_before_the_default(tmp_path):
    assert DEFAULT_FILE.is_file(), "the shipped default gate is missing"
    default = GateModel.load(tmp_path)
    assert default.weights == GateModel.load(None).weights
    mine = GateModel(weights=dict.fromkeys(FEATURES, 1.0), bias=-2.0, fitted_on="test")
    mine.save(tmp_path / GATE_FILE)
    loaded = GateModel.load(tmp_path)
    assert loaded.weights == mine.weights and loaded.bias == -2.0


def test_siblings_are_other_members_of_the_asked_class():
    assert _number_word("三期") == ("期", 3.0) and _number_word("首期") == ("期", 1.0)
    assert _number_word("100亿") == ("亿", 100.0) and _number_word("2020") == ("", 2020.0)
    assert _number_word("省级") is None
    assert _siblings("三期", "首期") and _siblings("100亿", "200亿")
    assert _siblings("2020", "2018")
    assert not _siblings("三期", "3期")  # the same number in other numerals
    assert not _siblings("第一次", "首次")  # … or the same ordinal
    assert not _siblings("100亿", "100万")  # another magnitude is not the same thing counted
    assert _siblings("省级", "市级") and _siblings("县级", "国家级")  # levels of government
    assert not _siblings("研发", "研发") and not _siblings("省级", "级别")
    assert _siblings("国家", "湖北省")  # another government's award (湖北省科学技术奖)
    assert not _siblings("省级", "湖北省")  # the same level, named by its place
    assert _siblings("省级重点", "国家重点") and not _siblings("省级重点", "省级特色")  # jieba joins 省级+重点
    assert not _siblings("工业", "企业")  # one character shared: an 企业技改 rule covers 工业技改
    assert not _siblings("鼓励类", "运营类")


def test_a_documents_this_year_is_its_own_year():
    assert _year_spans("今年累计争取的362.22亿元", 2024) == [{2024}]
    assert _year_spans("今年累计争取的362.22亿元") == []  # undated: no year known
    assert _year_spans("到2025年，本年度新增10家", 2024) == [{2025}, {2024}]
    assert _year_spans("2024年今年", 2024) == [{2024}]  # 年今年: not a second mention


def test_the_base_year_of_a_comparison_is_not_the_year_a_figure_is_for():
    target = "力争到2025年,比重保持在35%左右,单位工业增加值能源消耗较2020年降低17.5%左右"
    assert _year_spans(target, bases=False) == [{2025}]
    assert _year_spans(target) == [{2025}, {2020}]  # a question's own years keep every mention
    assert _year_spans("产值比2015年翻一番,与2018年相比增长20%", bases=False) == []
    doubled = "到2022年,园区主营业务收入增量在2020年增量的基础上实现倍增,收入达465亿元以上"  # a base named after
    assert _year_spans(doubled, bases=False) == [{2022}] and _year_spans("在2020年底前完成", bases=False) == [{2020}]


def test_a_document_breaking_off_after_a_clause_separator_is_cut_off(tmp_path):
    """…以及首次认定的国家级、: a text ending on 、 or ， breaks off within the clause before it, not after a finished one."""
    from corpus.pipeline import load_document
    from qa.gate import cut_off

    path = tmp_path / "cut.txt"
    path.write_text("某新区措施\n(四)对新认定的高新技术企业,给予10万元补助。\n(五)对首次获批国家级单项冠军企业,以及首次认定的国家级、\n",
                    encoding="utf-8")
    cut = cut_off(load_document(path), 60)
    assert cut is not None and cut.tail == "以及首次认定的国家级、"
    path.write_text("某新区措施\n(四)对新认定的高新技术企业,给予10万元补助。\n", encoding="utf-8")
    assert cut_off(load_document(path), 60) is None


def test_a_last_clause_cut_in_its_figure_is_cut_when_only_it_names_what_is_asked():
    """远期预计投资600亿元左右,年实现税收15: the tax is cut before its unit (the investment figure is another item's);
    the last county's figure cut off after the asked counties' figures were stated leaves those stated."""
    s = "遠期預計投資600億元左右,年實現稅收15"
    assert _last_value_cut(parse_question("巴林右旗工业园区远期每年预计能实现税收多少亿元？"), search_form(s))
    assert not _last_value_cut(parse_question("远期预计投资多少亿元？"), search_form(s))
    s = "到2025年,邹平市、滨城区地区生产总值达到800亿元以上,博兴县地区生产总值达到500亿元以上,无棣县地区生产总值达到400"
    assert not _last_value_cut(parse_question("到2025年邹平市和博兴县的地区生产总值分别要达到多少？"), s)


def test_a_list_of_respective_figures_cut_off_before_the_asked_items():
    """农业、工业、服务业…分别给予2‰、1‰ (cut off): the 服务业 figure is missing, the 工业 one is stated; 国家、省…分别
    按照100万元 (cut): the 省 figure is missing; …100万元、5 (cut before its unit): the second figure is missing too."""
    s = ("第五条 对投资者当年完成农业、工业、服务业固定资产投资分别达到1亿元、5亿元、3亿元以上的招商引资项目(不含房地产、"
         "商业综合体开发和矿产资源采选项目), 经认定, 由自治区招商引资专项资金一次性分别给予固定资产投资额2‰、1‰")
    assert _respective_value_cut(parse_question("服务业项目投资3亿元以上按固定资产投资额的多少比例奖补？"), s)
    assert not _respective_value_cut(parse_question("工业项目投资5亿元以上奖补比例多少？"), s)
    s = "对经国家、省商务部门认定的电子商务示范企业或园区,分别按照100万元"
    assert _respective_value_cut(parse_question("对经省商务部门认定的电子商务示范企业奖励多少钱？"), s)
    assert not _respective_value_cut(parse_question("国家认定的电子商务示范企业奖多少？"), s)
    s = "对新认定的国家、省级、市级新型研发机构、重点实验室等平台载体,一次性分别给予最高100万元、5"
    assert _respective_value_cut(parse_question("对新认定的省级重点实验室一次性给多少钱？"), s)
    assert not _respective_value_cut(parse_question("新认定的企业技术中心给多少钱？"), "对新认定的企业技术中心给予100万元")


def test_a_rate_per_measure_needs_a_figure_per_that_measure():
    """每亩补贴多少 asks a rate: a report giving a yearly total, or a park's area in 亩, does not state it; 400万元/亩,
    每亩补助1000元 and 亩均 do. 每家企业, 每年 and 每增长 ask no rate per a measure."""
    from qa.figures import asked_per_unit, states_per

    total = ["每年设立梅花鹿产业发展基金2000万元,补贴保费1530万元。", "1.8万亩高标准果园星罗棋布,存栏12.25万只。"]
    deer = parse_question("东丰县养梅花鹿，政府按每只鹿补贴多少钱？")
    assert asked_per_unit(deer, total) == "只"
    assert not any(states_per("只", s) for s in total)
    acre = parse_question("贡嘎县对企业种植矮化苹果每亩补贴多少？")
    assert asked_per_unit(acre, total) == "亩"
    assert states_per("亩", "经验收合格每亩补助1000元") and states_per("亩", "投资强度不低于400万元/亩")
    assert states_per("亩", "亩均税收不低于15万元") and not states_per("亩", "园区规划面积3000亩")
    assert asked_per_unit(parse_question("平果工业区自建标准厂房每平方米补贴多少？"), ["厂房5000平方米"]) == "平方米"
    for q in ("对新认定的企业每家奖励多少？", "县财政每年安排多少资金？", "产值每增长1个百分点奖励多少？",
              "每亩补贴的政策什么时候出台的？"):
        assert asked_per_unit(parse_question(q), total + ["增长10%"]) == ""
