"""All HTML the web surfaces show, built in one place: every piece of text is escaped here.

Document text and questions are untrusted; nothing reaches the page without `esc()`.
Only the tags written in this module (with fixed attributes) are real markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.schema import Document
from qa.schema import Answer, Citation

CONTEXT_CHARS = 160  # a paragraph longer than the quote plus this much either side is trimmed
_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
    """Escape any value for use as HTML text or a quoted attribute value."""
    return html.escape("" if text is None else str(text), quote=True)


@dataclass(frozen=True)
class Span:
    """A stretch of text to wrap: `kind` is "hl" (the cited clause) or "flag" (needs care)."""

    start: int
    end: int
    kind: str
    detail: str = ""


def mark_spans(text: str, spans: Sequence[Span], *, anchor: str = "hl-start") -> str:
    """Escape `text`, wrapping each span: "hl" spans in `<mark>`, "flag" spans in `<span class=flag>`.

    Overlapping spans are handled by cutting the text at every boundary; the first
    highlighted piece carries `id=anchor` so the viewer can scroll to it.
    """
    spans = [Span(max(0, s.start), min(len(text), s.end), s.kind, s.detail) for s in spans]
    spans = [s for s in spans if s.end > s.start]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    anchored = False
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = esc(text[a:b])
        flags = [s for s in spans if s.kind == "flag" and s.start <= a and b <= s.end]
        if flags:
            piece = f'<span class="pq-flag" title="{esc(flags[0].detail or "原文此处有乱码或修复")}">{piece}</span>'
        if any(s.kind == "hl" and s.start <= a and b <= s.end for s in spans):
            id_attr = "" if anchored else f' id="{esc(anchor)}"'
            anchored = True
            piece = f'<mark class="pq-hl"{id_attr}>{piece}</mark>'
        out.append(piece)
    return "".join(out)


def paragraph_bounds(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The line(s) around `text[start:end]`, trimmed to at most `context` characters either side."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    return max(left, start - context), min(right, end + context)


def _flag_spans(doc: Document | None, lo: int, hi: int) -> list[Span]:
    if doc is None:
        return []
    return [Span(f.start, f.end, "flag", f"{f.kind}: {f.detail}") for f in doc.flags if f.end > lo and f.start < hi]


def quote_in_context(doc: Document | None, cite: Citation) -> str:
    """The cited clause highlighted inside its paragraph (falls back to the bare quote)."""
    if doc is None or doc.text[cite.start : cite.end] != cite.quote:
        return mark_spans(cite.quote, [Span(0, len(cite.quote), "hl")], anchor=f"q{cite.id}")
    lo, hi = paragraph_bounds(doc.text, cite.start, cite.end)
    spans = [Span(cite.start - lo, cite.end - lo, "hl")]
    spans += [Span(s.start - lo, s.end - lo, s.kind, s.detail) for s in _flag_spans(doc, lo, hi)]
    body = mark_spans(doc.text[lo:hi], spans, anchor=f"q{cite.id}")
    return ("…" if lo > 0 and doc.text[lo - 1] != "\n" else "") + body + ("…" if hi < len(doc.text) and doc.text[hi] != "\n" else "")


def answer_text(text: str, citation_ids: Sequence[int], turn: int) -> str:
    """Escaped answer text whose known markers [n] become clickable citation links."""
    known = set(citation_ids)

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a class="pq-ref" href="#" data-cite="{n}" data-turn="{turn}">[{n}]</a>'

    return _MARKER.sub(link, esc(text))


def warnings_box(warnings: Sequence[str]) -> str:
    """A visible warning box, or nothing when there are no warnings."""
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
    return f'<div class="pq-warn" role="alert"><strong>⚠ 请注意</strong><ul>{items}</ul></div>'


def turn_html(turn: int, question: str, answer: Answer | None, partial: str | None = None) -> str:
    """One exchange: the question, the (possibly still streaming) answer and its notes."""
    state = " pq-streaming" if answer is None or partial is not None else ""
    parts = [f'<div class="pq-turn{state}" data-turn="{turn}">', f'<div class="pq-user">{esc(question)}</div>']
    if answer is None:
        parts.append('<div class="pq-bot pq-pending">正在检索政策文件…</div></div>')
        return "".join(parts)
    if answer.rewritten_question:
        parts.append(f'<div class="pq-rewrite">已理解为：{esc(answer.rewritten_question)}</div>')
    text = answer.answer if partial is None else partial
    if answer.answerable:
        ids = [c.id for c in answer.citations]
        parts.append(f'<div class="pq-bot pq-answer">{answer_text(text, ids, turn)}</div>')
    else:
        parts.append(
            '<div class="pq-bot pq-refusal"><span class="pq-badge">无法回答</span>'
            f"<div>{esc(text)}</div></div>"
        )
    if partial is None:
        parts.append(warnings_box(answer.warnings))
    parts.append("</div>")
    return "".join(parts)


def error_html(question: str, message: str) -> str:
    """A rejected question (empty, too long, or a failure) shown in the transcript."""
    return (
        f'<div class="pq-turn"><div class="pq-user">{esc(question)}</div>'
        f'<div class="pq-bot pq-error" role="alert">{esc(message)}</div></div>'
    )


def transcript(turns: Sequence[tuple[str, Answer]], tail: str = "") -> str:
    """The whole conversation; `tail` is already-rendered HTML for the turn in progress."""
    if not turns and not tail:
        return '<div class="pq-empty">请输入关于产业政策的问题，回答中的 [1] [2] 标记对应右侧引用原文。</div>'
    body = "".join(turn_html(i, q, a) for i, (q, a) in enumerate(turns))
    return f'<div class="pq-chat">{body}{tail}</div>'


def _meta_line(cite: Citation) -> str:
    bits = [b for b in (cite.issuer, cite.date, cite.region) if b]
    return " · ".join(esc(b) for b in bits)


def citation_card(cite: Citation, doc: Document | None, turn: int) -> str:
    """One cited passage: title, issuer/date/region, heading path and the quote in context."""
    heading = f'<div class="pq-heading">{esc(cite.heading)}</div>' if cite.heading else ""
    flagged = doc is not None and any(f.end > cite.start and f.start < cite.end for f in doc.flags)
    flag_note = '<div class="pq-warn pq-small">⚠ 此段原文有乱码或经过修复，请核对原件</div>' if flagged else ""
    return (
        f'<div class="pq-card" data-cite="{cite.id}" data-turn="{turn}" role="button" tabindex="0" '
        f'title="点击查看原文">'
        f'<div class="pq-card-title"><span class="pq-num">[{cite.id}]</span> {esc(cite.title or cite.source)}</div>'
        f'<div class="pq-meta">{_meta_line(cite)}</div>{heading}'
        f'<blockquote class="pq-quote">{quote_in_context(doc, cite)}</blockquote>{flag_note}'
        f'<div class="pq-src">{esc(cite.source)} · 点击查看原文</div></div>'
    )


def citation_panel(answer: Answer | None, docs: Mapping[str, Document], turn: int = 0) -> str:
    """The citation panel for one answer; refusals carry no citations."""
    if answer is None:
        return '<div class="pq-empty">回答的引用原文会显示在这里。</div>'
    head = warnings_box(answer.warnings)
    if not answer.answerable:
        return head + '<div class="pq-empty">该问题未能在政策文件中找到依据，没有引用。</div>'
    cards = "".join(citation_card(c, docs.get(c.source), turn) for c in answer.citations)
    return head + (cards or '<div class="pq-empty">没有引用。</div>')


def original_span(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Map a span of `doc.text` onto `doc.original` through `doc.origin`."""
    if not doc.origin or end <= start:
        return 0, 0
    last = len(doc.origin) - 1
    o_start = doc.origin[min(start, last)]
    o_end = doc.origin[min(end - 1, last)] + 1
    return o_start, max(o_end, o_start)


