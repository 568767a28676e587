"""The index the qa layer talks to: dense search in Chroma, BM25 keyword search, the chunk table.

Writes go through chromadb directly (we embed a context-prefixed search text but store the display
text, which LangChain's `add_texts` cannot express); dense search goes through LangChain's
`langchain_chroma.Chroma` vector store, also available as `PolicyIndex.vectorstore()`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from corpus.schema import Chunk, Document
from index.keyword import Hit, KeywordIndex, tokenize
from index.records import document_from_json
from index.sync import Backend, SyncReport, load_chunks, load_keyword, load_manifest, sync_generation

__all__ = ["Hit", "PolicyIndex", "SyncReport"]

log = logging.getLogger(__name__)

_RECHECK_S = 1.0  # how often readers look for a generation published by another process
# A scope is applied after an unfiltered search when that needs at most this many neighbours (about 60 ms at
# 100k chunks); narrower scopes go to Chroma as a `$in` filter, which costs more the more ids it lists.
_UNFILTERED_MAX = 8000


@dataclass
class _Snapshot:
    """One generation as loaded: immutable once built, swapped whole on reload."""

    gen: str | None
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    keyword: KeywordIndex = field(default_factory=KeywordIndex)
    documents: dict[str, Document] = field(default_factory=dict)  # only with a Chroma server
    collection: str = ""
    client: ClientAPI | None = None
    store: Chroma | None = None
    vectors: Any = None  # the Chroma collection itself, for id + distance queries


class PolicyIndex:
    """Chunks of the corpus, searchable densely (Chroma, cosine) and by keywords (jieba BM25).

    `db_dir` holds generations (see `index.sync`); the active one is loaded at construction and
    re-loaded when another process publishes a newer one. With `chroma_url` everything (generations,
    chunk table, keyword tokens, documents) is read from the server, first on use, and a generation
    published by any worker is picked up within a second. Construction does not touch Chroma.
    """

    def __init__(
        self, db_dir: Path, embeddings: Embeddings, *, chroma_url: str = "", collection: str = "policyqa"
    ) -> None:
        self._db_dir = Path(db_dir)
        self._embeddings = embeddings
        self._backend = Backend(self._db_dir, chroma_url, collection)
        self._lock = threading.RLock()
        self._refreshing = threading.Lock()  # one thread at a time looks for a new generation
        self._retired: _Snapshot | None = None
        self._checked = float("-inf")
        self._snap = _Snapshot(None)
        if not self._backend.remote:
            self._snap = self._load(self._backend.state.current())
            self._checked = time.monotonic()

    # --- lifecycle ------------------------------------------------------------------------

    def _load(self, gen: str | None) -> _Snapshot:
        if gen is None:
            return _Snapshot(None)
        state = self._backend.state
        where = self._backend.url or self._db_dir
        try:
            manifest = load_manifest(state, gen)
            chunks = load_chunks(state, gen)
            keyword = load_keyword(self._backend, gen, {c.chunk_id: c.doc_id for c in chunks})
            documents: dict[str, Document] = {}
            if self._backend.remote:
                stored = state.get_documents(e["sig"] for e in manifest["docs"].values())
                for doc_id, entry in manifest["docs"].items():
                    if entry["sig"] not in stored:
                        raise KeyError(f"document {doc_id} is missing")
                    documents[doc_id] = document_from_json(stored[entry["sig"]])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RuntimeError(f"the index in {where} is unreadable ({exc}); delete it and sync again") from exc
        return _Snapshot(
            gen=gen,
            docs=manifest["docs"],
            chunks={c.chunk_id: c for c in chunks},
            keyword=keyword,
            documents=documents,
            collection=manifest["collection"],
        )

    def _current(self) -> _Snapshot:
        """The loaded generation, reloaded if CURRENT moved on (checked at most once a second).

        A new generation is loaded outside `_lock` by one thread while the others keep answering
        from the old one; only the very first load (nothing to serve yet) makes callers wait.
        """
        if time.monotonic() - self._checked < _RECHECK_S:
            return self._snap
        first = self._checked == float("-inf")
        if not self._refreshing.acquire(blocking=first):
            return self._snap  # another thread is checking
        try:
            if time.monotonic() - self._checked < _RECHECK_S:  # it did so while we waited
                return self._snap
            self._checked = time.monotonic()
            gen = self._backend.state.current()
            if gen != self._snap.gen:
                snap = self._load(gen)
                with self._lock:
                    self._swap(snap)
        except Exception as exc:  # e.g. deleted under us by a later sync, or the server is away
            if first:
                self._checked = float("-inf")
                raise
            log.warning("could not load index generation (%s); still serving %s", exc, self._snap.gen)
        finally:
            self._refreshing.release()
        return self._snap

    def _swap(self, snap: _Snapshot) -> None:
        """Make `snap` active; the replaced one's client is closed one swap later (in-flight queries)."""
        self._close(self._retired)
        self._retired, self._snap = self._snap, snap

    @staticmethod
    def _close(snap: _Snapshot | None) -> None:
        if snap is not None and snap.client is not None:
            snap.client.close()
            snap.client = snap.store = snap.vectors = None

    def close(self) -> None:
        """Release Chroma clients (the index can still be used; they reopen on demand)."""
        with self._lock:
            self._close(self._retired)
            self._close(self._snap)
            self._retired = None

    def __enter__(self) -> PolicyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self) -> None:
        """Do the one-off work of a first query now (jieba's dictionary, the Chroma client, the model's
        first run), e.g. in a background thread right after opening, so the first question is fast."""
        try:
            snap = self._current()
            tokenize("政策预热")
            self._embeddings.embed_query("政策预热")
            if snap.chunks:
                self._store(snap)
        except Exception as exc:  # only a head start: the first query will meet (and report) the problem
            log.debug("warm-up failed: %s", exc)

    def vectorstore(self) -> Chroma | None:
        """The active generation as a LangChain vector store (None before the first sync)."""
        return self._store(self._current())

    def _store(self, snap: _Snapshot) -> Chroma | None:
        if snap.gen is None:
            return None
        with self._lock:
            if snap.store is None:
                snap.client = self._backend.client(snap.gen)
                snap.store = Chroma(
                    client=snap.client,
                    collection_name=snap.collection,
                    embedding_function=self._embeddings,
                    collection_configuration={"hnsw": {"space": "cosine"}},
                )
                snap.vectors = snap.client.get_collection(snap.collection)
            return snap.store

    # --- writing --------------------------------------------------------------------------

    def sync(self, docs: list[Document], chunks_by_doc: dict[str, list[Chunk]], *, progress: bool = True) -> SyncReport:
        """Make the index match `docs`: embed added and changed documents only, drop removed ones.

        Builds a new generation aside and swaps it in; a crash leaves the previous one serving.
        """
        with self._lock:  # the sync deletes generations older than the active one
            self._close(self._retired)
            self._retired = None
        # not under self._lock: searches keep being served from the active generation meanwhile
        report = sync_generation(self._backend, self._embeddings, docs, chunks_by_doc, progress=progress)
        with self._refreshing:
            gen = self._backend.state.current()
            if gen != self._snap.gen:
                snap = self._load(gen)  # outside `_lock`: searches go on meanwhile
                with self._lock:
                    self._swap(snap)
            self._checked = time.monotonic()
        return report

    # --- reading --------------------------------------------------------------------------

    def embed_query(self, query: str) -> list[float]:
        """The query's vector (pass it to `dense_search` and reuse it, e.g. to score sentences)."""
        return self._embeddings.embed_query(query)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors for short texts (sentences) scored against a query vector at answer time."""
        return self._embeddings.embed_documents(texts)

    def dense_search(self, query: str, k: int = 20, doc_ids: Collection[str] | None = None,
                     vector: list[float] | None = None) -> list[Hit]:
        """Nearest chunks to `query` by cosine similarity (score = similarity, higher is better)."""
        snap = self._current()
        allowed = sorted(set(doc_ids)) if doc_ids is not None else None
        if k <= 0 or not query.strip() or not snap.chunks or allowed == []:
            return []
        n = len(snap.chunks) if allowed is None else sum(len(snap.docs.get(d, {}).get("chunk_ids", [])) for d in allowed)
        if n == 0:
            return []
        if self._store(snap) is None:
            return []
        vector = vector if vector is not None else self._embeddings.embed_query(query)
        found: list[tuple[str, float]] | None = None
        fetch = 2 * math.ceil(k * len(snap.chunks) / n)  # neighbours to look at: twice those expected for k
        keep = set(allowed or ())
        while allowed is not None and fetch <= _UNFILTERED_MAX:
            # A wide scope (all but superseded versions, one province …) is cheaper to apply afterwards than as a
            # Chroma `$in` over hundreds of document ids (0.1–1.5 s at 100k chunks). Near-duplicates out of scope
            # (older versions of a text) can crowd the nearest hits: then look further.
            got = self._nearest(snap, vector, min(len(snap.chunks), fetch), None)
            in_scope = [(cid, dist) for cid, dist in got if cid in snap.chunks and snap.chunks[cid].doc_id in keep]
            if len(in_scope) >= min(k, n) or len(got) >= len(snap.chunks):
                found = in_scope[:k]
                break
            fetch *= 4
        if found is None:
            found = self._nearest(snap, vector, min(k, n), None if allowed is None else {"doc_id": {"$in": allowed}})
        hits = [(cid, 1.0 - dist) for cid, dist in found if cid in snap.chunks]
        return [Hit(cid, score, rank) for rank, (cid, score) in enumerate(hits, start=1)]

    def _nearest(self, snap: _Snapshot, vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the `k` nearest vectors; ids and distances only (reading the texts
        of a few hundred hits would cost more than the search)."""
        try:
            got = snap.vectors.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        except Exception as exc:
            if "dimension" in str(exc).lower():
                raise RuntimeError(
                    f"the index in {self._db_dir} was built with another embedding model ({exc}); sync it again"
                ) from exc
            raise
        return list(zip(got["ids"][0], (float(d) for d in got["distances"][0]), strict=True))

    def keyword_search(self, query_search_text: str, k: int = 20, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """BM25 over chunk search texts; pass the query already normalised (NFKC, simplified)."""
        return self._current().keyword.search(query_search_text, k=k, doc_ids=doc_ids)

    def keyword_index(self) -> KeywordIndex:
        """The active generation's keyword index (its postings give corpus statistics of terms)."""
        return self._current().keyword

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        return self._current().chunks.get(chunk_id)

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """All chunks (or one document's), in document order."""
        snap = self._current()
        if doc_id is None:
            return list(snap.chunks.values())
        return [snap.chunks[c] for c in snap.docs.get(doc_id, {}).get("chunk_ids", [])]

    def documents(self) -> dict[str, Document]:
        """The indexed documents themselves (doc_id -> Document), kept only on a Chroma server."""
        return self._current().documents

    def doc_ids(self) -> set[str]:
        return set(self._current().docs)

    def doc_hashes(self) -> dict[str, str]:
        """doc_id -> content hash (sha256 of the raw file) of every indexed document."""
        return {d: e["hash"] for d, e in self._current().docs.items()}

    @property
    def generation(self) -> str | None:
        """The active generation's folder name (None before the first sync)."""
        return self._current().gen
