"""Index generations on disk and the incremental, crash-safe sync that builds them.

Layout of `db_dir`::

    CURRENT                 name of the active generation (replaced atomically, last)
    .lock                   held (flock) by the one process syncing
    gen-000003-1a2b3c/      one generation:
        chroma/             Chroma files (local mode; a server keeps a collection per generation)
        chunks.json         the chunk table, in document order
        keyword.json        BM25 token lists
        manifest.json       doc_id -> {hash, sig, chunk_ids}; written last, so it marks a finished build

A sync never touches the active generation: it builds the next one aside (reusing the vectors of
unchanged documents), then swaps CURRENT. A crash leaves at worst an unfinished folder that no
reader looks at and the next sync deletes.

With a Chroma server (`chroma_url`) the same records live on the server instead (`index.state`:
CURRENT, each generation's manifest, chunk table and keyword tokens, and the documents), so workers
need no local state at all; `db_dir` then only holds the writer lock and the corpus cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from corpus.schema import Chunk, DocMeta, Document
from index.keyword import TOKENIZER_VERSION, KeywordIndex, tokenize
from index.records import document_to_json
from index.state import CURRENT, GEN_PATTERN, LocalState, ServerState, read_current, write_json

__all__ = ["CURRENT", "MANIFEST", "Backend", "SyncReport", "read_current", "sync_generation", "write_json"]

log = logging.getLogger(__name__)

FORMAT = "policyqa-index/2"
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
KEYWORD = "keyword.json"
CHROMA_DIR = "chroma"
EMBED_BATCH = 256  # texts per embedder call: it sorts them by length, so bigger calls pad less
COPY_BATCH = 1000
DOCUMENTS = "documents"  # manifest entry key: the document's record on a server


@dataclass
class SyncReport:
    """What a sync did, by document id; `chunks_embedded` counts chunks sent to the model."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0  # of `seconds`, spent embedding and writing vectors

    @property
    def chunks_per_second(self) -> float:
        """Embedding throughput of this sync (0 when nothing was embedded)."""
        return self.chunks_embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0


# --- where vectors live -------------------------------------------------------------------


