"""Where an index's bookkeeping lives: the active-generation pointer and each generation's tables.

`LocalState` keeps them as files in `db_dir` (one folder per generation). `ServerState` keeps them
in a `<collection>-state` collection of a Chroma server, so that any number of workers, each with
an empty or no local folder, read the same index from the server and see a new generation as soon
as one of them publishes it. Both store JSON values by (generation, name) and documents by content
signature (shared by the generations that contain them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI

CURRENT = "CURRENT"
GEN_PATTERN = re.compile(r"^gen-(\d{6})-[0-9a-f]{6}$")
_PART_CHARS = 1_000_000  # one server record holds at most this many characters of a JSON value
_BATCH = 500
_REQUEST_BYTES = 16_000_000  # per upsert request: `chroma run` refuses bodies of about 40 MB and more


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    """Write JSON durably and atomically (temp file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_current(db_dir: Path) -> str | None:
    """The active local generation's name, or None before the first sync."""
    try:
        name = (db_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if GEN_PATTERN.match(name) else None


class LocalState:
    """Generations as folders of JSON files in `db_dir`; `CURRENT` names the active one."""

    remote = False

    def __init__(self, db_dir: Path) -> None:
        self.db_dir = db_dir

    def current(self) -> str | None:
        return read_current(self.db_dir)

    def set_current(self, gen: str) -> None:
        """Point readers at `gen` (atomic rename, then fsync of the folder)."""
        tmp = self.db_dir / f".{CURRENT}.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(gen + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.db_dir / CURRENT)
        _fsync_dir(self.db_dir)

    def generations(self) -> list[str]:
        """Every generation folder, finished or not, oldest first."""
        if not self.db_dir.is_dir():
            return []
        return sorted(p.name for p in self.db_dir.iterdir() if p.is_dir() and GEN_PATTERN.match(p.name))

    def begin(self, gen: str) -> None:
        (self.db_dir / gen).mkdir(parents=True)

    def put(self, gen: str, name: str, value: Any) -> None:
        write_json(self.db_dir / gen / name, value)

    def get(self, gen: str, name: str) -> Any:
        """The JSON value stored under (gen, name); FileNotFoundError if there is none."""
        return json.loads((self.db_dir / gen / name).read_text(encoding="utf-8"))

    def has(self, gen: str, name: str) -> bool:
        return (self.db_dir / gen / name).exists()

    def finish(self, gen: str) -> None:
        _fsync_dir(self.db_dir / gen)

    def put_documents(self, docs: dict[str, dict[str, Any]]) -> None:
        """Documents are not kept locally: the corpus folder (and its cache) has them."""

    def get_documents(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {}

    def drop(self, gen: str) -> None:
        import shutil

        shutil.rmtree(self.db_dir / gen, ignore_errors=True)

    def keep_documents(self, keys: set[str]) -> None:
        """Nothing to collect locally."""


class ServerState:
    """The same records in a `<collection>-state` collection of a Chroma server.

    JSON values are split over records of at most `_PART_CHARS` characters; documents are records
    keyed `doc:<signature>`. Records carry a 1-d zero vector: Chroma stores nothing without one.
    """

    remote = True

    def __init__(self, client: ClientAPI, collection: str) -> None:
        self._client = client
        self._name = f"{collection}-state"
        self._collection: Any = None

    def _records(self) -> Any:
        if self._collection is None:
            self._collection = self._client.get_or_create_collection(
                self._name, configuration={"hnsw": {"space": "l2"}}, embedding_function=None
            )
        return self._collection

    def _upsert(self, ids: list[str], documents: list[str], metadatas: list[dict[str, Any]]) -> None:
        """Write records in requests of at most `_BATCH` records and about `_REQUEST_BYTES` of text."""
        sizes = [len(text.encode()) for text in documents]
        start, size = 0, 0
        for end in range(1, len(ids) + 1):
            size += sizes[end - 1]
            if end == len(ids) or end - start >= _BATCH or size + sizes[end] > _REQUEST_BYTES:
                self._records().upsert(ids=ids[start:end], documents=documents[start:end],
                                       metadatas=metadatas[start:end], embeddings=[[0.0]] * (end - start))
                start, size = end, 0

    def current(self) -> str | None:
        got = self._records().get(ids=[CURRENT], include=["documents"])
        name = got["documents"][0] if got["ids"] else None
        return name if name and GEN_PATTERN.match(name) else None

    def set_current(self, gen: str) -> None:
        self._upsert([CURRENT], [gen], [{"kind": "current", "gen": gen}])

    def generations(self) -> list[str]:
        prefix = self._name.removesuffix("-state") + "-"
        names = {c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()}
        gens = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
        got = self._records().get(where={"kind": "value"}, include=["metadatas"])
        gens.update(m["gen"] for m in got["metadatas"])
        return sorted(g for g in gens if GEN_PATTERN.match(g))

    def begin(self, gen: str) -> None:
        """Nothing to prepare: records are created as they are written."""

    def put(self, gen: str, name: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        parts = [text[i : i + _PART_CHARS] for i in range(0, len(text), _PART_CHARS)] or [""]
        self._upsert(
            [f"{gen}/{name}/{i:05d}" for i in range(len(parts))],
            parts,
            [{"kind": "value", "gen": gen, "name": name, "part": i, "parts": len(parts)} for i in range(len(parts))],
        )

    def get(self, gen: str, name: str) -> Any:
        got = self._records().get(where={"$and": [{"gen": gen}, {"name": name}]}, include=["metadatas"])
        if not got["ids"]:
            raise FileNotFoundError(f"{gen}/{name} is not on the Chroma server")
        parts = sorted(zip(got["metadatas"], got["ids"], strict=True), key=lambda p: p[0]["part"])
        if len(parts) != parts[0][0]["parts"]:
            raise FileNotFoundError(f"{gen}/{name} is incomplete on the Chroma server")
        texts: dict[str, str] = {}
        step = max(1, _REQUEST_BYTES // (3 * _PART_CHARS))  # parts per request (3 bytes a character at most)
        for i in range(0, len(parts), step):
            batch = self._records().get(ids=[rid for _, rid in parts[i : i + step]], include=["documents"])
            texts.update(zip(batch["ids"], batch["documents"], strict=True))
        return json.loads("".join(texts[rid] for _, rid in parts))

    def has(self, gen: str, name: str) -> bool:
        return bool(self._records().get(ids=[f"{gen}/{name}/00000"], include=[])["ids"])

    def finish(self, gen: str) -> None:
        """Server writes are durable once acknowledged."""

    def put_documents(self, docs: dict[str, dict[str, Any]]) -> None:
        """Store documents (key -> JSON-ready dict) that the server does not hold yet."""
        keys = sorted(docs)
        have: set[str] = set()
        for i in range(0, len(keys), _BATCH):
            have.update(self._records().get(ids=[f"doc:{k}" for k in keys[i : i + _BATCH]], include=[])["ids"])
        new = [k for k in keys if f"doc:{k}" not in have]
        self._upsert(
            [f"doc:{k}" for k in new],
            [json.dumps(docs[k], ensure_ascii=False, separators=(",", ":")) for k in new],
            [{"kind": "doc", "doc_id": docs[k]["doc_id"]} for k in new],
        )

    def get_documents(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        keys = sorted(set(keys))
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), _BATCH):
            got = self._records().get(ids=[f"doc:{k}" for k in keys[i : i + _BATCH]], include=["documents"])
            for record_id, text in zip(got["ids"], got["documents"], strict=True):
                out[record_id.removeprefix("doc:")] = json.loads(text)
        return out

    def drop(self, gen: str) -> None:
        self._records().delete(where={"$and": [{"gen": gen}, {"kind": "value"}]})

    def keep_documents(self, keys: set[str]) -> None:
        """Delete stored documents that no kept generation refers to."""
        got = self._records().get(where={"kind": "doc"}, include=[])
        stale = [i for i in got["ids"] if i.removeprefix("doc:") not in keys]
        for i in range(0, len(stale), _BATCH):
            self._records().delete(ids=stale[i : i + _BATCH])
