"""The corpus stage's data types: defined once, used by every later stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class Flag:
    """A span of the cleaned text that needs care, e.g. a garbled (mojibake) stretch.

    `start`/`end` are offsets into `Document.text`; `kind` is a short tag such as
    "mojibake"; `detail` says what was found or repaired, for people.
    """

    kind: str
    start: int
    end: int
    detail: str = ""


@dataclass
class DocMeta:
    """What a document is: extracted from its text, overridable by a manifest."""

    title: str = ""
    issuer: str = ""
    date: date | None = None
    doc_number: str = ""
    region: str = ""
    doc_type: str = ""  # 政策文件 / 提案答复 / 工作动态 / 行动计划 / 法律法规 ...
    valid_from: date | None = None
    valid_until: date | None = None
    status: str = ""  # as stated by the document, e.g. "有效"
    is_draft: bool = False  # 征求意见稿 / 草案 / 送审稿: not an adopted rule
    region_code: str = ""  # gazetteer code of `region` ("000000" = 全国)
    # field name → (start, end) in Document.text of the line that states it, for citing document facts
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)
    version_group: str = ""  # shared by documents that are versions of one policy (corpus.versions)
    superseded_by: str = ""  # doc_id of the newest version; "" for the newest itself
    region_from: str = ""  # doc_id of the version or copy `region` was read from, when the text names none itself

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("date", "valid_from", "valid_until"):
            d[key] = d[key].isoformat() if d[key] else ""
        d["evidence"] = {k: list(v) for k, v in self.evidence.items()}
        return d


@dataclass
class Document:
    """One source document after cleaning.

    `text` is the cleaned text in the document's own script (what citations quote and
    the UI shows); `search_text` is the same text normalised for search (NFKC width,
    simplified script) and has exactly the same length, so offsets carry over.
    `origin[i]` is the offset in `original` of the character `text[i]`, which maps any
    citation back to the raw file.
    """

    doc_id: str  # the file name, stable across runs
    path: str
    original: str
    text: str
    search_text: str
    origin: list[int]
    meta: DocMeta
    flags: list[Flag] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)  # what cleaning dropped: kind -> count
    content_hash: str = ""  # sha256 of the raw file bytes

    def original_line(self, offset: int) -> int:
        """1-based line number in the raw file of the cleaned-text offset."""
        pos = self.origin[min(max(offset, 0), len(self.origin) - 1)] if self.origin else 0
        return self.original.count("\n", 0, pos) + 1


@dataclass
class Chunk:
    """A clause-level piece of a document, the unit that is embedded, retrieved and cited.

    `start`/`end` are offsets into `Document.text`; `display_text == text[start:end]`
    and `search_text == search_text[start:end]` of the document. `section` is
    "policy" for body text and e.g. "contact"/"footer" for non-policy sections.
    """

    chunk_id: str  # "{doc_id}:{position:04d}:{sha1(display_text)[:10]}"
    doc_id: str
    position: int
    heading_path: list[str]
    start: int
    end: int
    display_text: str
    search_text: str
    section: str = "policy"
    flags: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)


@dataclass
class LoadError:
    """A file that could not be loaded, and why (shown to the user; the rest still load)."""

    path: str
    reason: str