class Backend:
    """Opens Chroma for a generation: a folder per generation locally, a collection per generation
    on a server (`chroma_url="http://host:port"`)."""

    def __init__(self, db_dir: Path, chroma_url: str = "", collection: str = "policyqa") -> None:
        self.db_dir = db_dir
        self.collection = collection
        self.url = chroma_url.strip()
        if self.url:
            parsed = urlparse(self.url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError(f"chroma_url must look like http://host:port, got {chroma_url!r}")
            self._host = parsed.hostname
            self._port = parsed.port or (443 if parsed.scheme == "https" else 8000)
            self._ssl = parsed.scheme == "https"
        self._state: LocalState | ServerState | None = None

    @property
    def state(self) -> LocalState | ServerState:
        """The generation pointer and tables: files in `db_dir`, or records on the server."""
        if self._state is None:
            self._state = ServerState(self.client(""), self.collection) if self.remote else LocalState(self.db_dir)
        return self._state

    @property
    def remote(self) -> bool:
        return bool(self.url)

    def collection_name(self, gen: str) -> str:
        """Local generations each have their own folder; on a server the generation names the collection."""
        return f"{self.collection}-{gen}" if self.remote else self.collection

    def client(self, gen: str) -> ClientAPI:
        """A new client for `gen`; close it when done (Chroma caches one system per local path)."""
        settings = Settings(anonymized_telemetry=False)
        if not self.remote:
            path = self.db_dir / gen / CHROMA_DIR
            if path.is_dir() and not os.access(path, os.W_OK):  # Chroma cannot open a read-only folder: read a private copy
                copy = Path(tempfile.mkdtemp(prefix=f"policyqa-ro-{gen}-")) / CHROMA_DIR
                shutil.copytree(path, copy)
                path = copy
            return chromadb.PersistentClient(path=str(path), settings=settings)
        try:
            return chromadb.HttpClient(host=self._host, port=self._port, ssl=self._ssl, settings=settings)
        except ValueError as exc:
            raise ConnectionError(
                f"cannot reach the Chroma server at {self.url} ({exc}); start it with "
                "`chroma run --path DIR --port PORT` or unset chroma_url to use the local index"
            ) from exc

    def drop(self, gen: str) -> None:
        """Delete a generation: its folder, or its server collection and records."""
        if self.remote:
            client = self.client(gen)
            try:
                with suppress(Exception):  # already gone, or never created
                    client.delete_collection(self.collection_name(gen))
            finally:
                client.close()
        self.state.drop(gen)


def create_collection(client: ClientAPI, name: str) -> Any:
    """A cosine-space collection without an embedding function: we always pass our own vectors."""
    return client.create_collection(name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)


# --- generations ---------------------------------------------------------------------------


def _new_generation_name(backend: Backend) -> str:
    numbers = [int(GEN_PATTERN.match(g).group(1)) for g in backend.state.generations()]  # type: ignore[union-attr]
    current = backend.state.current()
    if current:
        numbers.append(int(current[4:10]))
    return f"gen-{max(numbers, default=0) + 1:06d}-{secrets.token_hex(3)}"


def _cleanup(backend: Backend, keep: set[str]) -> None:
    """Delete every generation not in `keep`: old ones and unfinished leftovers of crashed syncs."""
    for gen in backend.state.generations():
        if gen in keep:
            continue
        backend.drop(gen)
        log.info("removed index generation %s", gen)


@contextmanager
def writer_lock(db_dir: Path) -> Iterator[None]:
    """One syncing process per db_dir (waits for another one to finish; released if it dies)."""
    db_dir.mkdir(parents=True, exist_ok=True)
    with (db_dir / ".lock").open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_manifest(state: LocalState | ServerState, gen: str) -> dict[str, Any]:
    return state.get(gen, MANIFEST)


def load_chunks(state: LocalState | ServerState, gen: str) -> list[Chunk]:
    return [Chunk(**row) for row in state.get(gen, CHUNKS)]


def load_keyword(backend: Backend, gen: str, doc_by_chunk: dict[str, str] | None = None) -> KeywordIndex:
    """The generation's BM25 index: read from its files locally, rebuilt from the stored tokens on a server."""
    if backend.remote:
        return KeywordIndex(backend.state.get(gen, KEYWORD)["tokens"], doc_by_chunk)
    return KeywordIndex.load(backend.db_dir / gen / KEYWORD, doc_by_chunk)


# --- what goes into Chroma ----------------------------------------------------------------


def embedded_text(chunk: Chunk, meta: DocMeta) -> str:
    """The text the model sees: a short context line (title, heading path), then the search text."""
    context = " > ".join(p for p in [meta.title[:80], *chunk.heading_path] if p)
    return f"{context}\n{chunk.search_text}" if context else chunk.search_text


def chunk_metadata(chunk: Chunk, meta: DocMeta) -> dict[str, str | int]:
    """Chroma metadata (scalars only; missing values are empty strings)."""
    return {
        "doc_id": chunk.doc_id,
        "title": meta.title,
        "region": meta.region,
        "date": meta.date.isoformat() if meta.date else "",
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
        "section": chunk.section,
        "position": chunk.position,
    }


def doc_signature(doc: Document, chunks: list[Chunk]) -> str:
    """Changes whenever anything stored for the document would change (raw bytes, chunking, metadata)."""
    h = hashlib.sha256(doc.content_hash.encode())
    h.update(json.dumps([doc.meta.title, doc.meta.region, str(doc.meta.date or "")], ensure_ascii=False).encode())
    names = [f.name for f in fields(Chunk)]
    for c in chunks:  # field by field, shallow: asdict's deep copy costs a second per 5,000 chunks
        h.update(json.dumps([getattr(c, n) for n in names], ensure_ascii=False).encode())
    return h.hexdigest()


PROBE_TEXT = "政策索引版本探针 policy index version probe"
PROBE_TOLERANCE = 1e-4  # largest per-component difference of a probe vector still taken as the same model


def embedder_version(embeddings: Embeddings) -> dict[str, Any]:
    """Identifies the embedding model: a hash of its class, declared name and dimension, and the vectors it
    gives a probe text as a query and as a passage (their first 32 components, kept whole).

    The probes catch a changed model that keeps its class and name (a swapped folder, another export or
    quantisation, a new passage prefix): such a change moves them by far more than `PROBE_TOLERANCE`, while
    floating-point noise between machines and thread counts stays well below it.
    """
    names = [type(embeddings).__module__ + "." + type(embeddings).__qualname__]
    for attr in ("model_name", "model", "model_id", "version"):
        value = getattr(embeddings, attr, None)
        if isinstance(value, str):  # a local model folder: its name, not where it happens to live
            names.append(Path(value).name if os.sep in value else value)
    query = embeddings.embed_query(PROBE_TEXT)
    passage = embeddings.embed_documents([PROBE_TEXT])[0]
    names.append(f"dim={len(query)}")
    return {"id": hashlib.sha1("|".join(names).encode()).hexdigest()[:16],
            "probe": [round(float(x), 6) for x in [*query[:32], *passage[:32]]]}


def same_index_version(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Were the stored vectors made by the model, chunker and format of `new`? (probes within tolerance)"""
    old_embedder, new_embedder = old.get("embedder"), new.get("embedder")
    if not isinstance(old_embedder, dict) or not isinstance(new_embedder, dict):
        return False
    if {k: v for k, v in old.items() if k != "embedder"} != {k: v for k, v in new.items() if k != "embedder"}:
        return False
    a, b = old_embedder.get("probe") or [], new_embedder.get("probe") or []
    return (old_embedder.get("id") == new_embedder.get("id") and len(a) == len(b) > 0
            and max(abs(x - y) for x, y in zip(a, b, strict=True)) <= PROBE_TOLERANCE)


def chunker_version() -> str:
    """The corpus stage's declared chunker version, if it declares one."""
    try:
        from corpus import pipeline
    except ImportError:
        return ""
    return str(getattr(pipeline, "CHUNKER_VERSION", ""))


# --- the sync -----------------------------------------------------------------------------


def _text_key(chunk: Chunk, meta: DocMeta) -> str:
    return hashlib.sha1(embedded_text(chunk, meta).encode()).hexdigest()[:16]


@dataclass
class _Plan:
    report: SyncReport
    reuse: list[tuple[str, Chunk]]  # (chunk id in the active generation, chunk): its vector is copied
    embed: list[Chunk]  # chunks to embed
    entries: dict[str, dict[str, Any]]  # the new manifest's docs


def _plan(
    docs: list[Document],
    chunks_by_doc: dict[str, list[Chunk]],
    old_docs: dict[str, dict[str, Any]],
    compatible: bool,
) -> _Plan:
    """Classify documents; within a changed document, chunks whose embedded text is unchanged keep
    their vector (a one-clause edit re-embeds one chunk, not the whole document)."""
    plan = _Plan(SyncReport(), [], [], {})
    for doc in sorted(docs, key=lambda d: d.doc_id):
        chunks = chunks_by_doc.get(doc.doc_id, [])
        keys = [_text_key(c, doc.meta) for c in chunks]
        sig = doc_signature(doc, chunks)
        plan.entries[doc.doc_id] = {
            "hash": doc.content_hash,
            "sig": sig,
            "chunk_ids": [c.chunk_id for c in chunks],
            "text_keys": keys,
        }
        old = old_docs.get(doc.doc_id)
        if old is None:
            plan.report.added.append(doc.doc_id)
        elif compatible and old.get("sig") == sig:
            plan.report.unchanged.append(doc.doc_id)
        else:
            plan.report.changed.append(doc.doc_id)
        reusable = dict(zip(old.get("text_keys", []), old["chunk_ids"], strict=False)) if old and compatible else {}
        for chunk, key in zip(chunks, keys, strict=True):
            if key in reusable:
                plan.reuse.append((reusable[key], chunk))
            else:
                plan.embed.append(chunk)
    plan.report.removed = sorted(set(old_docs) - set(plan.entries))
    return plan


def _validate(docs: list[Document], chunks_by_doc: dict[str, list[Chunk]]) -> None:
    ids = [d.doc_id for d in docs]
    if len(ids) != len(set(ids)):
        raise ValueError("sync got the same doc_id twice; doc ids (file names) must be unique")
    seen: set[str] = set()
    for doc_id, chunks in chunks_by_doc.items():
        for c in chunks:
            if c.doc_id != doc_id:
                raise ValueError(f"chunk {c.chunk_id} is listed under {doc_id} but belongs to {c.doc_id}")
            if c.chunk_id in seen:
                raise ValueError(f"duplicate chunk id {c.chunk_id}; re-run the corpus chunker")
            seen.add(c.chunk_id)


def sync_generation(
    backend: Backend,
    embeddings: Embeddings,
    docs: list[Document],
    chunks_by_doc: dict[str, list[Chunk]],
    *,
    progress: bool = True,
) -> SyncReport:
    """Bring the index in `backend.db_dir` up to date with `docs`; see the module docstring."""
    t0 = time.perf_counter()
    _validate(docs, chunks_by_doc)
    state = backend.state
    with writer_lock(backend.db_dir):
        current = state.current()
        keep = {current} if current else set()
        if current:  # the newest finished generation before the current one stays for old readers
            older = [g for g in state.generations() if g < current and state.has(g, MANIFEST)]
            keep.update(older[-1:])
        _cleanup(backend, keep)

        version = {"format": FORMAT, "embedder": embedder_version(embeddings), "chunker": chunker_version()}
        old = load_manifest(state, current) if current else {"docs": {}, "version": {}}
        compatible = same_index_version(old.get("version") or {}, version)
        if current and not compatible:
            log.info("index version changed (the embedding model, chunker or format): re-embedding everything")
        plan = _plan(docs, chunks_by_doc, old["docs"], compatible)
        same_tokens = old.get("tokenizer") == TOKENIZER_VERSION
        if current and not (plan.report.added or plan.report.changed or plan.report.removed) and same_tokens:
            plan.report.seconds = time.perf_counter() - t0
            return plan.report

        gen = _new_generation_name(backend)
        state.begin(gen)
        meta = {d.doc_id: d.meta for d in docs}
        ordered = [c for doc_id in plan.entries for c in chunks_by_doc.get(doc_id, [])]
        old_tokens = load_keyword(backend, current).tokens if current and same_tokens else {}
        reused = {c.chunk_id for old_id, c in plan.reuse if old_id == c.chunk_id}

        def keyword_tokens() -> dict[str, list[str]]:
            return {c.chunk_id: (old_tokens.get(c.chunk_id) if c.chunk_id in reused else None)
                    or tokenize(c.search_text) for c in ordered}

        # Background threads tokenise for BM25 and write to Chroma while the model embeds (ONNX Runtime
        # releases the GIL), so neither waits for the other.
        client = backend.client(gen)
        with ThreadPoolExecutor(2, thread_name_prefix="index-writer") as writer:
            tokenizing = writer.submit(keyword_tokens)
            try:
                collection = create_collection(client, backend.collection_name(gen))
                if plan.reuse:
                    _copy_vectors(backend, current, collection, plan.reuse, meta)  # type: ignore[arg-type]
                t_embed = time.perf_counter()
                plan.report.chunks_embedded = _embed_into(collection, embeddings, plan.embed, meta, progress, writer)
                plan.report.embed_seconds = time.perf_counter() - t_embed
            finally:
                client.close()
            tokens = tokenizing.result()

        if backend.remote:
            state.put(gen, KEYWORD, {"version": TOKENIZER_VERSION, "tokens": tokens})
            state.put_documents({plan.entries[d.doc_id]["sig"]: document_to_json(d) for d in docs})
        else:
            KeywordIndex(tokens).save(backend.db_dir / gen / KEYWORD)
        state.put(gen, CHUNKS, [asdict(c) for c in ordered])
        state.put(
            gen,
            MANIFEST,  # written last: marks the generation finished
            {
                "version": version,
                "tokenizer": TOKENIZER_VERSION,
                "collection": backend.collection_name(gen),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "docs": plan.entries,
            },
        )
        state.finish(gen)
        state.set_current(gen)
        log.info("index generation %s is live (%s)", gen, _summary(plan.report))
        _cleanup(backend, {gen, current} if current else {gen})
        if backend.remote:
            sigs = {e["sig"] for e in plan.entries.values()}
            if current:
                sigs.update(e["sig"] for e in old["docs"].values())
            state.keep_documents(sigs)
    plan.report.seconds = time.perf_counter() - t0
    return plan.report


def _summary(r: SyncReport) -> str:
    return (
        f"{len(r.added)} added, {len(r.changed)} changed, {len(r.removed)} removed, "
        f"{len(r.unchanged)} unchanged, {r.chunks_embedded} chunks embedded"
    )


def _copy_vectors(
    backend: Backend, current: str, target: Any, reuse: list[tuple[str, Chunk]], meta: dict[str, DocMeta]
) -> None:
    """Copy the stored vectors of reused chunks from the active generation (text and metadata are
    written afresh: an edit earlier in a document shifts positions and offsets)."""
    client = backend.client(current)
    try:
        source = client.get_collection(backend.collection_name(current))
        for i in range(0, len(reuse), COPY_BATCH):
            batch = reuse[i : i + COPY_BATCH]
            got = source.get(ids=sorted({old for old, _ in batch}), include=["embeddings"])
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            missing = [old for old, _ in batch if old not in vectors]
            if missing:
                raise RuntimeError(
                    f"index generation {current} lacks vectors for {missing[:3]}; delete {backend.db_dir} and sync again"
                )
            target.add(
                ids=[c.chunk_id for _, c in batch],
                embeddings=[vectors[old] for old, _ in batch],
                documents=[c.display_text for _, c in batch],
                metadatas=[chunk_metadata(c, meta[c.doc_id]) for _, c in batch],
            )
    finally:
        client.close()


def _embed_into(collection: Any, embeddings: Embeddings, chunks: list[Chunk], meta: dict[str, DocMeta],
                progress: bool, writer: ThreadPoolExecutor) -> int:
    """Embed `chunks` in batches; each batch is added to `collection` on `writer` while the next one embeds.
    Returns how many were embedded."""
    pending: Future[None] | None = None
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress or not chunks) as bar:
        for i in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[i : i + EMBED_BATCH]
            vectors = embeddings.embed_documents([embedded_text(c, meta[c.doc_id]) for c in batch])
            if pending is not None:
                pending.result()  # a failed write surfaces before more work is queued
            pending = writer.submit(
                collection.add,
                ids=[c.chunk_id for c in batch],
                embeddings=vectors,
                documents=[c.display_text for c in batch],
                metadatas=[chunk_metadata(c, meta[c.doc_id]) for c in batch],
            )
            bar.update(len(batch))
        if pending is not None:
            pending.result()
    return len(chunks)
