"""The citation guard on strings: what a generated answer may and may not state."""

from __future__ import annotations

from qa.guard import check, figures, normalise, split_sentences
from qa.schema import Citation


def _cite(n: int, quote: str, **meta: str) -> Citation:
    fields = {"title": "苏州工业园区集成电路产业扶持办法", "issuer": "苏州工业园区管委会", "date": "2023-05-10",
              "region": "江苏省苏州市苏州工业园区", "heading": "第三条 流片补助"}
    fields.update(meta)
    return Citation(id=n, chunk_id=f"c{n}", source="doc.txt", quote=quote, start=0, end=len(quote), score=1.0,
                    **fields)


TAPEOUT = _cite(1, "对企业首轮流片给予流片费用50%的补助，单个企业每年最高不超过五百万元。")
TALENT = _cite(2, "对新引进的领军人才团队给予最高1亿元项目资助。", heading="第五条 人才", doc_number="苏园管〔2023〕7号")


def test_supported_answer_passes_and_is_renumbered():
    text = "首轮流片可获得流片费用50%的补助[2]。单个企业每年最高500万元[2]。领军人才团队最高1亿元[3]。"
    result = check(text, [_cite(2, TAPEOUT.quote), _cite(3, TALENT.quote, heading="第五条 人才")])
    assert result.ok, result.problems
    assert [c.id for c in result.citations] == [1, 2]
    assert result.text == "首轮流片可获得流片费用50%的补助[1]。单个企业每年最高500万元[1]。领军人才团队最高1亿元[2]。"


def test_planted_wrong_figure_fails():
    result = check("首轮流片补助比例为60%[1]。", [TAPEOUT, TALENT])
    assert not result.ok
    assert any("60%" in p for p in result.problems)


def test_figure_must_be_in_the_clause_the_same_sentence_cites():
    # 1亿元 is in clause 2, but this sentence cites clause 1
    result = check("首轮流片补助最高1亿元[1]。", [TAPEOUT, TALENT])
    assert not result.ok
    assert any("100000000元" in p for p in result.problems)


def test_chinese_numerals_and_wan_yi_are_normalised():
    assert check("每年最高五百万元[1]。", [TAPEOUT]).ok
    assert check("每年最高5,000,000元[1]。", [TAPEOUT]).ok
    assert check("It is capped at 5 million yuan per year [1].", [TAPEOUT]).ok
    assert check("领军人才团队最高一亿元[2]。", [TAPEOUT, TALENT]).ok
    assert not check("领军人才团队最高两亿元[2]。", [TAPEOUT, TALENT]).ok
    assert (5_000_000.0, "元") in figures(normalise("五百万元"))
    assert (50.0, "%") in figures(normalise("百分之五十"))


def test_out_of_range_marker_removed_and_reported():
    result = check("首轮流片补助为流片费用的50%[1][7]。", [TAPEOUT, TALENT])
    assert result.ok
    assert "[7]" not in result.text and "[1]" in result.text
    assert any("[7]" in n for n in result.notes)


def test_only_unknown_markers_means_no_citation():
    result = check("首轮流片补助为流片费用的50%[9]。", [TAPEOUT])
    assert not result.ok
    assert result.citations == []


def test_unmarked_sentence_is_labelled_not_sourced():
    result = check("这是园区的一项重要扶持政策。首轮流片补助为流片费用的50%[1]。", [TAPEOUT])
    assert result.ok
    assert result.text.startswith("这是园区的一项重要扶持政策〔无出处〕。")
    assert any("无出处" in n for n in result.notes)


def test_unmarked_sentence_with_a_figure_fails():
    result = check("首轮流片补助为流片费用的50%[1]。另有200万元奖励。", [TAPEOUT])
    assert not result.ok


def test_marker_after_full_stop_belongs_to_the_sentence_before():
    sents = split_sentences("补助50%。[1] 最高五百万元。[1]")
    assert [s.cited for s in sents] == [[1], [1]]


def test_place_date_and_document_number_checked():
    assert check("苏州工业园区对首轮流片补助50%[1]。", [TAPEOUT]).ok
    assert check("江苏省对首轮流片补助50%[1]。", [TAPEOUT]).ok  # the document's region lies in it
    assert not check("深圳对首轮流片补助50%[1]。", [TAPEOUT]).ok
    assert check("该办法于2023年5月10日印发[1]。", [TAPEOUT]).ok
    assert not check("该办法于2024年5月10日印发[1]。", [TAPEOUT]).ok
    assert check("依据苏园管〔2023〕7号文[2]。", [TAPEOUT, TALENT]).ok
    assert not check("依据苏园管〔2023〕8号文[2]。", [TAPEOUT, TALENT]).ok
    assert not check("依据苏园管〔2023〕7号文[1]。", [TAPEOUT, TALENT]).ok


def test_enumeration_labels_are_not_figures():
    assert check("1. 首轮流片补助50%[1]\n2. 每年最高五百万元[1]", [TAPEOUT]).ok


def test_markers_without_content_fail():
    assert not check("[1] [2]", [TAPEOUT, TALENT]).ok
