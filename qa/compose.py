"""The extractive composer: the clause's own words, the answering sentence first, figures checked in code.

It never writes a number of its own: the figures line repeats figures found in the quoted sentences, each
labelled by its role (rate, cap, threshold, amount), and a last check drops it when any number in it is not in
a quote. Questions about a document itself (文号, dates, validity, issuer, proposer, a draft's comment
deadline and telephone) are answered from its metadata, citing the line that states it. Refusals say what the corpus does hold when it holds something close.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from corpus.clean import search_form
from corpus.fields import NEXT_FIELD_RE
from corpus.gazetteer import COUNTRY_CODE, gazetteer
from corpus.metadata import DATE_PATTERN, TITLE_KIND_RE, parse_date
from corpus.schema import Chunk, Document
from qa.config import AnswerConfig
from qa.figures import asked_figures, numbers, states_asked_kind
from qa.gate import ASKS_STATUS, CLOSING, KIND_NAMES, GateDecision
from qa.places import place_of
from qa.question import Question, chinese_number
from qa.retriever import Candidate, Retrieval
from qa.schema import Answer, Citation
from qa.terms import TermWeights

_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_MARKER = re.compile(r"\[\d+\]")
# a line of prose broken off mid-clause: it holds a clause break and ends on a character that ends no sentence …
_WRAPPED = re.compile(r"[，,][^\n]*[\u4e00-\u9fff，,、]\Z")
# … and the next line goes on with it (not a heading, an item, an article or a field of its own)
_GOES_ON = re.compile(r"(?![一二三四五六七八九十]+、|[(（]|第[一二三四五六七八九十百零〇\d]+[编章节条款]|\d+[.、．]|[\u4e00-\u9fff]{1,6}[:：])"
                      r"[\u4e00-\u9fff]")
_SECTION_HEADING = re.compile(r"\s*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")  # (一)坚持…,经济…坚实: a heading
_UNWRAPPED = re.compile(r"(?<=[\u4e00-\u9fff，,、])\n(?=[\u4e00-\u9fff])")  # a sentence wrapped over lines, said on one
_ANAPHORIC = re.compile(r"(?:该|此(?!外)|上述|前述|前款|这些|这项|这类)")  # a sentence about the one before it
_ANNOTATION = re.compile(r"[(（][^()（）]{1,40}[)）][。；;]?")  # a parenthetical note after a sentence: the unit in charge
_ITEM = re.compile(r"\s*(?:\d{1,2}\s*[、.．]|[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）])\s*")
_LABEL_MAX = 30  # a line this short, without punctuation, that heads the paragraph below it (1、 新建总部企业)


@dataclass(frozen=True)
class Span:
    start: int  # offsets into Document.text
    end: int


@dataclass
class Scored:
    cand: Candidate
    span: Span
    score: float


# --- sentences -------------------------------------------------------------------------------------------

def sentences(cand: Candidate) -> list[Span]:
    """The sentences of a chunk, as spans of its document's text (trailing punctuation kept)."""
    text, base = cand.chunk.display_text, cand.chunk.start
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "\n" and _WRAPPED.search(text, start, m.start()) and _GOES_ON.match(text, m.end()) \
                and not _SECTION_HEADING.match(text, start):
            continue  # …坚持竞争中性原则,保 / 障民营企业…: prose wrapped mid-sentence goes on on the next line
        end = m.end() if text[m.start()] != "\n" else m.start()
        if text[start:end].strip():
            spans.append(Span(base + start, base + end))
        start = m.end()
    if text[start:].strip():
        spans.append(Span(base + start, base + len(text)))
    out: list[Span] = []
    for span in (_strip(cand.doc, s) for s in spans):
        said = cand.doc.search_text[span.start:span.end]
        if out and (_ANNOTATION.fullmatch(said) or _ANAPHORIC.match(said)):
            # "…奖励100万元。(责任单位:市经信局)" and "…全面摸底排查…。该项工作于2019年4月底前完成。" are one statement
            out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return out


def _is_label(doc: Document, span: Span) -> bool:
    """A line that only names what the paragraph below it rules (1、 新建总部企业 / 按…的70%奖励企业。)."""
    said = doc.search_text[span.start:span.end]
    item = _ITEM.match(said)
    rest = said[item.end():] if item else said
    return (len(said) <= _LABEL_MAX and len(rest) >= 2 and not re.search(r"[。；;！!？?，,：:、]", rest)
            and doc.text[span.end:span.end + 1] == "\n")


def _with_body(cand: Candidate, span: Span) -> Span:
    """A label line chosen to answer, with the first sentence of the paragraph it heads, which says what the label
    names (a label over another label, or over nothing, stays as it is)."""
    if not _is_label(cand.doc, span):
        return span
    after = next((s for s in sentences(cand) if s.start >= span.end), None)
    if after is None or _is_label(cand.doc, after) or cand.doc.text[span.end:after.start].strip() \
            or cand.doc.text[span.end:after.start].count("\n") != 1:
        return span
    return Span(span.start, after.end)


def _strip(doc: Document, span: Span) -> Span:
    text = doc.text
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _overlaps_flag(doc: Document, span: Span, kind: str = "mojibake") -> bool:
    return any(f.kind == kind and f.start < span.end and span.start < f.end for f in doc.flags)


def _clean_pieces(cand: Candidate, span: Span) -> list[Span]:
    """A sentence as it may be quoted: whole, or, when it holds a garbled stretch, the runs of its
    clauses (split at commas) before and after the garbled ones."""
    doc = cand.doc
    if not _overlaps_flag(doc, span):
        return [span]
    runs: list[Span] = []
    start = span.start
    for end in [span.start + m.end() for m in re.finditer(r"[，,、]", doc.text[span.start:span.end])] + [span.end]:
        if _overlaps_flag(doc, Span(start, end)):
            start = end
        elif runs and runs[-1].end == start:
            runs[-1] = Span(runs[-1].start, end)
        else:
            runs.append(Span(start, end))
        start = end
    return runs


def _is_heading_line(cand: Candidate, span: Span) -> bool:
    line = cand.doc.text[span.start:span.end].strip().rstrip("。")  # a heading may close with a full stop
    return any(line == h or line.startswith(h) and len(line) <= len(h) + 12 and "。" not in line
               for h in cand.chunk.heading_path)


def _is_title_line(cand: Candidate, span: Span) -> bool:
    """Does the line only restate (part of) its document's title (2025年全区工业经济发展工作要点)?"""
    line = re.sub(r"[\s《》“”\"]", "", cand.doc.search_text[span.start:span.end]).rstrip("。")
    return len(line) >= 6 and line in re.sub(r"[\s《》“”\"]", "", search_form(cand.doc.meta.title))


def _quotable(cand: Candidate, question: Question | None = None) -> list[Span]:
    """The sentences of a clause that may be quoted: not garbled, not its heading lines nor a restatement of its
    document's title (which name the subject, not a rule), unless such a line states the figure a question asks
    for (一、财税政策(9项) for 财税政策共有几项)."""
    return [p for s in sentences(cand) for p in _clean_pieces(cand, s)
            if p.end - p.start >= 4 and (not (_is_heading_line(cand, p) or _is_title_line(cand, p))
                                         or question is not None and question.wants_figure
                                         and asked_figures(question, _span_text(cand, p)))]


def _span_text(cand: Candidate, span: Span) -> str:
    return cand.doc.search_text[span.start:span.end]


