"""Question terms and their corpus weights: how much of a question a passage actually covers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(60)

# words that carry the question's form, not its subject
STOPWORDS = set(
    ["多少", "几", "几个", "几家", "什么", "哪些", "哪个", "怎么", "怎样", "如何", "是否", "可以", "能否", "有没有", "没有", "请问", "一下", "我们", "我", "你", "您", "公司", "的", "了", "吗", "呢", "吧", "啊", "是", "有", "在", "和", "与", "及", "或", "对", "给", "给予", "为", "等", "都", "也", "就", "要", "会", "能", "该", "这", "那", "那么", "这个", "那个", "政策", "规定", "情况", "内容", "方面", "相关", "具体", "分别", "一共", "总共", "目前", "现在", "请", "问", "what", "which", "how", "much", "many", "does", "do", "is", "are", "the", "a", "an", "of", "for", "in", "on", "to", "and", "or"]
)
_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?%?")


@lru_cache(maxsize=4096)
def question_terms(search_text: str) -> tuple[str, ...]:
    """Content words of a (normalised) question: jieba words of 2+ characters, latin words, numbers."""
    terms: list[str] = []
    for run in _TOKEN.findall(search_text.lower()):
        words = jieba.lcut_for_search(run) if "\u4e00" <= run[0] <= "\u9fff" else [run]
        for word in words:
            if word in STOPWORDS or (len(word) < 2 and not word[0].isdigit()):
                continue
            terms.append(word)
    return tuple(dict.fromkeys(terms))


class TermWeights:
    """Inverse document frequency of terms over the indexed chunks (by substring, so no tokeniser mismatch)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = [t.lower() for t in texts]
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = sum(term in t for t in self.texts)
            self._idf[term] = math.log((len(self.texts) + 1) / (df + 0.5))
        return self._idf[term]

    def terms(self, search_text: str) -> tuple[str, ...]:
        return question_terms(search_text)

    def coverage(self, terms: Iterable[str], text: str) -> float:
        """IDF-weighted share of `terms` found in `text` (0 when the question has no content words)."""
        text = text.lower()
        total = found = 0.0
        for term in terms:
            weight = self.idf(term)
            total += weight
            if term in text:
                found += weight
        return found / total if total else 0.0

    def unknown(self, terms: Iterable[str]) -> list[str]:
        """Terms that occur nowhere in the corpus."""
        return [t for t in terms if not any(t in text for text in self.texts)]
