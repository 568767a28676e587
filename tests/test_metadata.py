"""Metadata extraction on the seeds, the manifest, and the laws format."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from corpus.metadata import parse_date, parse_entry, region_of, region_place
from corpus.metadata_check import check_metadata, read_expected
from corpus.pipeline import BUNDLED_CORPUS, load_corpus, load_document

EXPECTED = {
    "000": dict(
        title="关于加快郑州市开源芯片产业生态建设的提案的答复",
        issuer="郑州市科学技术局",
        date=date(2025, 7, 31),
        region="河南省郑州市",
        doc_type="提案答复",
    ),
    "001": dict(
        title="郑州市关于加快新一代信息技术的实施意见",  # from the bundled manifest
        issuer="郑州市人民政府办公厅",
        date=date(2022, 6, 2),
        region="河南省郑州市",
        doc_type="政策文件",
        valid_from=date(2022, 6, 2),
        valid_until=date(2025, 6, 2),
    ),
    "002": dict(
        title="关于区政协九届三次会议 第20241007号提案办理情况答复的函",
        issuer="厦门市湖里区科技和工信局",
        date=date(2024, 6, 4),
        doc_number="厦湖科工函〔2024〕14号",
        region="福建省厦门市湖里区",
        doc_type="提案答复",
    ),
    "003": dict(
        title="加快转型升级 破解发展瓶颈 新郑市全力打造中原电子信息产业高地",
        issuer="新郑市科工信局",
        date=date(2023, 11, 15),
        region="河南省郑州市新郑市",
        doc_type="工作动态",
    ),
    "004": dict(
        title="蘇州工業園區全面推進集成電路產業創新集群發展行動計劃(2022-2025)",
        issuer="蘇州工業園區管理委員會",
        date=date(2023, 5, 29),
        region="江苏省苏州市苏州工业园区",
        doc_type="行动计划",
        status="有效",
    ),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_metadata(seed_docs, key):
    meta = seed_docs[key].meta
    for field, value in EXPECTED[key].items():
        assert getattr(meta, field) == value, field


def test_manifest_overrides_and_fills(tmp_path):
    (tmp_path / "a.txt").write_text(
        "各有关单位:\n本办法自公布之日起施行，有效期两年。\n某某市工信局\n2023年3月1日\n", "utf-8"
    )
    (tmp_path / "manifest.json").write_text(
        json.dumps({"a.txt": {"title": "某某市促进办法", "region": "某某市", "date": "2023-03-05"}}), "utf-8"
    )
    [doc], errors = load_corpus(tmp_path)
    assert errors == []
    assert doc.meta.title == "某某市促进办法" and doc.meta.region == "某某市"
    assert doc.meta.date == date(2023, 3, 5)  # manifest wins
    assert doc.meta.issuer == "某某市工信局"  # text fills the rest
    assert doc.meta.valid_from == date(2023, 3, 5) and doc.meta.valid_until == date(2025, 3, 5)


def test_bad_manifest_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("一、总则\n为规范管理，制定本办法。\n", "utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.txt": {"titel": "x"}, "gone.txt": {}}), "utf-8")
    docs, errors = load_corpus(tmp_path)
    reasons = " ".join(e.reason for e in errors)
    assert "unknown field 'titel'" in reasons and "gone.txt" in reasons
    with pytest.raises(ValueError, match="2022-06-02"):
        parse_entry({"date": "June 2"}, "a.txt")


def test_laws_markdown(tmp_path):
    path = tmp_path / "价格法(1997-12-29).md"
    path.write_text(
        "# 中华人民共和国价格法\n\n1997年12月29日 第八届全国人民代表大会常务委员会第二十九次会议通过\n\n"
        "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范价格行为，制定本法。\n\n"
        "第二条 在中华人民共和国境内发生的价格行为，适用本法。\n\n第三条 国家实行宏观经济调控。\n\n"
        "## 第二章 附则\n\n第四条 本法自1998年5月1日起施行。\n",
        "utf-8",
    )
    doc = load_document(path)
    m = doc.meta
    assert m.title == "中华人民共和国价格法"
    assert m.date == date(1997, 12, 29)
    assert m.doc_type == "法律法规"
    assert m.issuer == "全国人民代表大会常务委员会"
    assert m.region == "全国"
    assert m.valid_from == date(1998, 5, 1)
    assert "#" not in doc.text and "INFO END" not in doc.text


def test_region_from_the_gazetteer():
    assert region_of("河南省洛阳市工业和信息化局", "") == "河南省洛阳市"
    assert region_of("某某县科技局", "") == ""  # no such place: no region rather than a made-up one
    assert region_of("苏州工业园区管理委员会", "") == "江苏省苏州市苏州工业园区"
    assert region_of("中共海曙区委 海曙区人民政府", "") == "浙江省宁波市海曙区"  # the place, not the committee
    assert region_of("财政部 国家税务总局", "") == "全国"
    assert region_of("", "青岛高新区关于加快企业培育的试行意见") == "山东省青岛市青岛高新技术产业开发区"


def test_a_page_stamp_written_day_first_with_its_time_dates_the_page(tmp_path):
    text = "拉玛·兴高调研寻甸特色农产品深加工项目\n{stamp}\n8月16日,州长拉玛·兴高到寻甸特色产业园区调研。\n"
    assert str(_meta(tmp_path / "a.txt", text.format(stamp="17.08.2017  11:44")).date) == "2017-08-17"
    assert _meta(tmp_path / "b.txt", text.format(stamp="17.08.2017")).date is None  # no time: not surely a stamp
    assert _meta(tmp_path / "c.txt", text.format(stamp="31.02.2017  11:44")).date is None  # no such day


def test_a_number_on_a_line_of_its_own_keeps_a_prefix_a_space_split_off_but_not_a_label(tmp_path):
    body = "各市(州)经济和信息化局:\n现将工作细则印发给你们,请认真贯彻落实。\n四川省经济和信息化厅\n2024年10月10日\n"
    assert _meta(tmp_path / "s.txt", "川经信 财资〔2024〕182号\n" + body).doc_number == "川经信财资〔2024〕182号"
    assert _meta(tmp_path / "l.txt", "文号 温鹿政发〔2025〕29号\n" + body).doc_number == "温鹿政发〔2025〕29号"


def test_a_notice_led_by_national_organs_or_addressed_to_every_province_is_national(tmp_path):
    body = "为推动商贸流通企业复工营业,现就有关事项通知如下。\n一、优化企业复工营业流程。\n"
    titled = _meta(tmp_path / "t.txt", "商务部办公厅 国家发展改革委办公厅关于支持商贸流通企业复工营业的通知\n" + body)
    led = _meta(tmp_path / "l.txt", "国家发展改革委等部门《关于实施促进民营经济发展近期若干举措的通知》\n" + body)
    addressed = _meta(tmp_path / "a.txt", "各省、自治区、直辖市及新疆生产建设兵团商务主管部门:\n" + body)
    assert titled.region == led.region == addressed.region == "全国"
    assert _meta(tmp_path / "p.txt", "各市、县(区)商务主管部门:\n" + body).region == ""  # a province's addressees


SHARED_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "policies-dev"
CORPORA = Path(__file__).resolve().parent / "corpora"


def _txt_corpus(src: Path, dst: Path) -> Path:
    for path in src.glob("*.txt"):
        shutil.copy(path, dst / path.name)
    return dst


@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="../shared/corpora/policies-dev not present")
def test_metadata_table_policies_dev(tmp_path):
    """Every field of every policies-dev document against a clerk's expectation (written first)."""
    docs, errors = load_corpus(_txt_corpus(SHARED_DEV, tmp_path))
    report = check_metadata(docs, read_expected(CORPORA / "policies-dev" / "expected_meta.jsonl"))
    print(report.table())
    assert errors == [] and not report.missing and report.checked == 23
    # known: 盘县 is named 盘州市 since 2017; 砚山's 文号 is damaged in the source (砚发201120号) and extracted repaired
    assert sum(report.errors.values()) <= 2


BESIDE_FILES = sorted(
    path.parent for path in CORPORA.glob("*/expected_meta.jsonl") if any(path.parent.glob("*.txt"))
)


# sets read above the 8% bar when they arrived, kept in the tree so their questions are measured: each may not get
# worse than this many wrong fields (its SOURCES.md and tests/corpora/README.md say which fields and why)
ABOVE_BAR = {"policies-blind43": 13, "policies-blind47": 9, "policies-blind48": 9, "policies-blind49": 8, "policies-blind50": 9,
             "policies-blind51": 14, "policies-blind53": 9, "policies-blind58": 10, "policies-blind60": 10,
             "policies-blind61": 9, "policies-blind62": 10, "policies-blind63": 8, "policies-blind64": 11,
             "policies-blind65": 8, "policies-blind68": 9, "policies-blind69": 8, "policies-blind70": 8,
             "policies-blind73": 18, "policies-blind74": 11, "policies-blind75": 10, "policies-blind76": 8,
             "policies-blind77": 15, "policies-blind78": 9, "policies-blind80": 8,
             "policies-blind81": 13, "policies-blind82": 11, "policies-blind83": 14, "policies-blind84": 13,
             "policies-blind85": 19, "policies-blind86": 20, "policies-blind87": 15, "policies-blind88": 11,
             "policies-blind92": 13, "policies-blind93": 10, "policies-blind94": 12, "policies-blind95": 10,
             "policies-blind97": 14, "policies-blind99": 13, "policies-blind100": 14, "policies-blind101": 10,
             "policies-blind102": 8, "policies-blind103": 8, "policies-blind105": 10,
             "policies-blind106": 8, "policies-blind107": 17, "policies-blind108": 10,
             "policies-blind109": 13, "policies-blind112": 15}


