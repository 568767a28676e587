"""The extractive composer: the clause's own words, figures first, then where they come from — never an invented number."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from corpus.clean import search_form
from corpus.schema import Chunk
from qa.query import STATED_FIGURE, Query
from qa.retrieve import Candidate, Scope
from qa.schema import Answer, Citation
from qa.terms import TermWeights

_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万元|亿元|万|亿|元|家|个|条|项|所|人|倍|年|台|套|次|颗)?")
_MARKER = re.compile(r"\[\d+\]")
_CAP_BEFORE = re.compile(r"(不超过|最高|上限|不高于|最多|封顶|以内)[^，,。；]{0,12}$")


@dataclass(frozen=True)
class Span:
    start: int  # offsets into Document.text
    end: int


def sentences(cand: Candidate) -> list[Span]:
    """The sentences of a chunk, as spans of its document's text (trailing punctuation kept)."""
    text, base = cand.chunk.display_text, cand.chunk.start
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if text[m.start()] != "\n" else m.start()
        if text[start:end].strip():
            spans.append(Span(base + start, base + end))
        start = m.end()
    if text[start:].strip():
        spans.append(Span(base + start, base + len(text)))
    return [_strip(cand, s) for s in spans]


def _strip(cand: Candidate, span: Span) -> Span:
    text = cand.doc.text
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _overlaps_flag(cand: Candidate, span: Span, kind: str = "mojibake") -> bool:
    return any(f.kind == kind and f.start < span.end and span.start < f.end for f in cand.doc.flags)


def _clear_run(cand: Candidate, spans: list[Span]) -> list[Span]:
    """Sentences whose covering quote crosses no garbled span: cut the run at the first one it would cross."""
    run = spans[:1]
    for span in spans[1:]:
        if _overlaps_flag(cand, Span(run[0].start, span.end)):
            break
        run.append(span)
    return run


def _clean_pieces(cand: Candidate, span: Span) -> list[Span]:
    """A sentence as it may be quoted: whole, or, when it holds a garbled stretch, the runs of its
    clauses (split at commas) before and after the garbled ones."""
    if not _overlaps_flag(cand, span):
        return [span]
    runs: list[Span] = []
    start = span.start
    for end in [span.start + m.end() for m in re.finditer(r"[，,、]", cand.doc.text[span.start:span.end])] + [span.end]:
        if _overlaps_flag(cand, Span(start, end)):
            start = end  # drop the garbled clause; the next run starts after it
        elif runs and runs[-1].end == start:
            runs[-1] = Span(runs[-1].start, end)
        else:
            runs.append(Span(start, end))
        start = end
    return runs


def _is_heading_line(cand: Candidate, span: Span) -> bool:
    line = cand.doc.text[span.start:span.end].strip()
    return any(line == h or line.startswith(h) and len(line) <= len(h) + 12 and "。" not in line
               for h in cand.chunk.heading_path)


def _has_unit(text: str, unit: str) -> bool:
    """Whether `text` (search form) states a figure in `unit`: '200余家', '近万人', '3个', '500万元'."""
    number = r"(?:\d+(?:\.\d+)?|(?<![上下同每第统唯进])[一二两三四五六七八九十百千]+|近万|数万|上万|数千)"
    if unit == "元":
        return bool(re.search(rf"{number}\s*(?:万|亿)?元", text))
    return bool(re.search(rf"{number}\s*[余多]?\s*(?:万|亿)?{re.escape(unit)}", text))


def pick_sentences(cand: Candidate, query: Query, terms: TermWeights, limit: int = 3) -> list[Span]:
    """The sentences that answer: most question terms covered, figures preferred when figures are asked for."""
    qterms = query.terms
    scored = []
    pieces = [p for s in sentences(cand) for p in _clean_pieces(cand, s)]
    for i, span in enumerate(pieces):
        if span.end - span.start < 4 or _is_heading_line(cand, span):
            continue
        search = cand.doc.search_text[span.start:span.end]
        score = terms.coverage(qterms, search)
        if query.wants_figure and STATED_FIGURE.search(search):
            score += 0.25
        if query.unit and _has_unit(search, query.unit):
            score += 0.25
        if search.startswith("责任单位"):
            score -= 0.5
        scored.append((score, -i, span))
    if not scored:
        return []
    scored.sort(reverse=True)
    best = scored[0][0]
    chosen = [s for score, _, s in scored[:limit] if score >= max(best * 0.75, 0.2)] or [scored[0][2]]
    figure_of = [s for _, _, s in scored if STATED_FIGURE.search(cand.doc.search_text[s.start:s.end])]
    if query.wants_figure and figure_of and not any(s in figure_of for s in chosen):
        chosen.append(figure_of[0])  # a figure was asked for: the best sentence that states one
    return sorted(chosen, key=lambda s: s.start)