class ExtractiveComposer:
    """Builds the answer from the gated candidates, or the refusal when the gate says no."""

    def __init__(self, weights: TermWeights, config: AnswerConfig,
                 embed: Callable[[list[str]], list[list[float]]] | None = None,
                 chunks_of: Callable[[str], list[Chunk]] | None = None) -> None:
        self.weights = weights
        self.config = config
        self.embed = embed  # passage embedder for sentence scoring (None: lexical only)
        self.chunks_of = chunks_of  # a document's chunks, to cite a line outside the answering clause
        self._vectors: dict[str, np.ndarray] = {}

    # --- sentence choice ------------------------------------------------------------------------------
    def _dense(self, texts: list[str], query_vector: list[float] | None, reference: tuple[str, ...] = ()) -> list[float]:
        """Embedding similarity of each text to the question, relative within the pool: the best scores 1, the
        least similar of the pool and `reference` (lines read but not quoted, such as the document's title) 0, so
        that a pool of two close sentences is not stretched to 0 and 1."""
        if self.embed is None or query_vector is None or not texts:
            return [0.0] * len(texts)
        pool = list(dict.fromkeys([*texts, *reference]))
        vectors = {t: self._vectors.get(t) for t in pool}  # a local view: other threads may clear the cache
        todo = [t for t, v in vectors.items() if v is None]
        if todo:
            for t, v in zip(todo, self.embed([t[:self.config.dense_sentence_chars] for t in todo]), strict=True):
                vectors[t] = np.asarray(v, dtype=np.float32)
            if len(self._vectors) > 20000:
                self._vectors.clear()
            self._vectors.update((t, vectors[t]) for t in todo)
        q = np.asarray(query_vector, dtype=np.float32)
        sims = {t: float(vectors[t] @ q) for t in pool}  # type: ignore[operator]
        lo, hi = min(sims.values()), max(sims[t] for t in texts)  # the best quotable sentence scores 1
        return [max(0.0, sims[t] - lo) / (hi - lo) if hi > lo else 1.0 for t in texts]  # relative within this pool

    def score_sentences(self, question: Question, cands: list[Candidate],
                        query_vector: list[float] | None) -> list[Scored]:
        """Every quotable sentence of `cands`, scored against the question: lexical coverage of its content
        words and of its focus words, whether it states the asked kind of fact, blended with embedding similarity
        (relative within the pool), which alone decides for a cross-lingual question: a paraphrased answer, or the
        neighbouring sentence a "分别" question needs, is found by meaning, not only by shared words."""
        cfg = self.config
        pool = [(c, s) for c in cands for s in _quotable(c, question)]
        if not pool:
            return []
        texts = [c.doc.search_text[s.start:s.end] for c, s in pool]
        focus = question.focus or question.terms
        scores = []
        kind_weight = cfg.crosslingual_kind if question.crosslingual else 0.25
        for text in texts:
            lexical = 0.0 if question.crosslingual else (
                0.5 * self.weights.coverage(question.terms, text) + 0.5 * self.weights.coverage(focus, text))
            scores.append(lexical + kind_weight * states_asked_kind(question, text))
        if query_vector is not None and self.embed is not None:
            limit = cfg.crosslingual_sentences if question.crosslingual else cfg.dense_sentences  # no words to go by
            near = [i for i, (c, _) in enumerate(pool) if c is pool[0][0] or c in cands[:2]][:limit]
            titles = tuple(dict.fromkeys(c.doc.meta.title for c in cands[:2] if c.doc.meta.title))
            dense = self._dense([texts[i] for i in near], query_vector, titles)
            w = cfg.sentence_dense_weight
            for i, d in zip(near, dense, strict=True):  # another language: meaning and the asked kind of fact
                scores[i] = d + scores[i] if question.crosslingual else (1 - w) * scores[i] + w * d
        out = [Scored(c, s, score) for (c, s), score in zip(pool, scores, strict=True)]
        out.sort(key=lambda x: x.score, reverse=True)
        return out

    def _pick(self, question: Question, scored: list[Scored], cand: Candidate) -> list[Span]:
        """The sentences of one candidate that answer: the best first, then close seconds in reading order."""
        own = [s for s in scored if s.cand is cand]
        if not own:
            return []
        best = own[0]
        keep = [s.span for s in own[1:self.config.max_sentences]
                if s.score >= best.score * self.config.sentence_keep_ratio and s.score > 0]
        def states(span: Span) -> bool:  # the asked figure, or the asked definition (所称…是指)
            text = cand.doc.search_text[span.start:span.end]
            return bool(asked_figures(question, text)) if question.wants_figure else states_asked_kind(question, text) > 0

        if (question.wants_figure or question.asks == "definition") and not any(states(s) for s in [best.span, *keep]) \
                and (stating := next((s.span for s in own if states(s.span)), None)) is not None:
            keep.append(stating)
        first = _with_body(cand, best.span)
        rest = {_with_body(cand, s) for s in keep} - {first}
        return [first, *sorted((s for s in rest if not (first.start <= s.start and s.end <= first.end)),
                               key=lambda s: s.start)]

    # --- answers --------------------------------------------------------------------------------------
    def compose(self, question: Question, cands: list[Candidate], gate: GateDecision,
                query_vector: list[float] | None, today: date,
                part_search: Callable[[Question], Retrieval] | None = None) -> Answer:
        """The answer from `cands`: the best sentences of the best clauses, every part of a question in several
        answered by its own sentence or said to be absent; a part the chosen clauses do not name fully is looked
        for on its own too (`part_search`: 可克达拉…多少个？阿里地区…多少个？ in two reports), and the sentence naming
        it better answers it."""
        cfg = self.config
        scored = self.score_sentences(question, cands[:cfg.max_clauses + 2], query_vector)
        # only documents that write every question word the best passage writes: a clause of another document
        # that lacks one (郑科贷) is about something else, however well its sentence reads
        on_subject = [c for c in cands if all(self.weights.doc_writes(t, c.doc.doc_id) for t in gate.covered)]
        if on_subject:
            cands = on_subject
            scored = [s for s in scored if s.cand in on_subject]
        if not scored:
            return self.refuse(question, gate, cands)
        top = scored[0].cand  # the clause holding the best sentence leads
        chosen: list[Candidate] = [top]
        covered = self.weights.coverage(question.terms, top.chunk.search_text)
        multi = len(question.parts) > 1
        for cand in cands[:cfg.max_clauses + 2]:
            if cand is top or len(chosen) >= cfg.max_clauses + (1 if multi else 0) or covered >= cfg.complete_coverage:
                continue
            # a second clause only when it adds question words the first lacks and ranks close to it; from
            # another document only for a question in several parts (never to patch one policy with another's)
            with_both = self.weights.coverage(question.terms, top.chunk.search_text + cand.chunk.search_text)
            same_doc = cand.doc.doc_id == top.doc.doc_id
            if with_both > covered + cfg.second_clause_gain and cand.score >= top.score * cfg.second_clause_score \
                    and (same_doc or multi):
                chosen.append(cand)
                covered = with_both
        picks = {id(c): self._pick(question, scored, c) for c in chosen}
        absent_parts: list[str] = []
        if multi:  # every part answered by its own best sentence, or said to be absent
            same_doc = [c for c in cands if c.doc.doc_id == top.doc.doc_id and c not in chosen]
            before: Scored | None = None
            for part in question.parts:
                sub = question.part(part)
                # the chosen clauses first; else another clause of the same document (its contact line …)
                hit = self._part_hit(sub, chosen, query_vector, before) or \
                    self._part_hit(sub, same_doc, query_vector, before)
                focus = sub.focus or sub.terms  # (a later part read with the sentence that answered the one before)
                named = 0.0 if hit is None else self.weights.coverage(
                    focus, _text(hit) if before is None else f"{_text(before)} {_text(hit)}")
                if part_search is not None and named < 1.0:
                    own = part_search(sub)  # a part the chosen clauses name only in part: its own best clauses
                    alt = self._part_hit(sub, own.candidates[:cfg.own_part_clauses], own.query_vector)
                    if alt is not None and self.weights.coverage(focus, _text(alt)) > named:
                        hit = alt
                if hit is None:
                    absent_parts.append(part)
                    continue
                before = hit
                if id(hit.cand) not in picks:
                    chosen.append(hit.cand)
                    picks[id(hit.cand)] = []
                if hit.span not in picks[id(hit.cand)]:
                    picks[id(hit.cand)].append(hit.span)
        return self._answer(question, [(c, picks[id(c)]) for c in chosen], gate, absent_parts, today)

    def _part_hit(self, part: Question, cands: list[Candidate], query_vector: list[float] | None,
                  before: Scored | None = None) -> Scored | None:
        """The best sentence of `cands` for one part of a question: it names the part's focus and states the
        asked kind of fact. A later part leaves its subject to the earlier ones (春节放假几天？哪两天调休上班？):
        a sentence of the paragraph that answered the part `before` comes first when, read together with
        that answer, it names the part's focus as fully as the best sentence elsewhere and adds a word of it."""
        if not cands:
            return None
        ranked = self.score_sentences(part, cands, query_vector)
        focus = part.focus or part.terms
        naming = [s for s in ranked if self.weights.coverage(focus, _text(s)) > 0]
        if before is not None and naming:
            full = self.weights.coverage(focus, _text(naming[0]))
            text = before.cand.doc.search_text
            start, end = text.rfind("\n", 0, before.span.start) + 1, text.find("\n", before.span.end)
            alone = self.weights.coverage(part.terms, _text(before))
            beside = [s for s in ranked if s.cand.doc is before.cand.doc and s.span != before.span
                      and start <= s.span.start and (end < 0 or s.span.end <= end)
                      and self.weights.coverage(focus, f"{_text(before)} {_text(s)}") >= full
                      and self.weights.coverage(part.terms, f"{_text(before)} {_text(s)}") > alone]
            naming = beside + [s for s in naming if s not in beside]
        # a part asking for a cap (封顶多少) is answered by a sentence stating one before one stating only a rate
        caps = [s for s in naming if part.wants_cap and any(f.role == "上限" for f in asked_figures(part, _text(s)))]
        hit = (caps or naming or [None])[0]
        if hit is None or not states_asked_kind(part, _text(hit)):
            return None  # (a bare 多少 is also answered by a phone number: the one definition of the asked kind)
        return hit

    def _answer(self, question: Question, chosen: list[tuple[Candidate, list[Span]]], gate: GateDecision,
                absent_parts: list[str], today: date) -> Answer:
        citations: list[Citation] = []
        body: list[str] = []
        multi_part = len(question.parts) > 1
        for cand, picked in chosen:
            lead, rest = picked[:1], sorted(picked[1:], key=lambda s: s.start)
            for group in [lead, *_adjacent_runs(cand.doc, rest)]:
                run = _clear_run(cand.doc, group)
                if not run:
                    continue
                start, end = run[0].start, run[-1].end
                citations.append(_citation(len(citations) + 1, cand, start, end))
                said = _UNWRAPPED.sub("", "".join(cand.doc.text[s.start:s.end] for s in run))
                body.append(f"{said} [{len(citations)}]")
        if not citations:
            return self.refuse(question, gate, [c for c, _ in chosen])
        quotes = [c.quote for c in citations]
        stated = [search_form(q) for q in quotes]
        # a question in several parts is checked part by part (absent_parts), not as one figure question
        if not multi_part and (unstated := _unstated_kind(question, stated)):
            gate.reasons.append(f"引用的条款没有给出所问的{unstated}")
            gate.answerable = False
            return self.refuse(question, gate, [c for c, _ in chosen])
        head = []
        if question.wants_figure:
            figs = [f for q in stated for f in asked_figures(question, q)]
            figs = [f for f in figs if search_form(f.text) not in question.search] or figs  # not the asker's own 15%
            labelled = list(dict.fromkeys(f"{f.role} {f.text}" for f in figs))[:self.config.max_figures]
            if labelled:
                head = ["要点：" + "；".join(labelled)]
        for part in absent_parts:
            body.append(f"（“{part}”：引用的条款中没有写明。）")
        if _ASKS_PLACE.search(question.search) and self.chunks_of is not None \
                and (placed := _place_line(chosen[0][0].doc)) is not None:
            doc, span = placed  # 哪个地方的办法…: the place, with the line of the document that names it
            citations.append(_line_citation(len(citations) + 1, doc, span, self.chunks_of, chosen[0][0].score))
            head.insert(0, f"地区：{doc.meta.region or '见所引标题'} [{len(citations)}]")
        sources = [f"[{c.id}] 出处：《{c.title}》{f'，{c.issuer}' if c.issuer else ''}{f'，{c.date}' if c.date else ''}；"
                   f"{c.heading or '正文'}" for c in citations]
        warnings: list[str] = []
        if missing := ungrounded_numbers(_MARKER.sub(" ", "\n".join(head + body)), quotes):
            head = []  # the figures line is the only text not copied verbatim from a quote
            warnings.append(f"已去掉未能在引文中核实的数字：{'、'.join(missing)}")
        for cand, _ in chosen:
            for w in document_warnings(cand.doc, today):
                if w not in warnings:
                    warnings.append(w)
            if "mojibake" in cand.chunk.flags:
                warnings.append(f"《{cand.doc.meta.title}》该段原文含乱码片段，乱码部分未被引用，请核对原文。")
        return Answer(question=question.raw, answer="\n".join(head + body + sources), answerable=True,
                      citations=citations, warnings=warnings, gate=gate.to_dict())

    def refuse(self, question: Question, gate: GateDecision, cands: list[Candidate]) -> Answer:
        """A refusal; when the best passage covers part of the question, say what it does say and cite it."""
        gate.answerable = False
        best = cands[0] if cands else None
        if best is None or (gate.features.get("coverage", 0.0) < self.config.related_min_coverage
                            or question.crosslingual) and not gate.veto:
            return refusal(question.raw, "知识库中没有找到能回答这个问题的政策条款。可以换个说法，或写明地区和政策名称再问。",
                           gate=gate)
        if gate.quote is not None:  # the passage the veto rests on (a document's unfinished last sentence)
            doc_id, start, end = gate.quote
            best = min((c for c in cands if c.doc.doc_id == doc_id),
                       key=lambda c: not c.chunk.start <= start < c.chunk.end)  # its own chunk, if a candidate
            span = Span(start, end)
        else:
            spans = _quotable(best)
            scored = self.score_sentences(question, [best], None)
            span = scored[0].span if scored else (spans[0] if spans else Span(best.chunk.start, best.chunk.end))
        cite = _citation(1, best, span.start, span.end)
        cite.related = True
        said = "、".join(gate.covered[:4]) or "相关内容"
        lacks = "、".join(gate.missing[:4]) or {"quantity": "所问的数额", "date": "所问的日期",
                                                "duration": "所问的期限"}.get(question.asks, "所问的具体内容")
        text = (f"{gate.veto}，无法回答这个问题。" if gate.veto else
                f"知识库中的《{cite.title}》提到{said}，但没有关于“{lacks}”的规定，无法回答这个问题。"
                ) + "相关条款见 [1]（仅供参考，不是答案）。"
        return Answer(question=question.raw, answer=text, answerable=False, citations=[cite], gate=gate.to_dict())


