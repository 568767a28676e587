"""Keyword retrieval: jieba words plus character uni/bigrams, ranked with BM25 (``bm25s``, sparse).

The BM25 weights of every (token, chunk) pair sit in one sparse matrix, so a query costs the
postings of its own tokens (a few ms at 100k chunks), not a pass over every chunk. The token
lists are persisted beside the matrix: a sync re-tokenises only changed chunks and rebuilds the
matrix from them (idf is corpus-wide, so BM25 cannot be patched in place).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import bm25s
import jieba
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG

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


def is_cjk_gram(gram: str) -> bool:
    """True for the character uni/bigrams `term_grams` makes of Chinese text."""
    return bool(_CJK_RUN.fullmatch(gram))


def term_grams(term: str) -> list[str]:
    """The index tokens every chunk containing `term` also has: its CJK bigrams (a lone character as
    itself) and its number/latin words as the tokenizer forms them. Stop-word grams, which are never
    indexed, are left out."""
    text = unicodedata.normalize("NFKC", term).lower()
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        grams.extend([run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run])
    grams.extend(w for w in _words(text) if not _CJK_RUN.fullmatch(w))  # numbers (glued: "500万"), latin
    return [g for g in dict.fromkeys(grams) if g not in STOPWORDS]


@dataclass
class Hit:
    """One retrieved chunk; `rank` is 1-based, `score` higher is better."""

    chunk_id: str
    score: float
    rank: int


@dataclass(frozen=True)
class BM25Params:
    """Okapi BM25 with Lucene's idf (never negative, unlike Robertson's on tokens in most chunks)."""

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"


_MATRIX_DIR = "bm25s"  # beside the token file: `<name>.bm25s/`


class KeywordIndex:
    """BM25 over chunk search texts, searchable within a set of documents.

    Persisted as the token lists (JSON, for incremental syncs and for rebuilding) plus bm25s's
    own matrix files, which `load` reads directly (no re-tokenising or re-weighting on open).
    """

    def __init__(
        self,
        tokens_by_chunk: Mapping[str, list[str]] | None = None,
        doc_by_chunk: Mapping[str, str] | None = None,
        *,
        params: BM25Params = BM25Params(),
    ) -> None:
        self._tokens: dict[str, list[str]] | None = dict(tokens_by_chunk or {})
        self._tokens_path: Path | None = None
        self.params = params
        self._ids: list[str] = list(self._tokens)
        self._bm25: bm25s.BM25 | None = None
        self._vocab: tuple[list[str], str, np.ndarray] | None = None  # for `rows_with_part`, built on first use
        if any(self._tokens.values()):
            self._bm25 = bm25s.BM25(k1=params.k1, b=params.b, method=params.method)
            self._bm25.index([self._tokens[c] for c in self._ids], show_progress=False)
        self._index_docs(doc_by_chunk or {})

    def _index_docs(self, doc_by_chunk: Mapping[str, str]) -> None:
        # chunk ids are "{doc_id}:{position}:{digest}", so the doc id is recoverable without a table
        positions: dict[str, list[int]] = {}
        for i, cid in enumerate(self._ids):
            positions.setdefault(doc_by_chunk.get(cid) or cid.rsplit(":", 2)[0], []).append(i)
        self._rows_of = {doc: np.asarray(rows, dtype=np.int64) for doc, rows in positions.items()}

    @classmethod
    def build(cls, texts_by_chunk: Iterable[tuple[str, str]]) -> KeywordIndex:
        """Index `(chunk_id, search_text)` pairs."""
        return cls({cid: tokenize(text) for cid, text in texts_by_chunk})

    @property
    def tokens(self) -> dict[str, list[str]]:
        """chunk_id -> tokens (reuse them when only some documents change); read from disk on first use."""
        if self._tokens is None:
            assert self._tokens_path is not None
            self._tokens = _read_tokens(self._tokens_path)
        return self._tokens

    def __len__(self) -> int:
        return len(self._ids)

    def chunk_id(self, row: int) -> str:
        """The chunk at a row (as `rows_with` returns rows)."""
        return self._ids[row]

    @property
    def doc_rows(self) -> Mapping[str, np.ndarray]:
        """doc_id -> the rows of its chunks (rows are positions in the matrix, as `rows_with` returns)."""
        return self._rows_of

    def rows_with(self, token: str) -> np.ndarray:
        """Rows of the chunks whose tokens include `token` (the postings of the BM25 matrix; any order)."""
        token_id = self._bm25.vocab_dict.get(token) if self._bm25 is not None else None
        if token_id is None:
            return np.zeros(0, dtype=np.int64)
        matrix = self._bm25.scores
        return np.asarray(matrix["indices"][matrix["indptr"][token_id] : matrix["indptr"][token_id + 1]])

    def rows_with_part(self, part: str) -> np.ndarray:
        """Rows of the chunks with a token that contains `part` ("9" finds "2019"): substring matching
        for numbers and latin words, which the tokenizer keeps whole."""
        if self._bm25 is None or not part:
            return np.zeros(0, dtype=np.int64)
        if self._vocab is None:  # every token on its own line, and where each line starts
            vocab = list(self._bm25.vocab_dict)
            self._vocab = (vocab, "\n".join(vocab), np.cumsum([0] + [len(t) + 1 for t in vocab[:-1]]))
        vocab, text, starts = self._vocab
        hits = {int(np.searchsorted(starts, m.start(), side="right")) - 1 for m in re.finditer(re.escape(part), text)}
        rows = [self.rows_with(vocab[i]) for i in sorted(hits)]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def search(self, query_search_text: str, k: int = 20, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The top `k` chunks by BM25 score (> 0 only), optionally only from the given documents."""
        if self._bm25 is None or k <= 0:
            return []
        query = self._bm25.get_tokens_ids(tokenize(query_search_text))
        if not query:
            return []
        scores = self._bm25.get_scores_from_ids(query)
        if doc_ids is None:
            rows = np.flatnonzero(scores > 0)
        else:
            parts = [self._rows_of[d] for d in set(doc_ids) if d in self._rows_of]
            if not parts:
                return []
            rows = np.concatenate(parts)
            rows = rows[scores[rows] > 0]
        if len(rows) > k:  # keep the top k and everything tied with the k-th, then order exactly
            kth = np.partition(scores[rows], len(rows) - k)[len(rows) - k]
            rows = rows[scores[rows] >= kth]
        ranked = sorted(((float(scores[r]), self._ids[r]) for r in rows), key=lambda t: (-t[0], t[1]))[:k]
        return [Hit(cid, score, rank) for rank, (score, cid) in enumerate(ranked, start=1)]

    def save(self, path: Path) -> None:
        """Write the token lists (JSON) and the BM25 matrix (`<path>.bm25s/`), each atomically."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        payload = {"version": TOKENIZER_VERSION, "ids": self._ids, "tokens": self.tokens}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
        matrix = _matrix_dir(path)
        tmp_dir = matrix.with_name(matrix.name + ".tmp")
        _remove_tree(tmp_dir)
        tmp_dir.mkdir(parents=True)
        meta = {"version": TOKENIZER_VERSION, "params": self.params.__dict__, "ids": self._ids}
        if self._bm25 is not None:
            self._bm25.save(str(tmp_dir), show_progress=False)
        (tmp_dir / "policyqa.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        _remove_tree(matrix)
        os.replace(tmp_dir, matrix)

    @classmethod
    def load(cls, path: Path, doc_by_chunk: Mapping[str, str] | None = None) -> KeywordIndex:
        """Read what `save` wrote; without a usable matrix folder, rebuild BM25 from the token lists.

        (Callers compare the stored tokenizer version with TOKENIZER_VERSION to decide whether to
        re-tokenize.)
        """
        path = Path(path)
        matrix = _matrix_dir(path)
        try:
            meta = json.loads((matrix / "policyqa.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if meta is None or meta.get("params") != BM25Params().__dict__:
            return cls(_read_tokens(path), doc_by_chunk)
        index = cls.__new__(cls)
        index.params = BM25Params(**meta["params"])
        index._ids = list(meta["ids"])
        index._tokens, index._tokens_path = None, path
        index._vocab = None
        index._bm25 = bm25s.BM25.load(str(matrix), show_progress=False, verbosity=0) if index._ids else None
        index._index_docs(doc_by_chunk or {})
        return index


def _matrix_dir(path: Path) -> Path:
    return path.with_name(f"{path.stem}.{_MATRIX_DIR}")


def _remove_tree(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()


def _read_tokens(path: Path) -> dict[str, list[str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["tokens"]
