"""Keyword retrieval: jieba words plus character uni/bigrams, ranked with BM25, persisted as token lists."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

TOKENIZER_VERSION = "jieba0.42+uni+bigram+num/1"

# Function words and question words: they match everywhere and rank nothing.
_STOPWORDS = """
    的 了 和 与 及 或 是 在 对 等 为 由 从 向 将 把 被 其 之 以 于 而 并 且 也 都 又 就 这 那 该 此 各 每
    吗 呢 吧 啊 呀 么 有 有没有 没有 是否 哪 哪些 哪个 哪里 什么 怎么 怎样 怎么样 如何 多少 几 几个
    请问 请 我 我们 你 你们 他 他们 可以 能 能否 会 要 需要 一下 关于 方面 进行 相关 the a an of and or to in
    for on is are what how
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORDISH = re.compile(f"[0-9a-z{_CJK}]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_UNITS = "万亿千百"

_jieba_lock = threading.Lock()
_jieba: jieba.Tokenizer | None = None


def _segmenter() -> jieba.Tokenizer:
    """One lazily initialised jieba tokenizer (its dictionary takes about a second to load)."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _jieba = tok
    return _jieba


def _words(text: str) -> list[str]:
    """jieba words, with a number glued to a following 万/亿/千/百 ("500" + "万元" -> "500万")."""
    raw = [w.strip() for w in _segmenter().lcut(text, HMM=True)]
    out: list[str] = []
    for i, w in enumerate(raw):
        if not w or not _WORDISH.search(w):
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if _NUMBER.fullmatch(w) and not w.endswith("%") and nxt[:1] in _UNITS and nxt:
            out.append(w + nxt[0])
        if w not in STOPWORDS:
            out.append(w)
    return out


def _char_grams(text: str) -> list[str]:
    """Overlapping character bigrams and non-stopword unigrams of every CJK run.

    They make matching robust to jieba's segmentation choices ("首轮流片" vs "首/轮流/片") and
    let short words inside longer ones match ("几家" -> "家" matches "10家").
    """
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        grams.extend(run)
    return [g for g in grams if g not in STOPWORDS]


def tokenize(search_text: str) -> list[str]:
    """Tokens for BM25 from search text (NFKC, simplified): jieba words plus CJK character grams.

    Punctuation, whitespace and stopwords are dropped, latin is lowercased, numbers are
    kept whole ("40%", "500万", "2.5").
    """
    text = unicodedata.normalize("NFKC", search_text).lower()
    if not text.strip():
        return []
    return _words(text) + _char_grams(text)


@dataclass
class Hit:
    """One retrieved chunk; `rank` is 1-based, `score` higher is better."""

    chunk_id: str
    score: float
    rank: int


class KeywordIndex:
    """BM25 (Okapi) over chunk search texts; persisted as JSON token lists and rebuilt on load."""

    def __init__(
        self, tokens_by_chunk: dict[str, list[str]] | None = None, doc_by_chunk: dict[str, str] | None = None
    ) -> None:
        self._tokens: dict[str, list[str]] = dict(tokens_by_chunk or {})
        self._ids: list[str] = list(self._tokens)
        doc_by_chunk = doc_by_chunk or {}
        # chunk ids are "{doc_id}:{position}:{digest}", so the doc id is recoverable without a table
        self._doc_of = [doc_by_chunk.get(c) or c.rsplit(":", 2)[0] for c in self._ids]
        self._bm25: BM25Okapi | None = None
        if any(self._tokens.values()):
            self._bm25 = BM25Okapi([self._tokens[c] or ["\0"] for c in self._ids])

    @classmethod
    def build(cls, texts_by_chunk: Iterable[tuple[str, str]]) -> KeywordIndex:
        """Index `(chunk_id, search_text)` pairs."""
        return cls({cid: tokenize(text) for cid, text in texts_by_chunk})

    @property
    def tokens(self) -> dict[str, list[str]]:
        """chunk_id -> tokens (reuse them when only some documents change)."""
        return self._tokens

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query_search_text: str, k: int = 20, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The top `k` chunks by BM25 score (> 0 only), optionally only from the given documents.

        """
        query = tokenize(query_search_text)
        if self._bm25 is None or not query or k <= 0:
            return []
        scores = self._bm25.get_scores(query)
        allowed = set(doc_ids) if doc_ids is not None else None
        ranked = sorted(
            (
                (float(s), cid)
                for cid, doc, s in zip(self._ids, self._doc_of, scores, strict=True)
                if s > 0 and (allowed is None or doc in allowed)
            ),
            key=lambda t: (-t[0], t[1]),
        )
        return [Hit(cid, score, rank) for rank, (score, cid) in enumerate(ranked[:k], start=1)]

    def save(self, path: Path) -> None:
        """Write the token lists as JSON (atomically: temp file + rename)."""
        tmp = path.with_name(path.name + ".tmp")
        payload = {"version": TOKENIZER_VERSION, "tokens": self._tokens}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, doc_by_chunk: dict[str, str] | None = None) -> KeywordIndex:
        """Read token lists written by `save` and rebuild BM25 (callers compare `version_of` with
        TOKENIZER_VERSION to decide whether to re-tokenize)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["tokens"], doc_by_chunk)
