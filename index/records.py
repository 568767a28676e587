"""Documents as JSON records (for workers that read the corpus from a Chroma server, not a folder).

Generic over the dataclass fields, so fields added to `Document`/`DocMeta` travel without edits
here: dates become ISO strings and come back as dates, flags as lists of their fields.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Any

from corpus.schema import DocMeta, Document, Flag


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def document_to_json(doc: Document) -> dict[str, Any]:
    """Every field of `doc` as JSON-ready values."""
    return _plain(doc)


def _revive(cls: type, data: dict[str, Any]) -> Any:
    """Build dataclass `cls` from `data`, turning ISO strings back into dates where a field is a date."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue  # a field added since the record was written keeps its default
        value = data[f.name]
        hint = hints.get(f.name)
        if isinstance(value, str) and value and date in typing.get_args(hint) + (hint,):
            value = date.fromisoformat(value)
        values[f.name] = value
    return cls(**values)


def document_from_json(data: dict[str, Any]) -> Document:
    """The `Document` that `document_to_json` wrote."""
    doc = _revive(Document, data)
    doc.meta = _revive(DocMeta, data.get("meta") or {})
    doc.flags = [_revive(Flag, f) for f in data.get("flags") or []]
    return doc
