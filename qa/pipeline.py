"""The whole answer decision in one place: parse → resolve places → retrieve → gate → compose.

Each step is one component configured in its constructor (see qa/config.py for every threshold); `run` is the
only place they meet. The fitted gate is stored with the index it was fitted for (db_dir/gate.json).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from corpus.clean import search_form
from corpus.schema import Chunk, Document
from corpus.versions import normalised_title
from index.store import PolicyIndex
from qa.compose import (
    CitedDocument,
    ExtractiveComposer,
    asked_fields,
    carries_out,
    cited_documents,
    compose_about_document,
    compose_cited_number,
    named_documents,
    refusal,
    unbracketed,
)
from qa.config import AnswerConfig
from qa.copies import ScriptCopies
from qa.figures import expected_units
from qa.gate import AnswerabilityGate, GateDecision, GateModel, draft_instead
from qa.question import EDITION, Question, chinese_number, parse_question
from qa.retriever import Candidate, HybridRetriever, Retrieval
from qa.schema import Answer
from qa.scoping import PlaceScoper, Scope
from qa.terms import TermWeights


@dataclass
class Trace:
    """What the pipeline saw for one question (for evaluation and calibration)."""

    question: Question
    scope: Scope
    doc_ids: set[str] | None
    found: Retrieval | None


class AnswerPipeline:
    """Answers one standalone question over one loaded corpus and index."""

    def __init__(self, index: PolicyIndex, docs: dict[str, Document], chunks_of: Callable[[str], list[Chunk]],
                 gate_model: GateModel, config: AnswerConfig, today: date | None = None) -> None:
        self.docs = docs
        self.chunks_of = chunks_of
        self.index = index
        self.config = config
        self.today = today
        self.weights = TermWeights(index.keyword_index(), {d.doc_id: search_form(d.meta.title) for d in docs.values()},
                                   {d.doc_id: d.search_text for d in docs.values()}, config.absent_verb_weight)
        self.places = PlaceScoper(docs)
        self.retriever = HybridRetriever(index=index, docs=docs, weights=self.weights, config=config)
        self.gate = AnswerabilityGate(gate_model, self.weights, config)
        self.composer = ExtractiveComposer(self.weights, config, embed=index.embed_passages, chunks_of=chunks_of)
        self.scripts = ScriptCopies(docs, chunks_of, config.traditional_share, config.copy_overlap)

    def prepare(self, text: str) -> Trace:
        """Parse, resolve places and retrieve: everything before the decision."""
        scope = self.places.resolve(text)
        question = parse_question(text, tuple(scope.place_names), self.weights.written)
        scope = self.places.edition(scope, question.search)
        if scope.uncovered and not scope.doc_ids or scope.missing_edition or scope.missing_document:
            return Trace(question, scope, scope.doc_ids, None)
        doc_ids = self.places.preferred_versions(scope.doc_ids, question.search)
        return Trace(question, scope, doc_ids, self.retriever.search(question, doc_ids))

    def run(self, text: str) -> Answer:
        return self.run_traced(text)[0]

    def run_traced(self, text: str) -> tuple[Answer, Trace]:
        """The answer, with what the pipeline saw on the way (the generative path reuses the candidates)."""
        t0 = time.perf_counter()
        trace = self.prepare(text)
        t1 = time.perf_counter()
        question, found, scope = trace.question, trace.found, trace.scope
        if found is None and scope.missing_document:
            answer = refusal(text, f"知识库中没有{scope.missing_document}，只有上级地区的文件，其中的数字和规定不是该地区自己的。"
                             "请确认文件名称，或去掉文件名称再问上级地区的规定。")
        elif found is None and scope.missing_edition:
            answer = refusal(text, f"知识库中没有问题所指的{scope.missing_edition}文件，不能用其他年份版本的规定代替。"
                             "请确认文件年份，或去掉年份再问。")
        elif found is None:  # every place named is one no document covers
            answer = refusal(text, scope.uncovered_message(), [scope.uncovered_warning()])
        elif len(scope.per_place) > 1:
            answer = self._sections(question, scope, scope.per_place, lambda q, place: self.places.about(q, scope, place))
        elif len(scope.per_edition) > 1:
            answer = self._sections(question, scope, scope.per_edition,
                                    lambda q, edition: self.places.about_edition(q, edition, scope.edition_marks))
        else:
            answer = self._decide(question, found, trace.doc_ids)
            if answer.answerable and (instead := self.places.sibling_instead(scope, answer)):
                asked, sibling = instead
                answer = refusal(text, f"知识库中没有{asked.name}的相关规定：找到的条款讲的是{sibling.name}，"
                                       f"不是{asked.name}的政策，不能代替回答。", [f"所引条款属于{sibling.name}"])
            notes = self.places.notes(scope, answer)
            answer.warnings[:0] = notes
            if answer.answerable and notes:  # where the rule comes from is part of the answer, not a footnote
                answer.answer += "\n" + "\n".join(f"说明：{n}" for n in notes)
        answer.timings_ms = {"retrieve": round((t1 - t0) * 1000, 1), "total": round((time.perf_counter() - t0) * 1000, 1)}
        return answer, trace

    def _decide(self, question: Question, found: Retrieval, doc_ids: set[str] | None) -> Answer:
        cands = found.candidates
        named = named_documents(question, self.docs)
        if named and asked_fields(question, tuple(d.meta.title for d in named)):
            unique = {d.doc_id: d for d in named}.values()
            if drafts := [draft for d in unique if (draft := draft_instead(question, d))]:
                if len(drafts) == len(unique):
                    return _draft_refusal(question, drafts[0])
                unique = [d for d in unique if not d.meta.is_draft]
            answers = [a for d in unique if (a := compose_about_document(question, d, self.chunks_of, 1.0, named=True,
                                                                         copies=self._copies_of(d)))]
            if not answers:  # a copy of the named document may state what it lacks (a repost cut before its fields)
                answers = [a for d in self._copies(unique)
                           if (a := compose_about_document(question, d, self.chunks_of, 1.0, named=True))]
            if answers:
                return _joined(question, answers)
        if cands and (fields := asked_fields(question, tuple({c.doc.meta.title for c in cands}))):
            named_by = (*question.terms, *question.places)  # a document is named by its title and its place
            ids = list(dict.fromkeys(c.doc.doc_id for c in cands))
            ranked = sorted(ids, key=lambda d: (-self.weights.coverage(named_by, self._doc_label(d)),
                                                carries_out(self.docs[d].meta.title, question.quoted),
                                                self._on_another(d, ids), _rank(cands, d)))
            if len(listed := _documents_listed(question.search)) > 1 and \
                    (answers := self._each_listed(question, listed, doc_ids or set(self.docs))):
                return _joined(question, answers)  # …的政策意见和…的政策措施，文号分别是什么: each one's fact
            if (count := _documents_counted(question.search)) and len(ranked) >= count:
                drafts = bool(_DRAFTS_ASKED.search(question.search))  # 两个征求意见稿…分别: the drafts are the documents
                answers = [a for d in ranked[:count] if (drafts or not self.docs[d].meta.is_draft) and
                           (a := compose_about_document(question, self.docs[d], self.chunks_of, cands[0].score))]
                if len(answers) == count:  # 两份…分别是什么时候印发的: each document's fact
                    return _joined(question, answers)
            doc = ranked[0]
            if draft := draft_instead(question, self.docs[doc]):
                return _draft_refusal(question, draft)
            if fields == ["doc_number"] and (cited := self._cited_instead(named_by, cands, doc, question.quoted)) is not None:
                return compose_cited_number(question, cited, self.chunks_of, cands[0].score)
            named_doc = self._writes_title(question, self.docs[doc])  # 金昌市…若干政策措施的文号和印发日期是什么
            about = compose_about_document(question, self.docs[doc], self.chunks_of, cands[0].score, named=named_doc,
                                           copies=self._copies_of(self.docs[doc]))
            if about is not None and about.answerable and \
                    (copy := self.scripts.copy_in_askers_script(self.docs[doc], question.raw)) is not None and \
                    (quoted := compose_about_document(question, copy, self.chunks_of, cands[0].score)) is not None \
                    and quoted.answerable and len(quoted.citations) >= len(about.citations):
                about, doc = quoted, copy.doc_id  # the copy in the asker's script states the same facts
            if about is not None and not about.answerable:  # the named document does not state it: a copy may
                about = next((a for d in self._copies([self.docs[doc]])
                              if (a := compose_about_document(question, d, self.chunks_of, cands[0].score))), about)
            if (about is None or not about.answerable) and set(fields) <= _COMMENT_FIELDS:
                about = next((a for d in self._drafts_of(self.docs[doc])  # where to send comments: the draft says
                              if (a := compose_about_document(question, d, self.chunks_of, cands[0].score))
                              and a.answerable), about)
            if about is not None:
                return self._with_other_parts(question, about, doc)
        if not question.terms and not question.crosslingual:  # 多少？ 郑州多少？: nothing to look for
            return refusal(question.raw, "问题里只有疑问词或地名，没有说明要问哪项政策内容。请写明要问的事项，"
                                         "例如“首轮流片补助多少”。")
        question, decision = self.judge(question, found, doc_ids)
        if not decision.answerable:
            return self.composer.refuse(question, decision, cands)
        cands = self.scripts.in_askers_script(cands, question.raw)  # quoted in the asker's script
        return self.composer.compose(question, cands, decision, found.query_vector, self.today or date.today(),
                                     part_search=lambda part: self.retriever.search(part, doc_ids))

    def _with_other_parts(self, question: Question, about: Answer, doc_id: str) -> Answer:
        """A question whose other parts ask about the same document's text, not its facts (…的文号是什么？是经第几次
        常务会议审议通过的？): those parts answered from that document, after the facts."""
        title = (self.docs[doc_id].meta.title,)
        rest = [p for p in question.parts if not asked_fields(question.part(p), title)]
        if len(question.parts) < 2 or not rest or len(rest) == len(question.parts):
            return about
        sub = parse_question("？".join(rest) + "？", question.places, self.weights.written)
        found = self.retriever.search(sub, {doc_id})
        other = self._decide(sub, found, {doc_id}) if found.candidates else None
        return _joined(question, [about, other]) if other is not None and other.answerable else about

    def judge(self, question: Question, found: Retrieval, doc_ids: set[str] | None) -> tuple[Question, GateDecision]:
        """The gate's decision, on the question as the evidence reads it (the unit a bare 多少 asks for); what
        answering and calibration both go by."""
        cfg = self.config
        units = expected_units(question, [c.chunk.search_text for c in found.candidates],
                               cfg.expected_unit_figures, cfg.expected_unit_share, self._passages_naming,
                               cfg.expected_unit_background_share)
        question = replace(question, units=units)
        return question, self.gate.decide(question, found, doc_ids)

    def _passages_naming(self, word: str) -> list[str]:
        """Passages from across the corpus that name `word` (what else the corpus says of it)."""
        ids = self.weights.chunks_with(word, self.config.expected_unit_background)
        return [chunk.search_text for i in ids if (chunk := self.index.get_chunk(i)) is not None]

    def _sections(self, question: Question, scope: Scope, parts: dict[str, set[str]],
                  about: Callable[[str, str], str]) -> Answer:
        """A question naming several places (or editions) gets one answer per place, each only from the documents
        covering it and to what the question asks of it (`about`), with the notes on where its rule comes from."""
        sections, citations, warnings = [], [], []
        answerable = False
        for label, doc_ids in parts.items():
            own = about(question.search, label)
            asked = question if own == question.search else parse_question(own, question.places, self.weights.written)
            sub = self._decide(asked, self.retriever.search(asked, doc_ids), doc_ids)
            if sub.answerable:  # where each section's rule comes from (a parent's, an older version) is said in it
                notes = self.places.notes(replace(scope, places=[p for p in scope.places if p.name == label],
                                                  uncovered=[]), sub)
                text = _renumber(sub.answer + "".join(f"\n说明：{n}" for n in notes), len(citations))
                for c in sub.citations:
                    c.id += len(citations)
                citations += sub.citations
            else:  # a refusal's related passages are not carried into the combined answer
                text = "没有找到答案：" + re.sub(r"相关条款见 \[\d+\][^。]*。", "", sub.answer)
            sections.append(f"【{label}】{text}")
            warnings += [w for w in sub.warnings if w not in warnings]
            answerable = answerable or sub.answerable
        if scope.uncovered:
            sections.append(f"【{'、'.join(scope.uncovered)}】" + scope.uncovered_message())
        return Answer(question=question.raw, answer="\n".join(sections), answerable=answerable,
                      citations=citations, warnings=warnings)

    def _cited_instead(self, terms: tuple[str, ...], cands: list[Candidate], doc_id: str,
                       quoted: tuple[str, ...] = ()) -> CitedDocument | None:
        """A document the candidates cite by title and 文号 that the question's words and places (`terms`: a
        title names its place, 江门市…实施意见) name better than they name `doc_id`, the best-matching document
        of the corpus itself (the 文号 asked is the cited one's); or whose title holds a name the question quotes
        (《邯郸市支持民营经济发展十二条政策措施》) that `doc_id`'s title does not."""
        own = self.weights.coverage(terms, self._doc_label(doc_id))
        cited = [c for d in dict.fromkeys(c.doc.doc_id for c in cands) for c in cited_documents(self.docs[d])]
        names = [search_form(q).lower() for q in quoted if len(q) >= 6 and search_form(q).lower() not in self._doc_label(doc_id)]
        if exact := [c for c in cited if any(n in search_form(c.title).lower() for n in names)]:
            return exact[0]
        scored = [(self.weights.coverage(terms, search_form(c.title).lower()), c) for c in cited]
        best = max(scored, key=lambda x: x[0], default=(0.0, None))
        return best[1] if best[0] > max(own, self.config.cited_title_coverage) else None

    def _each_listed(self, question: Question, listed: list[str], pool: set[str]) -> list[Answer]:
        """The asked facts of each document a question lists, each the one whose title, issuer, place and number
        name its description best (every description naming one document well enough), else []."""
        answers, used = [], set()
        for described in listed:
            words = parse_question(described, (), self.weights.written)
            named_by = (*words.terms, *words.places)
            scored = [(self.weights.coverage(named_by, self._doc_label(d)), d) for d in sorted(pool - used)]
            best, doc = max(scored, default=(0.0, ""))
            if best < self.config.listed_document_coverage or self.docs[doc].meta.is_draft and not re.search(
                    r"征求意见|草案|草稿|送审稿", described):
                return []
            used.add(doc)
            answer = compose_about_document(question, self.docs[doc], self.chunks_of, best, named=True)
            if answer is None:
                return []
            answers.append(answer)
        return answers

    def _writes_title(self, question: Question, doc: Document) -> bool:
        """Does the question write (nearly all of) the document's title, so that it names that document?"""
        import jieba

        words = [w for w in jieba.lcut(normalised_title(doc.meta.title)) if len(w) >= 2]
        return bool(words) and sum(w in question.search for w in words) >= self.config.named_title_coverage * len(words)

    def _copies(self, named: Iterable[Document]) -> list[Document]:
        """The other copies of `named` documents: members of their version group that no version supersedes."""
        ids = {d.doc_id for d in named}
        groups = {d.meta.version_group for d in named if d.meta.version_group}
        return [d for d in self.docs.values() if d.meta.version_group in groups and not d.meta.superseded_by
                and d.doc_id not in ids and not d.meta.is_draft]

    def _drafts_of(self, doc: Document) -> list[Document]:
        """The drafts of the policy an adopted `doc` is a version of (the comment period and address are theirs)."""
        group = doc.meta.version_group
        return [d for d in self.docs.values() if group and d.meta.version_group == group and d.meta.is_draft] \
            if not doc.meta.is_draft else []

    def _copies_of(self, doc: Document) -> list[Document]:
        """The copies of `doc` that may state a fact it does not: none for an older version or a draft (its group's
        other members are other texts)."""
        return [] if doc.meta.superseded_by or doc.meta.is_draft else self._copies([doc])

    def _on_another(self, doc_id: str, others: list[str]) -> bool:
        """Is `doc_id` written on another of `others`, its title quoting that one's (《…的通知》政策解读)?"""
        quoted = [unbracketed(q) for q in re.findall(r"《([^》]{6,})》", self.docs[doc_id].meta.title)]
        return any(unbracketed(self.docs[o].meta.title) in quoted for o in others
                   if o != doc_id and self.docs[o].meta.title)

    def _doc_label(self, doc_id: str) -> str:
        meta = self.docs[doc_id].meta
        return search_form(f"{meta.title} {meta.issuer} {meta.region} {meta.doc_number} {doc_id}").lower()


_COUNTED_DOCUMENTS = re.compile(r"([两二三四五六七八九2-9])\s*(?:份|个|项|部|篇)\S{0,16}?(?:文件|政策|措施|通知|意见|办法|方案|规定|条例|稿|报道|文章)")


_COMMENT_FIELDS = frozenset({"comment_until", "email", "contact", "contact_person"})  # facts of a call for comments
_DRAFTS_ASKED = re.compile(r"征求意见稿|意见稿|草案|送审稿|讨论稿")


def _documents_counted(text: str) -> int:
    """How many documents a question says it asks about (两份…政策措施, 三个文件; 2024年那版和2025年版分别…), or 0."""
    if found := list(_COUNTED_DOCUMENTS.finditer(text)):  # the last: the head of the noun phrase (…三项奖励政策的两篇转载稿)
        return int(chinese_number(found[-1].group(1)) or 0)
    editions = {m.group(1) for m in EDITION.finditer(text)}
    return len(editions) if len(editions) > 1 else 0


# a list of documents, each described up to its kind word (…的政策意见和…的政策措施，文号分别是什么)
_DOCUMENT_KIND = (r"(?:意见|措施|办法|方案|计划|清单|规划|纲要|政策|条例|草案|征求意见稿|通知|细则|规定|决定|要点)[)）》”]?"
                  r"(?:[（(][^（）()]{1,16}[)）])?")  # …政策清单（第一批）
_LIST_BREAK = re.compile(r"(?<=[\u4e00-\u9fff)）》”])(?:和|与|及|以及|、)(?=\S)")


def _documents_listed(text: str) -> list[str]:
    """The documents a question lists before asking the same fact of each (分别, 各自): the clause before that
    word, cut at conjunctions that follow a document's kind word; [] when it lists fewer than two."""
    m = re.search(r"分别|各自", text)
    if not m:
        return []
    head = re.split(r"[，,]", text[:m.start()])
    if len(head) > 1 and not re.search(_DOCUMENT_KIND, head[-1]):
        head.pop()  # …的政策措施，文号分别是什么: the list is the clause before
    head, pieces, start = head[-1], [], 0
    for brk in _LIST_BREAK.finditer(head):
        if re.search(rf"{_DOCUMENT_KIND}$", head[start:brk.start()]):
            pieces.append(head[start:brk.start()])
            start = brk.end()
    last = head[start:]
    return [*pieces, last] if pieces and re.search(rf"{_DOCUMENT_KIND}$", last) else []


def _draft_refusal(question: Question, draft: str) -> Answer:
    """A question about the adopted text that only a draft answers (`draft`: what `draft_instead` says)."""
    return refusal(question.raw, f"{draft}，无法回答这个问题。")


def _joined(question: Question, answers: list[Answer]) -> Answer:
    """Answers about several documents as one, their citations numbered in turn (a refusal when all are)."""
    if len(answers) == 1:
        return answers[0]
    text, citations = [], []
    for a in answers:
        text.append(_renumber(a.answer, len(citations)))
        for c in a.citations:
            c.id += len(citations)
        citations += a.citations
    return Answer(question=question.raw, answer="\n".join(text), answerable=any(a.answerable for a in answers),
                  citations=citations)


def _renumber(text: str, offset: int) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)


def _rank(cands, doc_id: str) -> int:
    return next(i for i, c in enumerate(cands) if c.doc.doc_id == doc_id)