def figures(text: str) -> list[tuple[str, str]]:
    """(label, figure) pairs stated in `text`: 比例 for percentages, 上限 after 不超过/最高, else 金额/数量."""
    out = []
    for m in _FIGURE.finditer(text):
        fig = m.group().replace(" ", "")
        if not fig or fig[-1].isdigit() and len(fig) < 3:
            continue  # a bare small number such as a list marker
        before = text[max(0, m.start() - 16):m.start()]
        if fig.endswith(("%", "％")):
            label = "比例"
        elif _CAP_BEFORE.search(before):
            label = "上限"
        elif fig.endswith(("万元", "亿元", "万", "亿", "元")):
            label = "金额"
        elif fig.endswith("年") or fig[-1].isdigit():
            continue
        else:
            label = "数量"
        out.append((label, fig))
    return list(dict.fromkeys(out))


def ungrounded_numbers(text: str, quotes: list[str]) -> list[str]:
    """Numbers in `text` that no quote contains: the guard that no figure is invented."""
    joined = " ".join(quotes)
    return [n for n in _NUMBER.findall(text) if n not in joined]


def validity_warning(cand: Candidate, today: date) -> str:
    meta = cand.doc.meta
    if meta.valid_until and meta.valid_until < today:
        since = f"自{meta.valid_from.isoformat()}起，" if meta.valid_from else ""
        return (f"《{meta.title or cand.doc.doc_id}》{since}有效期至{meta.valid_until.isoformat()}，"
                f"已过有效期，请向发文单位确认是否延续或有新政策。")
    if meta.status and meta.status not in ("有效", "現行有效", "现行有效"):
        return f"《{meta.title or cand.doc.doc_id}》状态：{meta.status}。"
    return ""


def refusal(question: str, reason: str, warnings: list[str] | None = None) -> Answer:
    return Answer(question=question, answer=reason, answerable=False, warnings=warnings or [])


def uncovered_message(scope: Scope, regions: list[str]) -> str:
    places = "、".join(scope.uncovered)
    covered = "、".join(regions) if regions else "（无）"
    return (f"知识库中没有{places}的政策文件，无法回答{places}的问题；"
            f"现有文件覆盖的地区：{covered}。请勿将其他地区的规定当作{places}的政策。")


_ASKS_DATE = re.compile(r"(哪天|何时|什么时候|哪一天|日期|时间|哪年)\S{0,3}(印发|发布|出台|发文|公布|答复|施行|实施)"
                        r"|(印发|发布|出台|发文|公布|答复)\S{0,2}(哪天|何时|什么时候|日期|时间|哪年)")
_ASKS_PROPOSER = re.compile(r"(哪位|谁)\S{0,6}(提出|提的|提案|建议)|提案人|(委员|代表)是谁")
_PROPOSER = re.compile(r"尊敬的([\u4e00-\u9fff·]{2,5}?(?:委员|代表))")
_ASKS_ISSUER = re.compile(r"(哪个|什么|哪家|哪一个)(部门|单位|机关)|发文单位|发布单位|谁(印发|发布|出台|制定)")


def _line_span(text: str, start: int, end: int) -> Span:
    return Span(text.rfind("\n", 0, start) + 1, (text.find("\n", end) + 1 or len(text) + 1) - 1)


def _date_forms(d: date) -> list[str]:
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}-{d.month:02d}-{d.day:02d}", f"{d.year}.{d.month}.{d.day}",
            f"{d.year}年{d.month:02d}月{d.day:02d}日"]


def compose_about_document(question: str, query: Query, cands: list[Candidate],
                           chunks_of: Callable[[str], list[Chunk]]) -> Answer | None:
    """Questions about a document itself (when was it issued, by whom, who proposed it), answered from
    the line of its text that says so."""
    asks_date, asks_issuer = _ASKS_DATE.search(query.search), _ASKS_ISSUER.search(query.search)
    asks_proposer = _ASKS_PROPOSER.search(query.search)
    if not (asks_date or asks_issuer or asks_proposer):
        return None
    doc = cands[0].doc
    meta = doc.meta
    if asks_proposer:
        what, wanted = "提案人", [m.group(1) for m in _PROPOSER.finditer(doc.text)][:1]
    elif asks_date:
        what, wanted = "日期", _date_forms(meta.date) if meta.date else []
    else:
        what, wanted = "发文单位", [meta.issuer] if meta.issuer else []
    for form in wanted:
        at = doc.text.find(form) if asks_proposer else doc.text.rfind(form)
        if at < 0:
            continue
        span = _line_span(doc.text, at, at + len(form))
        chunk = next((c for c in chunks_of(doc.doc_id) if c.start <= at < c.end), cands[0].chunk)
        citation = Citation(
            id=1, chunk_id=chunk.chunk_id, source=doc.doc_id, title=meta.title or doc.doc_id, heading=chunk.heading,
            quote=doc.text[span.start:span.end], start=span.start, end=span.end, score=round(cands[0].score, 4),
            issuer=meta.issuer, date=meta.date.isoformat() if meta.date else "", region=meta.region)
        text = (f"《{citation.title}》的{what}：{form} [1]\n"
                f"[1] 出处：《{citation.title}》原文“{citation.quote}”")
        return Answer(question=question, answer=text, answerable=True, citations=[citation])
    return None


