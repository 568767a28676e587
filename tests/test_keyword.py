"""jieba BM25 keyword index over real seed chunks (no model needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from corpus.schema import Chunk
from index.keyword import KeywordIndex, tokenize

CHIPS = "001_34e1b1a508027352.txt"  # Zhengzhou new-generation IT policy (has the 流片 clause)
LOANS = "000_7ffa5a2794a463d8.txt"  # 郑科贷


@pytest.fixture(scope="module")
def chunks(tmp_path_factory: pytest.TempPathFactory) -> list[Chunk]:
    folder = tmp_path_factory.mktemp("corpus")
    for name in (CHIPS, LOANS):
        shutil.copy(BUNDLED_CORPUS / name, folder / name)
    docs, errors = load_corpus(folder)
    assert not errors
    return [c for d in docs for c in chunk_document(d)]


def test_tokenize_words_numbers_and_stopwords() -> None:
    tokens = tokenize("给予首轮流片费用40%的补助,最高不超过500万元。MEMS")
    for expected in ("首轮", "流片", "补助", "40%", "500万", "mems"):
        assert expected in tokens
    assert not {"的", ",", "。", " "} & set(tokens)
    assert "多少" not in tokenize("首轮流片补助多少")
    assert tokenize("  ,。 \n") == []


def test_tokenize_is_robust_to_segmentation() -> None:
    # character bigrams match even where jieba segments query and text differently
    assert {"轮流", "流片"} <= set(tokenize("首轮流片"))


def test_liupian_clause_ranks_first_in_its_document(chunks: list[Chunk]) -> None:
    index = KeywordIndex.build((c.chunk_id, c.search_text) for c in chunks if c.doc_id == CHIPS)
    hits = index.search("首轮流片补助")
    assert hits and hits[0].rank == 1
    top = next(c for c in chunks if c.chunk_id == hits[0].chunk_id)
    assert "流片" in top.display_text
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_doc_filter_and_k(chunks: list[Chunk]) -> None:
    index = KeywordIndex.build((c.chunk_id, c.search_text) for c in chunks)
    by_id = {c.chunk_id: c for c in chunks}
    only_loans = index.search("首轮流片补助", k=50, doc_ids={LOANS})
    assert only_loans and all(by_id[h.chunk_id].doc_id == LOANS for h in only_loans)
    assert index.search("首轮流片补助", k=1)[0].chunk_id.startswith(CHIPS)
    assert index.search("首轮流片补助", doc_ids=set()) == []
    assert len(index.search("企业", k=3)) == 3
    assert index.search("郑科贷的利率怎么定", k=1)[0].chunk_id.startswith(LOANS)


def test_empty_and_persisted(chunks: list[Chunk], tmp_path: Path) -> None:
    assert KeywordIndex().search("流片") == []
    index = KeywordIndex.build((c.chunk_id, c.search_text) for c in chunks)
    assert index.search("，。！") == []
    index.save(tmp_path / "keyword.json")
    loaded = KeywordIndex.load(tmp_path / "keyword.json")
    assert loaded.search("首轮流片补助") == index.search("首轮流片补助")