def _unstated_kind(question: Question, quotes: list[str]) -> str:
    """What the question asks for that none of the quotes states, named for the asker ("" when one does): a
    figure in the asked unit, a date, a duration."""
    if question.wants_figure and not any(asked_figures(question, q) for q in quotes):
        return f"“{question.unit}”" if question.unit else "数额"
    if question.asks in KIND_NAMES and not any(states_asked_kind(question, q) for q in quotes):
        return KIND_NAMES[question.asks]
    return ""


def _text(scored: Scored) -> str:
    return _span_text(scored.cand, scored.span)


def _adjacent_runs(doc: Document, spans: list[Span]) -> list[list[Span]]:
    """Sentences (in reading order) grouped into runs the text writes one after another: each run is quoted and
    cited as one passage, so a quote never skips text it does not show."""
    runs: list[list[Span]] = []
    for span in spans:
        if runs and not doc.text[runs[-1][-1].end:span.start].strip():
            runs[-1].append(span)
        else:
            runs.append([span])
    return runs


def _clear_run(doc: Document, spans: list[Span]) -> list[Span]:
    """Sentences whose covering quote crosses no garbled span: cut the run at the first one it would cross."""
    run = spans[:1]
    for span in spans[1:]:
        if _overlaps_flag(doc, Span(run[0].start, span.end)):
            break
        run.append(span)
    return run


# a question after the place whose rule it is (哪个地方的扶持办法…, 镇江下面哪个县级市…, which city)
_ASKS_PLACE = re.compile(r"哪个(?:地方|城市|地区|省|市|县级市|县|区县|区|旗|镇|乡|街道|开发区|经开区|高新区|园区|工业园|产业园)"
                         r"|哪些地方|哪里的|\bwhich (?:city|county|district|province|place|town|zone|park)\b", re.I)