def source_view(doc: Document | None, start: int = 0, end: int = 0, *, original: bool = False) -> str:
    """The whole document with the cited span highlighted (`<mark id="hl-start">`).

    `original=True` shows the raw text with the span mapped through `doc.origin`;
    otherwise the cleaned text with garbled stretches flagged.
    """
    if doc is None:
        return '<div class="pq-empty">点击引用卡片或回答中的 [n] 标记，在此查看原文并定位到引用条款。</div>'
    m = doc.meta
    bits = [m.issuer, m.date.isoformat() if m.date else "", m.doc_number, m.region, m.doc_type]
    if m.valid_until:
        bits.append(f"有效期至 {m.valid_until.isoformat()}")
    meta = " · ".join(esc(b) for b in bits if b)
    if original:
        o_start, o_end = original_span(doc, start, end)
        body = mark_spans(doc.original, [Span(o_start, o_end, "hl")])
        which = "原始文本"
    else:
        spans = [Span(start, end, "hl"), *_flag_spans(doc, 0, len(doc.text))]
        body = mark_spans(doc.text, spans)
        which = "清理后文本"
    return (
        f'<div class="pq-doc"><div class="pq-doc-head"><div class="pq-doc-title">{esc(m.title or doc.doc_id)}</div>'
        f'<div class="pq-meta">{meta}</div><div class="pq-src">{esc(doc.doc_id)} · {which}</div></div>'
        f'<div class="pq-doc-body">{body}</div></div>'
    )


def status(message: str, kind: str = "info") -> str:
    """A one-line status message (kind: "ok", "err" or "info"), e.g. after an upload."""
    if not message:
        return ""
    kind = kind if kind in ("ok", "err", "info") else "info"
    return f'<div class="pq-status pq-status-{kind}">{esc(message)}</div>'
