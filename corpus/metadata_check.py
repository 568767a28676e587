"""Check extracted metadata against a clerk's expected rows: errors counted per field.

Expected rows live beside the test corpora (`expected_meta.jsonl`, one JSON object a line:
file, title, issuer, date, doc_number, region, is_draft, valid_from, valid_until; "" when the
text does not state it). Values are compared in search form (simplified script, NFKC width)
with whitespace and pinyin readings removed, so a traditional-script title matches its own script's expectation
and a copy's readings (關(guān)于) count as the noise cleaning drops, as the scorer counts them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.clean import search_form, strip_readings
from corpus.gazetteer import gazetteer
from corpus.schema import Document

CHECKED_FIELDS = (
    "title",
    "issuer",
    "date",
    "doc_number",
    "region",
    "is_draft",
    "valid_from",
    "valid_until",
)


def meta_row(doc: Document) -> dict:
    """One document's metadata as a JSON-friendly row (what `policyqa corpus --json` prints)."""
    return {"doc_id": doc.doc_id, **doc.meta.to_dict()}


def read_expected(path: Path) -> list[dict]:
    """Expected rows from a JSONL file; a line that is not a JSON object raises ValueError naming it."""
    rows = []
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or "file" not in row:
            raise ValueError(f"{path}:{number}: expected a JSON object with a 'file' key")
        rows.append(row)
    return rows


def _norm(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    return re.sub(r"\s+", "", search_form(strip_readings(str(value or ""))))


def _same_place(want: str, have: str) -> bool:
    """Do two region paths name one place of the gazetteer (a zone by two of its names: 喀什经济开发区 and the
    statistical 喀什经济技术开发区)?"""

    def place(path: str) -> str:  # the place the whole path names: its last name ends the path
        path = re.sub(r"\s+", "", search_form(path))
        found = gazetteer().find(path)
        return found[-1].place.code if found and found[-1].end == len(path) else ""
    return bool(want and have) and place(want) == place(have) != ""


@dataclass
class MetaReport:
    """Per-field error counts and the mismatches behind them."""

    checked: int = 0
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKED_FIELDS, 0))
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)  # file, field, want, got
    missing: list[str] = field(default_factory=list)  # expected files that were not loaded

    def table(self) -> str:
        head = f"{'field':<12} errors / {self.checked}"
        lines = [head] + [f"{name:<12} {count}" for name, count in self.errors.items()]
        lines.append(f"{'total':<12} {sum(self.errors.values())}")
        lines += [f"  {f}: {name}: want {want!r} got {got!r}" for f, name, want, got in self.mismatches]
        lines += [f"  {f}: not loaded" for f in self.missing]
        return "\n".join(lines)


def check_metadata(docs: list[Document], expected: list[dict]) -> MetaReport:
    """Compare each expected row with the loaded document of the same file name."""
    by_id = {d.doc_id: d for d in docs}
    by_name = {Path(d.doc_id).name: d for d in docs}
    report = MetaReport()
    for row in expected:
        doc = by_id.get(row["file"]) or by_name.get(Path(row["file"]).name)
        if doc is None:
            report.missing.append(row["file"])
            continue
        report.checked += 1
        got = doc.meta.to_dict()
        for name in CHECKED_FIELDS:
            want = row.get(name, False if name == "is_draft" else "")
            have = got.get(name, False if name == "is_draft" else "")
            if _norm(want) != _norm(have) and not (name == "region" and _same_place(str(want), str(have))):
                report.errors[name] += 1
                report.mismatches.append((row["file"], name, str(want), str(have)))
    return report