def _place_line(doc: Document) -> tuple[Document, Span] | None:
    """The line of `doc` that names its region's place, with where that lies where a line says so: its title or its
    issuer line, else the first sentence of its text that names both (陵江镇…苍溪县…); else the title or issuer line
    naming the place alone, else the first sentence that does."""
    gaz = gazetteer()
    place = place_of(doc, gaz) if doc.meta.region_code else next(  # a copy with no region read: the
        (m.place for m in gaz.find(search_form(doc.meta.title)) if m.place.code != COUNTRY_CODE), None)  # title's place
    if place is None or place.code == COUNTRY_CODE:
        return None
    parent = gaz.get(place.parents[0]) if place.parents else None
    own = place.name[len(parent.name):] if parent and place.name.startswith(parent.name) else place.name
    names = [n for n in (own, place.short) if n]
    text = doc.search_text

    def sentence(at: int) -> Span:
        start = max(text.rfind(c, 0, at) for c in "。！？；\n") + 1
        ends = [e for c in "。！？；\n" if (e := text.find(c, at)) >= 0]
        return Span(start, min(ends) + 1 if ends else len(doc.text))

    heads = [Span(*doc.meta.evidence[f]) for f in ("title", "issuer") if f in doc.meta.evidence]
    heads = [s for s in heads if any(n in search_form(doc.text[s.start:s.end]) for n in names)]
    found = sorted(m.start() for n in names for m in re.finditer(re.escape(n), text))
    named = [*heads, *(sentence(at) for at in found)]
    if not named:
        return None
    placed = next((s for s in named if parent and parent.level != "country"
                   and parent.short in search_form(doc.text[s.start:s.end])), None)
    if placed is not None:
        return doc, placed if placed in heads else _strip(doc, placed)
    return doc, heads[0] if heads else _strip(doc, named[0])


def _citation(cid: int, cand: Candidate, start: int, end: int) -> Citation:
    meta = cand.doc.meta
    return Citation(id=cid, chunk_id=cand.chunk.chunk_id, source=cand.doc.doc_id, title=meta.title or cand.doc.doc_id,
                    heading=cand.chunk.heading, quote=cand.doc.text[start:end], start=start, end=end,
                    score=round(cand.score, 4), issuer=meta.issuer,
                    date=meta.date.isoformat() if meta.date else "", region=meta.region, doc_number=meta.doc_number)


def ungrounded_numbers(text: str, quotes: list[str]) -> list[str]:
    """Numbers in `text` that no quote contains: the guard that no figure is invented."""
    joined = " ".join(search_form(q).replace(" ", "") for q in quotes)
    return [n for n in numbers(search_form(text)) if n not in joined]


def document_warnings(doc: Document, today: date) -> list[str]:
    """What a reader must know about a cited document: lapsed validity, stated status, draft."""
    meta = doc.meta
    title = meta.title or doc.doc_id
    out = []
    if meta.valid_until and meta.valid_until < today:
        since = f"自{meta.valid_from.isoformat()}起，" if meta.valid_from else ""
        out.append(f"《{title}》{since}有效期至{meta.valid_until.isoformat()}，已过有效期，请向发文单位确认是否延续或有新政策。")
    elif meta.status and meta.status not in ("有效", "現行有效", "现行有效"):
        out.append(f"《{title}》状态：{meta.status}。")
    return out


def refusal(question: str, reason: str, warnings: list[str] | None = None, gate: GateDecision | None = None) -> Answer:
    return Answer(question=question, answer=reason, answerable=False, warnings=warnings or [],
                  gate=gate.to_dict() if gate else None)


# --- questions about a document itself ----------------------------------------------------------------------

# the drafting formula's verbs (根据《…》制定本办法), not where a document kind follows at once and makes them part of
# its name (承接落实方案, 贯彻意见)
_BASIS_VERBS = "(?:根据|依据|依照|按照|落实|贯彻|参照)(?!方案|意见|办法|细则|措施)"
_WHICH_SEVERAL = "哪些|哪几[个份项]|哪[两二三四五六七八九][个份项]"  # several documents asked for
# a 文号 asked of a document the question names by a basis verb (…所依据的松江区…若干意见，文号是多少)
_BASIS_NAMED = re.compile(rf"(?:{_BASIS_VERBS})\S{{0,24}}?(?:文件|通知|意见|办法|决定|规定|措施|方案|细则)")
# …的(那份)实施方案, …的那个工作细则 after the document carried out: the question names the implementing document by
# its basis
_IMPLEMENTER = re.compile(r"[”’」』]?的(?:那份|这份|那个|这个)?(?:(?!哪|什么|何)[^\s的，,。？?]){0,6}?(?:意见|方案|细则|办法|措施)")
_REPEAL_VERBS = "废止|停止执行|不再执行"
_DOC_FIELDS: dict[str, re.Pattern[str]] = {
    "doc_number": re.compile(r"文号|字号|发文号|几号文|第几号"),  # 第几号公告, 国务院令第几号: an announcement's number
    "valid_from": re.compile(r"(施行|实施|生效|执行)(?![到至])\S{0,4}(日期|时间|何时|什么时候|哪天)|(何时|什么时候|哪天)\S{0,12}(施行|实施|生效)"
                             r"|自何时起"),
    "valid_until": re.compile(r"有效期|失效|到期|(执行|实施)期限|有效至"
                              r"|(?<!截止)(?:用到|执行到|实施到|有效到)(?:哪天|哪一天|何时|什么时候|哪年)"),
    "date": re.compile(r"(印发|发布|出台|发文|公布|成文|答复|签发|下发|落款|签署)\S{0,4}(日期|时间|何时|什么时候|哪天|哪年)"
                       r"|落款\S{0,10}(日期|时间|何时|什么时候|哪天|哪一天|哪年)"  # 落款是哪个单位、哪一天
                       r"|(哪天|何时|什么时候|哪一天|哪年|几月几[号日])\S{0,12}(印发|发布|出台|发文|公布|答复|签发|下发|发的|发出|落款|成文"
                       r"|挂出|挂网|挂到|挂上)"  # (a page posted: 哪天挂出来的)
                       r"|(文号|字号)[和与及、,]\S{0,2}(日期|时间)|(日期|时间)[和与及、,](文号|字号)"),  # listed beside the 文号
    "issuer": re.compile(r"(哪个|什么|哪家|哪一个|哪些|哪[两二三四五六七八九几][个家])\S{0,3}?(部门|单位|机关|机构)\S{0,4}(印发|发布|出台|制定|编制|发文|发的|下发|起草|牵头)"
                         r"|发文(单位|机关)|发布(单位|机关)|(由?谁)(牵头)?(印发|发布|出台|制定|编制|发文|下发|发的|起草|牵头)"
                         r"|落款\S{0,3}(哪个|什么|哪家|哪一个)?(单位|部门|机关)"),  # the signature's unit
    # the addressees (主送机关) a notice is sent to: 各市、县人民政府，省政府各部门：
    "recipients": re.compile(r"(发给|印发给|下发给|发至|送给|主送)\S{0,4}(哪|谁|什么)|主送(机关|单位)|(哪些|哪几个)\S{0,6}(单位|部门|地方|市|县)\S{0,4}(印发|下发|发(?!展))"),
    "proposer": re.compile(r"(哪位|谁)\S{0,6}(提出|提的|提案|建议)|提案人|(委员|代表)是谁"),
    # the document it is based on (根据《…》（文号）…制定本办法): the drafting formula's verbs, asked with 哪个/什么
    "basis": re.compile(rf"(?:{_BASIS_VERBS})\S{{0,12}}(哪个|哪份|哪一份|哪项|哪些|什么|{_WHICH_SEVERAL})"
                        r"|(哪个|哪份|哪一份|什么)\S{0,8}(文件|通知|意见|办法|决定|规定)\S{0,6}(制定|设立|出台)"
                        rf"|(?:{_BASIS_VERBS})的\S{{0,8}}(文件|通知|意见|办法|决定|规定)"),
    # the document it repeals (《…》（…号）同时废止): the repeal formula's verbs, asked with 哪个/什么
    "repealed": re.compile(rf"(?:{_REPEAL_VERBS})\S{{0,4}}(哪个|哪份|哪一份|哪些|什么)"
                           rf"|(哪个|哪份|哪一份|哪些|什么)\S{{0,8}}(文件|通知|意见|办法|决定|规定)\S{{0,6}}(?:{_REPEAL_VERBS})"),
    # a draft out for comment: until when comments are taken, and whom to call
    "comment_until": re.compile(r"(征求意见|意见征求|征集意见|意见征集|提意见|反馈意见|意见反馈|提交意见|意见建议)\S{0,6}"
                                r"(截止|截至|到哪天|到什么时候|到何时|什么时候|何时|哪天|期限)"  # not 申报截止: a rule's date
                                r"|意见\S{0,8}(哪天|什么时候|何时)\S{0,4}(提交|反馈|提出)"),  # 意见最晚要在哪天之前提交
    "contact": re.compile(r"电话|联系方式|怎么联系"),
    "email": re.compile(r"邮箱|电子邮件|邮件地址|e-?mail", re.I),  # where to send comments (邮 箱:48599395@qq.com)
    "contact_person": re.compile(r"找谁|联系谁|联系人"),  # whom to ask (联系人:…办公室  刘腾)
    "status": ASKS_STATUS,  # adopted, or still a draft out for comment
    # the document's own title; not the name of a plan its text mentions (郑州制定的…行动方案叫什么)
    "title": re.compile(r"(标题|题目|全称|文件名称|文件名)\S{0,3}(什么|啥)|(这份|这个|该)(文件|通知)\S{0,2}叫什么"
                       # 滨政字〔2024〕4号是一份什么文件; 晋市政办〔2025〕4号印发的是什么方案
                       r"|^\S{0,30}?号(印发|发布|下发)?的?是(一份|一个)?(什么|哪份|哪个)(文件|通知|方案|办法|意见|规定|措施|计划|规划|政策)"),
    "publisher": re.compile(r"发布机构"),  # the unit a site names as the page's publisher (发布机构 市政府办公室)
    # the paper, site or unit a page names as its source (来源:云南网, 摘自:银川新闻网, (来源:普洱日报))
    "source": re.compile(r"(?:来源|出处|摘自|转自|稿源)\S{0,6}?(?:哪|什么|谁)|哪[家个份](?:媒体|报纸|报社|网站)"
                         r"|(?:出自|登在|刊登在|刊发在|刊载在|转载自|转自)(?:哪|什么)[家个份]?(?:媒体|报|网|刊|电视|台)"),  # (not 出自哪份文件)
    # the chapters of a law or regulation: how many, and what one is called (一共分几章, 第五章讲什么, 最后一章是第几章)
    "chapters": re.compile(r"[几多少]章|最后一章|第几章|第[一二三四五六七八九十\d]+章\S{0,6}?(?:讲|叫|是|改|章名|标题|名称)\S{0,4}"
                           r"(?:什么|啥|哪|名称)"),
    # the meeting that adopted it (2021年1月18日…人民代表大会第六次会议通过 or 批准, a plan; 已经市政府第48次常务会议研究通过)
    "adopted": re.compile(r"(哪天|哪次|第几次|什么会议|哪届|哪个会议)\S{0,14}(通过|审议|同意|审定|批准|修订|修正)"
                          r"|(通过|审议|批准|修订|修正)\S{0,2}的?(会议|日期)"),  # (a law's revision is adopted so too)
}
_FIELD_NAMES = {"doc_number": "文号", "valid_from": "施行日期", "valid_until": "有效期", "date": "印发日期",
                "issuer": "发文机关", "recipients": "主送机关", "proposer": "提案人", "basis": "依据的文件", "repealed": "废止的文件",
                "comment_until": "征求意见截止日期", "contact": "联系电话", "email": "电子邮箱", "contact_person": "联系人", "status": "文件状态",
                "title": "标题", "publisher": "发布机构", "adopted": "审议通过", "posted": "网页发布日期",
                "chapters": "章节", "source": "来源"}
