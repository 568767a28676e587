"""Plain-text views of the corpus for the CLI: the document table and one document's chunks."""

from __future__ import annotations

import unicodedata

from corpus.schema import Chunk, Document, LoadError

_REMOVED_SHORT = {
    "pinyin_readings": "pinyin",
    "header_lines": "header",
    "advert_lines": "advert",
    "image_lines": "image",
    "markdown_markup": "markdown",
    "joined_line_breaks": "joined",
    "mojibake_repaired_chars": "repaired",
    "spaces": "spaces",
}


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _fit(s: str, width: int) -> str:
    """Truncate/pad to a display width, counting CJK characters as two columns."""
    out, used = [], 0
    for ch in s:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - (1 if _width(s) > width else 0):
            out.append("…")
            used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(width - used, 0)


def _validity(meta) -> str:
    if meta.valid_until:
        return f"至{meta.valid_until.isoformat()}"
    return meta.status or "-"


def _version(meta) -> str:
    if not meta.version_group:
        return "-"
    return f"旧版→{meta.superseded_by}" if meta.superseded_by else "最新版"


def corpus_table(docs: list[Document], chunks_by_doc: dict[str, list[Chunk]], errors: list[LoadError]) -> str:
    """One row per document (id, title, issuer, date, region, type, validity, chunks, cleaning notes), then errors."""
    cols = [
        ("doc", 26),
        ("title", 34),
        ("issuer", 22),
        ("date", 10),
        ("region", 16),
        ("number", 16),
        ("type", 8),
        ("validity", 14),
        ("version", 14),
        ("chunks", 6),
    ]
    lines = ["  ".join(_fit(name, w) for name, w in cols) + "  cleaning"]
    for doc in docs:
        m = doc.meta
        removed = ", ".join(
            f"{_REMOVED_SHORT.get(k, k)} {v}" for k, v in doc.removed.items() if k != "spaces"
        )
        flags = sorted({f.kind for f in doc.flags})
        notes = "; ".join(x for x in (removed, ("flagged: " + ", ".join(flags)) if flags else "") if x) or "-"
        row = [
            doc.doc_id,
            m.title or "(no title)",
            m.issuer or "-",
            m.date.isoformat() if m.date else "-",
            m.region or "-",
            m.doc_number or "-",
            ("草稿 " if m.is_draft else "") + (m.doc_type or "-"),
            _validity(m),
            _version(m),
            str(len(chunks_by_doc.get(doc.doc_id, []))),
        ]
        lines.append("  ".join(_fit(v, w) for v, (_, w) in zip(row, cols, strict=True)) + "  " + notes)
    total = sum(len(chunks_by_doc.get(d.doc_id, [])) for d in docs)
    lines.append(f"{len(docs)} documents, {total} chunks")
    if errors:
        lines.append(f"{len(errors)} file(s) not loaded:")
        lines.extend(f"  {e.path}: {e.reason}" for e in errors)
    return "\n".join(lines)


def show_document(doc: Document, chunks: list[Chunk]) -> str:
    """The cleaned text, chunk by chunk, with heading paths, sections, offsets and raw-file lines."""
    m = doc.meta
    head = [
        f"{doc.doc_id}  {m.title or '(no title)'}",
        f"issuer: {m.issuer or '-'}   date: {m.date or '-'}   number: {m.doc_number or '-'}   "
        f"region: {m.region or '-'} ({m.region_code or '-'}{f', read from {m.region_from}' if m.region_from else ''})"
        f"   type: {m.doc_type or '-'}"
        + ("   draft (征求意见稿)" if m.is_draft else ""),
    ]
    if m.version_group:
        head.append(f"versions: group {m.version_group}; " + (f"superseded by {m.superseded_by}" if m.superseded_by else "newest"))
    for key, (start, end) in m.evidence.items():
        head.append(f"evidence {key}: [{start}:{end}] {doc.text[start:end][:60]}")
    if m.valid_from or m.valid_until or m.status:
        head.append(f"valid: {m.valid_from or '?'} – {m.valid_until or '?'}   status: {m.status or '-'}")
    if doc.removed:
        head.append("cleaning removed: " + ", ".join(f"{k} {v}" for k, v in doc.removed.items()))
    for flag in doc.flags:
        head.append(
            f"flag {flag.kind} [{flag.start}:{flag.end}] line {doc.original_line(flag.start)}: {flag.detail}"
        )
    out = ["\n".join(head)]
    for c in chunks:
        marks = [c.section] if c.section != "policy" else []
        marks += [f"⚠ {f}" for f in c.flags]
        rule = (
            f"── [{c.position:04d}] {c.heading or '(no heading)'}"
            f"{'  (' + ', '.join(marks) + ')' if marks else ''}"
            f"  chars {c.start}-{c.end}, raw line {doc.original_line(c.start)}"
        )
        out.append(rule + "\n" + c.display_text)
    return "\n\n".join(out)