@pytest.mark.skipif(not BESIDE_FILES, reason="no test corpus with its files beside expected_meta.jsonl")
@pytest.mark.parametrize("folder", BESIDE_FILES, ids=lambda p: p.name)
def test_metadata_table_other_corpora(folder, tmp_path):
    """Corpora written by others (e.g. policies-extra): at most 8% of the checked fields wrong (ABOVE_BAR: no worse
    than on arrival)."""
    docs, _ = load_corpus(_txt_corpus(folder, tmp_path))
    report = check_metadata(docs, read_expected(folder / "expected_meta.jsonl"))
    print(report.table())
    assert not report.missing
    bar = max(0.08 * report.checked * len(report.errors), ABOVE_BAR.get(folder.name, 0))
    assert sum(report.errors.values()) <= bar, report.table()


def test_metadata_table_seeds():
    docs, _ = load_corpus(BUNDLED_CORPUS)
    report = check_metadata(docs, read_expected(CORPORA / "seeds_expected_meta.jsonl"))
    print(report.table())
    assert report.checked == 5 and sum(report.errors.values()) == 0


def _doc(tmp_path, text: str, name: str = "a.txt"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return load_document(path)


def test_dates_in_every_common_form():
    assert parse_date("二〇一九年三月五日") == date(2019, 3, 5)
    assert parse_date("二○○九年十月二十九日") == date(2009, 10, 29)
    assert parse_date("2019-03-05") == date(2019, 3, 5)
    assert parse_date("2019 年 3 月 5 日") == date(2019, 3, 5)
    assert parse_date("二〇二一年十二月三十一日") == date(2021, 12, 31)


def test_traditional_notice_with_signature_number_and_period(tmp_path):
    doc = _doc(
        tmp_path,
        "某某市人民政府辦公室關於印發某某市促進製造業發展\n若干措施的通知\n某市政辦發〔2021〕7號\n"
        "各縣（市、區）人民政府：\n《若干措施》已經市政府同意，現印發給你們。\n"
        "本措施執行期限為2021年1月1日至2023年12月31日。\n杭州市人民政府辦公室\n二〇二一年三月五日\n",
    )
    m = doc.meta
    assert m.title == "某某市人民政府辦公室關於印發某某市促進製造業發展若干措施的通知"
    assert m.doc_number == "某市政辦發〔2021〕7號"
    assert m.issuer == "杭州市人民政府辦公室" and m.region == "浙江省杭州市" and m.region_code == "330100"
    assert m.date == date(2021, 3, 5)
    assert (m.valid_from, m.valid_until) == (date(2021, 1, 1), date(2023, 12, 31))
    for key in ("title", "doc_number", "issuer", "date", "valid_from", "valid_until"):
        start, end = m.evidence[key]
        assert doc.text[start:end].strip(), key
    assert "二〇二一年三月五日" in doc.text[slice(*m.evidence["date"])]
    assert "執行期限" in doc.text[slice(*m.evidence["valid_until"])]
    assert not m.is_draft


def test_draft_cited_numbers_and_county_region(tmp_path):
    doc = _doc(
        tmp_path,
        "砚山县促进工业发展办法（征求意见稿）\n"
        "根据《国务院关于促进工业发展的若干意见》（国发〔2020〕7号），结合我县实际，制定本办法。\n"
        "第一条 本办法自印发之日起施行，有效期3年。\n",
    )
    m = doc.meta
    assert m.is_draft
    assert m.doc_number == ""  # 国发〔2020〕7号 is a cited document's number
    assert m.region == "云南省文山壮族苗族自治州砚山县" and m.issuer != "国务院"


def test_manifest_can_mark_a_draft(tmp_path):
    (tmp_path / "a.txt").write_text("某某市促进办法\n一、总则\n为规范管理，制定本办法。\n", "utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.txt": {"is_draft": True}}), "utf-8")
    [doc], errors = load_corpus(tmp_path)
    assert errors == [] and doc.meta.is_draft
    assert json.loads(json.dumps(doc.meta.to_dict()))["is_draft"] is True


def _meta(path: Path, text: str):
    """The metadata read from `path` once it holds `text`."""
    path.write_text(text, encoding="utf-8")
    return load_document(path).meta


def test_a_headline_led_by_its_place_is_a_title_not_a_label(tmp_path):
    """News-site reposts title a policy "岳阳市华容县:…"; a place before the colon is not a field label."""
    path = tmp_path / "repost.txt"
    meta = _meta(path, "岳阳市华容县:招商工作奖励的政策支持\n\n来源:华容县贸促会 发布时间:2022-02-16 10:30:36\n\n"
                       "1、重大项目信息奖。项目固定资产一次性投资在10亿—50亿元的,奖励20万元。\n")
    assert meta.title == "岳阳市华容县:招商工作奖励的政策支持" and meta.issuer == "华容县贸促会"
    meta = _meta(path, "发布单位:华容县贸促会\n\n招商工作奖励办法\n\n1、重大项目信息奖。奖励20万元。\n")
    assert meta.title == "招商工作奖励办法"  # a label that is not a place stays a label


def test_a_document_number_that_lost_its_hao_on_a_line_of_its_own(tmp_path):
    path = tmp_path / "notice.txt"
    meta = _meta(path, "洪江市人民政府办公室关于印发《洪江市实施“八大行动”总体方案》的通知\n\n发布时间:2024-03-22\n\n"
                       "洪政办发〔2024〕3\n\n各乡镇人民政府:\n现将方案印发给你们。根据《某办法》(国发〔2020〕7号)制定。\n")
    assert meta.doc_number == "洪政办发〔2024〕3号"


def test_a_block_of_site_fields_is_read_as_fields_not_joined_into_a_title(tmp_path):
    """Open-government pages put 索引号 / 发布机构 / 名称 fields above the text, several to a line."""
    path = tmp_path / "fields.txt"
    meta = _meta(path, "索引号 011378025/2025-16926 分类 国民经济管理、国有资产监管\n"
                       "发布机构 仙桃市人民政府 发文日期 2025-05-13\n文号 仙政规〔2025〕3号 效力状态 有效\n"
                       "名称 仙政规〔2025〕3号 市人民政府关于加快民营经济高质量发展的实施意见\n\n"
                       "各镇人民政府,各街道办事处,市政府各部门:\n现将意见印发给你们,请认真贯彻执行。\n")
    assert meta.title == "市人民政府关于加快民营经济高质量发展的实施意见"  # the 名称 field, its 文号 apart
    assert meta.issuer == "仙桃市人民政府" and meta.date == date(2025, 5, 13)
    assert meta.region == "湖北省仙桃市"  # a county the province governs directly: no pseudo city level


def test_a_signature_on_behalf_and_a_joint_signature_over_two_lines(tmp_path):
    path = tmp_path / "joint.txt"
    meta = _meta(path, "印发《关于大力促进民营经济健康发展的\n实施意见》的通知\n各区委、区人民政府:\n"
                       "《关于大力促进民营经济健康发展的实施意见》已经市委、市政府同意,现印发给你们。\n"
                       "中共鄂州市委办公室\n鄂州市人民政府办公室\n2025年4月28日\n")
    assert meta.issuer == "中共鄂州市委办公室 鄂州市人民政府办公室"
    meta = _meta(path, "桂产业振兴指挥部〔2023〕2号\n各市、县(市、区)人民政府:\n经自治区人民政府同意,现将《政策措施》印发给你们。\n"
                       "广西推进产业振兴三年行动指挥部(代)\n2023年1月9日\n关于加力振作工业经济的政策措施\n")
    assert meta.issuer == "广西推进产业振兴三年行动指挥部"
    meta = _meta(path, "关于加快第三产业发展的实施意见(试行)\n\n日期:2012-10-11 16:17 来源:本网\n\n各乡镇人民政府:\n"
                       "现将意见印发给你们。\n")
    assert meta.date == date(2012, 10, 11)  # a bare 日期 field
    meta = _meta(path, "中共彭州市委 彭州市人民政府关于印发《彭州市加快主导产业发展的若干政策措施》的通知\n\n"
                       "政策来源:成都市彭州市人民政府 | 发布机构:成都市彭州市人民政府办公室 | 发布时间:2017-06-29 |\n\n"
                       "各镇党委和人民政府:\n《若干政策措施》已经市委常委会议审议通过,现印发你们。\n中共彭州市委\n彭州市人民政府\n"
                       "2017年6月22日\n")
    assert meta.issuer == "中共彭州市委 彭州市人民政府"  # the signature, not the publishing office