_HEAD_FIELDS = {"doc_number", "date", "issuer", "recipients"}  # facts a notice states where the metadata reader looks
_CN = "〇一二三四五六七八九"
# the addressee line of a notice: units, closed by a colon, near the top (各县(市、区)人民政府,市政府各部门:)
_ADDRESSEES = re.compile(r"^[ \t]*(?=[^\n。；;]{0,200}?(?:政府|部门|单位|机构|机关|管委会|委|局|厅|办))([^\n。；;:：]{4,200})[:：][ \t]*$",
                         re.M)
_PROPOSER = re.compile(r"尊敬的([\u4e00-\u9fff·]{2,5}?(?:委员|代表))|([\u4e00-\u9fff·]{2,4}(?:委员|代表))(?:提出|在)")


DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")


def carries_out(title: str, quoted: Sequence[str]) -> bool:
    """Does a title name a quoted document as what it carries out (…关于进一步落实《X》的实施细则), so it is not X?"""
    def bare(text: str) -> str:
        return re.sub(r"[《》〈〉“”]", "", unbracketed(text))
    return any(re.search(f"(?:{_BASIS_VERBS}){re.escape(bare(q))}", bare(title)) for q in quoted if q)


def named_documents(question: Question, docs: Mapping[str, Document]) -> list[Document]:
    """Documents the question names by their 文号 (国办发〔2019〕4号), in the order it names them."""
    asked_numbers = list(DOC_NUMBER.finditer(question.search))
    if not asked_numbers:
        return []

    def key(number: str) -> str:
        return re.sub(r"[\s〔〕\[\]［］()（）]", "", search_form(number))
    numbered = [(key(d.meta.doc_number), d) for d in docs.values() if d.meta.doc_number]
    out = []
    for m in asked_numbers:
        asked = key(m.group())  # may carry words before the issuer's abbreviation ("和国办发…")
        out += [d for k, d in numbered if asked.endswith(k)][:1]
    return out


# the same facts asked in English (which body issued…, what is the document number…, when was it issued…)
_ISSUED_EN = r"(?:issue[sd]?|release[sd]?|publish(?:ed|es)?|promulgate[sd]?|sign(?:ed|s)?|posted|adopt(?:ed|s)?)"
_ISSUING_EN = rf"(?:{_ISSUED_EN}|drafted)"  # … or who drafted it (a draft's unit)
_DOC_FIELDS_EN: dict[str, re.Pattern[str]] = {
    "issuer": re.compile(rf"\b(?:which|what)\b(?:\s+[\w'-]+){{0,4}}?\s+(?:body|bodies|department|bureau|office|agency|"
                         rf"authority|organi[sz]ation|unit|government|commission|committee)s?\b[^?]{{0,40}}?\b{_ISSUING_EN}\b"
                         rf"|\bwho\s+{_ISSUING_EN}\b|\bissu(?:ing|er)\s+(?:body|authority|department|office)\b", re.I),
    "doc_number": re.compile(r"\bdocument\s+(?:number|no\.?)|\b(?:reference|file|serial)\s+number\b", re.I),
    "valid_from": re.compile(r"\b(?:come|came|comes|coming|enter(?:ed|s)?|went|go(?:es)?)\s+into\s+(?:force|effect)\b"
                             r"|\btak(?:e|es|en|ing)\s+effect\b|\beffective\s+(?:date|from)\b|\bin\s+force\s+(?:from|since)\b",
                             re.I),
    "comment_until": re.compile(r"\b(?:send|submit|give|make|provide)\w*\s+(?:\w+\s+){0,3}?(?:comments?|feedback|opinions?)"
                                r"\b[^?]{0,60}?\b(?:until|by|before|deadline)\b|\b(?:comments?|feedback|consultation)\s+"
                                r"(?:period|deadline)\b|\bdeadline\s+for\s+(?:comments?|feedback)\b"
                                r"|\buntil\s+what\s+date\b[^?]{0,80}?\b(?:comments?|feedback)\b", re.I),
    "date": re.compile(rf"\bwhen\s+(?:was|were|did)\b[^?]{{0,80}}?\b{_ISSUED_EN}\b|\bwhat\s+date\b[^?]{{0,80}}?"
                       rf"\b{_ISSUED_EN}\b|\b(?:issue|issuing|release|publication)\s+date\b"
                       rf"|\b{_ISSUED_EN}\b[^?]{{0,120}}?\b(?:on|in)\s+(?:what|which)\s+(?:date|day)\b", re.I),  # …, and on what date
}

# the title of a part of a document (第一篇的标题, 第三章的名称): a heading of its text, not a fact of the document
_PART_TITLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+[篇章节部分条]的?(?:标题|题目|名称)")


def asked_fields(question: Question, titles: tuple[str, ...] = ()) -> list[str]:
    """The document facts a question asks for, read with document titles taken out (a title such as
    《…实施意见》 must not make "什么时候印发" a question about the 实施 date)."""
    text = _PART_TITLE.sub(" ", re.sub(r"《[^》]*》", " ", question.search))
    for title in sorted((t for t in titles if len(t) >= 6), key=len, reverse=True):
        text = text.replace(search_form(title), " ")
    asked = [f for f, pattern in _DOC_FIELDS.items() if pattern.search(text)]
    if question.crosslingual:
        asked += [f for f, pattern in _DOC_FIELDS_EN.items() if pattern.search(text) and f not in asked]
    if "doc_number" in asked and "basis" not in asked and any(
            not any(unbracketed(basis.group()) in unbracketed(t) for t in titles)  # 南开区落实…工作方案: its own
            and (text.startswith("的", basis.start() + 2)  # 所依据的…: what follows is the basis
                 or not _IMPLEMENTER.search(basis.group()) and not _IMPLEMENTER.match(text, basis.end()))
            for basis in _BASIS_NAMED.finditer(text)):
        asked.append("basis")  # the 文号 asked is the one of the document named as the basis (not one its title names)
    if "publisher" in asked or "source" in asked:  # 哪个部门作为发布机构, 来源是哪个单位: the page's publisher or source
        return [f for f in asked if f != "issuer"]
    return asked


