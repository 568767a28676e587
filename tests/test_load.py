"""Loading: encodings, formats, and bad files reported (not fatal)."""

from __future__ import annotations

import os

import pytest

from corpus.load import LoadFailure, read_document
from corpus.pipeline import BUNDLED_CORPUS, load_corpus, load_document

BODY = "一、总体要求\n为加快集成电路产业发展，制定本措施。\n"


def _minimal_pdf(text: str | None) -> bytes:
    """A one-page PDF, with an ASCII text layer when `text` is given."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@pytest.mark.parametrize(
    "data",
    [BODY.encode("utf-8"), b"\xef\xbb\xbf" + BODY.encode("utf-8"), BODY.encode("gb18030")],
    ids=["utf8", "utf8-bom", "gb18030"],
)
def test_text_encodings_load(tmp_path, data):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    doc = load_document(path)
    assert "为加快集成电路产业发展" in doc.text
    assert doc.original.startswith("一、总体要求")


def test_traditional_gb18030_file_loads(tmp_path):
    path = tmp_path / "trad.txt"
    path.write_bytes("蘇州工業園區集成電路產業發展，制定本計劃。".encode("gb18030"))
    doc = load_document(path)
    assert doc.text.startswith("蘇州工業園區")
    assert doc.search_text.startswith("苏州工业园区")


def test_bad_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "a_good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_random.txt").write_bytes(os.urandom(4096))
    (tmp_path / "d_fake.docx").write_bytes(b"not a zip file at all")
    (tmp_path / "e_scan.pdf").write_bytes(_minimal_pdf(None))
    (tmp_path / "notes.csv").write_text("ignored", encoding="utf-8")
    docs, errors = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["a_good.txt"]
    reasons = {os.path.basename(e.path): e.reason for e in errors}
    assert set(reasons) == {"b_empty.txt", "c_random.txt", "d_fake.docx", "e_scan.pdf"}
    assert "empty" in reasons["b_empty.txt"]
    assert "binary" in reasons["c_random.txt"] or "UTF-8" in reasons["c_random.txt"]
    assert "docx" in reasons["d_fake.docx"].lower()
    assert "text layer" in reasons["e_scan.pdf"]


def test_load_document_raises_load_failure(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    with pytest.raises(LoadFailure) as info:
        load_document(path)
    assert info.value.reason


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("关于支持芯片企业的若干措施")
    d.add_paragraph("一、支持首轮流片")
    d.add_paragraph("给予首轮流片费用40%的补助。")
    path = tmp_path / "policy.docx"
    d.save(path)
    doc = load_document(path)
    assert "给予首轮流片费用40%的补助。" in doc.text
    assert doc.meta.title == "关于支持芯片企业的若干措施"


def test_html_drops_script_style_nav(tmp_path):
    html = (
        "<html><head><meta charset='utf-8'><style>p{color:red}</style>"
        "<script>var tracking = 1;</script></head><body><nav>首页 | 政策</nav>"
        "<h1>关于加快新型显示产业发展的通知</h1><p>一、对新建项目给予奖励。</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    text, _ = read_document(path)
    assert "给予奖励" in text and "关于加快新型显示产业发展的通知" in text
    assert "tracking" not in text and "color" not in text and "首页" not in text


def test_pdf_with_text_layer(tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(_minimal_pdf("Subsidy 40 percent of tape-out cost"))
    text, raw = read_document(path)
    assert "Subsidy 40 percent" in text
    assert raw.startswith(b"%PDF")


def test_bundled_corpus_loads_sorted():
    docs, errors = load_corpus(BUNDLED_CORPUS)
    assert errors == []
    ids = [d.doc_id for d in docs]
    assert ids == sorted(ids) and len(ids) == 5
    assert all(len(d.content_hash) == 64 for d in docs)


def test_missing_folder_is_an_error(tmp_path):
    docs, errors = load_corpus(tmp_path / "nope")
    assert docs == [] and "not found" in errors[0].reason