def test_a_title_over_two_lines_and_dates_placed_as_page_metadata(tmp_path):
    path = tmp_path / "plan.txt"
    meta = _meta(path, "各县(市、区)人民政府,市各委、办、局:\n《行动计划》已经市政府同意,现印发给你们。\n盐城市人民政府办公室\n"
                       "2025年2月22日\n(此件公开发布)\n盐城市深化制造业智能化改造数字化转型\n网络化联接三年行动计划(2025-2027年)\n"
                       "为深入贯彻新型工业化的重要论述,制定本计划。\n")
    assert meta.title == "盐城市深化制造业智能化改造数字化转型网络化联接三年行动计划(2025-2027年)"
    meta = _meta(path, "关于《乌鲁木齐经济技术开发区招商引资促进办法(试行)》的规范性解释\n\n发布时间:2021-06-17   信息来源:\n\n"
                       "一、制定背景\n\n招商引资是提高区域经济发展的动力。\n")
    assert meta.title == "关于《乌鲁木齐经济技术开发区招商引资促进办法(试行)》的规范性解释"  # not joined to the fields
    assert meta.date == date(2021, 6, 17)
    meta = _meta(path, "海南省人民政府办公厅关于印发海南省促进经济高质量发展若干财政措施的通知\n\n"
                       "来源:海南省人民政府办公厅时间:2021-12-16\n\n为更好发挥财政作用,制定以下措施。\n")
    assert meta.date == date(2021, 12, 16)  # a 时间 label glued to the field before it
    meta = _meta(path, "宁夏回族自治区人民政府办公厅关于深入推进新型工业强区五年计划的实施意见 宁政办发〔2023〕13号 2023-03-24 "
                       "各市、县(区)人民政府,自治区政府各部门:为深入学习贯彻党的二十大精神,全面落实自治区党委部署,"
                       "现就深入推进新型工业强区五年计划提出如下实施意见。\n")
    assert meta.date == date(2023, 3, 24)  # the date after the 文号


def test_a_local_rule_without_issuer_is_not_national_and_a_title_over_a_blank_line(tmp_path):
    path = tmp_path / "county.txt"
    meta = _meta(path, "第一章 总 则\n第一条 为进一步加大我县对外开放和招商引资力度,结合我县实际,制定本优惠政策。\n"
                       "第二条 我县重点鼓励支持发展玻璃器皿产业。\n")
    assert meta.region == ""  # 我县: a county's rule, whichever county; never 全国
    meta = _meta(path, "珠海高新区鼓励申报高新技术企业\n\n暂行规定(修订)\n\n(珠高〔2016〕55号,2016年7月6日印发)\n\n"
                       "第一条 为加快培育高新技术企业,结合我区实际,制订本规定。\n")
    assert meta.title == "珠海高新区鼓励申报高新技术企业暂行规定(修订)" and meta.date == date(2016, 7, 6)
    assert meta.region == "广东省珠海市珠海高新技术产业开发区"


def test_a_legal_databases_field_block_is_read(tmp_path):
    path = tmp_path / "db.txt"
    meta = _meta(path, "发文标题: 山东省人民政府文件印发关于促进新材料等3个新兴产业加快发展的若干政策的通知\n"
                       "发文文号: 鲁政发[2010]29号\n发文部门: 山东省人民政府\n发文时间: 2010-3-18\n"
                       "关于促进新材料产业加快发展的若干政策\n一、加大财政支持力度。\n")
    assert meta.title == "山东省人民政府文件印发关于促进新材料等3个新兴产业加快发展的若干政策的通知"
    assert meta.issuer == "山东省人民政府" and meta.date == date(2010, 3, 18)


def test_a_copy_without_its_title_line_is_titled_by_the_document_its_notice_issues(tmp_path):
    meta = _meta(tmp_path / "copy.txt", "《数智贵州建设2026年工作要点》已经省领导同意,现印发给你们,请认真抓好贯彻落实。\n"
                                        "为贯彻落实省委省政府关于大数据发展的部署,制定本工作要点。\n"
                                        "1.发展以智算为重点的算力产业。加快培育算力硬件制造产业。\n")
    assert meta.title == "数智贵州建设2026年工作要点"


def test_a_title_over_three_lines_and_labelled_fields_in_table_cells(tmp_path):
    meta = _meta(tmp_path / "plan.txt", "绵阳市涪城区国民经济和社会发展\n\n第十四个五年规划和二〇三五年\n\n远景目标纲要\n\n"
                                        "涪城区国民经济和社会发展第十四个五年规划纲要,根据全会精神编制。\n")
    assert meta.title == "绵阳市涪城区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    cells = _meta(tmp_path / "cells.txt", "索引号: | 002564168/2025-00009 | 成文日期: | 2025-02-24 |\n"
                                          "文件编号: | 发布机构: | 湖州市经济和信息化局 |\n"
                                          "按照有关规定,市经信局组织编制了2025年工业发展专项资金预算。\n")
    assert cells.date == date(2025, 2, 24) and cells.issuer == "湖州市经济和信息化局"
    table = _meta(tmp_path / "table.txt", "| 发布机构 | 江苏省人民政府 | ||\n| 文件号 | 苏政办发〔2025〕45号 | 制发日期 | 2025-12-23 |\n"
                                          "各市、县(市、区)人民政府:\n为引导各地发展特色优势产业,提出如下实施意见。\n")
    assert table.title == "" and table.date == date(2025, 12, 23) and table.doc_number == "苏政办发〔2025〕45号"
    byline = _meta(tmp_path / "byline.txt", "浙江省工业发展专项资金管理办法 (征求意见稿)\n2025/11/5 16:30:27   浙江省财政厅\n"
                                            "为加强专项资金管理,制定本办法。\n")
    assert byline.date == date(2025, 11, 5) and byline.issuer == "浙江省财政厅"
    stamped = _meta(tmp_path / "stamped.txt", "关于加快实施制造业发展纲要的若干意见\n政策文件 2018-03-19 00:00:00\n"
                                              "为进一步推进制造业转型升级,现提出如下意见:\n一、总体要求\n")
    assert stamped.date == date(2018, 3, 19)


def test_a_report_on_a_draft_out_for_comment_is_a_draft(tmp_path):
    report = _meta(tmp_path / "news.txt", "顺德出台九龙产业园产业发展扶持办法\n时间:2023-04-16 来源:顺德发布\n"
                                         "概述:顺德正对《促进九龙产业园产业发展扶持办法(征求意见稿)》(以下简称《征求意见稿》)进行征求意见。\n"
                                         "其中,企业建设数字化示范工厂最高奖励2000万元。\n")
    assert report.is_draft
    final = _meta(tmp_path / "final.txt", "关于印发促进产业发展扶持办法的通知\n根据《促进产业发展扶持办法》,现印发给你们。\n")
    assert not final.is_draft


def test_a_notice_run_into_one_line_is_dated_by_its_inline_signature(tmp_path):
    meta = _meta(tmp_path / "runon.txt", "2023年东莞市政府一号文全文如下: 东莞市人民政府关于印发《关于推动实体经济高质量发展的若干措施》的通知 "
                                         "各镇人民政府(街道办事处),市府直属各单位: 《关于推动实体经济高质量发展的若干措施》业经市人民政府同意,"
                                         "现印发给你们,请认真组织实施。 东莞市人民政府 2023年1月29日\n"
                                         "关于推动实体经济高质量发展的若干措施 为深入贯彻落实党的二十大精神,力争到2025年底实现目标。\n")
    assert meta.date == date(2023, 1, 29) and meta.issuer == "东莞市人民政府"


def test_a_title_run_into_its_addressees_or_opening_clause_ends_at_its_kind_word(tmp_path):
    repost = _meta(tmp_path / "repost.txt", "原标题:舟山市人民政府印发关于进一步推动经济高质量发展若干政策的通知各县(区)人民政府,"
                                            "市政府直属各单位:\n现将《关于进一步推动经济高质量发展若干政策》印发给你们。\n")
    assert repost.title == "舟山市人民政府印发关于进一步推动经济高质量发展若干政策的通知"
    glued = _meta(tmp_path / "glued.txt", "河南省新乡高新区重大招商引资项目奖励办法为充分调动社会各界招商引资积极性,吸引更多外来投资,"
                                          "现将主要奖励办法公告如下: 1.对于成功引进的制造业项目给予奖励。\n")
    assert glued.title == "河南省新乡高新区重大招商引资项目奖励办法"


def test_a_district_and_a_zone_signing_together_are_the_districts_document(tmp_path):
    meta = _meta(tmp_path / "joint.txt", "广州开发区管委会 广州市黄埔区人民政府印发关于打造产业增长极的若干举措的通知\n"
                                         "穗埔府规〔2025〕3号\n各有关单位:\n现将若干举措印发给你们。\n")
    assert meta.region == "广东省广州市黄埔区"


def test_a_signing_date_outranks_a_publication_field_which_dates_its_entry_into_force(tmp_path):
    """成文日期 is the document's date; 公开发布日期, a label the field list does not know, is when 自公布之日起施行 starts."""
    meta = _meta(tmp_path / "fields.txt",
                 "  • 发文机关:某市人民政府\n  • 成文日期:2022-03-30\n  • 公开发布日期:2022-04-02\n\n"
                 "某市人民政府关于印发某市支持产业发展政策清单的通知\n\n各区人民政府:\n现将政策清单印发给你们。\n"
                 "本政策清单自公布之日起施行,有效期至2022年12月31日。\n\n某市人民政府\n2022年3月30日\n")
    assert (str(meta.date), str(meta.valid_from), str(meta.valid_until)) == ("2022-03-30", "2022-04-02", "2022-12-31")


