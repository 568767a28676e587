"""Cleaning on the real seeds: pinyin, mojibake, adverts, headers, spaces, offsets."""

from __future__ import annotations

import random
import unicodedata

from corpus.clean import PINYIN_RE, clean, search_form


def test_pinyin_readings_stripped_but_acronyms_kept(seed_docs):
    doc = seed_docs["004"]
    assert "集成電路產業" in doc.text
    assert not PINYIN_RE.search(doc.text)
    assert doc.removed["pinyin_readings"] > 900
    for real in ("(WLP)", "(SiP)", "(3D IC)", "(Chiplet)", "(MEMS)", "(IDM)", "(2022-2025)"):
        assert real in doc.text, real


def test_a_reading_with_a_stray_space_is_stripped():
    assert clean("總部經濟、科(kē)技(jì )創新(xīn)、先進制造業\n").text == "總部經濟、科技創新、先進制造業"


def test_mojibake_is_flagged_and_repaired(seed_docs, seed_chunks):
    doc = seed_docs["004"]
    [flag] = [f for f in doc.flags if f.kind == "mojibake"]
    span = doc.text[flag.start : flag.end]
    assert span == "\ufffd混合）以及各類器件設"  # the lost lead byte stays visible as U+FFFD
    assert "旌希" not in doc.text and "┮" not in doc.text
    assert "one byte out of phase" in flag.detail and "lost" in flag.detail
    hit = [c for c in seed_chunks["004"] if c.start < flag.end and c.end > flag.start]
    assert hit and all("mojibake" in c.flags for c in hit)
    assert all("mojibake" not in c.flags for c in seed_chunks["004"] if c not in hit)


def test_replacement_characters_are_flagged():
    result = clean("理出“龙头带动、芯屏联动、集群配套、链式\ufffd”工作思路。\n")
    assert [f.kind for f in result.flags] == ["mojibake"]
    f = result.flags[0]
    assert result.text[f.start : f.end] == "\ufffd"


def test_clean_text_has_no_false_mojibake(seed_docs):
    for key in ("000", "001", "002", "003"):
        assert seed_docs[key].flags == [], key


def test_advert_block_dropped(seed_docs):
    doc = seed_docs["004"]
    for advert in ("新每創業務介紹", "咨詢熱線", "0512-66052028", "商標注冊", "雙軟認定"):
        assert advert not in doc.text
    assert doc.removed["advert_lines"] + doc.removed["image_lines"] >= 25
    assert doc.text.endswith("(責任單位:經發委、投促委、科創委)")


def test_advert_detection_is_general():
    text = (
        "一、支持政策\n对企业给予补助，最高不超过100万元。\n\n"
        "banner_2024.png\n高企认定\n专利代理\n项目申报\n扫码关注公众号\n客服电话\n400-800-1234\n"
    )
    result = clean(text)
    assert result.text == "一、支持政策\n对企业给予补助，最高不超过100万元。"
    kept = "一、支持政策\n对企业给予补助。\n联系人：张三\n联系电话：0371-1234567\n郑州市科学技术局\n2024年1月2日\n"
    assert clean(kept).text == kept.strip()


def test_header_lines_become_metadata_not_body(seed_docs):
    for key, issuer in (("000", "郑州市科学技术局"), ("003", "新郑市科工信局")):
        doc = seed_docs[key]
        assert "•" not in doc.text and "416049270" not in doc.text and "755156513" not in doc.text
        assert doc.removed["header_lines"] == 5
        assert doc.meta.issuer == issuer


def test_spaces_and_indents_normalised(seed_docs):
    assert "联系人:胡丽慧" in seed_docs["000"].text
    assert "2024年6月4日" in seed_docs["002"].text
    for doc in seed_docs.values():
        assert "\xa0" not in doc.text and "\u3000" not in doc.text
        assert all(line == line.strip() for line in doc.text.split("\n"))
        assert "\n\n" not in doc.text


