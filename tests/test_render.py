"""ui.render: every piece of untrusted text is escaped; highlights land on the cited span."""

from __future__ import annotations

import re

from corpus.clean import clean
from corpus.schema import DocMeta, Document, Flag
from qa.schema import Answer, Citation
from ui import render

EVIL_LINE = "第一条 对首轮流片给予40%补助<script>alert(1)</script>,另奖励<img src=x onerror=alert(2)>10万元。"
RAW = f"示例市关于<b>芯片</b>的若干措施\r\n一、支持措施\r\n{EVIL_LINE.replace('对首轮', '对  首轮')}\r\n第二条 其他事项。\r\n"


def _doc() -> Document:
    cleaned = clean(RAW)
    return Document(
        doc_id="evil<1>.txt", path="evil.txt", original=RAW, text=cleaned.text, search_text=cleaned.text,
        origin=cleaned.origin, meta=DocMeta(title="示例<b>芯片</b>措施", issuer="示例市<i>政府</i>", region="示例市"),
        flags=[Flag("mojibake", 0, 2, "<u>repaired</u>")],
    )


def _cite(doc: Document, needle: str, cid: int = 1) -> Citation:
    start = doc.text.index(needle)
    return Citation(cid, "c1", doc.doc_id, doc.meta.title, "一、支持措施 > <em>x</em>", needle, start,
                    start + len(needle), 0.9, issuer=doc.meta.issuer, date="2024-01-01", region="示例市")


def _no_live_markup(html: str) -> None:
    """Only the module's own tags may appear: no script/img/b/i/u/em element from the data."""
    assert not re.search(r"<\s*(script|img|b|i|u|em)\b", html, re.I), html
    assert "onerror=" not in html.replace("onerror=alert", "")  # only escaped text remains
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;" in html


def test_esc_escapes_quotes_and_tags() -> None:
    assert render.esc('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert render.esc(None) == ""


def test_mark_spans_escapes_and_highlights_once() -> None:
    text = "ab<c>de"
    html = render.mark_spans(text, [render.Span(1, 5, "hl"), render.Span(3, 6, "flag", "<x>")])
    assert html.count('id="hl-start"') == 1
    assert "<c>" not in html
    assert 'title="&lt;x&gt;"' in html
    plain = re.sub(r"<[^>]+>", "", html)
    assert plain == "ab&lt;c&gt;de"


def test_source_view_highlights_the_cited_clause_and_escapes_everything() -> None:
    doc = _doc()
    cite = _cite(doc, "首轮流片给予40%补助<script>alert(1)</script>")
    html = render.source_view(doc, cite.start, cite.end)
    _no_live_markup(html)
    marked = "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", html))
    assert marked == render.esc(cite.quote)
    assert '<mark class="pq-hl" id="hl-start">' in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_original_view_maps_the_span_through_origin() -> None:
    doc = _doc()
    cite = _cite(doc, "首轮流片给予40%")
    o_start, o_end = render.original_span(doc, cite.start, cite.end)
    assert doc.original[o_start:o_end] == "首轮流片给予40%"
    html = render.source_view(doc, cite.start, cite.end, original=True)
    _no_live_markup(html)
    assert "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", html)) == "首轮流片给予40%"


def test_citation_card_shows_metadata_and_quote_in_its_paragraph() -> None:
    doc = _doc()
    cite = _cite(doc, "首轮流片给予40%补助")
    panel = render.citation_panel(Answer("q", "答 [1]", True, [cite]), {doc.doc_id: doc})
    _no_live_markup(panel)
    assert "示例市&lt;i&gt;政府&lt;/i&gt;" in panel and "2024-01-01" in panel
    assert "一、支持措施 &gt; &lt;em&gt;x&lt;/em&gt;" in panel
    assert "第一条" in panel  # the surrounding paragraph, not just the quote
    assert '<mark class="pq-hl" id="q1">首轮流片给予40%补助</mark>' in panel
    assert 'data-cite="1"' in panel


def test_paragraph_bounds_trim_long_lines() -> None:
    text = "x" * 1000 + "QUOTE" + "y" * 1000
    lo, hi = render.paragraph_bounds(text, 1000, 1005, context=50)
    assert (lo, hi) == (950, 1055)


def test_answer_markers_become_links_and_text_is_escaped() -> None:
    html = render.answer_text("补助40% [1]<img src=x onerror=alert(1)> [7]", [1], turn=2)
    assert '<a class="pq-ref" href="#" data-cite="1" data-turn="2">[1]</a>' in html
    assert "[7]" in html and 'data-cite="7"' not in html  # unknown markers stay plain text
    assert "<img" not in html and "&lt;img" in html


def test_refusal_is_styled_and_has_no_citations() -> None:
    refusal = Answer("深圳市首轮流片补助多少", "知识库未覆盖深圳市。", False, warnings=["未覆盖的地区：深圳市"])
    turn = render.turn_html(0, refusal.question, refusal)
    assert "pq-refusal" in turn and 'class="pq-ref"' not in turn
    panel = render.citation_panel(refusal, {})
    assert "pq-card" not in panel and "pq-warn" in panel


def test_question_rewrite_and_warnings_are_visible_and_escaped() -> None:
    doc = _doc()
    ans = Answer("<b>上限</b>?", "不超过500万元[1]", True, [_cite(doc, "首轮流片")],
                 warnings=["文件已于2023-12-31失效<script>"], rewritten_question="首轮流片<i>补助</i>上限")
    html = render.transcript([(ans.question, ans)])
    assert "已理解为：首轮流片&lt;i&gt;补助&lt;/i&gt;上限" in html
    assert '<div class="pq-warn" role="alert">' in html and "失效&lt;script&gt;" in html
    assert "&lt;b&gt;上限&lt;/b&gt;?" in html
    assert not re.search(r"<\s*(script|b|i)\b", html)


def test_streaming_partial_hides_warnings_until_done() -> None:
    ans = Answer("q", "长回答[1]", True, warnings=["w"])
    assert "pq-warn" not in render.turn_html(0, "q", ans, partial="长")
    assert "pq-warn" in render.turn_html(0, "q", ans)


def test_error_and_status_are_escaped() -> None:
    assert "&lt;script&gt;" in render.error_html("<script>", "问题过长")
    assert render.status("<b>x</b>", "ok") == '<div class="pq-status pq-status-ok">&lt;b&gt;x&lt;/b&gt;</div>'
    assert render.status("") == ""