def test_a_signature_date_run_together_is_read_when_its_digits_admit_one_reading(tmp_path):
    meta = _meta(tmp_path / "joint.txt",
                 "印发《关于促进工业发展的五年行动计划(2017-2021)》的通知\n\n来源: 某县政府 发布时间: 2017-03-13 08:44\n\n"
                 "某发〔2017〕2号\n\n各乡镇人民政府:\n\n现将《关于促进工业发展的五年行动计划(2017-2021)》印发给你们。\n\n"
                 "中共湘阴县委       湘阴县人民政府\n\n2017223\n\n为加快转变经济发展方式,特制定本计划。\n")
    assert (meta.issuer, str(meta.date)) == ("中共湘阴县委 湘阴县人民政府", "2017-02-23")
    assert parse_date("2017113") is None  # 1月13日 or 11月3日: no date guessed
    assert str(parse_date("20250101")) == "2025-01-01"
    assert str(parse_date("2019年1011")) == "2019-10-11"  # its 年 kept, 月 and 日 lost
    assert str(parse_date("2023925日")) == "2023-09-25"  # its 日 kept, 年 and 月 lost


def test_a_sentence_is_no_title_and_a_draft_label_line_completes_the_title(tmp_path):
    """A notice seeking comment heads the page; the draft's own title follows its attachment line."""
    meta = _meta(tmp_path / "draft.txt",
                 "为扶持企业实施技术改造,我局制定了《某市制造业技术改造升级扶持措施》。现向广大企业和社会公众公开征求意见。\n"
                 "联系电话:0318-2662085\n附件:某市制造业技术改造升级扶持措施\n某市工业和信息化局\n2025年12月22日\n"
                 "某市制造业技术改造升级扶持措施\n(公开征求意见稿)\n为深入贯彻落实有关工作部署,制定本措施。\n")
    assert meta.title == "某市制造业技术改造升级扶持措施(公开征求意见稿)" and meta.is_draft


def test_a_city_notice_naming_its_city_only_in_its_addressees_is_that_citys(tmp_path):
    """A news list's "市政府:关于…" heading is a title with its issuer; 全市 and the addressees give the city."""
    meta = _meta(tmp_path / "city.txt",
                 "市政府:关于继续实施促进全市工业经济稳定增长若干措施的通知\n\n2017-02-15 11:46\n\n"
                 "各县人民政府,漳州、常山、古雷开发区管委会,漳州台商投资区、漳州高新区管委会,市直有关单位:\n\n"
                 "为确保全市工业经济稳定增长,特提出如下措施:\n一、鼓励企业增产增效。\n")
    assert (meta.title, meta.issuer, meta.region) == (
        "市政府:关于继续实施促进全市工业经济稳定增长若干措施的通知", "市政府", "福建省漳州市")
    county = _meta(tmp_path / "county.txt", "关于支持工业发展的意见\n\n各乡镇人民政府,县直各单位:\n\n为推动全县工业发展,制定本意见。\n")
    assert county.region == ""  # its addressees name no place: nothing to infer


def test_the_headers_place_is_refined_by_a_place_inside_it_the_text_names_most(tmp_path):
    meta = _meta(tmp_path / "news.txt",
                 "设立专项资金 拿出真金白银 莲花以奖促优助推工业经济高质量发展\n\n2025-05-07 04:52\n江西日报\n\n"
                 "本报莲花讯 近日,莲花县出台17条惠企政策,为全县工业企业发展注入新动力。对新纳入统计的规模以上工业企业给予5万元奖励。"
                 "莲花县还设立科技创新专项资金。\n")
    assert meta.region == "江西省萍乡市莲花县"  # not 白银 of 真金白银, nor only the newspaper's 江西


def test_a_date_under_a_notices_closing_sentence_is_its_signing_date_without_a_signer(tmp_path):
    meta = _meta(tmp_path / "plan.txt",
                 "省人民政府关于印发某省制造业规划的通知\n\n来源:省人民政府   发布时间:2021-11-22 09:37:39\n\n"
                 "各市、州、县人民政府,省政府各部门:\n\n现将《某省制造业规划》印发给你们,请结合工作实际,认真贯彻执行。\n\n"
                 "2021年10月29日\n\n某省制造业规划\n")
    assert str(meta.date) == "2021-10-29"  # not the page's 发布时间


def test_legal_database_fields_a_date_broken_over_lines_and_a_month_only_signature(tmp_path):
    db = _meta(tmp_path / "db.txt",
               "某区人民政府关于印发《某区若干产业政策意见》的通知\n\n某区人民政府关于印发《某区若干产业政策意见》的通知文章属性"
               "•【制定机关】上海市闵行区人民政府•【公布日期】2020.05.11•【字号】闵府规发〔2020〕5号•【施行日期】2020.06.15•\n")
    assert (db.issuer, str(db.date), str(db.valid_from)) == ("上海市闵行区人民政府", "2020-05-11", "2020-06-15")
    broken = _meta(tmp_path / "broken.txt",
                   "中共某区委某区人民政府关于印发《某区实施意见》的通知\n2020-05-21 10:31\n各镇人民政府:\n"
                   "现将《某区实施意见》印发给你们,请认真贯彻执行。\n中共北京市顺义区委\n北京市顺义区人民政府\n2018\n年\n9\n月\n8\n日\n")
    assert str(broken.date) == "2018-09-08"
    plan = _meta(tmp_path / "plan.txt",
                 "(吉林省)吉林市舒兰市国民经济和社会发展十四五规划(2022年更新)\n\n发表于:2022-08-04 14:23:21\n前言\n"
                 "舒兰市人民政府\n\n二〇二一年七月\n\n序 言\n")
    assert (plan.title, plan.issuer, str(plan.date)) == (
        "(吉林省)吉林市舒兰市国民经济和社会发展十四五规划(2022年更新)", "舒兰市人民政府", "2022-08-04")
    assert _meta(tmp_path / "toc.txt", "2021年4月\n目录\n第一章 把握历史交汇新态势\n").title == ""  # a date is no title


def test_a_bare_city_is_no_issuer_a_zone_is_and_validity_ends_as_stated(tmp_path):
    city = _meta(tmp_path / "city.txt", "连云港关于支持重点产业加快发展若干政策意见\n\n2022-05-09 14:55\n\n"
                 "本意见有效期三年,自2022年1月1日起执行,有效期截至2024年12月31日。\n")
    assert (city.issuer, str(city.valid_until)) == ("", "2024-12-31")
    zone = _meta(tmp_path / "zone.txt", "名  称: 某区规划纲要\n发布机构: 天津经济技术开发区\n成文日期: 2021-07-20\n\n序 言\n")
    assert zone.issuer == "天津经济技术开发区"


def test_fragments_of_a_parenthesis_and_field_cells_are_no_title_nor_issuer(tmp_path):
    plan = _meta(tmp_path / "plan.txt", "(2021年1月18日某县第十七届人民代表大会\n第六次会议通过)\n目 录\n第一篇 发展的基础和环境\n")
    assert plan.issuer == "" and plan.title != "第六次会议通过)"
    page = _meta(tmp_path / "page.txt",
                 "索 引 号 059422325-0480-2024-00919\n发布机构 市政府办公室\n文  号 驻政〔2022〕11号\n成文日期 2022-02-17\n"
                 "公文时效 有效\n驻马店市人民政府关于印发驻马店市科技创新规划的通知\n")
    assert (page.title, page.issuer, page.doc_number) == (
        "驻马店市人民政府关于印发驻马店市科技创新规划的通知", "驻马店市人民政府", "驻政〔2022〕11号")
    news = _meta(tmp_path / "news.txt", "焦作市人民政府办公室发布加快焦作高新区发展的实施意见\n\n2017-06-23 00:00\n\n为加快发展,制定本意见。\n")
    assert news.issuer == "焦作市人民政府办公室"


def test_a_place_read_from_the_text_is_raised_to_the_level_the_text_speaks_as(tmp_path):
    meta = _meta(tmp_path / "news.txt",
                 "游客在金秀莲花山景区游览观光。(市文化广电和旅游局供图)\n"
                 "晚刊讯 4月30日,我市召开《关于推进工业振兴的若干政策措施》发布会。每年由市财政统筹资金支持工业振兴。\n")
    assert meta.region == "广西壮族自治区来宾市"  # 金秀 is one of its counties; 我市 says the city speaks


def test_a_compilations_publication_note_dates_numbers_and_repeals_the_document(tmp_path):
    """A 规范性文件 compilation puts (date, issuer, 文号 文发布, repeal date) under the title."""
    meta = _meta(tmp_path / "note.txt", "市政府关于促进制造业发展的若干意见\n\n"
                 "(2021年3月5日丰县人民政府丰政规〔2021〕2号文发布 2023年1月1日废止)\n\n各镇人民政府:\n"
                 "为加快全县制造业发展,提出以下意见。\n一、对首次升规的企业奖励10万元。\n")
    assert (meta.issuer, str(meta.date), meta.doc_number) == ("丰县人民政府", "2021-03-05", "丰政规〔2021〕2号")
    assert str(meta.valid_until) == "2023-01-01" and meta.region.endswith("丰县")


