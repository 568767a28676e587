"""Hybrid retrieval: dense (e5 in Chroma) + jieba BM25, fused by reciprocal rank on chunk id, scoped by place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.schema import Chunk, Document
from index.store import Hit, PolicyIndex
from qa.places import PlaceResolver
from qa.query import STATED_FIGURE, Query
from qa.terms import TermWeights


def rrf(rankings: Sequence[Sequence[Hit]], k: int = 60, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion keyed on chunk id: sum of w / (k + rank) over the rankings."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for hit in ranking:
            fused[hit.chunk_id] = fused.get(hit.chunk_id, 0.0) + weight / (k + hit.rank)
    return fused


@dataclass
class Scope:
    """Which documents a question is about, by the places it names."""

    places: list[str] = field(default_factory=list)
    doc_ids: set[str] | None = None  # None: the whole corpus
    uncovered: list[str] = field(default_factory=list)  # named places no document covers


@dataclass
class Candidate:
    chunk: Chunk
    doc: Document
    fused: float
    dense: float = 0.0
    dense_rank: int = 0
    keyword: float = 0.0
    keyword_rank: int = 0
    coverage: float = 0.0  # IDF-weighted share of the question's terms found in the chunk (with its headings)
    score: float = 0.0


class Retriever:
    """Finds the chunks most likely to answer a question, within the places it names."""

    def __init__(self, index: PolicyIndex, docs: dict[str, Document], terms: TermWeights, depth: int = 30) -> None:
        self.index = index
        self.docs = docs
        self.terms = terms
        self.depth = depth
        self.places = PlaceResolver(docs)

    def scope(self, query: Query) -> Scope:
        """Delegates to qa.places.PlaceResolver (the coverage rule lives there)."""
        found = self.places.resolve(query.search)
        uncovered = [p.short for p in found.uncovered] + found.ambiguous
        return Scope(places=[p.short for p in found.places], doc_ids=found.doc_ids or None, uncovered=uncovered)

    def retrieve(self, query: Query, scope: Scope, k: int = 8) -> list[Candidate]:
        doc_ids = scope.doc_ids
        dense = self.index.dense_search(query.search, k=self.depth, doc_ids=doc_ids)
        keyword = self.index.keyword_search(query.search, k=self.depth, doc_ids=doc_ids)
        fused = rrf([dense, keyword])
        by_dense = {h.chunk_id: h for h in dense}
        by_keyword = {h.chunk_id: h for h in keyword}
        query_terms = query.terms
        out: list[Candidate] = []
        for chunk_id, score in fused.items():
            chunk = self.index.get_chunk(chunk_id)
            if chunk is None or chunk.doc_id not in self.docs:
                continue
            doc = self.docs[chunk.doc_id]
            context = f"{doc.meta.title} {chunk.heading} {chunk.search_text}"
            cand = Candidate(chunk=chunk, doc=doc, fused=score, coverage=self.terms.coverage(query_terms, context))
            if (d := by_dense.get(chunk_id)) is not None:
                cand.dense, cand.dense_rank = d.score, d.rank
            if (b := by_keyword.get(chunk_id)) is not None:
                cand.keyword, cand.keyword_rank = b.score, b.rank
            cand.score = rerank_score(cand, query)
            out.append(cand)
        out.sort(key=lambda c: c.score, reverse=True)
        return out[:k]


def rerank_score(cand: Candidate, query: Query) -> float:
    """Fused rank, sharpened by how much of the question the chunk covers and whether it states figures."""
    score = cand.fused * 60  # ~1 for a chunk ranked first by one retriever
    score += cand.coverage
    if cand.chunk.section != "policy":
        score -= 0.2
    if "mojibake" in cand.chunk.flags:
        score -= 0.1
    if query.wants_figure and not STATED_FIGURE.search(cand.chunk.search_text):
        score -= 0.3
    return score
