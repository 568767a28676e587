"""Which documents cover a place: PlaceResolver over real loaded documents, and end to end through PolicyQA.ask."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from corpus.clean import search_form
from corpus.pipeline import BUNDLED_CORPUS, load_corpus
from index.embed import default_model_dir, ensure_model
from qa.places import PlaceResolver, coverage_note, place_of
from qa.scoping import PlaceScoper
from qa.service import PolicyQA

SHARED_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "policies-dev"
ZHENGZHOU_2022 = "001_34e1b1a508027352.txt"
SUZHOU_SIP = "004_446eb3355726a05e.txt"
# a national notice in the usual layout (title, number, addressees, body, signature)
NATIONAL = (
    "国务院关于印发新时期促进集成电路产业和软件产业高质量发展若干政策的通知\n国发〔2020〕8号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n现将《若干政策》印发给你们，请认真贯彻执行。\n"
    "一、财税政策\n（一）国家鼓励的集成电路线宽小于28纳米，且经营期在15年以上的集成电路生产企业或项目，"
    "第一年至第十年免征企业所得税。\n二、投融资政策\n（二）加强对集成电路重大项目建设的服务和指导。\n"
    "国务院\n2020年7月27日\n"
)


def _copy_txt(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for path in src.glob("*.txt"):
        shutil.copy(path, dst / path.name)
    return dst


@pytest.fixture(scope="module")
def seeds_and_national(tmp_path_factory) -> Path:
    folder = _copy_txt(BUNDLED_CORPUS, tmp_path_factory.mktemp("places_corpus"))
    shutil.copy(BUNDLED_CORPUS / "manifest.json", folder / "manifest.json")
    (folder / "national_2020_8.txt").write_text(NATIONAL, "utf-8")
    return folder


@pytest.fixture(scope="module")
def resolver(seeds_and_national) -> PlaceResolver:
    docs, errors = load_corpus(seeds_and_national)
    assert errors == []
    return PlaceResolver({d.doc_id: d for d in docs})


def test_uncovered_place_and_national_label(resolver):
    scope = resolver.resolve("浦东新区首轮流片补助多少")
    [pudong] = scope.places
    assert pudong.name == "上海市浦东新区" and scope.uncovered == [pudong]
    assert scope.doc_ids == {"national_2020_8.txt"} == scope.covering[pudong.code]  # only the national rule
    assert scope.broader == {"national_2020_8.txt": "全国"}
    note = coverage_note(resolver.docs["national_2020_8.txt"], pudong)
    assert "全国性规定" in note and "浦东" in note


def test_child_of_a_covered_place_is_covered_by_its_parent(resolver):
    scope = resolver.resolve("郑州高新区首轮流片补助多少")  # a zone under 郑州市: the city's documents cover it
    assert scope.uncovered == [] and ZHENGZHOU_2022 in scope.doc_ids
    assert scope.broader[ZHENGZHOU_2022] == "市级"
    assert coverage_note(resolver.docs[ZHENGZHOU_2022], scope.places[0]).startswith("这是河南省郑州市的市级规定")


def test_a_question_asking_which_lower_place_searches_under_the_one_it_names(resolver):
    """河南哪个市…: the answer is a city's document, not a provincial one (none is here); 哪些市场主体 asks no place."""
    scope = resolver.resolve("河南哪个市对首轮流片给予补助")
    assert scope.uncovered == [] and ZHENGZHOU_2022 in scope.doc_ids and ZHENGZHOU_2022 in scope.lower
    assert resolver.resolve("河南对首轮流片给予补助").uncovered  # without the which-word: no provincial document
    assert resolver.resolve("河南哪些市场主体可以申请首轮流片补助").uncovered


def test_zone_of_the_same_city_is_not_another_zone(resolver):
    scope = resolver.resolve("苏州高新区集成电路企业目标多少家")
    assert [p.short for p in scope.uncovered] == ["苏州高新区"] and SUZHOU_SIP not in scope.doc_ids
    assert SUZHOU_SIP in resolver.resolve("苏州工业园区集成电路企业目标多少家").doc_ids