def test_page_fields_after_a_time_or_run_together_are_read(tmp_path):
    """文章来源 glued to a page's time; a 来源 value ending where the next labelled field begins."""
    meta = _meta(tmp_path / "list.txt", "某市支持实体经济发展政策清单\n\n2022-05-10 09:15文章来源: 市四送一服办\n\n"
                 "1.补助设备投入。补助最高可达300万元。(某政〔2019〕5号,市发展改革委负责)\n")
    assert (meta.issuer, str(meta.date), meta.doc_number) == ("市四送一服办", "2022-05-10", "")
    meta = _meta(tmp_path / "zone.txt", "关于印发《某高新区发展规划》的通知\n来源:镇江国家高新区时间:2022-04-01 10:20:30\n\n"
                 "第一章 总体要求\n")
    assert meta.issuer == "镇江国家高新区" and str(meta.date) == "2022-04-01"


def test_a_notice_title_ends_with_its_own_notice_word_on_a_third_line(tmp_path):
    meta = _meta(tmp_path / "plan.txt", "某市人民政府关于印发某市工业\n技术改造三年行动计划\n(2020—2022年)的通知\n"
                 "某府〔2020〕8号\n各县(区)人民政府:\n现将《某市工业技术改造三年行动计划(2020—2022年)》印发给你们。\n")
    assert meta.title == "某市人民政府关于印发某市工业技术改造三年行动计划(2020—2022年)的通知"
    meta = _meta(tmp_path / "plan.txt", "某市人民政府关于印发产业转移实施意见\n的通知\n某府〔2015〕6号\n各旗县人民政府:\n")
    assert meta.title == "某市人民政府关于印发产业转移实施意见的通知"


def test_a_call_for_comments_and_a_news_report_on_a_draft_are_drafts(tmp_path):
    meta = _meta(tmp_path / "call.txt", "关于公开征集《某市服务业发展工作方案》意见的公告\n\n来源:服务业办\n\n"
                 "我委起草了《某市服务业发展工作方案(征求意见稿)》,现向社会公开征求意见。\n")
    assert meta.is_draft
    meta = _meta(tmp_path / "news.txt", "3月2日,安徽省宿州市发改委发布《关于加快发展光伏产业的意见(征求意见稿)》,"
                 "提出打造光伏制造特色产业集群。\n原文如下:\n一、发展光伏制造业。\n")
    assert meta.title == "关于加快发展光伏产业的意见(征求意见稿)" and meta.is_draft
    assert meta.issuer == "安徽省宿州市发改委"
    meta = _meta(tmp_path / "news.txt", "近日,阿拉善盟委员会、阿拉善盟行政公署印发了《阿拉善盟“六个行动”实施方案》,全文如下:\n"
                 "为全力推进“六个行动”,结合我盟实际,制定本方案。\n")
    assert meta.title == "阿拉善盟“六个行动”实施方案" and meta.issuer == "阿拉善盟委员会、阿拉善盟行政公署"
    assert meta.region == "内蒙古自治区阿拉善盟"


def test_a_title_without_site_tags_attachment_lists_or_notes_run_on_to_it(tmp_path):
    """【已结束】 before a heading, (附:…) and a page field after it, (2017年9月19日印发) under it and a signature run
    on into a 名称 field are not the title; a plan whose opening sentence names it is titled so."""
    meta = _meta(tmp_path / "a.txt", "【已结束】某市工业和信息化局关于《某市制造强市三年行动计划》公开征求意见的公告 发布时间:2023-09-27 17:22\n"
                 "现对《某市制造强市三年行动计划》公开征求意见。\n")
    assert meta.title == "某市工业和信息化局关于《某市制造强市三年行动计划》公开征求意见的公告" and meta.is_draft
    meta = _meta(tmp_path / "b.txt", "揭阳市人民政府关于印发揭阳市促进产业发展政策体系文件的通知(附:揭阳市产业发展资金管理办法、"
                 "揭阳市促进总部经济发展扶持办法)\n各县(市、区)人民政府:\n")
    assert meta.title == "揭阳市人民政府关于印发揭阳市促进产业发展政策体系文件的通知"
    meta = _meta(tmp_path / "c.txt", "潮州市陶瓷产业做大做强实施意见\n\n(2017年9月19日印发)\n\n陶瓷产业是潮州市第一支柱产业。\n")
    assert meta.title == "潮州市陶瓷产业做大做强实施意见" and str(meta.date) == "2017-09-19"
    meta = _meta(tmp_path / "d.txt", "市人民政府办公室关于印发《招商引资工作任务清单》的通知\n\n索 引 号: 011/2025-27 发布机构: 市招商服务中心 "
                 "发布日期: 2025年06月19日 16:00:00 名  称: 市人民政府办公室关于印发《招商引资工作任务清单》的通知\n\n"
                 "市人民政府办公室\n")
    assert meta.title == "市人民政府办公室关于印发《招商引资工作任务清单》的通知"
    meta = _meta(tmp_path / "e.txt", "潜山市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要,根据潜山市委的建议编制,"
                 "主要明确发展目标。\n")
    assert meta.title == "潜山市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要" and meta.region.endswith("潜山市")
    meta = _meta(tmp_path / "f.txt", "济管〔2020〕 10号\n各镇人民政府:\n为加快工业转型升级,制定以下政策。\n"
                 "对总投资额在5000万元以上的新建一般工业项目\n100亿元、\n")
    assert meta.title == ""


def test_a_source_field_holding_only_a_date_dates_the_page_and_a_broken_date_is_cited_whole(tmp_path):
    meta = _meta(tmp_path / "a.txt", "日照市委、日照市人民政府关于加快工业强市建设的意见\n来源:2018-08-23 14:39\n一、总体要求\n")
    assert meta.date == date(2018, 8, 23)
    text = ("顺义区关于印发《促进高精尖产业发展实施意见》的通知\n各镇人民政府:\n现将《实施意见》印发给你们,请认真贯彻执行。\n"
            "北京市顺义区人民政府\n2018\n年\n9\n月\n8\n日\n")
    doc = _doc(tmp_path, text, "b.txt")
    start, end = doc.meta.evidence["date"]
    assert doc.meta.date == date(2018, 9, 8) and doc.text[start:end].split() == ["2018", "年", "9", "月", "8", "日"]
    plan = _doc(tmp_path, "某区规划纲要\n发布日期:2022-05-24\n正文。\n某区管理委员会\n2020年3月\n", "c.txt")
    start, end = plan.meta.evidence["signed"]
    assert plan.meta.date == date(2022, 5, 24) and plan.text[start:end] == "2020年3月"


def test_a_title_keeps_no_bracket_of_its_number_nor_a_site_heading_above_another_document(tmp_path):
    notice = _meta(tmp_path / "a.txt", "阳江市人民政府关于印发阳江市高质量建设制造强市实施方案的通知(阳府〔2023〕14号)\n"
                   "来源:阳江市政府网  时间:2023-06-28\n各县(市、区)人民政府:\n现将《实施方案》印发给你们。\n")
    assert notice.title == "阳江市人民政府关于印发阳江市高质量建设制造强市实施方案的通知"
    own = _meta(tmp_path / "b.txt", "辽宁省县(市)区招商引资奖励资金管理办法\n一六二团招商引资奖励办法\n"
                "第一条为充分调动社会各界参与招商引资的积极性,特制定本奖励办法。\n第二条奖励范围\n")
    assert own.title == "一六二团招商引资奖励办法"
    repeated = _meta(tmp_path / "c.txt", "淮北市支持实体经济发展政策清单\n(2021年4月版)\n支持实体经济发展政策清单(2021年4月版)\n"
                     "一、财政政策\n")
    assert repeated.title == "淮北市支持实体经济发展政策清单(2021年4月版)"
    basis = _meta(tmp_path / "d.txt", "各县区人民政府:\n2020年,全市工业企业取得了良好成绩。根据《中共定西市委 定西市人民政府关于"
                  "推进工业强市的意见》精神,决定对优秀企业予以奖励。\n")
    assert not basis.title.startswith("根据")


def test_a_region_named_two_ways_is_one_place():
    from corpus.metadata_check import _same_place
    assert _same_place("新疆维吾尔自治区喀什地区喀什经济开发区", "新疆维吾尔自治区喀什地区喀什经济技术开发区")
    assert _same_place("湖南省株洲市株洲高新区", "湖南省株洲市株洲高新技术产业开发区")
    assert not _same_place("重庆市重庆高新技术产业开发区", "重庆市")  # a zone the gazetteer lacks is not its city
    assert not _same_place("河南省濮阳市", "")


def test_a_signature_run_on_after_an_attachments_file_name_is_read(tmp_path):
    meta = _meta(tmp_path / "a.txt", "提振龙头企业枸杞鲜果订单收购信心,将第六条调整如下。\n"
                 "附件:《中宁县2024年推进枸杞产业高质量发展“15条”扶持措施》.pdf中宁县枸杞产业发展服务中心2024年9月12日(此件公开发布)。\n")
    assert meta.issuer == "中宁县枸杞产业发展服务中心" and meta.date == date(2024, 9, 12)


def test_a_news_dateline_is_neither_the_title_nor_the_policys_place(tmp_path):
    meta = _meta(tmp_path / "news.txt", "■此次《激励办法》是在2016年出台的暂行办法基础上制定的\n"
                                        "南宁讯(记者 周红梅 通讯员 苏婵)为进一步扩大开放,5月27日,自治区政府制定出台《广西招商引资激励办法》,"
                                        "对全区各级政府和园区给予激励。广西将加大招商力度。\n")
    assert meta.title == "" and meta.region == "广西壮族自治区"


