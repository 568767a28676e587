"""Shared fixtures for the corpus-stage tests only (bundled seeds, loaded once per session)."""

from __future__ import annotations

import pytest

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from corpus.schema import Chunk, Document


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, Document]:
    docs, errors = load_corpus(BUNDLED_CORPUS)
    assert errors == []
    return {d.doc_id[:3]: d for d in docs}


@pytest.fixture(scope="session")
def seed_chunks(seed_docs) -> dict[str, list[Chunk]]:
    return {key: chunk_document(doc) for key, doc in seed_docs.items()}
