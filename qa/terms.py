"""Question terms and their corpus weights: how much of a question a passage actually covers."""

from __future__ import annotations

import math
from collections.abc import Iterable


def match(term: str, text: str) -> float:
    """1 when `term` occurs in `text`; for longer words, the share of their character bigrams that occur."""
    if term in text:
        return 1.0
    if len(term) < 3 or not "\u4e00" <= term[0] <= "\u9fff":
        return 0.0
    bigrams = [term[i:i + 2] for i in range(len(term) - 1)]
    return sum(b in text for b in bigrams) / len(bigrams)


class TermWeights:
    """Inverse document frequency of terms over the indexed chunks (by substring, so no tokeniser mismatch)."""

    def __init__(self, texts: Iterable[tuple[str, str]]) -> None:
        """`texts` are (doc_id, chunk text) pairs."""
        pairs = [(doc_id, t.lower()) for doc_id, t in texts]
        self.texts = [t for _, t in pairs]
        self.by_doc: dict[str, str] = {}
        for doc_id, text in pairs:
            self.by_doc[doc_id] = self.by_doc.get(doc_id, "") + "\n" + text
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = sum(term in t for t in self.texts)
            self._idf[term] = math.log((len(self.texts) + 1) / (df + 0.5))
        return self._idf[term]

    def coverage(self, terms: Iterable[str], text: str) -> float:
        """IDF-weighted share of `terms` found in `text` (0 when the question has no content words)."""
        text = text.lower()
        total = found = 0.0
        for term in terms:
            weight = self.idf(term)
            total += weight
            found += weight * match(term, text)
        return found / total if total else 0.0

    def missing_share(self, terms: Iterable[str], doc_ids: Iterable[str] | None = None) -> float:
        """IDF-weighted share of the question's terms that the given documents (default: all) never use."""
        docs = self.by_doc if doc_ids is None else {d: self.by_doc.get(d, "") for d in doc_ids}
        terms = list(terms)
        best = max((self.coverage(terms, text) for text in docs.values()), default=0.0)
        return 1.0 - best if terms else 1.0