def test_a_report_on_a_draft_plan_is_no_draft_and_a_page_date_may_end_in_a_separator(tmp_path):
    report = _meta(tmp_path / "report.txt", "名称:某县2022年国民经济和社会发展计划执行情况与2023年国民经济和社会发展计划(草案)的报告\n"
                                            "发布日期:2023-07-28\n各位代表:\n现将计划执行情况报告如下。\n")
    assert not report.is_draft
    news = _meta(tmp_path / "news.txt", "重奖招商功臣!某市出台22条措施\n\n 2023/05/25/ 17:17 来源:新甘肃 记者 安志鹏\n"
                                        "近日,某市出台促进招商引资若干措施。\n")
    assert news.date == date(2023, 5, 25)


def test_a_signing_unit_broken_before_ji_is_read_whole(tmp_path):
    meta = _meta(tmp_path / "a.txt", "关于印发《同城化发展2023年工作要点》的通知\n各成员单位:\n现将《工作要点》印发给你们,请认真贯彻执行。\n"
                                     "资阳市全面融入成渝地区双城经济圈建设\n暨推进同城化发展领导小组\n2023年3月7日\n")
    assert meta.issuer.split() == ["资阳市全面融入成渝地区双城经济圈建设", "暨推进同城化发展领导小组"]
    assert meta.date == date(2023, 3, 7)


def test_page_tables_printing_lines_and_year_periods(tmp_path):
    """A row of a page's field table is no title and a cell the page renders twice is one value; the printing
    line's date (…办公室 / 2019年7月12日印发) signs a document; 实施年限为2019-2021年 runs from the first year's start
    to the last's end."""
    table = _meta(tmp_path / "t.txt", "发布单位 | 某省人民政府 某省人民政府 | 发布文号 | 暂无 |\n---|---|---|---|\n"
                                      "发布日期 | 2010-07-19 | 生效日期 | 2010-07-19 |\n有效性状态 | 废止日期 | 暂无 | |\n"
                                      "各市人民政府:\n为加快发展特色产业,现提出如下意见。\n")
    assert table.title == "" and table.issuer == "某省人民政府"
    printed = _meta(tmp_path / "p.txt", "某省企业奖励办法\n第一条 为鼓励企业发展,制定本办法。\n第六条 本办法实施年限为2019-2021年\n"
                                        "某省科学技术厅办公室\n2019年7月12日印发\n")
    assert (printed.issuer, printed.date) == ("某省科学技术厅办公室", date(2019, 7, 12))
    assert (printed.valid_from, printed.valid_until) == (date(2019, 1, 1), date(2021, 12, 31))


def test_a_byline_run_into_the_title_and_a_cut_line_above_it(tmp_path):
    """A page that runs who and when into the title (…信息化局2023年4月13日某区…办法第一条…) gives the issuer and date,
    not a title starting with them; a cut 《 line above a notice's title is no part of it."""
    run_on = _meta(tmp_path / "r.txt", "某市某区科技工业商务和信息化局2023年4月13日某市某区促进美妆产业扶持办法第一条为打造示范区,"
                                       "制定本办法。第三条对新注册企业给予奖励。\n")
    assert run_on.title == "某市某区促进美妆产业扶持办法"
    assert (run_on.issuer, run_on.date) == ("某市某区科技工业商务和信息化局", date(2023, 4, 13))
    cut = _meta(tmp_path / "c.txt", "《某省进一步支持民间投资的实施\n\n某省人民政府办公厅关于印发某省\n\n进一步支持民间投资的\n\n"
                                    "实施方案的通知\n\n某府办〔2023〕5号\n\n各地级以上市人民政府:\n现印发给你们,请认真组织实施。\n")
    assert cut.title == "某省人民政府办公厅关于印发某省进一步支持民间投资的实施方案的通知"


def test_a_page_time_stamp_dates_the_page_and_is_no_part_of_its_title(tmp_path):
    """CCTV.com 2009年10月27日 13:59 来源:…: a date with its time of day is when the page was posted, not a line of
    the headline above it; a signature run on after a lost full stop (…同意,,某市某镇人民政府2023年11月13日…) signs."""
    news = _meta(tmp_path / "n.txt", "某某开发区成新的经济增长点\n\nCCTV.com  2009年10月27日 13:59  来源:新华网综合\n\n"
                                     "B区开发列入规划\n  8年前,某某开发区建立。\n")
    assert "CCTV" not in news.title and "13:59" not in news.title and news.date == date(2009, 10, 27)
    stamp = _meta(tmp_path / "s.txt", "某县推动民营经济高质量发展\n\n2023-05-31 15:05     中国发展网\n\n民营经济兴则全局兴,某县坚定落实。\n")
    assert stamp.date == date(2023, 5, 31)
    run_on = _meta(tmp_path / "r.txt", "某镇人民政府关于印发《关于进一步加强招商引资工作的意见》的通知各单位:《意见》业经镇政府同意,,"
                                       "某市某镇人民政府2023年11月13日关于进一步加强招商引资工作的意见为做好招商引资工作,制定本意见。\n")
    assert run_on.date == date(2023, 11, 13)


def test_a_date_in_parentheses_under_the_title_is_the_documents_date(tmp_path):
    """中共某省委 某省人民政府关于…的意见 / (2025年3月22日): the date the text gives under its title dates it, not the
    page's time stamp above."""
    meta = _meta(tmp_path / "o.txt", "中共某省委 某省人民政府关于推动县域经济高质量发展的意见\n2025-04-01 20:18:30      来源:某省人民政府\n\n"
                                     "中共某省委 某省人民政府\n\n关于推动县域经济高质量发展的意见\n\n(2025年3月22日)\n\n为加快推动县域经济发展,提出如下意见。\n")
    assert meta.date == date(2025, 3, 22)


def test_a_news_lead_in_traditional_script_names_the_reported_draft(tmp_path):
    """2月24日,由某省經濟和信息化廳對外發布擬制的《…(征求意見稿)》: the lead is read in simplified script, the title
    kept in the text's own; the reported document is a draft."""
    meta = _meta(tmp_path / "n.txt", "2021-02-25 10:38 來源:某某食品報網\n某某食品報中國酒報道\n"
                                     "2月24日,由某省經濟和信息化廳對外發布擬制的《推動某省白酒產業高質量發展的若干措施(征求意見稿)》,"
                                     "其中有12項舉措。\n《意見》提出,推動白酒產業向優勢產區集中。\n")
    assert meta.title == "推動某省白酒產業高質量發展的若干措施(征求意見稿)" and meta.is_draft
    assert meta.issuer == "某省經濟和信息化廳"


def test_a_number_line_that_lost_its_closing_bracket_is_the_documents_number(tmp_path):
    """霍政〔202118 alone on its line under the title: the 文号 with its 〕 and 号 lost, kept as the text writes it."""
    meta = _meta(tmp_path / "h.txt", "某县人民政府关于印发某县招商引资优惠政策的通知\n某政〔202118\n各乡镇人民政府:\n现印发给你们,请认真贯彻执行。\n")
    assert meta.doc_number == "某政〔202118"


def test_a_page_field_after_a_list_bullet_is_no_part_of_the_title(tmp_path):
    meta = _meta(tmp_path / "b.txt", "某省发布《关于推动县域经济高质量发展若干政策措施的意见》\n- 发布日期:2024-07-05\n为推动县域经济发展,现提出如下意见。\n")
    assert meta.title == "某省发布《关于推动县域经济高质量发展若干政策措施的意见》" and meta.date == date(2024, 7, 5)


def test_a_dateline_ending_at_its_dian_is_no_title_and_a_body_mention_of_an_organ_is_no_issuer(tmp_path):
    """中新社…6月13日电 with its reporter after a space is a dateline; 国务院 that approved something, or a list
    国务院公布的, is said of in the text: neither issues the report, and its place is not 全国."""
    meta = _meta(tmp_path / "n.txt", "中新社乌鲁木齐6月13日电 (记者 孙亭文)新疆博尔塔拉蒙古自治州13日召开新闻发布会。"
                                     "该州州长公布,今年5月30日,中国国务院已正式批准设立阿拉山口综合保税区。\n")
    assert meta.title == "" and meta.issuer == "" and meta.region != "全国"
    meta = _meta(tmp_path / "p.txt", "黄梅县情及招商政策简介\n一、县情简介\n黄梅县位于鄂赣皖三省交界。\n"
                                     "在2006年6月国务院公布的首批国家非物质文化遗产名录上,黄梅戏名列其中。\n")
    assert meta.issuer == "" and meta.region == "湖北省黄冈市黄梅县"


def test_a_town_the_issuer_leads_with_is_the_region_but_not_a_town_named_once_in_passing(tmp_path):
    meta = _meta(tmp_path / "t.txt", "关于印发《道滘镇食品饮料产业集群试点培育专项资金管理办法》的通知\n各村(社区):\n"
                                     "现将办法印发给你们,请认真执行。\n东莞市道滘镇人民政府\n2022年8月1日\n")
    assert meta.region == "广东省东莞市道滘镇"
    meta = _meta(tmp_path / "s.txt", "关于印发《洞泾镇关于推进经济高质量发展的若干措施》的通知\n"
                                     "为推动上海市松江区经济发展,制定本措施。\n")
    assert meta.region == "上海市松江区洞泾镇"
    meta = _meta(tmp_path / "n.txt", "8月22日,泰宁县朱口镇益村菌业有限公司的工人们忙采金针菇。这是泰宁食用菌产业的缩影。"
                                     "泰宁县积极引导农民发展食用菌。\n")
    assert meta.region == "福建省三明市泰宁县"  # a company's address, named once


