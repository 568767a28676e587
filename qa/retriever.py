"""Hybrid retrieval as a LangChain retriever: dense (e5 in Chroma) + BM25, fused by reciprocal rank on chunk id."""

from __future__ import annotations

import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from corpus.schema import Chunk, Document
from index.store import Hit, PolicyIndex
from qa.config import AnswerConfig
from qa.figures import SENTENCE, states_figure
from qa.question import Question, parse_question
from qa.terms import TermWeights


def rrf(rankings: Sequence[Sequence[Hit]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion keyed on chunk id: the sum of 1 / (k + rank) over the rankings."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for hit in ranking:
            fused[hit.chunk_id] = fused.get(hit.chunk_id, 0.0) + 1.0 / (k + hit.rank)
    return fused


@dataclass
class Candidate:
    """A retrieved chunk with the evidence each retriever gave for it."""

    chunk: Chunk
    doc: Document
    fused: float  # RRF score, normalised so 1.0 = ranked first by both retrievers
    dense: float = 0.0  # cosine similarity to the question
    dense_rank: int = 0  # 0: not among the dense hits
    keyword: float = 0.0
    keyword_rank: int = 0
    coverage: float = 0.0  # IDF-weighted share of the question's content words in the chunk (with title, headings)
    score: float = 0.0


@dataclass(frozen=True)
class Retrieval:
    """Ranked candidates plus what the whole ranking says (for the gate)."""

    candidates: list[Candidate]
    dense_margin: float  # (best dense similarity − mean of the dense pool) / its spread: how much the best stands out
    query_vector: list[float] | None = None


class HybridRetriever(BaseRetriever):
    """Dense + keyword hits fused by RRF, re-ranked by question coverage; usable in any LangChain chain."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    # typed as Any: pydantic (LangChain's base) need not build schemas for our dataclasses
    index: Any  # PolicyIndex
    docs: Any  # dict[str, Document]
    weights: Any  # TermWeights
    config: Any = AnswerConfig()

    def search(self, question: Question, doc_ids: Collection[str] | None = None) -> Retrieval:
        """The best `config.candidates` chunks for `question` within `doc_ids` (None: everywhere)."""
        index: PolicyIndex = self.index
        cfg = self.config
        vector = index.embed_query(question.search) if question.search else None
        dense = index.dense_search(question.search, k=cfg.depth, doc_ids=doc_ids, vector=vector)
        keyword = [] if question.crosslingual else index.keyword_search(question.search, k=cfg.depth, doc_ids=doc_ids)
        ranked = self._by_sentences(dense, vector) if question.crosslingual and vector is not None else dense
        fused = rrf([ranked, keyword], k=cfg.rrf_k)
        best_possible = 2.0 / (cfg.rrf_k + 1)
        by_dense = {h.chunk_id: h for h in dense}
        by_keyword = {h.chunk_id: h for h in keyword}
        out: list[Candidate] = []
        for chunk_id, score in fused.items():
            chunk = index.get_chunk(chunk_id)
            if chunk is None or chunk.doc_id not in self.docs:
                continue
            doc = self.docs[chunk.doc_id]
            context = f"{doc.meta.title} {chunk.heading} {chunk.search_text}"
            cand = Candidate(chunk=chunk, doc=doc, fused=score / best_possible,
                             coverage=self.weights.coverage(question.terms, context))
            if (d := by_dense.get(chunk_id)) is not None:
                cand.dense, cand.dense_rank = d.score, d.rank
            if (b := by_keyword.get(chunk_id)) is not None:
                cand.keyword, cand.keyword_rank = b.score, b.rank
            cand.score = self._rerank(cand, question)
            out.append(cand)
        out.sort(key=lambda c: c.score, reverse=True)
        return Retrieval(out[:cfg.candidates], self._dense_margin(question, dense, vector, doc_ids), vector)

    def _dense_margin(self, question: Question, dense: list[Hit], vector: list[float] | None,
                      doc_ids: Collection[str] | None) -> float:
        """How far the best dense hit stands above the pool. For a question in another language, where the margin is
        the only evidence the gate has, a scope too small for a pool of its own (a short document, cut off after a
        page) is measured against the corpus's nearest chunks instead, not given no margin at all. (A Chinese
        question has its words to go by: there the place it names would make its own documents stand out.)"""
        scores = [h.score for h in dense]
        if len(scores) >= _MIN_POOL or doc_ids is None or not dense or not question.crosslingual:
            return _margin(scores)
        own = {h.chunk_id for h in dense}
        wider = self.index.dense_search(question.search, k=self.config.depth, vector=vector)
        rest = [h.score for h in wider if h.chunk_id not in own]
        return _margin(scores + rest, best=max(scores))

    def _by_sentences(self, dense: list[Hit], vector: list[float]) -> list[Hit]:
        """Dense hits re-ranked by their similarity plus that of their closest sentence (heading lines aside): for a
        question in another language there are no shared words, and a long clause's one vector blurs the sentence
        that answers."""
        index: PolicyIndex = self.index
        pool = [(h, m.group()[:self.config.dense_sentence_chars]) for h in dense
                if (chunk := index.get_chunk(h.chunk_id)) is not None
                for m in SENTENCE.finditer(chunk.search_text)
                if len(m.group().strip()) >= 5 and m.group().strip() not in chunk.heading]  # not its heading line
        pool = pool[:self.config.crosslingual_sentences]
        if not pool:
            return dense
        sims = np.asarray(index.embed_passages([text for _, text in pool])) @ np.asarray(vector)
        best: dict[str, float] = {}
        for (hit, _), sim in zip(pool, sims, strict=True):
            best[hit.chunk_id] = max(best.get(hit.chunk_id, -1.0), float(sim))
        order = sorted(dense, key=lambda h: h.score + best.get(h.chunk_id, 0.0), reverse=True)
        return [replace(h, rank=rank) for rank, h in enumerate(order, start=1)]

    def _rerank(self, cand: Candidate, question: Question) -> float:
        cfg = self.config
        score = cand.fused + cfg.weight_coverage * (0.0 if question.crosslingual else cand.coverage)
        if cand.chunk.section != "policy" and (question.crosslingual or self.weights.coverage(
                question.focus or question.terms, cand.chunk.search_text.lower()) < cfg.non_policy_focus):
            score -= cfg.penalty_non_policy  # unless it holds what is asked (a contact line for 联系电话)
        if "mojibake" in cand.chunk.flags:
            score -= cfg.penalty_garbled
        if question.wants_figure and not states_figure(cand.chunk.search_text):
            score -= cfg.penalty_no_figure
        return score

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        found = self.search(parse_question(query))
        return [LCDocument(page_content=c.chunk.display_text, id=c.chunk.chunk_id,
                           metadata={"source": c.doc.doc_id, "title": c.doc.meta.title, "heading": c.chunk.heading,
                                     "start": c.chunk.start, "end": c.chunk.end, "score": round(c.score, 4)})
                for c in found.candidates]


_MIN_POOL = 3  # fewer scores than this have no spread to measure a margin by


def _margin(scores: list[float], best: float | None = None) -> float:
    """How far the best score (or `best`) stands above the pool, in units of the pool's spread."""
    if len(scores) < _MIN_POOL:
        return 0.0
    spread = statistics.pstdev(scores) or 1e-6
    return ((max(scores) if best is None else best) - statistics.fmean(scores)) / spread


__all__ = ["Candidate", "HybridRetriever", "Retrieval", "TermWeights", "rrf"]