# a chapter's heading line (第三章 融资促进, 第十章　附则): its number and name
_CHAPTER_HEADING = re.compile(r"(?m)^[ \t\u3000]*第([一二三四五六七八九十百零〇\d]{1,4})章[ \t\u3000]*([^\n]{0,30}?)[ \t\u3000]*$")
_CHAPTER_ASKED = re.compile(r"第([一二三四五六七八九十\d]{1,3})章")
_CHAPTER_COUNT_ASKED = re.compile(r"[几多少]章|最后一章|第几章")


def _chapter_number(numeral: str) -> int | None:
    value = int(numeral) if numeral.isdigit() else chinese_number(numeral)
    return int(value) if value else None


def _chapters_answered(question: Question, doc: Document) -> list[tuple[str, Span]]:
    """The chapter headings that answer a question about a document's chapters, each with its line: the last one
    for how many there are (where the text is known to reach its end: a table of contents, a closing 附则 or a
    closing full stop), and each one the question names by number (第五章)."""
    headings: dict[int, re.Match[str]] = {}
    listed = False  # a table of contents lists the chapters before the text repeats them
    for m in _CHAPTER_HEADING.finditer(doc.search_text):
        if (n := _chapter_number(m.group(1))) is not None:
            listed |= n in headings
            headings.setdefault(n, m)  # (the table's line names the chapter as well as the heading)
    if not headings:
        return []
    out = []
    last = max(headings)
    whole = listed or "附则" in headings[last].group(2) or doc.search_text.rstrip()[-1:] in CLOSING
    if _CHAPTER_COUNT_ASKED.search(question.search) and whole:  # (附则 closes a law; a copy cut off may not reach it)
        m = headings[last]
        out.append((f"章数：共{last}章（最后一章：{doc.text[m.start(1) - 1:m.end()].strip()}）", Span(m.start(), m.end())))
    for asked in dict.fromkeys(_CHAPTER_ASKED.findall(question.search)):
        if (n := _chapter_number(asked)) is not None and (m := headings.get(n)) is not None:
            out.append((f"第{asked}章：{doc.text[m.start(2):m.end(2)] or doc.text[m.start():m.end()].strip()}",
                        Span(m.start(), m.end())))
    return out


def _shown_date(stamp: str) -> str:
    """A date as an answer states it (2021年8月2日), else as the text writes it."""
    return _date_forms(d)[0] if (d := parse_date(stamp)) else stamp


def _date_forms(d: date) -> list[str]:
    def cn(n: int) -> str:
        return "".join(_CN[int(c)] for c in str(n))

    def cn_small(n: int) -> str:
        return ("十" if n == 10 else f"十{_CN[n - 10]}" if n < 20 else f"{_CN[n // 10]}十{_CN[n % 10] if n % 10 else ''}"
                if n >= 10 else _CN[n])
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month:02d}月{d.day:02d}日",
            f"{d.year}-{d.month:02d}-{d.day:02d}", f"{d.year}.{d.month}.{d.day}", f"{d.year}/{d.month:02d}/{d.day:02d}",
            f"{d.year}/{d.month}/{d.day}",
            f"{cn(d.year)}年{cn_small(d.month)}月{cn_small(d.day)}日"]


# the end of a comment period as a notice states it: 征求意见时间:2025年11月7日-12月7日, 请在2024年6月12日前…反馈,
# 意见反馈截止时间为…; and a telephone number under its label (联系电话:0631-5201388), else any with an area code
_MD = r"\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{3,6}日"  # (a date whose 年 and 月 were lost: 202297日)
_COMMENT_UNTIL = re.compile(
    rf"(?:征求意见|意见征集|征集意见|意见反馈|反馈意见|公示)(?:时间|期限|日期|期)?(?:为|是)?[:：]?\s*(?:自|从)?\s*(?:{DATE_PATTERN}|{_MD})"
    rf"\s*(?:起)?\s*(?:至|到|-|—|－|~|～)\s*(?P<a>{DATE_PATTERN}|{_MD}|\d{{1,2}}日)"
    rf"|(?:请|于|在)[^。\n]{{0,8}}?(?P<b>{DATE_PATTERN}|{_MD})\s*(?:前|之前|以前)"
    rf"|截[止至](?:日期|时间)?(?:为|是|到|至)?[:：]?\s*(?P<c>{DATE_PATTERN}|{_MD})")
_ADOPTED = re.compile(
    r"[(（](?:[^()（）]*[;；])?\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^()（）;；]{2,60}?会议[^()（）;；]{0,12}?"
    r"(?:通过|批准|修订|修正))\s*(?:[)）]|根据)"  # (…通过;2022年10月14日…会议修订): the latest
    r"|((?:已|业|并|均|(?<=[》”」\s，,。]))(?:经(?!济|营|费)|由)[^。\n，,]{0,80}?(?:会议|常务会|办公会)"
    r"(?:于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?[^。\n，,]{0,8}?(?:审议|研究|讨论|审查)?(?:通过|同意|审定|批准))")