def test_a_headlines_word_that_is_a_countys_short_name_the_text_never_repeats_is_no_place(tmp_path):
    """茉莉香满城 (the town is full of jasmine) in a headline on 横县: 满城 is no 满城区 when the text names 横县 throughout."""
    meta = _meta(tmp_path / "h.txt", "人勤春来早 茉莉香满城\n——横县大力推动茉莉花产业高质量发展\n春风拂面,横县中华茉莉园里一派忙碌的景象。"
                                     "横县茉莉花种植面积达12.5万亩。横县将继续扶持茉莉花产业。\n")
    assert "满城" not in meta.region and meta.region.startswith("广西壮族自治区南宁市")
    meta = _meta(tmp_path / "m.txt", "满城区促进工业发展若干措施\n为促进工业发展,制定本措施。\n")
    assert meta.region == "河北省保定市满城区"  # its full name is a name


def test_a_headlines_short_name_named_again_but_never_with_its_province_yields_to_the_province_the_text_names(tmp_path):
    """三江源腹地久治 on 青海省久治县: 三江 (广西's 三江侗族自治县) is part of 三江源, repeated in the text, which never names
    柳州 or 广西 but names 青海 throughout."""
    meta = _meta(tmp_path / "j.txt", "十年来三江源腹地久治生态环境持续向好\n记者从青海省久治县委宣传部获悉,地处三江源腹地的"
                                     "久治生态环境焕然一新。地处三江源核心区的久治县是青海省果洛藏族自治州辖县。\n")
    assert meta.region == "青海省果洛藏族自治州久治县"
    meta = _meta(tmp_path / "s.txt", "三江县工业发展若干措施\n三江县地处广西北部,三江县将扶持工业。\n")
    assert meta.region == "广西壮族自治区柳州市三江侗族自治县"


def test_an_unlabelled_number_cell_of_the_field_block_is_the_documents_number(tmp_path):
    meta = _meta(tmp_path / "f.txt", "• 736916951/2023-004555\n  • 农业\n  • 某省人民政府办公厅关于印发某省若干政策措施的通知\n"
                                     "  • 黑政办规〔2023〕4号\n  • 2023-06-25\n  • 现行有效\n\n"
                                     "某省人民政府办公厅关于印发某省若干政策措施的通知\n\n各市人民政府:\n现印发给你们,请认真贯彻落实。\n")
    assert meta.doc_number == "黑政办规〔2023〕4号"


def test_a_block_of_page_fields_takes_no_titles_place(tmp_path):
    """【发布文号】 is a field label (a legal database's page), not a title, and the fields above the notice do not push
    the document it issues out of the lines a title is looked for in."""
    fields = "【发布单位】 某省人民政府\n【发布文号】 某府办发〔2014〕19号\n【发布日期】 2014-04-21\n【生效日期】\n【效 力】\n"
    meta = _meta(tmp_path / "f.txt", fields * 3 + "各市人民政府:\n《某省茶产业提升三年行动计划(2014—2016年)》已经省人民政府同意,"
                 "现印发给你们,请认真贯彻执行。\n某省人民政府办公厅\n2014年4月21日\n")
    assert meta.title == "某省茶产业提升三年行动计划(2014—2016年)" and meta.doc_number == "某府办发〔2014〕19号"


def test_a_titles_line_may_end_with_the_pages_date_or_the_files_extension(tmp_path):
    meta = _meta(tmp_path / "q.txt", "上海市青浦区国民经济和社会发展第十二个五年规划纲要 2011-03-25\n序言\n“十二五”时期是关键时期。\n")
    assert meta.title == "上海市青浦区国民经济和社会发展第十二个五年规划纲要"
    meta = _meta(tmp_path / "d.txt", "某镇招商引资中介机构奖励办法(试行)(征求意见稿).docx\n\n上传时间:2023-11-14\n第一条 为推进发展,制定本办法。\n")
    assert meta.title == "某镇招商引资中介机构奖励办法(试行)(征求意见稿)" and meta.is_draft


def test_a_line_with_no_title_word_below_prose_is_no_title_unless_headings_follow(tmp_path):
    prose = "2024年,漳州市华安县全力推进项目建设,以高标准建设高品质新型工业园区为抓手,在项目引建、产业提升、园区建设、服务保障等方面持续发力,扎实推进工业经济高质量发展。\n"
    meta = _meta(tmp_path / "n.txt", prose + "这一年,工业经济稳中有进。\n福建某某实业有限公\n")
    assert meta.title == "" and meta.region == "福建省漳州市华安县"  # a cut-off last line
    meta = _meta(tmp_path / "y.txt", "各县(市)区人民政府:\n《营口市推动经济稳中求进若干政策举措》已经市政府常务会议审议通过,现予印发,"
                 "请认真贯彻执行,各地各部门要抓好落实。\n营口市人民政府\n2024年5月31日\n营口市推动经济稳中求进若干政策举措\n"
                 "一、积极促进消费升温\n1.持续开展促消费活动。\n")
    assert meta.title == "营口市推动经济稳中求进若干政策举措"


def test_a_call_for_comments_with_no_title_line_is_the_draft_it_names(tmp_path):
    meta = _meta(tmp_path / "t.txt", "新市民是城市建设的生力军,为促进新市民安居乐业,结合本市实际,起草形成了《某市促进新市民安居乐业政策举措"
                 "(征求意见稿)》。现向社会公开征求意见(含公平竞争)。\n公开征求意见时间为2024年12月6日至2025年1月5日。\n")
    assert meta.title == "某市促进新市民安居乐业政策举措(征求意见稿)" and meta.is_draft
    meta = _meta(tmp_path / "s.txt", "为优化民营经济发展环境,根据《中华人民共和国民营经济促进法》,省发展改革委研究起草了《某省民营经济促进条例"
                 "(草案征求意见稿)》,现向社会公开征求意见。\n一、电子邮件发至:a@b.cn。\n")  # a draft marked (草案…)
    assert meta.title == "某省民营经济促进条例(草案征求意见稿)" and meta.is_draft


def test_a_title_below_a_summary_cut_off_mid_sentence_is_not_run_into_it(tmp_path):
    """摘要:…征求意见截止时间2025 / 关于《…发展 / 促进条例(征求意见稿)》 / 公开征求意见的公告: the summary's cut
    sentence does not swallow the title's first line, so the title is read whole."""
    meta = _meta(tmp_path / "d.txt", "事关民营经济发展!某省公开征求意见→\n\n2025-03-10 01:29\n\n摘要:为了优化民营经济发展环境,"
                 "现将《某省民营经济发展促进条例(征求意见稿)》全文公布,广泛征求社会各方面意见,征求意见截止时间2025\n\n"
                 "关于《某省民营经济发展\n\n促进条例(征求意见稿)》\n\n公开征求意见的公告\n\n为了优化民营经济发展环境,现将草案公布。\n")
    assert meta.title == "关于《某省民营经济发展促进条例(征求意见稿)》公开征求意见的公告" and meta.is_draft


def test_a_standing_committees_announcement_number_is_the_documents_number(tmp_path):
    head = "某省民营经济促进条例\n某省人民代表大会常务委员会公告\n"
    body = "《某省民营经济促进条例》已由某省人民代表大会常务委员会第十九次会议于2025年11月27日通过,现予公布。\n"
    assert _meta(tmp_path / "a.txt", head + "〔十四届〕第四十八号\n" + body).doc_number == "〔十四届〕第四十八号"
    assert _meta(tmp_path / "b.txt", head + "(第47号)\n" + body).doc_number == "公告(第47号)"
    assert _meta(tmp_path / "c.txt", "某省人民代表大会常务委员会公告(第123号)\n" + body).doc_number == "公告(第123号)"
    assert _meta(tmp_path / "e.txt", "某省人民代表大会常务委员会公告第20號\n" + body).doc_number == "公告第20號"
    assert _meta(tmp_path / "y.txt", head + "〔2024〕12號\n" + body).doc_number == "〔2024〕12號"  # numbered by its year
    assert _meta(tmp_path / "d.txt", "某省人民代表大会常务委员会\n第四十八号\n" + body).doc_number == ""  # no 公告 above it
    table = "| 發布單位 | 某省人民代表大會常務委員會 | 發布文號 | 某省人民代表大會常務委員會公告(第48號) |\n| 發布日期 | 2025-11-27 |\n"
    assert _meta(tmp_path / "f.txt", table + body).doc_number == "某省人民代表大會常務委員會公告(第48號)"  # a labelled field