def test_several_places_are_resolved_each(resolver):
    scope = resolver.resolve("湖里区和昆山市分别有什么集成电路政策")
    huli, kunshan = scope.places
    assert "002_bffc04d33daf096a.txt" in scope.covering[huli.code]
    assert scope.uncovered == [kunshan]
    assert resolver.resolve("首轮流片补助多少").doc_ids is None  # no place: the whole corpus
    assert [p.short for p in resolver.resolve("郑州新郑的电子信息产业").places] == ["新郑"]  # parent + child
    assert [p.short for p in resolver.resolve("郑州市和新郑市分别怎么支持").places] == ["郑州", "新郑"]
    assert [p.short for p in resolver.resolve("郑州的新郑和中牟分别怎么支持").places] == ["新郑", "中牟"]  # 郑州的: where
    assert resolver.resolve("河南哪个地方补贴流片？").doc_ids != resolver.resolve("河南补贴流片？").doc_ids  # a lower place


def test_english_place_names_and_their_qualifiers(resolver):
    scope = resolver.resolve("By what percentage did the IC cluster in Huli District, Xiamen grow?")
    assert [p.short for p in scope.places] == ["湖里"] and "002_bffc04d33daf096a.txt" in scope.doc_ids
    assert [p.short for p in resolver.resolve("Ningbo's Haishu District").places] == ["海曙"]
    assert [p.short for p in resolver.resolve("Cixi and Ningbo").places] == ["慈溪", "宁波"]
    scope = resolver.resolve("What tape-out subsidy does Shanghai offer?")
    assert [p.short for p in scope.uncovered] == ["上海"] and scope.doc_ids == {"national_2020_8.txt"}


def test_a_shared_english_name_is_the_place_inside_the_one_written_beside_it(tmp_path):
    """Licheng is 鲤城 (泉州), 历城 (济南) or 荔城 (莆田): beside Quanzhou it is 鲤城, even where a 山东 document covers 历城."""
    (tmp_path / "licheng.txt").write_text("鲤城区加大企业创新扶持力度\n鲤城区每年安排500万元专项资金支持企业创新。\n", "utf-8")
    (tmp_path / "shandong.txt").write_text("山东省中小企业促进条例\n第一条 为了促进中小企业发展,制定本条例。\n", "utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    for q in ("How much does Licheng District (Quanzhou) spend each year?", "How much does Licheng District, Quanzhou spend?"):
        scope = resolver.resolve(q)
        assert [p.short for p in scope.places] == ["鲤城"] and not scope.uncovered and "licheng.txt" in scope.doc_ids


def test_ambiguous_name_is_never_guessed(resolver):
    scope = resolver.resolve("朝阳区首轮流片补助多少")  # 北京 or 长春: neither is covered
    assert scope.places == [] and scope.ambiguous == ["朝阳区"] and scope.doc_ids == set()
    assert resolver.resolve("Xinhua tape-out subsidy").ambiguous == ["Xinhua"]  # 新华区: one of four, none covered
    scope = resolver.resolve("What tape-out subsidy does the Xinhua report on Huli district name?")
    assert [p.short for p in scope.places] == ["湖里"] and scope.ambiguous == []  # beside a place: the news agency


@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="../shared/corpora/policies-dev not present")
def test_policies_dev_coverage(tmp_path):
    docs, _ = load_corpus(_copy_txt(SHARED_DEV, tmp_path))
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    shenzhen = resolver.resolve("深圳市制造业企业奖励多少")
    assert [p.short for p in shenzhen.uncovered] == ["深圳"]
    assert all(resolver.doc_place(d).level == "country" for d in shenzhen.doc_ids)  # national rules only
    cixi = resolver.resolve("慈溪数字经济制造业奖励")
    assert cixi.uncovered == [] and "cixi_industry_policy_2025.txt" in cixi.doc_ids
    assert "yuyao_manufacturing_2020.txt" not in cixi.doc_ids  # a sibling's rule is not 慈溪's
    assert "ningbo_made_in_china_2025_city_2017_trad.txt" in cixi.doc_ids  # the parent city's is
    yinzhou = resolver.resolve("鄞州区首台套奖励")  # no document of its own, but 宁波市's covers it
    assert yinzhou.uncovered == [] and yinzhou.broader["ningbo_made_in_china_2025_city_2017_trad.txt"] == "市级"
    assert resolver.doc_place("qingdao_hitech_zone_enterprise_cultivation_2021.txt").code == "370271"
    assert resolver.doc_place("guofa_2019_5_double_random_inspection.txt").level == "country"