# 第48次, 七届28次; 第21次常务会研究通过; a congress's announcement: 已由…第十九次会议于2025年7月30日通过
_PHONE = r"\(?0\d{2,3}\)?[-—－]?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
_CONTACT_PERSON = re.compile(r"联\s*系\s*人\s*[:：]\s*([^\n,，;；。:：]{2,40}?)\s*(?=[\n,，;；。]|联系电话|电话|$)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LABELLED_PHONE = re.compile(rf"(?:联系|咨询|监督|举报)?电话\s*[:：]?\s*({_PHONE})")


# facts whose value may be read from the simplified text (a traditional copy's 文号, 征求意見時間): found in the text
# by their first mention, as are the proposer and addressees; dates are found by their last (the signature)
_SIMPLIFIED_VALUES = frozenset({"doc_number", "comment_until", "contact", "email", "contact_person", "status",
                                "publisher", "adopted", "source"})
_FIRST_MENTION = _SIMPLIFIED_VALUES | {"proposer", "recipients"}
# a page's source line (来源:云南网, 稿件来源:中国新闻网, 摘自:银川新闻网 2007年8月18日, (来源:普洱日报)), and a question
# after the first source a repost names (文末注明最初来源, 最早是哪个网站的)
_SOURCE_LINE = re.compile(r"(?:稿件来源|信息来源|文章来源|新闻来源|稿源|来源|摘自|转自|出处)\s*[:：]\s*"
                          r"([^\s|｜•,，。;；:：()（）【】\[\]]{2,24})")
_FIRST_SOURCE_ASKED = re.compile(r"最初|最早|原始|原载|文末")


def _value_forms(meta, field: str, doc: Document) -> list[str]:
    if field == "adopted":
        return [m.group(1) or m.group(2) for m in _ADOPTED.finditer(doc.search_text)][:1]
    if field == "publisher":
        return [m.group(1) for m in re.finditer(r"发布机构\s*[:：]?\s*([^\s|｜•]{2,30})", doc.search_text[:3000])][:1]
    if field == "source":  # (a field or a date run on into it: 来源:河源国家高新区时间:…, 摘自:银川新闻网2007年8月18日)
        values = [v[:m.start()] if (m := NEXT_FIELD_RE.search(v, 1)) else v
                  for v in (m.group(1) for m in _SOURCE_LINE.finditer(doc.search_text))]
        return [name for v in values if (name := v[:m.start()] if (m := re.search(r"\d{4}", v)) and m.start() >= 2 else v)]
    if field == "status":  # the line that calls it a draft; an adopted text states no status of its own
        draft = re.search(r"[(（]?[^\n(（]{0,4}(?:征求意见稿|意见征求稿|草案|送审稿|讨论稿)[)）]?", doc.search_text)
        return [draft.group()] if meta.is_draft and draft else []
    if field == "comment_until":
        text = doc.search_text  # simplified script: 征求意見時間 reads as 征求意见时间
        return [m.group("a") or m.group("b") or m.group("c") for m in _COMMENT_UNTIL.finditer(text)
                if "意见" in text[max(0, m.start() - 120):m.end() + 60]][:1]
    if field == "contact":
        labelled = [m.group(1) for m in _LABELLED_PHONE.finditer(doc.search_text)]
        return (labelled or re.findall(rf"(?<!\d)(?:{_PHONE})", doc.search_text))[:1]
    if field == "email":
        return _EMAIL.findall(doc.search_text)[:1]
    if field == "contact_person":
        return [m.group(1).strip() for m in _CONTACT_PERSON.finditer(doc.search_text)][:1]
    if field == "proposer":
        return [m.group(1) or m.group(2) for m in _PROPOSER.finditer(doc.text)][:1]
    if field == "recipients":
        return [m.group(1).strip() for m in _ADDRESSEES.finditer(doc.text[:3000])][:1]
    value = getattr(meta, field, None)
    if not value:
        return []
    if isinstance(value, date):
        return _date_forms(value)
    return [str(value)]


def unbracketed(text: str) -> str:
    """`text` in search form without whitespace and bracketed asides (a title's (2020-2022年), as askers drop them)."""
    return re.sub(r"[(（][^()（）]*[)）]|\s", "", search_form(text))


def _squashed(text: str) -> str:
    """`text` in search form without whitespace (a date broken over lines, 2018 / 年 / 9 / 月, reads whole)."""
    return re.sub(r"\s", "", search_form(text))


# the unit a notice says drafted the text (秀山高新区管委会牵头起草了《…》), not a first-person 我局
_DRAFTED = re.compile(r"(?:^|[,，。;；\s])((?![我本])[\u4e00-\u9fff()（）]{2,30}?(?:委员会|管委会|政府|局|厅|委|办公室|办|中心|部))"
                      r"(?:牵头|负责|组织)?起草了?《")
# a report's lead naming who issued the policy it reports (马尾区委、区政府近日正式出台《…》): for a text with no issuer
_ISSUED_BY = re.compile(r"(?:^|[,，。;；\s])((?![我本记])[\u4e00-\u9fff()（）、]{2,30}?(?:委员会|管委会|政府|局|厅|委|办公室|办|中心|部))"
                        r"(?:近日|日前|近期|正式|联合|研究)*(?:出台|印发|发布|制定|公布)了?《([^《》\n]{4,80})》")
# a question after the page's own date (网上这份是哪天发布的, 网页上标的发布时间, 在区政府网站上是哪天挂出来的, 转载页面)
_PAGE_ASKED = re.compile(r"网上|网页|网站|页面|门户网|转载|挂出|挂网|挂到")
_ISSUE_ASKED_TOO = re.compile(r"落款|成文|签发|签署|印发日期|发文日期")
# a question after the signature's date (落款日期, 成文日期, 哪天签发的), not the page's publication date
_SIGNED_ASKED = re.compile(r"落款|成文|签发|签署")
_ISSUE_DATE_ASKED = re.compile(r"(?:印发|出台|发文|制定)\S{0,4}(?:日期|时间|何时|什么时候|哪天|哪一天)|(?:哪天|哪一天|何时|什么时候)\S{0,2}(?:印发|出台)")


def _issued_by(question: Question, doc: Document) -> tuple[int, int] | None:
    """Where a text that names no issuer of its own says who issued the policy it is about: the unit before
    出台/印发《…》 whose name is the text's title or the one the question quotes (a report's lead)."""
    names = [search_form(n) for n in (*question.quoted, doc.meta.title) if n]
    for m in _ISSUED_BY.finditer(doc.search_text):
        if any(m.group(2) in n or n in m.group(2) for n in names):
            return m.span(1)
    return None


def _only_reported(question: Question, doc: Document) -> bool:
    """Is `doc` a report on a measure, dated by its page, while the question asks the day the measure was issued
    (庆阳市促进招商引资若干措施的印发日期 of 重奖“招商功臣”!庆阳出台22条措施“招大商”)? Its title is a headline, not a
    policy's (no kind of document at its end), and no signature dates it."""
    title = re.sub(r"(?:\s*[(（][^()（）]{1,24}[)）])+$", "", search_form(doc.meta.title)).rstrip("》”\"」 !！")
    return (bool(title) and not TITLE_KIND_RE.search(title) and "signed" not in doc.meta.evidence
            and not _ISSUING_FORMULA.search(doc.search_text) and bool(_ISSUE_DATE_ASKED.search(question.search)))


# the formula of a notice issuing a text (…现予印发,请认真贯彻执行): the text itself, not a report on it
_ISSUING_FORMULA = re.compile(r"现予印发|印发给你们|现将[^。]{0,60}印发|请认真(?:贯彻|组织)?(?:执行|落实|实施)|遵照执行")


def _line_span(text: str, start: int, end: int) -> Span:
    return Span(text.rfind("\n", 0, start) + 1, (text.find("\n", end) + 1 or len(text) + 1) - 1)


def _line_citation(cid: int, doc: Document, span: Span, chunks_of: Callable[[str], list[Chunk]],
                   score: float) -> Citation:
    """A citation of `doc.text[span]`, a line that states a document fact."""
    meta = doc.meta
    chunk = next((c for c in chunks_of(doc.doc_id) if c.start <= span.start < c.end), None)
    return Citation(
        id=cid, chunk_id=chunk.chunk_id if chunk else "", source=doc.doc_id, title=meta.title or doc.doc_id,
        heading=chunk.heading if chunk else "", quote=doc.text[span.start:span.end], start=span.start,
        end=span.end, score=round(score, 4), issuer=meta.issuer, date=meta.date.isoformat() if meta.date else "",
        region=meta.region)


# a document cited by title and number, as official texts do: 根据《许昌市市长质量奖管理办法》（许政〔2016〕46号）
_CITED = re.compile(r"《([^《》\n]{4,80})》\s*[(（]\s*([^()（）\n]{1,12}[〔\[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*[号號])\s*[)）]")


@dataclass(frozen=True)
class CitedDocument:
    """A document another one cites with its 文号: `doc.text[start:end]` is the citation."""

    title: str
    number: str
    doc: Document
    start: int
    end: int


def cited_documents(doc: Document) -> list[CitedDocument]:
    """Every 《title》（文号） citation in `doc`'s text."""
    return [CitedDocument(m.group(1), m.group(2), doc, m.start(), m.end()) for m in _CITED.finditer(doc.text)]


def basis_documents(doc: Document, question: Question, repealed: bool = False) -> list[CitedDocument]:
    """The documents `doc` says it is based on: of those it cites with their 文号 in a sentence of the drafting
    formula (根据《…》（…号）…制定本办法, 为贯彻落实《…》（…号）) or under a heading that names it (一、政策依据), the one
    whose title holds most of the question's words and places (参照了江门市哪份实施意见: 江门市…实施意见), else the
    first; every one, in the order cited, when the question asks for several (哪两个文件, 哪些). `repealed`: the
    documents it repeals instead, cited before the repeal formula (《…》（…号）同时废止, …停止执行)."""
    basis, text = [], doc.search_text
    for cited in cited_documents(doc):
        if repealed:
            closing = min((i for c in "。；;\n" if (i := text.find(c, cited.end)) >= 0), default=len(text))
            formula = re.search(_REPEAL_VERBS, text[cited.end:closing])
        else:
            opening = max(text.rfind(c, 0, cited.start) for c in "。；;\n") + 1
            heading = text[:opening].rstrip().rsplit("\n", 1)[-1] if not text[opening:cited.start].strip() else ""
            formula = re.search(_BASIS_VERBS, text[opening:cited.start] + heading[-20:])
        if formula and all(cited.number != b[2].number for b in basis):
            title = search_form(cited.title)
            basis.append((sum(len(w) for w in (*question.terms, *question.places) if w in title), -len(basis), cited))
    if re.search(_WHICH_SEVERAL, question.search):
        return [b[2] for b in basis]
    return [max(basis, key=lambda b: b[:2])[2]] if basis else []


def compose_cited_number(question: Question, cited: CitedDocument, chunks_of: Callable[[str], list[Chunk]],
                         score: float) -> Answer:
    """The 文号 of a document the corpus only cites, quoted from the line that cites it."""
    citation = _line_citation(1, cited.doc, _line_span(cited.doc.text, cited.start, cited.end), chunks_of, score)
    text = (f"《{cited.title}》\n文号：{cited.number} [1]\n"
            f"[1] 出处：《{citation.title}》引用该文件处（知识库中没有该文件本身）")
    return Answer(question=question.raw, answer=text, answerable=True, citations=[citation])


def _asked_of(question: Question, doc: Document) -> list[str]:
    """The document facts `question` asks of `doc`: its page's posting date where the page is asked (网上这份是哪天
    发布的), and not a 文号 asked with the document named as the basis or the one repealed (that one's)."""
    fields_asked = asked_fields(question, (doc.meta.title,))
    if "basis" in fields_asked or "repealed" in fields_asked:  # the 文号 asked with it is that document's
        fields_asked = [f for f in fields_asked if f != "doc_number"]
    if "date" in fields_asked and "posted" in doc.meta.evidence and _PAGE_ASKED.search(question.search):
        at = fields_asked.index("date")  # the page's date, and the issue date too where that is asked beside it
        fields_asked[at:at + 1] = ["posted", "date"] if _ISSUE_ASKED_TOO.search(question.search) else ["posted"]
    return fields_asked


def _stated_in_copy(question: Question, field: str, copies: Sequence[Document],
                    chunks_of: Callable[[str], list[Chunk]], score: float, cid: int) -> tuple[str, Citation] | None:
    """(the answer line, its citation numbered `cid`) for `field`, from the first of `copies` that states it."""
    for copy in copies:
        if field not in _asked_of(question, copy):
            continue
        lines, citations, _ = _fact_lines(question, copy, [field], chunks_of, score, first_cid=cid)
        if len(citations) == 1:
            line = next(ln for ln in lines if ln.endswith(f"[{cid}]"))
            return f"{line}（据《{citations[0].title}》）", citations[0]
    return None


def compose_about_document(question: Question, doc: Document, chunks_of: Callable[[str], list[Chunk]],
                           score: float, named: bool = False, copies: Sequence[Document] = ()) -> Answer | None:
    """文号 / dates / validity / issuer / proposer / a draft's comment deadline and telephone of `doc`, each with the line
    of its text that states it; a refusal when none is stated of a document the question names (by a quoted title,
    or by its 文号: `named`). A fact `doc` does not state is read from the first of its `copies` that does (a repost
    keeps the 文号 its source page lost)."""
    fields_asked = _asked_of(question, doc)
    if not fields_asked:
        return None
    lines, citations, reported = _fact_lines(question, doc, fields_asked, chunks_of, score, copies)
    if not citations:
        if set(fields_asked) <= _HEAD_FIELDS and (question.quoted or named or reported):  # the named document does not state them
            return refusal(question.raw, "".join(lines) + "无法回答这个问题。")
        return None
    title = doc.meta.title or doc.doc_id
    text = "\n".join([f"《{title}》", *lines] + [f"[{c.id}] 出处：《{c.title}》原文“{c.quote}”" for c in citations])
    return Answer(question=question.raw, answer=text, answerable=True, citations=citations)


def _fact_lines(question: Question, doc: Document, fields_asked: list[str], chunks_of: Callable[[str], list[Chunk]],
                score: float, copies: Sequence[Document] = (), first_cid: int = 1,
                ) -> tuple[list[str], list[Citation], bool]:
    """(an answer line per fact asked, their citations numbered from `first_cid`, whether the date asked is only a
    report's): each fact of `doc` with the line of its text that states it, else from a copy, else said unstated."""
    meta = doc.meta
    evidence = meta.evidence
    lines, citations = [], []
    reported = False
    for field in fields_asked:
        forms = _value_forms(meta, field, doc)
        if field == "source" and _FIRST_SOURCE_ASKED.search(question.search):
            forms = forms[::-1]  # 文末注明最初来源: the source a repost names last, after the site's own
        at, label = -1, _FIELD_NAMES[field]
        several = basis_documents(doc, question, field == "repealed") if field in ("basis", "repealed") else []
        if len(several) > 1:
            for cited in several:  # 哪两个文件: each with the line that cites it
                citations.append(_line_citation(first_cid + len(citations), doc, _line_span(doc.text, cited.start, cited.end),
                                                chunks_of, score))
                lines.append(f"{_FIELD_NAMES[field]}：《{cited.title}》（{cited.number}） [{citations[-1].id}]")
            continue
        if field == "chapters":
            if not (chapters := _chapters_answered(question, doc)):
                lines.append(f"《{meta.title or doc.doc_id}》中没有写明所问的章节。")
            for text, span in chapters:
                citations.append(_line_citation(first_cid + len(citations), doc, span, chunks_of, score))
                lines.append(f"{text} [{citations[-1].id}]")
            continue
        if field in ("basis", "repealed"):
            if several:
                at, shown = several[0].start, f"《{several[0].title}》（{several[0].number}）"
                span = _line_span(doc.text, several[0].start, several[0].end)
        elif field == "issuer" and "起草" in question.search and (drafted := _DRAFTED.search(doc.search_text)):
            at, end = drafted.span(1)  # 由谁牵头起草: the unit the notice says drafted it (…管委会牵头起草了《…》)
            span, shown, label = _line_span(doc.text, at, end), doc.text[at:end], "起草单位"
        elif field == "issuer" and field not in evidence and (issued := _issued_by(question, doc)):
            at, end = issued  # a report naming no issuer of its own: the one its lead says issued the policy
            span, shown, label = _line_span(doc.text, at, end), doc.text[at:end], "出台单位"
        elif field == "date" and _only_reported(question, doc):
            lines.append(f"《{meta.title}》是一篇报道，其日期是报道的日期，没有写明所问文件的印发日期。")
            reported = True
            continue
        elif field == "source" and forms:
            m = next(m for m in _SOURCE_LINE.finditer(doc.search_text) if m.group(1).startswith(forms[0]))
            at, end = m.start(1), m.start(1) + len(forms[0])  # quoted from its source line, not its first mention
            span, shown = _line_span(doc.text, at, end), doc.text[at:end]
        elif field == "posted":
            at, end = evidence["posted"]  # the page's own date asked (网上这份是哪天发布的), where the issue date is another
            span = Span(at, end)
            shown = _shown_date(doc.text[at:end])
        elif field == "date" and "signed" in evidence and (asked := _SIGNED_ASKED.search(question.search)) and not (
                "date" in evidence and f"{asked.group()}日期" in doc.text[slice(*evidence["date"])]):  # (成文日期: field)
            at, end = evidence["signed"]  # the 落款 asked, where the issue date is read from the page (发布日期)
            label = "落款日期"
            span = Span(at, end)
            shown = _shown_date(re.sub(r"\s", "", doc.text[at:end]))
        elif field in evidence:
            at, end = evidence[field]
            span = Span(at, end)
            shown = forms[0] if forms else doc.text[at:end]
            if field == "issuer" and len(parts := shown.split()) > 1:  # a joint signature over several lines
                last = doc.search_text.find(search_form(parts[-1]), at)
                if 0 <= last - at < 300:
                    span = _line_span(doc.text, at, last + len(parts[-1]))
        else:
            for form in forms:
                found = doc.text.find(form) if field in _FIRST_MENTION else doc.text.rfind(form)
                if found < 0 and field in _SIMPLIFIED_VALUES:
                    found = doc.search_text.find(search_form(form))  # a form read from the simplified text
                if found >= 0:
                    at, shown = found, form
                    span = _line_span(doc.text, found, found + len(form))
                    break
        if at < 0 and field == "status" and not meta.is_draft and "title" in evidence:
            at, end = evidence["title"]  # an adopted text: its title, which names no draft
            span, shown = Span(at, end), "title"
        if at < 0 and (stated := _stated_in_copy(question, field, copies, chunks_of, score, first_cid + len(citations))):
            lines.append(stated[0])
            citations.append(stated[1])
            continue
        if at < 0:
            lines.append(f"《{meta.title or doc.doc_id}》中没有写明{_FIELD_NAMES[field]}。")
            continue
        cid = first_cid + len(citations)
        citations.append(_line_citation(cid, doc, span, chunks_of, score))
        quote = citations[-1].quote
        written = [shown, *forms]
        if isinstance(value := getattr(meta, field, None), date):  # a date run together (202336), read one way
            written += [f"{value.year}{value.month}{value.day}", value.strftime("%Y%m%d")]
        if not any(_squashed(form) in _squashed(quote) for form in written):
            shown = quote  # a value the text does not state as such (e.g. computed from 有效期三年): quote the line
        if field == "status":
            shown = ("征求意见稿，尚未正式印发" if meta.is_draft else
                     "不是征求意见稿：标题中没有征求意见稿、草案等字样，请以发文单位公布的为准")
        lines.append(f"{label}：{shown} [{cid}]")
    return lines, citations, reported