def test_a_town_named_throughout_in_the_one_county_the_text_names_is_the_texts_place(tmp_path):
    """A news report on 马驹桥镇 that names 通州区 once is the town's; phrases ending in 镇 or 乡 are no towns (特色小镇,
    工业重镇, 统筹城乡)."""
    text = ("马驹桥镇建于隋代,兴于明清,繁华于今,因永济渠而得名,与凉水河相伴,风景秀丽,而今又立足于京津冀协同发展大局,"
            "抓经济、促发展、优环境、强基础,在科技创新、高质量发展大背景下,驰而不息。\n"
            "马驹桥镇作为北京城市副中心和亦庄新城建设的重要接洽点,精准发力。\n"
            "马驹桥镇有专精特新企业54家,占通州区专精特新企业总量的四成。\n")
    assert region_place("", "", text).name == "北京市通州区马驹桥镇"
    assert region_place("", "", text.replace("通州区", "通州区和大兴区")).name == "北京市"  # which county's, unsaid
    meta = _meta(tmp_path / "p.txt", "浙江省工业重镇名单公布\n平阳县等地入选工业重镇。各地建设工业重镇、特色小镇,统筹城乡发展。"
                 "浙江省将培育更多工业重镇和特色小镇。\n")
    assert "重镇" not in meta.region and "小镇" not in meta.region
    text = ("“甜蜜产业”带来甜蜜日子\n" + "小时候的梦想是走出大山,现在政策好了,我想留在大山发展。" * 5 +
            "\n近年来,芒康县引进、培育多家葡萄酒企业。\n芒康县南部三乡发展葡萄种植、红酒酿造等产业。\n")
    # (南部|三 乡: a count of towns, not a town's name, and not a second place beside the county)
    assert region_place("", "", text).name == "西藏自治区昌都市芒康县"


def test_a_page_naming_no_place_but_a_town_is_of_the_government_whose_site_it_is(tmp_path):
    """The site banner cleaned off a news page (欢迎访问…人民政府网站) places a report that names only its town."""
    text = ("• 欢迎访问常州市金坛区人民政府网站!\n\n儒林镇1至8月主要经济指标实现大幅增长\n信息来源:经信局 发布时间:2017-09-13\n"
            "今年以来,儒林镇紧紧抓住项目推进这一切入点,创新招商思维。上半年,该镇新签约亿元以上项目7个。\n")
    assert _meta(tmp_path / "r.txt", text).region == "江苏省常州市金坛区儒林镇"
    assert _meta(tmp_path / "n.txt", text.split("\n", 2)[2]).region == ""  # no banner: no place to read


def test_a_laws_adoption_note_dates_it_and_a_cited_order_does_not_issue_it(tmp_path):
    meta = _meta(tmp_path / "l.txt", "某省中小企业促进条例\n(2007年5月24日某省第十届人民代表大会常务委员会第二十八次会议通过 根据"
                 "2022年7月28日某省第十三届人民代表大会常务委员会第三十二次会议修正)\n第一条 为改善中小企业经营环境,制定本条例。\n")
    assert str(meta.date) == "2022-07-28"  # its latest date: the amendment
    meta = _meta(tmp_path / "c.txt", "第一章 总 则\n第一条 为加大盐津县招商引资工作力度,结合我县实际,制定本政策。\n"
                 "第五条 符合盐津县主导产业领域的项目,按照《中央预算内投资补助和贴息项目管理办法》(中华人民共和国国家发展和改革委员会令"
                 "第45号)执行。\n")
    assert meta.issuer == "" and meta.region == "云南省昭通市盐津县"


def test_a_news_sources_mark_is_no_title(tmp_path):
    for mark in ("【天地网讯】", "中国花生交易网(m.example.cn)讯"):
        meta = _meta(tmp_path / "n.txt", mark + "\n近年来,宕昌县把中药材产业作为富民强县的主导产业,全县种植面积达到40万亩,带动农户增收致富。\n")
        assert meta.title == "", mark


def test_a_labelled_title_may_open_as_a_sentence_and_a_bare_number_is_no_title(tmp_path):
    """A 名称 field is the title even when it opens with 对 (对…提案的会办意见); a number whose 号 was lost
    (湘工信提案函〔2025〕138) is not; a company named like a town (湖南乡乡嘴食品) names no town twice."""
    meta = _meta(tmp_path / "r.txt", "对省政协十三届三次会议第0406号提案的会办意见\n\n  • 发布机构:\n  • 发文日期:2025-06-11 16:08\n"
                 "  • 名称:对省政协十三届三次会议第0406号提案的会办意见\n\n湘工信提案函〔2025〕138\n\n省文化和旅游厅:\n"
                 "近年来,省工业和信息化厅支持武冈卤制品产业发展,助力武冈卤菜文化生态保护。我厅编制出台的《湖南省食品行业"
                 "“十四五”发展规划》提出发展酱卤制品。武冈卤菜进一步做大做强做优。湖南乡乡嘴食品有限公司获评专精特新企业。\n")
    assert meta.title == "对省政协十三届三次会议第0406号提案的会办意见"
    assert "乡" not in meta.region


def test_the_issue_date_field_outranks_the_pages_posting_date(tmp_path):
    meta = _meta(tmp_path / "n.txt", "文号:金发〔2024〕32号\n\n国家金融监督管理总局关于建立支持小微企业融资协调工作机制的通知\n\n"
                 "发布日期:2024-11-08\n政策级别 国家部委级 适用范围 全国\n印发日期 2024-10-28 执行日期 自 2024-10-28 至 长期有效\n\n"
                 "各金融监管局:\n为做好小微企业融资工作,现将有关事项通知如下。\n")
    assert meta.date == date(2024, 10, 28)


def test_a_text_speaking_as_a_county_is_the_one_county_it_names_not_the_city_it_opens_with(tmp_path):
    head = (CORPORA / "policies-blind75/hubei_xiangyang_gucheng_county_economy_measures_nd.txt").read_text("utf-8")
    meta = _meta(tmp_path / "g.txt", head[:2000])  # 襄阳都市圈 in its first sentence, 全县 and 《谷城县…》 below
    assert meta.region == "湖北省襄阳市谷城县"


def test_of_two_places_of_one_level_in_the_opening_lines_the_one_the_text_names_most_is_its_place(tmp_path):
    """陽春布德澤 opens a report on 上思縣: 阳春 (a county's name, a word for spring there) is named once, 上思 throughout."""
    text = ("陽春布德澤,萬物生光輝。3月26日,廣西上思縣智能蠶繭科技園項目開工,標志著上思桑蠶產業園建設邁入全新階段。\n"
            "智能蠶繭科技園項目是上思縣推進桑蠶產業園建設的核心工程。上思縣將打造絲綢深加工產業園。\n")
    assert _meta(tmp_path / "a.txt", text).region == "广西壮族自治区防城港市上思县"


def test_a_fields_value_on_the_line_below_its_label_is_read(tmp_path):
    """A site's info list puts each value on a line of its own (• 成文日期: / blank / 2023-02-28): the signing date is
    that value, not the page's 发布时间; an empty field followed by another label or by the title reads nothing."""
    text = ("  • 发布机构:\n\n    县发改局\n\n  • 成文日期:\n\n    2023-02-28\n\n  • 文号:\n\n  • 公开方式:\n\n    主动公开\n\n"
            "  • 有效性:\n\n关于印发《某县深化共同富裕特色之路2023年行动方案》的通知\n\n发布时间:2023-11-28 19:02\n\n"
            "各乡镇人民政府,县政府各部门:\n现将《行动方案》印发给你们,请认真贯彻执行。\n")
    meta = _meta(tmp_path / "a.txt", text)
    assert meta.date == date(2023, 2, 28) and meta.doc_number == ""
    assert meta.title == "关于印发《某县深化共同富裕特色之路2023年行动方案》的通知"


def test_places_in_two_provinces_opening_a_text_give_the_one_it_names_most_and_a_headlined_town_is_its_place(tmp_path):
    """在江蘇溧陽開幕的…論壇…廣西北海市鐵山港區上榜: the forum's venue is named once, 铁山港区 throughout. A county's text
    whose headline names one of its towns with its 镇 (…签约落户殷巷镇) is that town's; one naming the county's own
    name without the 镇 is the county's."""
    text = ("近日,在江蘇溧陽開幕的中國縣域工業經濟發展論壇,揭曉了2022年“中國工業百強區”榜單,廣西北海市鐵山港區上榜。\n"
            "今年來,北海市鐵山港區加快培育壯大綠色化工產業。鐵山港區將繼續推進項目建設。\n")
    assert _meta(tmp_path / "a.txt", text).region == "广西壮族自治区北海市铁山港区"
    town = ("本报讯 近日,雨润集团项目正式签约落地商河县殷巷镇。殷巷镇将做好项目服务。殷巷镇党委书记出席签约仪式。\n")
    assert _meta(tmp_path / "b.txt", "雨润集团签约落户殷巷镇\n" + town).region == "山东省济南市商河县殷巷镇"
    assert _meta(tmp_path / "c.txt", "商河县招商引资再结新果\n" + town).region == "山东省济南市商河县"


def test_a_sites_name_in_a_bullet_list_is_no_title_and_a_place_led_headline_may_follow_a_sites_cry(tmp_path):
    """• 商洛在线 under a headline is the site that carried the report, not its title nor its place; 世界球精选!台江:…
    is a headline led by its place after a site's exclamation."""
    body = "開年以來,臺江縣著力推進重大項目復工復產。臺江縣借助東西部協作契機引進項目。\n"
    listed = _meta(tmp_path / "a.txt", "          • 商洛在線\n          • 2023-03-22 10:07:33\n" + body)
    assert listed.title == "" and listed.region == "贵州省黔东南苗族侗族自治州台江县"
    headline = _meta(tmp_path / "b.txt", "世界球精選!臺江:鉚足干勁施工忙 項目建設“加速跑”\n" + body)
    assert headline.title == "世界球精選!臺江:鉚足干勁施工忙 項目建設“加速跑”"