# --- end to end: real model, real Chroma, real BM25 ------------------------------------------


@pytest.fixture(scope="module")
def qa(seeds_and_national, tmp_path_factory) -> PolicyQA:
    model = ensure_model(default_model_dir())
    db = tmp_path_factory.mktemp("places_db")
    return PolicyQA(seeds_and_national, db, model, today=date(2026, 11, 22)).open(progress=False)


@pytest.mark.parametrize("question", ["浦东新区首轮流片补助多少", "昆山市首轮流片补助多少"])
def test_uncovered_place_never_gets_another_places_rule(qa, question):
    answer = qa.ask(question)
    place = question[:2]
    assert place in answer.answer + " ".join(answer.warnings)
    assert all(c.source == "national_2020_8.txt" for c in answer.citations)
    assert "40%" not in answer.answer and "500万" not in answer.answer


def test_uncovered_place_is_refused_without_a_national_rule(tmp_path):
    folder = _copy_txt(BUNDLED_CORPUS, tmp_path / "corpus")
    qa = PolicyQA(folder, tmp_path / "db", ensure_model(default_model_dir())).open(progress=False)
    answer = qa.ask("苏州高新区集成电路产业规模目标是多少")
    assert not answer.answerable and not answer.citations and "苏州高新区" in answer.answer


