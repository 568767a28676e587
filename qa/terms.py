"""Question terms and their corpus weights: how much of a question a passage, or a document, covers.

Corpus statistics come from the keyword index's postings (the chunks holding every character gram of a
term) plus the document titles, so a question costs the postings of its own terms, not a pass over
every chunk's text: a few milliseconds at 100,000 chunks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache

import cn2an
import numpy as np

from index.keyword import KeywordIndex, is_cjk_gram, term_grams
from qa.figures import amount, brackets, within, within_bracket
from qa.question import _pos_cut, chinese_number


def _partial(term: str) -> bool:
    """Longer Chinese words earn partial credit for the share of their character bigrams found, provided their
    last bigram is among them: a Chinese compound names a kind of its last part (质量奖 is an award, 技术中心 a
    centre), so 高质量 says nothing of 质量奖 while 流片 says part of 首轮流片."""
    return len(term) >= 3 and "\u4e00" <= term[0] <= "\u9fff"


_CN_COUNT = re.compile(r"([零〇一二两三四五六七八九十百千]+)([^\d零〇一二两三四五六七八九十百千万亿]+)")
_DIGITS = re.compile(r"(\d{2,})(\D*)")
_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


@lru_cache(maxsize=4096)
def _forms(term: str) -> tuple[str, ...]:
    """A term and the other ways documents write its number: for a count said in Chinese numerals (两家, 三年)
    the form with Arabic digits (2家, 3年) in which documents state most figures; for a number in digits
    (500强, 2030年) its Chinese numerals (五百强, 二〇三〇年)."""
    if m := _DIGITS.fullmatch(term):
        number, rest = m.groups()
        return term, cn2an.an2cn(number) + rest, number.translate(_CN_DIGITS) + rest
    m = _CN_COUNT.fullmatch(term)
    value = chinese_number(m.group(1)) if m else None
    return (term, f"{int(value)}{m.group(2)}") if value is not None and value.is_integer() else (term,)


def match(term: str, text: str) -> float:
    """1 when `term` occurs in `text` (a count also in Arabic digits, a figure the asker gives also as a
    bracket containing it: 60亿 in 50亿—100亿元); for longer words, the share of their character bigrams
    that occur."""
    if any(form in text for form in _forms(term)) or within_bracket(term, text):
        return 1.0
    if not _partial(term):
        return 0.0
    bigrams = [term[i:i + 2] for i in range(len(term) - 1)]
    return sum(b in text for b in bigrams) / len(bigrams) if bigrams[-1] in text else 0.0


@lru_cache(maxsize=4096)
def _nominal(term: str) -> bool:
    """Does jieba read `term` as a noun, an abbreviation (光伏, 高企), a name, a number or a Latin word (not a verb,
    time word or adverb)?"""
    cut = _pos_cut(term)
    return len(cut) != 1 or cut[0][1].startswith(("n", "vn", "j", "m", "eng", "x"))


class TermWeights:
    """Inverse document frequency of terms over the indexed chunks, and how well each document matches them.

    A chunk counts as containing a term when it holds all of the term's character grams or its
    document's title contains the term. Only the documents in `titles` (the ones being answered
    from) count.
    """

    _CACHE = 4096  # terms whose per-document match is kept

    def __init__(self, keyword: KeywordIndex, titles: Mapping[str, str], texts: Mapping[str, str] | None = None,
                 absent_verb_weight: float = 1.0) -> None:
        """`titles`: doc_id -> title (search form) of every document answers may come from; `texts`: their
        search texts, where a figure the asker gives is looked for as a bracket (50亿—100亿元);
        `absent_verb_weight`: the weight kept by a word no document writes that is not a noun (the asker's own
        wording: 听说, 拿到, 一共), against a noun's (质量奖), whose absence marks a near-miss."""
        self._absent_verb_weight = absent_verb_weight
        self._keyword = keyword
        self._texts = texts
        self._doc_brackets: dict[str, tuple[tuple[float, float], ...]] = {}
        self._doc_ids = list(titles)
        self._titles = [t.lower() for t in titles.values()]
        self._position = {d: i for i, d in enumerate(self._doc_ids)}
        self._doc_of_row = np.full(len(keyword), -1, dtype=np.int64)
        for doc_id, rows in keyword.doc_rows.items():
            if doc_id in self._position:
                self._doc_of_row[rows] = self._position[doc_id]
        self._rows = int((self._doc_of_row >= 0).sum())
        self._idf: dict[str, float] = {}
        self._doc_match: dict[str, np.ndarray] = {}

    def _rows_with_all(self, grams: list[str]) -> np.ndarray:
        """Rows (of documents in scope) whose chunk holds every gram."""
        rows: np.ndarray | None = None
        for gram in grams:  # CJK grams are tokens; numbers and latin words may sit inside longer tokens
            found = self._keyword.rows_with(gram) if is_cjk_gram(gram) else self._keyword.rows_with_part(gram)
            if rows is None:
                rows = found
            else:
                mask = np.zeros(len(self._doc_of_row), dtype=bool)
                mask[found] = True
                rows = rows[mask[rows]]
            if not len(rows):
                break
        rows = np.zeros(0, dtype=np.int64) if rows is None else rows
        return rows[self._doc_of_row[rows] >= 0]

    def _docs_with(self, grams: list[str]) -> np.ndarray:
        """Per document in scope: does one of its chunks hold every gram."""
        out = np.zeros(len(self._doc_ids), dtype=bool)
        out[self._doc_of_row[self._rows_with_all(grams)]] = True
        return out

    def idf(self, term: str) -> float:
        if term not in self._idf:
            grams = term_grams(term)
            if not grams:  # stop words only: it occurs everywhere
                df = self._rows
            else:
                hit = np.zeros(len(self._doc_of_row), dtype=bool)
                hit[self._rows_with_all(grams)] = True
                for form in _forms(term)[1:]:  # the number in its other numerals, where a document writes it so
                    rows = self._rows_with_all(term_grams(form))
                    if len(rows):  # (reading every document's text only when some chunk holds the form's grams)
                        hit[rows[self._writes(form)[self._doc_of_row[rows]]]] = True
                for pos, title in enumerate(self._titles):
                    if any(form in title for form in _forms(term)) and self._doc_ids[pos] in self._keyword.doc_rows:
                        hit[self._keyword.doc_rows[self._doc_ids[pos]]] = True
                df = int(hit[self._doc_of_row >= 0].sum())
            self._idf[term] = math.log((self._rows + 1) / (df + 0.5))
            if not df and self._absent_verb_weight != 1.0 and not _nominal(term):
                self._idf[term] *= self._absent_verb_weight
        return self._idf[term]

    def doc_match(self, term: str) -> np.ndarray:
        """`match(term, document)` for every document in scope (its title and all its chunks)."""
        cached = self._doc_match.get(term)  # (another thread may clear the cache at any moment)
        if cached is not None:
            return cached
        grams = term_grams(term)
        in_title = np.array([any(f in t for f in _forms(term)) for t in self._titles], dtype=bool)
        full = self._docs_with(grams) | in_title if grams else np.ones(len(self._doc_ids), dtype=bool)
        for form in _forms(term)[1:]:  # the number in its other numerals (两家: 2家, 500强: 五百强)
            full |= self._writes(form)
        if self._texts is not None and (value := amount(term)) is not None:
            full |= np.array([within(value, self._brackets(d)) for d in self._doc_ids], dtype=bool)
        score = full.astype(np.float32)
        if _partial(term) and not full.all():
            bigrams = [term[i:i + 2] for i in range(len(term) - 1)]
            share = np.zeros(len(self._doc_ids), dtype=np.float32)
            for bigram in bigrams:
                grams = term_grams(bigram)
                present = self._docs_with(grams) if grams else np.ones(len(self._doc_ids), dtype=bool)
                present |= np.array([bigram in t for t in self._titles], dtype=bool)
                share += present
            share[~present] = 0.0  # `present` is now the last bigram's: no head, no credit
            score = np.maximum(score, share / len(bigrams))
        if len(self._doc_match) >= self._CACHE:
            self._doc_match.clear()
        self._doc_match[term] = score
        return score

    def chunks_with(self, term: str, limit: int) -> list[str]:
        """Ids of up to `limit` chunks of the documents in scope holding every gram of `term`, spread over the
        corpus rather than the first ones."""
        grams = term_grams(term)
        rows = self._rows_with_all(grams) if grams else np.zeros(0, dtype=np.int64)
        if len(rows) > limit:
            rows = rows[np.linspace(0, len(rows) - 1, limit).astype(np.int64)]
        return [self._keyword.chunk_id(int(r)) for r in rows]

    def names_document(self, title: str) -> bool:
        """Is a document in scope titled `title` (or a title containing it, or contained in it)?"""
        title = title.lower()
        return any(t and (title in t or t in title) for t in self._titles)

    def written(self, term: str) -> bool:
        """Does any document in scope hold `term` whole?"""
        return bool((self.doc_match(term) >= 1.0).any())

    def doc_writes(self, term: str, doc_id: str) -> bool:
        """Does the document (its title or any chunk) hold `term` whole?"""
        pos = self._position.get(doc_id)
        return pos is not None and bool(self.doc_match(term)[pos] >= 1.0)

    def _writes(self, form: str) -> np.ndarray:
        """Per document in scope: does its text write `form` as it stands (the check for a number's other form,
        whose grams, a number and a lone character, are too common to stand for it)."""
        if self._texts is None:
            return np.zeros(len(self._doc_ids), dtype=bool)
        return np.array([form in self._texts.get(d, "") for d in self._doc_ids], dtype=bool)

    def _brackets(self, doc_id: str) -> tuple[tuple[float, float], ...]:
        """The brackets a document states (read once per document)."""
        if (found := self._doc_brackets.get(doc_id)) is None:
            found = self._doc_brackets[doc_id] = brackets((self._texts or {}).get(doc_id, ""))
        return found

    def coverage(self, terms: Iterable[str], text: str) -> float:
        """IDF-weighted share of `terms` found in `text` (0 when the question has no content words)."""
        text = text.lower()
        total = found = 0.0
        for term in terms:
            weight = self.idf(term)
            total += weight
            found += weight * match(term, text)
        return found / total if total else 0.0

    def missing_share(self, terms: Iterable[str], doc_ids: Collection[str] | None = None) -> float:
        """IDF-weighted share of the question's terms that the given documents (default: all) never use:
        1 − the best document's coverage of them."""
        terms = list(terms)
        weights = np.array([self.idf(t) for t in terms], dtype=np.float64)
        if not terms or not weights.sum() or not self._doc_ids:
            return 1.0
        scores = sum(w * self.doc_match(t) for w, t in zip(weights, terms, strict=True)) / weights.sum()
        if doc_ids is not None:
            positions = [self._position[d] for d in doc_ids if d in self._position]
            scores = scores[positions] if positions else np.zeros(0)
        return 1.0 - float(scores.max(initial=0.0))
