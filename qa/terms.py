"""Question terms and their corpus weights: how much of a question a passage actually covers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(60)

# words that carry the question's form, not its subject
_FORM_WORDS = """
多少 几 几个 几家 什么 哪些 哪个 怎么 怎样 如何 是否 可以 能否 有没有 没有 请问 一下 我们 我 你 您 公司
的 了 吗 呢 吧 啊 是 有 在 和 与 及 或 对 给 给予 为 等 都 也 就 要 会 能 该 这 那 那么 这个 那个
政策 规定 情况 内容 方面 相关 具体 分别 一共 总共 目前 现在 请 问 如果 另外 还有 已经 得到 拿到 能拿
哪天 哪位 哪年 多大 多久 多长 几年 几大 几项 几类 那边 这边 上限 下限 最长 最多 最少 地方 哪些地方 能为
一起 准备 是从 出来 条件 需要 要求 标准 怎么办 申请 办理 政府 打算 至少 才能 能补 能报 能贷 市里 厂里
比例 计算 最高 获得 达到 主要 多少钱 分别是 具体是
what which how much many does do is are the a an of for in on to and or
"""
STOPWORDS = frozenset(_FORM_WORDS.split())
_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?%?")


def _positioned_terms(search_text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of the content words: jieba words of 2+ characters, latin words, numbers."""
    terms: list[tuple[int, int, str]] = []
    for run in _TOKEN.finditer(search_text.lower()):
        if "\u4e00" <= run.group()[0] <= "\u9fff":
            words = [(run.start() + s, run.start() + e, w) for w, s, e in jieba.tokenize(run.group(), mode="search")]
        else:
            words = [(run.start(), run.end(), run.group())]
        terms += [(s, e, w) for s, e, w in words if w not in STOPWORDS and (len(w) >= 2 or w[0].isdigit())]
    return terms


@lru_cache(maxsize=4096)
def question_terms(search_text: str) -> tuple[str, ...]:
    """Content words of a (normalised) question, in order, without repeats."""
    return tuple(dict.fromkeys(w for _, _, w in _positioned_terms(search_text)))


@lru_cache(maxsize=4096)
def terms_before(search_text: str, positions: tuple[int, ...], window: int = 8) -> tuple[str, ...]:
    """Content words ending within `window` characters before any of `positions` (whole words only)."""
    return tuple(dict.fromkeys(
        w for s, e, w in _positioned_terms(search_text) if any(p - window <= s and e <= p for p in positions)))


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
