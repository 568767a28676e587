"""Read a source file into text: plain text and Markdown (encoding detected), Word, HTML, PDF.

Only decoding happens here; every other change to the text is the cleaner's job, so that
`Document.original` is exactly what the file says.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")


class LoadFailure(Exception):
    """A file that cannot be read as a document; `reason` is meant for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_document(path: Path) -> tuple[str, bytes]:
    """Return (decoded text, raw bytes) of a supported file, or raise LoadFailure."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadFailure(
            f"cannot read the file ({exc.strerror or exc}); check it exists and is readable"
        ) from exc
    if not raw.strip():
        raise LoadFailure("the file is empty; remove it or put the document's text in it")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return decode_text(raw), raw
    if suffix == ".docx":
        return _read_docx(raw), raw
    if suffix in (".html", ".htm"):
        return _read_html(raw), raw
    if suffix == ".pdf":
        return _read_pdf(raw), raw
    raise LoadFailure(f"unsupported file type '{suffix}'; supported: {', '.join(SUPPORTED_SUFFIXES)}")


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; refuse binary data."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _checked(raw[3:].decode("utf-8", errors="strict"), "UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(raw.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError as exc:
            raise LoadFailure(
                "the file starts with a UTF-16 marker but is not valid UTF-16; re-save it as UTF-8"
            ) from exc
    if b"\x00" in raw:
        raise LoadFailure(
            "this is a binary file, not text; convert it to .txt/.docx/.pdf or remove it from the corpus"
        )
    try:
        return _checked(raw.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return _checked(raw.decode("gb18030"), "GB18030")
    except UnicodeDecodeError as exc:
        raise LoadFailure(
            "the text is neither UTF-8 nor GB18030/GBK (or the file is binary); re-save it as UTF-8"
        ) from exc


def _checked(text: str, encoding: str) -> str:
    """Reject decodings that are mostly control or unassigned characters (binary data)."""
    sample = text[:20000]
    bad = sum(
        1 for ch in sample if (unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\n\r\t\f")
    )
    if sample and bad / len(sample) > 0.02:
        raise LoadFailure(
            f"decodes as {encoding} only to control/unassigned characters, so it is probably binary; "
            "convert it to text or remove it from the corpus"
        )
    return text


def _read_docx(raw: bytes) -> str:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise LoadFailure("reading .docx needs the 'python-docx' package: pip install python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise LoadFailure("not a valid Word .docx file (old .doc files must be re-saved as .docx)") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_html(raw: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(raw), "html.parser")
    for tag in soup(["script", "style", "nav", "noscript", "template", "iframe"]):
        tag.decompose()
    body = soup.body or soup
    lines = [line.strip() for line in body.get_text("\n").splitlines()]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise LoadFailure("the HTML page has no visible text")
    return text


def _read_pdf(raw: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise LoadFailure("reading .pdf needs the 'pypdf' package: pip install pypdf") from exc
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many error types for damaged files
        raise LoadFailure(f"not a readable PDF ({type(exc).__name__}); re-export it") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise LoadFailure("the PDF has no text layer (scanned image?); run OCR on it first")
    return text
