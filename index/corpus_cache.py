"""Open a corpus folder without re-reading, re-cleaning and re-chunking the documents that did not change.

Every loaded document is kept, with its chunks, in one cache file (usually in the index folder),
keyed by its fingerprint: path, size, mtime, its manifest entry and the corpus stage's code. A file
whose size and mtime match is taken from the cache unread; one whose mtime moved but whose bytes
hash the same (a `touch`, a copy) is taken from the cache too. Only new and changed files go
through `load_document` + `chunk_document`. Any change to the corpus package's source (cleaning,
chunking, metadata) or to the libraries it leans on invalidates the whole cache.

The cache is a pickle written by this process into its own index folder: like the index itself it
is trusted local state, never read from a corpus folder or an upload.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import sys
from array import array
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

import corpus
from corpus.load import LoadFailure
from corpus.metadata import MANIFEST_NAMES, read_manifest
from corpus.pipeline import chunk_document, corpus_files, load_document
from corpus.schema import Chunk, Document, LoadError
from corpus.versions import link_versions

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
CORPUS_CACHE = "corpus-cache.pickle"  # its usual name inside an index folder
_LIBRARIES = ("opencc", "cn2an", "python-docx", "beautifulsoup4", "pypdf", "jieba")


def corpus_code_version() -> str:
    """A digest of the corpus package's source and the versions of the libraries it uses."""
    h = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version_info[:2]}".encode())
    package = Path(corpus.__file__).resolve().parent
    for source in sorted(package.glob("*.py")):
        h.update(source.name.encode())
        h.update(source.read_bytes())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.hexdigest()[:20]


@dataclass
class _Entry:
    """One file as last seen: its fingerprint and what it loaded to (or why it failed)."""

    path: str
    size: int
    mtime_ns: int
    manifest_key: str
    content_hash: str
    doc: Document | None
    chunks: list[Chunk]
    failure: str = ""


@dataclass
class LoadedCorpus:
    """A corpus folder as loaded: documents in path order, their chunks, the files that failed."""

    docs: list[Document]
    chunks: dict[str, list[Chunk]]
    errors: list[LoadError]
    reused: list[str] = field(default_factory=list)  # doc ids taken from the cache
    loaded: list[str] = field(default_factory=list)  # doc ids read and chunked this time


def _manifest_key(manifest: dict, doc_id: str, name: str) -> str:
    entry = manifest.get(doc_id) or manifest.get(name)
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) if entry else ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_cache(path: Path, version: str) -> dict[str, _Entry]:
    try:
        with path.open("rb") as fh:
            stored = pickle.load(fh)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # a torn or foreign file: start afresh, it is only a cache
        log.warning("ignoring unreadable corpus cache %s (%s)", path, exc)
        return {}
    if not isinstance(stored, dict) or stored.get("version") != version:
        return {}
    entries = stored.get("entries", {})
    for entry in entries.values():
        if entry.doc is not None and isinstance(entry.doc.origin, array):
            entry.doc.origin = entry.doc.origin.tolist()
    return entries


def _write_cache(path: Path, version: str, entries: dict[str, _Entry]) -> None:
    """Atomically replace the cache; offset maps are stored as int arrays (compact, fast to load)."""
    packed = {}
    for doc_id, entry in entries.items():
        doc = entry.doc
        if doc is not None:
            doc = replace(doc, origin=array("q", doc.origin))
        packed[doc_id] = replace(entry, doc=doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"version": version, "entries": packed}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load_corpus_cached(folder: Path, cache_path: Path, *, progress: bool = False) -> LoadedCorpus:
    """Like `corpus.pipeline.load_corpus` + `chunk_document` per document, reusing unchanged files.

    Errors are reported as `load_corpus` reports them (unreadable files, a bad manifest, manifest
    entries without a file); a file that failed is retried only once it changes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        error = LoadError(str(folder), "corpus folder not found; pass an existing folder with --corpus DIR")
        return LoadedCorpus([], {}, [error])
    version = corpus_code_version()
    cached = _read_cache(cache_path, version)
    manifest, errors = read_manifest(folder)
    result = LoadedCorpus([], {}, errors)
    entries: dict[str, _Entry] = {}
    to_load: list[tuple[str, Path, os.stat_result, str]] = []
    touched = False
    for path in corpus_files(folder):
        doc_id = path.relative_to(folder).as_posix()
        st = path.stat()
        key = _manifest_key(manifest, doc_id, path.name)
        old = cached.get(doc_id)
        if old is not None and old.path == str(path) and old.manifest_key == key and old.size == st.st_size:
            if old.mtime_ns != st.st_mtime_ns and _sha256(path) == old.content_hash:
                old.mtime_ns, touched = st.st_mtime_ns, True  # touched, not changed
            if old.mtime_ns == st.st_mtime_ns:
                entries[doc_id] = old
                continue
        to_load.append((doc_id, path, st, key))
    for doc_id, path, st, key in tqdm(to_load, desc="loading", unit="doc", disable=not progress or len(to_load) < 2):
        try:
            doc = load_document(path, manifest, doc_id=doc_id)
            entries[doc_id] = _Entry(str(path), st.st_size, st.st_mtime_ns, key, doc.content_hash, doc,
                                     chunk_document(doc))
        except LoadFailure as exc:
            entries[doc_id] = _Entry(str(path), st.st_size, st.st_mtime_ns, key, _sha256(path), None, [],
                                     exc.reason)
    for doc_id in sorted(entries):
        entry = entries[doc_id]
        if entry.doc is None:
            result.errors.append(LoadError(entry.path, entry.failure))
            continue
        result.docs.append(entry.doc)
        result.chunks[doc_id] = entry.chunks
    changed = bool(to_load or touched or set(cached) != set(entries))
    if changed:  # links run across documents: cached documents carry those of the last change, still valid
        link_versions(result.docs)
    loaded = {doc_id for doc_id, *_ in to_load}
    result.loaded = sorted(loaded)
    result.reused = sorted(set(entries) - loaded)
    for name in manifest:
        if name not in entries:
            result.errors.append(LoadError(str(folder / MANIFEST_NAMES[0]),
                                           f"manifest entry '{name}' matches no file in the folder; fix the file name"))
    if changed:
        with suppress(OSError):  # a read-only index folder: serve without a cache; a writable run saves one
            _write_cache(cache_path, version, entries)
    return result