def test_broken_line_joined(seed_docs):
    assert "研发设计、保税交易、科技成果咨询评估等公共服务平台。" in seed_docs["002"].text
    assert "三、提升资源要素保障能力,破解产业发展瓶颈\n把要素保障" in seed_docs["003"].text


def test_search_text_simplified_same_length(seed_docs):
    for doc in seed_docs.values():
        assert len(doc.search_text) == len(doc.text) == len(doc.origin)
    doc = seed_docs["004"]
    assert doc.text.startswith("蘇州工業園區") and doc.search_text.startswith("苏州工业园区")
    assert search_form("（一）２０２４") == "(一)2024"


def test_origin_points_back_to_the_raw_file(seed_docs, seed_chunks):
    rng = random.Random(7)
    for key, doc in seed_docs.items():
        assert doc.origin == sorted(doc.origin)
        bad = [(f.start, f.end) for f in doc.flags]
        for c in rng.sample(seed_chunks[key], min(15, len(seed_chunks[key]))):
            for off in (c.start, (c.start + c.end) // 2, c.end - 1):
                if any(s <= off < e for s, e in bad):
                    continue
                raw_ch, ch = doc.original[doc.origin[off]], doc.text[off]
                same = raw_ch == ch or unicodedata.normalize("NFKC", raw_ch) == unicodedata.normalize(
                    "NFKC", ch
                )
                assert same or (raw_ch.isspace() and ch.isspace()), (key, off, raw_ch, ch)
            raw_line = PINYIN_RE.sub("", doc.original.split("\n")[doc.original_line(c.start) - 1])
            first = c.display_text.split("\n")[0][:6]
            assert first.replace(" ", "") in raw_line.replace(" ", "").replace("\xa0", ""), (key, first)


def test_original_line_of_known_clause(seed_docs):
    doc = seed_docs["001"]
    off = doc.text.index("10.支持芯片企业首轮流片")
    assert doc.original_line(off) == 69
    doc = seed_docs["004"]
    assert doc.original_line(doc.text.index("二、重點領域")) == 18


def test_removed_counts_per_seed(seed_docs):
    assert "header_lines" not in seed_docs["001"].removed
    assert seed_docs["002"].removed["joined_line_breaks"] == 1
    assert seed_docs["004"].removed["mojibake_repaired_chars"] == 10


def test_a_line_broken_before_latin_or_after_a_semicolon_is_joined():
    raw = ("推进两化融合纵深发展,首次通过两化融合管理体系贯标评定(试点),\n\n"
           "AAA 级及以上的一次性奖励 30 万元、AA 级的一次性奖励 20 万元\n"
           "奖励 20 万元;列入省级新一代信息技术与制造业融合发展试点\n\n的,一次性奖励 10 万元。\n"
           "附件:加快推进工业经济高质量发展若干政策\n财政部\n")
    text = clean(raw).text
    assert "(试点),AAA 级" in text  # a wrapped line may go on with a Latin word
    assert "试点的,一次性" in text  # … and a line with only a semicolon is prose too
    assert "若干政策\n财政部" in text  # a label line (附件:…) is not prose


def test_readings_without_tone_marks_or_in_lenticular_brackets_are_stripped():
    """企(qi)(qi)業(ye), 深【shēn】圳: readings of the character before them go; an enumeration or a unit stays."""
    assert clean("各省(sheng)轄市(shi)人民政府(fu),企(qi)(qi)業(ye)(ye)(ye)").text == "各省轄市人民政府,企業"
    assert clean("深【shēn】圳【zhèn】市福田区").text == "深圳市福田区"
    assert clean("第(a)项和第(b)项、面积(km)").text == "第(a)项和第(b)项、面积(km)"


def test_a_full_stop_between_digits_is_searched_as_a_decimal_point():
    text = "2003年实现工业总产值2。5亿元。2004年将突破3亿元。"
    assert search_form(text) == "2003年实现工业总产值2.5亿元。2004年将突破3亿元。" and len(search_form(text)) == len(text)
