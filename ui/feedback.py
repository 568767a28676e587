"""User feedback (👍/👎 + comment) on answers: a local SQLite file, exportable as JSON Lines."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from qa.schema import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- +1 helpful, -1 not helpful
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    citations TEXT NOT NULL,          -- JSON list of Citation dicts
    answer_json TEXT NOT NULL         -- the full Answer.to_dict()
)
"""


@contextmanager
def _connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path, timeout=10)) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute(_SCHEMA)
        with conn:
            yield conn


def record(db_path: Path, answer: Answer, rating: int, comment: str = "") -> int:
    """Store one rating (+1/-1) of `answer` with its question and citations; returns the row id."""
    if rating not in (1, -1):
        raise ValueError("rating must be +1 or -1")
    data = answer.to_dict()
    with _connect(db_path) as conn:
        cur = conn.execute(
            "INSERT INTO feedback (created_at, rating, comment, question, answer, answerable, citations, answer_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="seconds"),
                rating,
                comment.strip(),
                answer.question,
                answer.answer,
                int(answer.answerable),
                json.dumps(data["citations"], ensure_ascii=False),
                json.dumps(data, ensure_ascii=False),
            ),
        )
        return int(cur.lastrowid or 0)


def rows(db_path: Path) -> list[dict]:
    """Every stored rating, oldest first, as plain dicts (citations decoded)."""
    if not Path(db_path).exists():
        return []
    with _connect(db_path) as conn:
        out = []
        for r in conn.execute("SELECT * FROM feedback ORDER BY id"):
            d = dict(r)
            d["answerable"] = bool(d["answerable"])
            d["citations"] = json.loads(d["citations"])
            d["rewritten_question"] = json.loads(d.pop("answer_json")).get("rewritten_question", "")
            out.append(d)
        return out


def export_jsonl(db_path: Path, out: Path | str | TextIO) -> int:
    """Write every rating as one JSON object per line to a path or text stream; returns the count."""
    records = rows(db_path)
    if isinstance(out, str | Path):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            return _write(records, fh)
    return _write(records, out)


def _write(records: list[dict], fh: TextIO) -> int:
    for r in records:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(records)
