"""Metadata extraction on the seeds, the manifest, and the laws format."""

from __future__ import annotations

import json
from datetime import date

import pytest

from corpus.metadata import parse_entry, region_of
from corpus.pipeline import load_corpus, load_document

EXPECTED = {
    "000": dict(
        title="关于加快郑州市开源芯片产业生态建设的提案的答复",
        issuer="郑州市科学技术局",
        date=date(2025, 7, 31),
        region="郑州市",
        doc_type="提案答复",
    ),
    "001": dict(
        title="郑州市关于加快新一代信息技术的实施意见",  # from the bundled manifest
        issuer="郑州市人民政府办公厅",
        date=date(2022, 6, 2),
        region="郑州市",
        doc_type="政策文件",
        valid_from=date(2022, 6, 2),
        valid_until=date(2025, 6, 2),
    ),
    "002": dict(
        title="关于区政协九届三次会议 第20241007号提案办理情况答复的函",
        issuer="厦门市湖里区科技和工信局",
        date=date(2024, 6, 4),
        doc_number="厦湖科工函〔2024〕14号",
        region="厦门市湖里区",
        doc_type="提案答复",
    ),
    "003": dict(
        title="加快转型升级 破解发展瓶颈 新郑市全力打造中原电子信息产业高地",
        issuer="新郑市科工信局",
        date=date(2023, 11, 15),
        region="新郑市",
        doc_type="工作动态",
    ),
    "004": dict(
        title="蘇州工業園區全面推進集成電路產業創新集群發展行動計劃(2022-2025)",
        issuer="蘇州工業園區管理委員會",
        date=date(2023, 5, 29),
        region="苏州工业园区",
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


def test_region_for_unknown_places():
    assert region_of("河南省洛阳市工业和信息化局", "") == "河南省洛阳市"
    assert region_of("某某县科技局", "") == "某某县"
    assert region_of("苏州工业园区管理委员会", "") == "苏州工业园区"