def compose(question: str, query: Query, cands: list[Candidate], terms: TermWeights, today: date,
            max_chunks: int = 2) -> Answer:
    """Build the answer from the best candidates: figures, the clause's own sentences, the source, warnings."""
    top = cands[0]
    chosen: list[tuple[Candidate, list[Span]]] = [(top, pick_sentences(top, query, terms))]
    covered = terms.coverage(query.terms, top.doc.search_text[top.chunk.start:top.chunk.end])
    for cand in cands[1:max_chunks + 2]:
        if len(chosen) >= max_chunks or covered >= 0.95:
            break
        # a second clause only when it adds question terms the first lacks and ranks close to it; from
        # another document only for a question in several parts (never to patch one policy with another's rule)
        with_both = terms.coverage(query.terms, top.chunk.search_text + cand.chunk.search_text)
        same_doc = cand.doc.doc_id == top.doc.doc_id
        if with_both > covered + 0.15 and cand.score >= top.score * 0.7 and (same_doc or query.parts > 1):
            chosen.append((cand, pick_sentences(cand, query, terms)))
            covered = with_both

    citations: list[Citation] = []
    body: list[str] = []
    for cand, picked in chosen:
        if not (spans := _clear_run(cand, picked)):
            continue
        start, end = spans[0].start, spans[-1].end
        quote = cand.doc.text[start:end]
        meta = cand.doc.meta
        citations.append(Citation(
            id=len(citations) + 1, chunk_id=cand.chunk.chunk_id, source=cand.doc.doc_id,
            title=meta.title or cand.doc.doc_id, heading=cand.chunk.heading, quote=quote, start=start, end=end,
            score=round(cand.score, 4), issuer=meta.issuer, date=meta.date.isoformat() if meta.date else "",
            region=meta.region,
        ))
        said = "".join(cand.doc.text[s.start:s.end] for s in spans)
        body.append(f"{said} [{len(citations)}]")
    if not citations:
        return refusal(question, "没有在知识库中找到可以引用的条款来回答这个问题。")

    quotes = [c.quote for c in citations]
    stated = [search_form(q) for q in quotes]
    named_unit = query.unit not in ("", "元", "%")  # the asker named it: 多少吨, 几家 …
    if (query.asks_amount and not any(STATED_FIGURE.search(q) for q in stated)
            or named_unit and not any(_has_unit(q, query.unit) for q in stated)):
        return refusal(question, "找到的相关条款没有给出所问的具体数额，知识库中没有这个问题的答案。"
                       "可以换个说法，或写明地区和政策名称再问。")
    figs = [f for c in citations for f in figures(c.quote)]
    head = ["要点：" + "；".join(f"{label} {fig}" for label, fig in figs[:6])] if figs and query.wants_figure else []
    sources = [f"[{c.id}] 出处：《{c.title}》{f'，{c.issuer}' if c.issuer else ''}{f'，{c.date}' if c.date else ''}；"
               f"{c.heading or '正文'}" for c in citations]
    warnings = []
    if missing := ungrounded_numbers(_MARKER.sub(" ", "\n".join(head + body)), quotes):
        # the figures line is the only text not copied verbatim from a quote: drop it rather than state a number
        # that no citation shows (the source lines carry metadata, not claims, and are not checked)
        head = []
        warnings.append(f"已去掉未能在引文中核实的数字：{'、'.join(missing)}")
    text = "\n".join(head + body + sources)
    for cand, _ in chosen:
        if (w := validity_warning(cand, today)) and w not in warnings:
            warnings.append(w)
        if "mojibake" in cand.chunk.flags:
            warnings.append(f"《{cand.doc.meta.title}》该段原文含乱码片段，乱码部分未被引用，请核对原文。")
    return Answer(question=question, answer=text, answerable=True, citations=citations, warnings=warnings)
