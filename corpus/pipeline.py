"""Public entry points of the corpus stage: load a folder or a file, chunk a document."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from corpus.chunk import chunk_document as _chunk_document
from corpus.clean import clean, search_form
from corpus.load import SUPPORTED_SUFFIXES, LoadFailure, read_document
from corpus.metadata import MANIFEST_NAMES, extract_meta, read_manifest
from corpus.schema import Chunk, Document, LoadError
from corpus.versions import link_versions

BUNDLED_CORPUS: Path = Path(__file__).resolve().parent / "data"
# Bump when cleaning or chunking changes the chunks, so the index layer re-embeds.
CHUNKER_VERSION = "corpus-1"

__all__ = [
    "BUNDLED_CORPUS",
    "CHUNKER_VERSION",
    "LoadFailure",
    "chunk_document",
    "corpus_files",
    "load_corpus",
    "load_document",
]


def is_folder_note(path: Path) -> bool:
    """README.md, SOURCES.md, LICENSE.txt …: by the convention of all-capital Latin names, notes about a folder,
    not documents in it (they would otherwise be cited as if they were policy)."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_-]*", path.stem))


def load_corpus(folder: Path) -> tuple[list[Document], list[LoadError]]:
    """Load every supported file under `folder` (sorted by path); unreadable files become LoadErrors.

    Files directly in `folder` get their file name as doc id; files in sub-folders get their
    relative path (e.g. `经济法/价格法(1997-12-29).md`), so ids stay unique and stable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [], [
            LoadError(str(folder), "corpus folder not found; pass an existing folder with --corpus DIR")
        ]
    manifest, errors = read_manifest(folder)
    paths = corpus_files(folder)
    docs: list[Document] = []
    seen: set[str] = set()
    for path in paths:
        doc_id = path.relative_to(folder).as_posix()
        seen.add(doc_id)
        try:
            docs.append(load_document(path, manifest, doc_id=doc_id))
        except LoadFailure as exc:
            errors.append(LoadError(str(path), exc.reason))
    for name in manifest:
        if name not in seen:
            errors.append(
                LoadError(
                    str(folder / MANIFEST_NAMES[0]),
                    f"manifest entry '{name}' matches no file in the folder; fix the file name",
                )
            )
    link_versions(docs)
    return docs, errors


def corpus_files(folder: Path) -> list[Path]:
    """The document files under `folder`, sorted by relative path (hidden files, manifests excluded)."""
    paths = sorted(
        (
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in MANIFEST_NAMES
        ),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    return [p for p in paths if not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and not is_folder_note(p)]


def load_document(path: Path, manifest: dict | None = None, *, doc_id: str | None = None) -> Document:
    """Load, clean and describe one file; raise LoadFailure(reason) if it cannot be read."""
    path = Path(path)
    doc_id = doc_id or path.name
    original, raw = read_document(path)
    cleaned = clean(original, markdown=path.suffix.lower() == ".md")
    if not cleaned.text.strip():
        raise LoadFailure("no text left after cleaning (only headers/adverts?); check the file's content")
    search_text = search_form(cleaned.text)
    entry = (manifest or {}).get(doc_id) or (manifest or {}).get(path.name)
    try:
        meta = extract_meta(cleaned.text, search_text, cleaned.header_lines, doc_id, entry)
    except ValueError as exc:  # a bad manifest entry
        raise LoadFailure(str(exc)) from exc
    return Document(
        doc_id=doc_id,
        path=str(path),
        original=original,
        text=cleaned.text,
        search_text=search_text,
        origin=cleaned.origin,
        meta=meta,
        flags=cleaned.flags,
        removed=cleaned.removed,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def chunk_document(doc: Document, *, max_chars: int = 600, min_chars: int = 80) -> list[Chunk]:
    """Clause-level chunks of a loaded document (see corpus.chunk)."""
    return _chunk_document(doc, max_chars=max_chars, min_chars=min_chars)