def test_a_zone_named_by_an_ordinary_word_is_uncovered_unless_the_corpus_writes_it_elsewhere(tmp_path):
    """兴化经济开发区 with only a 靖江 document: an uncovered sibling, not the 泰州 neighbour's rule; 东湖高新区 where a
    武汉 document writes it: the corpus's own zone, not 南昌 东湖区's."""
    (tmp_path / "jingjiang.txt").write_text("靖江经济技术开发区简介\n靖江经济技术开发区2022年工业开票984.6亿元。\n",
                                            encoding="utf-8")
    (tmp_path / "wuhan.txt").write_text("武汉市人民政府关于支持东湖高新区生命健康产业发展的若干措施\n"
                                        "一、东湖高新区对新落户企业给予奖励。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    scope = resolver.resolve("兴化经济开发区2022年工业开票销售是多少？")
    assert [p.name for p in scope.uncovered] == ["江苏省泰州市兴化市兴化经济技术开发区"] and not scope.doc_ids
    scope = resolver.resolve("东湖高新区对新落户企业奖励多少？")
    assert not scope.uncovered and not scope.ambiguous


def test_a_towns_document_serves_its_county_labelled_but_not_a_sibling_town(tmp_path):
    (tmp_path / "daojiao.txt").write_text("关于印发《道滘镇专项资金管理办法》的通知\n对新认定的高新技术企业奖励10万元。\n"
                                          "东莞市道滘镇人民政府\n2022年8月1日\n", "utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    city = resolver.resolve("东莞对高新技术企业奖励多少")
    assert city.doc_ids == {"daojiao.txt"} and not city.uncovered
    assert "东莞下辖的道滘镇的规定" in coverage_note(docs[0], city.places[0])
    sibling = resolver.resolve("东莞中堂镇对高新技术企业奖励多少")
    assert [p.name for p in sibling.uncovered] == ["广东省东莞市中堂镇"]


def test_a_county_zones_document_serves_its_county_labelled_but_not_its_city_nor_a_sibling(tmp_path):
    (tmp_path / "yanshan.txt").write_text("盐山经济技术开发区招商引资优惠政策\n盐山经济技术开发区管委会\n"
                                          "入区管道装备企业固定资产投资5000万元以上的，奖励50万元。\n", "utf-8")
    docs, _ = load_corpus(tmp_path)
    assert place_of(docs[0]).level == "zone"
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    county = resolver.resolve("盐山县对管道装备企业奖励多少")
    assert county.doc_ids == {"yanshan.txt"} and not county.uncovered
    assert "盐山下辖的" in coverage_note(docs[0], county.places[0])
    assert [p.name for p in resolver.resolve("沧州市对管道装备企业奖励多少").uncovered] == ["河北省沧州市"]
    assert [p.name for p in resolver.resolve("海兴县对管道装备企业奖励多少").uncovered] == ["河北省沧州市海兴县"]


def test_national_rule_is_labelled_for_a_named_place(qa):
    answer = qa.ask("浦东新区集成电路生产企业免征企业所得税几年")
    assert answer.answerable and answer.citations[0].source == "national_2020_8.txt"
    assert "全国性规定" in answer.answer


def test_alias_only_where_a_document_defines_it(tmp_path):
    (tmp_path / "sip.txt").write_text(
        "苏州工业园区管理委员会关于促进集成电路发展的若干措施\n"
        "为推动苏州工业园区（以下简称“园区”）集成电路产业发展，制定本措施。\n一、园区对首轮流片给予补助。\n",
        "utf-8",
    )
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    assert [p.code for p in resolver.resolve("园区首轮流片补助多少").places] == ["320571"]
    assert resolver.resolve("产业园区首轮流片补助多少").places == []  # part of another word
    # right after a place containing its own, the alias is the place meant and the parent only says where
    assert [p.code for p in resolver.resolve("苏州园区首轮流片补助多少").places] == ["320571"]
    assert [p.code for p in resolver.resolve("郑州园区首轮流片补助多少").places] != ["320571"]
    bare, _ = load_corpus(BUNDLED_CORPUS)
    others = {d.doc_id: d for d in bare if d.doc_id != SUZHOU_SIP}  # the SIP plan is the seed that defines 园区
    assert PlaceResolver(others).resolve("园区首轮流片补助多少").places == []


def test_a_named_edition_year_keeps_undated_copies_and_reads_the_year_of_the_document_number(tmp_path):
    (tmp_path / "region.txt").write_text("内蒙古自治区人民政府关于印发自治区2024年推动产业高质量发展政策清单的通知\n"
                                         "内政发〔2024〕6号\n各盟行政公署:\n现将政策清单印发给你们。\n内蒙古自治区人民政府\n"
                                         "2024年1月21日\n", encoding="utf-8")
    (tmp_path / "older.txt").write_text("推动产业高质量发展政策清单 内政发〔2023〕3号\n一、实施耕地保护与建设行动。\n",
                                        encoding="utf-8")
    (tmp_path / "city.txt").write_text("为全面贯彻落实全市经济工作会议精神,坚持稳中求进。\n一、推广油菜宽膜沟播技术20万亩。\n",
                                       encoding="utf-8")  # an undated copy without its title
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    assert scoper.edition(scoper.resolve("2024年政策清单里推广油菜多少万亩"), "2024年政策清单里推广油菜多少万亩").doc_ids \
        == {"region.txt", "city.txt"}
    assert scoper.edition(scoper.resolve("2023年版政策清单支持多少万亩"), "2023年版政策清单支持多少万亩").doc_ids \
        == {"older.txt", "city.txt"}  # 2023 from its 文号


def test_an_undated_copy_whose_opening_names_a_year_is_that_edition(tmp_path):
    for year, number in ((2025, 3), (2026, 6)):  # city rules written to the province's edition of that year
        (tmp_path / f"city{year}.txt").write_text(
            f"为推动经济向新向好,根据《浙江省人民政府关于印发推动经济高质量发展若干政策({year}年版)的通知》"
            f"(浙政发〔{year}〕{number}号)等文件精神,结合我市实际,制定以下政策。\n一、对首次认定的企业给予奖励。\n",
            encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    for year in (2025, 2026):
        q = f"{year}年版政策对首次认定的企业奖励多少"
        assert scoper.edition(scoper.resolve(q), q).doc_ids == {f"city{year}.txt"}
    q = "2024年版政策对首次认定的企业奖励多少"
    assert scoper.edition(scoper.resolve(q), q).missing_edition == "2024年版"  # neither copy is of 2024
    q = "2025年那版和2026年版对首次认定的企业分别奖励多少"  # two editions named: both in scope
    assert scoper.edition(scoper.resolve(q), q).doc_ids == {"city2025.txt", "city2026.txt"}


def test_a_document_whose_region_is_unknown_is_in_scope_for_the_place_its_text_names(tmp_path):
    (tmp_path / "copy.txt").write_text(
        "为深入贯彻党的十九大精神,全面落实《关于深入推进引领性国家创新型城市建设的若干政策意见》要求,把握长三角一体化发展机遇,"
        "加快建设创新强区,结合实际,制定以下措施。\n一、对辅导我区企业通过高新技术企业认定的科技中介服务机构,按照1万元/家给予奖励。"
        "(责任单位:栖霞区科技局)\n", encoding="utf-8")
    (tmp_path / "cited.txt").write_text(
        "为深入贯彻党的十九大精神,把握长三角一体化发展机遇,加快建设创新强区,推动科技创新和产业创新深度融合,提升企业创新能力,"
        "培育发展新动能,优化创新生态,完善科技金融服务体系,强化知识产权保护,营造良好的创新创业环境,结合实际,制定以下措施。\n"
        "一、对新认定的高新技术企业,按《南京市鼓楼区促进科技创新若干政策》给予奖励。\n",
        encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    assert all(not d.meta.region for d in docs)  # neither copy states where it is from
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    named = scoper.resolve("南京栖霞区辅导企业通过高新技术企业认定的中介机构奖励多少")
    assert named.doc_ids == {"copy.txt"} and not named.uncovered and named.inferred == {"copy.txt": "江苏省南京市栖霞区"}
    # named only inside a cited 《title》: not the place's own words, so only a copy that may be its (the answer says so)
    cited_only = scoper.resolve("南京鼓楼区对新认定的高新技术企业奖励多少")
    assert not cited_only.uncovered and cited_only.doc_ids == {"cited.txt"} and not cited_only.inferred
    assert cited_only.unplaced == {"cited.txt": "江苏省南京市鼓楼区"}


def test_a_lower_places_copy_of_a_named_places_policy_is_in_scope_for_that_place(tmp_path):
    (tmp_path / "county_copy.txt").write_text(
        "【政策汇编】淄博市支持产业发展政策\n发布机构:沂源县工业和信息化局\n发文日期:2021-02-20\n"
        "一、企业跨越发展奖励\n对于首次获市级认定的瞪羚企业给予一次性50万元奖励。\n", encoding="utf-8")
    (tmp_path / "county_own.txt").write_text(
        "沂源县贯彻《淄博市支持产业发展政策》的实施意见\n发布机构:沂源县人民政府\n"
        "对首次认定的瞪羚企业,县财政再给予10万元奖励。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    assert {d.meta.region for d in docs} == {"山东省淄博市沂源县"}
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    city = scoper.resolve("淄博对首次获得市级认定的瞪羚企业奖励多少钱？")
    assert city.doc_ids == {"county_copy.txt"} and not city.uncovered  # the county's own rule is not the city's
    assert city.reposted == {"county_copy.txt": "山东省淄博市"}
    county = scoper.resolve("沂源县对首次认定的瞪羚企业奖励多少？")
    assert county.doc_ids == {"county_copy.txt", "county_own.txt"} and not county.reposted


def test_each_place_of_a_question_keeps_only_what_is_asked_of_it(tmp_path):
    """舟山 2024 and 定海 2025: neither place's part carries the other's year; a list of places shares its words."""
    for name, title in (("city.txt", "舟山市人民政府关于进一步推动经济高质量发展若干政策的通知\n舟政发〔2024〕5号\n"),
                        ("district.txt", "舟山市定海区人民政府关于推动经济高质量发展若干政策的通知\n定政发〔2025〕2号\n")):
        (tmp_path / name).write_text(title + "一、对首次升规的工业企业奖励10万元。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = "舟山市2024年的经济政策和定海区2025年版的政策,分别承接的是哪一号文件?"
    scope = scoper.resolve(q)
    city, district = sorted(scope.per_place)
    assert "2025" not in scoper.about(q, scope, city) and "2024年的经济政策" in scoper.about(q, scope, city)
    assert "2024" not in scoper.about(q, scope, district) and "2025年版" in scoper.about(q, scope, district)
    (tmp_path / "luancheng.txt").write_text("石家庄市栾城区人民政府关于稳定经济运行的若干措施\n一、对企业新增研发投入给予5%补助。\n",
                                             encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = "舟山市2024年的经济政策和石家庄市栾城区2022年的措施,分别怎么补助?"  # a district written with its city
    scope = scoper.resolve(q)
    zhoushan, luancheng = sorted(scope.per_place, key=lambda p: "栾城" in p)
    assert "2022" not in scoper.about(q, scope, zhoushan) and "石家庄" not in scoper.about(q, scope, zhoushan)
    assert "2024" not in scoper.about(q, scope, luancheng) and "石家庄市栾城区2022年" in scoper.about(q, scope, luancheng)
    q = "舟山和定海区对首次升规的工业企业分别奖多少?"
    scope = scoper.resolve(q)
    assert all("对首次升规的工业企业分别奖多少" in scoper.about(q, scope, p) for p in scope.per_place)
    assert "定海" not in scoper.about(q, scope, city)
    q = "舟山或定海区设立总部的企业,两份文件分别给什么扶持?"  # a list joined by 或
    assert all("设立总部" in scoper.about(q, scoper.resolve(q), p) for p in scope.per_place)
    q = "定海区对获评舟山“单项冠军”的企业奖励多少?"  # 舟山 qualifies the award: it stays
    assert all(scoper.about(q, scoper.resolve(q), p) == q for p in scoper.resolve(q).per_place)
    q = "舟山和定海区的政策:舟山市2024年安排多少资金?定海区2025年安排多少资金?"  # each part after the colon its own
    scope = scoper.resolve(q)
    assert "2025" not in scoper.about(q, scope, city) and "2024" not in scoper.about(q, scope, district)


def test_a_question_naming_two_editions_asks_each_its_own_part(tmp_path):
    """2018年版…，2020年版…: each edition's documents answer what is asked of that edition, not the other's year."""
    for year, rate in ((2018, "1%"), (2020, "2%")):
        (tmp_path / f"policy{year}.txt").write_text(
            f"遂宁市人民政府关于印发《遂宁市促进制造业发展的若干政策》的通知\n遂府发〔{year}〕3号\n"
            f"一、当年购置设备金额达到1000万元及以上的,按购置金额的{rate}给予补助。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = "遂宁技改设备补助，2018年版补多少比例？2020年版的政策又补多少比例？"
    scope = scoper.edition(scoper.resolve(q), q)
    assert scope.per_edition == {"2018年": {"policy2018.txt"}, "2020年": {"policy2020.txt"}}
    assert "2020" not in scoper.about_edition(q, "2018年") and "2018" not in scoper.about_edition(q, "2020年")
    q = "遂宁技改设备补助比例，从2018年版的多少调到了2020年版的多少？"  # the later year after a verb: still its own
    assert "2020" not in scoper.about_edition(q, "2018年") and "2018" not in scoper.about_edition(q, "2020年")
    one = "遂宁2018年版的政策补多少比例？"
    assert not scoper.edition(scoper.resolve(one), one).per_edition
    listed = "遂宁制造业政策有2018年和2020年两版，分别是哪天印发的？"  # a year listed before the one naming the noun
    scope = scoper.edition(scoper.resolve(listed), listed)
    assert scope.per_edition == {"2018年": {"policy2018.txt"}, "2020年": {"policy2020.txt"}}
    assert "2020" not in scoper.about_edition(listed, "2018年", scope.edition_marks)
    figures = "遂宁设备补助比例，2018年和2020年分别是多少？"  # years of figures, naming no document
    assert not scoper.edition(scoper.resolve(figures), figures).per_edition


def test_a_question_naming_a_draft_and_the_adopted_text_asks_each_its_own_part(tmp_path):
    """征求意见稿…正式通过的文本…有什么不同: each edition of the policy answers for itself, what is asked of the change
    asked of each (…写法是什么), its own edition's words not asked of its text."""
    (tmp_path / "draft.txt").write_text("关于《西藏自治区促进中小企业发展条例(征求意见稿)》公开征求意见的通知\n"
                                        "第二条 本条例适用于在本自治区内依法设立的中小企业。\n西藏自治区司法厅\n2022年5月9日\n",
                                        encoding="utf-8")
    (tmp_path / "final.txt").write_text("西藏自治区促进中小企业发展条例\n(2022年12月9日西藏自治区第十一届人民代表大会常务委员会"
                                        "第四十次会议通过)\n第二条 本条例所称中小企业,是指在本自治区行政区域内依法设立的企业。\n",
                                        encoding="utf-8")
    (tmp_path / "plan13.txt").write_text("东丽区国民经济和社会发展第十三个五年规划纲要\n(2016-2020年)\n", encoding="utf-8")
    (tmp_path / "plan14.txt").write_text("东丽区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = "西藏中小企业条例第二条的适用范围，征求意见稿和正式通过的条例写法有什么不一样？"
    scope = scoper.edition(scoper.resolve(q), q)
    assert scope.per_edition == {"征求意见稿": {"draft.txt"}, "正式文本": {"final.txt"}}
    draft, final = (scoper.about_edition(q, e, scope.edition_marks) for e in ("征求意见稿", "正式文本"))
    assert "正式" not in draft and "征求意见" not in final and "不一样" not in draft + final
    assert "第二条的适用范围" in draft and "写法是什么" in final
    q = "东丽区的“十三五”规划纲要和“十四五”规划纲要里给出的发展目标分别是什么？"  # listed: what follows is both's
    scope = scoper.edition(scoper.resolve(q), q)
    assert scope.per_edition == {"“十三五”": {"plan13.txt"}, "“十四五”": {"plan14.txt"}}
    assert all("给出的发展目标" in scoper.about_edition(q, e, scope.edition_marks) for e in scope.per_edition)
    q = "2020年西藏条例草案和2022年通过的新条例，第二条的说法有什么不同？"  # a draft and the new text, with years
    scope = scoper.edition(scoper.resolve(q), q)
    assert scope.per_edition == {"征求意见稿": {"draft.txt"}, "正式文本": {"final.txt"}}
    assert "2022" not in scoper.about_edition(q, "征求意见稿", scope.edition_marks)
    one = "西藏中小企业条例正式通过的文本第二条怎么写的？"  # one edition named: no parts
    assert not scoper.edition(scoper.resolve(one), one).per_edition


def test_an_undated_copy_is_not_dated_by_the_predecessor_it_builds_on(tmp_path):
    """在2016年…暂行办法基础上 names the older rule's year, not this copy's: a question about the 2019 rule keeps it."""
    (tmp_path / "news.txt").write_text("此次《激励办法》是在2016年6月出台的《广西招商引资激励暂行办法》基础上制定的。\n"
                                       "自治区政府制定出台《广西招商引资激励办法》,单个项目奖励资金最高不超过3000万元。\n",
                                       encoding="utf-8")
    (tmp_path / "old.txt").write_text("广西壮族自治区人民政府关于印发广西招商引资激励暂行办法的通知\n发布日期:2016-06-01\n"
                                      "一、对设区市给予奖励。\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("广西壮族自治区人民政府办公厅关于印发广西招商引资激励办法实施细则的通知\n发布日期:2019-07-01\n"
                                        "一、细则适用于全区。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = "2019年出台的广西招商引资激励办法单个项目最多奖多少？"
    assert "news.txt" in scoper.edition(scoper.resolve(q), q).doc_ids


def test_a_name_several_places_share_means_the_one_the_corpus_covers(tmp_path):
    """通州 is 北京's or 南通's district; with only 北京通州区's documents it is that one, so a town written after it is
    read (通州张家湾镇: a sibling of the town covered, uncovered)."""
    (tmp_path / "m.txt").write_text("北京市通州区马驹桥镇人民政府关于支持专精特新企业发展的若干措施\n一、对新认定的专精特新企业"
                                    "奖励10万元。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    assert [p.name for p in resolver.resolve("通州对专精特新企业奖励多少").places] == ["北京市通州区"]
    scope = resolver.resolve("通州张家湾镇对专精特新企业奖励多少")
    assert [p.name for p in scope.uncovered] == ["北京市通州区张家湾镇"]
    assert resolver.resolve("朝阳区对专精特新企业奖励多少").ambiguous == ["朝阳区"]  # none of them covered


def test_an_editions_part_reads_as_a_question_of_its_own():
    """…的界定,2018年修正版和2022年新版有什么不一样: each edition's part asks 2018年…的界定是什么, no conjunction left
    dangling where the other edition was taken out."""
    q = search_form("黑龙江中小企业条例对“中小企业”的界定，2018年修正版和2022年新版有什么不一样？")
    assert PlaceScoper.about_edition(q, "2018年") == "2018年黑龙江中小企业条例对“中小企业”的界定是什么?"
    assert PlaceScoper.about_edition(q, "2022年") == "2022年黑龙江中小企业条例对“中小企业”的界定是什么?"


def test_a_year_named_loosely_leaves_out_the_other_editions_of_that_policy(tmp_path):
    """2015年的五大经济区重点工作方案: the 2016 edition of the same 方案 is not asked about; a draft and its adopted text
    named beside the year still get a part each."""
    for year in (2015, 2016):
        (tmp_path / f"plan{year}.txt").write_text(
            f"四川省人民政府办公厅\n关于印发全省五大经济区{year}年重点工作方案的通知\n川办函〔{year}〕160号 {year}年9月1日\n"
            f"各市(州)人民政府:\n现将《成都经济区{year}年重点工作方案》印发你们,请认真组织实施。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    assert docs[0].meta.version_group and docs[0].meta.version_group == docs[1].meta.version_group
    scoper = PlaceScoper({d.doc_id: d for d in docs})
    q = search_form("四川2015年的五大经济区重点工作方案，具体印发了哪五个经济区的方案？")
    assert scoper.edition(scoper.resolve(q), q).doc_ids == {"plan2015.txt"}
    q = search_form("四川五大经济区重点工作方案，2015年那版叫“成都经济区”，2016年那版改叫什么了？")
    scope = scoper.edition(scoper.resolve(q), q)
    assert [p.short for p in scope.places] == ["四川"]  # 成都 is part of the quoted name “成都经济区”
    assert scope.doc_ids == {"plan2015.txt", "plan2016.txt"}


def test_a_place_opening_the_name_of_a_newspaper_or_a_firm_is_part_of_the_name(tmp_path):
    """黄冈日报, 青岛新闻网, 长春皓月集团: the place names the body, not the place asked about; but where a verb stands
    between (在霍山注册公司) or the place is asked itself (长春对新引进的集团总部), it is the place."""
    (tmp_path / "z.txt").write_text("大庆市肇州县招商引资工作情况\n长春皓月集团计划总投资5亿元的肉牛产业加工项目落户肇州。\n",
                                    encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    for named in ("长春皓月集团的肉牛加工项目落在了哪个县？", "黄冈日报那篇报道是哪天发的？", "青岛新闻网报道的项目投资多少？",
                  "宁夏华夏电源有限公司的项目在哪里？"):
        scope = resolver.resolve(named)
        assert not scope.places and not scope.uncovered, named
    assert [p.name for p in resolver.resolve("在霍山注册公司能拿多少奖励？").uncovered] == ["安徽省六安市霍山县"]
    assert [p.name for p in resolver.resolve("长春对新引进的集团总部奖励多少？").uncovered] == ["吉林省长春市"]
    assert [p.name for p in resolver.resolve("肇州对新引进的集团总部奖励多少？").places] == ["黑龙江省大庆市肇州县"]


def test_nationwide_ranking_a_place_is_no_national_scope(tmp_path):
    """全国唯一…的县, 全国最大的…集散地: 全国 ranks the place asked for among all places; a county corpus with no national
    document still answers. 全国的政策 asks about national rules, which the corpus lacks."""
    (tmp_path / "s.txt").write_text("娄底市双峰县农机产业发展情况\n双峰县被授予“中国农业机械之乡”称号,是全国唯一获此称号的县市。\n",
                                    encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    for asked in ("全国唯一获得农机之乡称号的是哪个县？", "全国最大的农机生产基地在哪个县？", "全国范围内排名第三的是哪个县？"):
        scope = resolver.resolve(asked)
        assert not scope.places and not scope.uncovered, asked
    assert [p.name for p in resolver.resolve("全国的农机购置补贴标准是多少？").uncovered] == ["全国"]


def test_a_place_above_the_asked_one_inside_a_quoted_title_is_the_policy_it_carries_out(tmp_path):
    """上海…《市政府贯彻国务院…意见的实施意见》 asks 上海's document; 国务院 inside the title is the policy it carries out,
    not a second place asked. Named outside the title, the nation is asked too."""
    (tmp_path / "s.txt").write_text("市政府贯彻国务院关于推进上海建设国际金融中心意见的实施意见\n沪府发〔2009〕25号\n"
                                    "为贯彻国务院意见,结合上海实际,现提出如下实施意见。\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path)
    resolver = PlaceResolver({d.doc_id: d for d in docs})
    scope = resolver.resolve("上海那份《市政府贯彻国务院关于推进上海建设国际金融中心意见的实施意见》是哪天签发的？")
    assert [p.name for p in scope.places] == ["上海市"] and not scope.uncovered
    assert "全国" in [p.name for p in resolver.resolve("上海和全国的实施意见各是哪天签发的？").uncovered]
