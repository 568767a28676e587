"""Validate the measurement question sets and expected metadata (data only, no PolicyQA run).

Checks every ``questions*.jsonl`` under ``tests/corpora/`` and the shared
``../shared/corpora/policies-dev/questions.jsonl``: JSON shape, unique ids, split/kind values,
evidence verbatim in a source (after whitespace removal), and every ``must_include`` group has an
alternative present in the sources after the scorer's normalisation. Corpora that live outside the
repository (``../shared``) are skipped when absent, e.g. on CI.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "tests" / "corpora"
SHARED = REPO.parent / "shared" / "corpora"

SPLITS = {"calib", "heldout"}
KINDS = {
    "plain", "paraphrase", "colloquial", "multi", "traditional", "english", "docfact",
    "place", "version", "nearmiss", "uncovered", "crossdoc",
}
META_KEYS = {
    "file", "title", "issuer", "date", "doc_number", "region", "is_draft", "valid_from", "valid_until",
}

# Same normalisation as ../shared/eval/score.py `norm` (kept here so the test runs without it).
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zA-Z\u00c0-\u024f\u0300-\u036f]{1,8}\)")
_TRAD = str.maketrans({"億": "亿", "萬": "万", "個": "个", "條": "条", "餘": "余", "層": "层"})


def norm(s: str) -> str:
    """The scorer's normalisation: NFKC, pinyin junk removed, a few traditional digits, no spaces."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _PINYIN.sub("", s).translate(_TRAD)
    return re.sub(r"\s+", "", s)


def nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _question_files() -> list[tuple[Path, bool]]:
    """(questions file, whether split/kind are required)."""
    files = [(p, True) for p in sorted(CORPORA.glob("*/questions*.jsonl"))]
    files.append((SHARED / "policies-dev" / "questions.jsonl", False))
    return files


def _source_dir(qfile: Path) -> Path:
    """Where a question file's ``sources`` live."""
    folder = qfile.parent
    if folder.parent == CORPORA and folder.name != "laws-slice" and not any(folder.glob("*.txt")):
        return SHARED / folder.name  # questions over a shared corpus, kept in the repo
    return folder


def _source_text(qfile: Path, name: str) -> str | None:
    if qfile.parent.name == "laws-slice":
        for rel in _laws_slice_files():
            if Path(rel).name == name:
                path = SHARED / "laws-cn" / rel
                return path.read_text(encoding="utf-8") if path.is_file() else None
        return None
    path = _source_dir(qfile) / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _laws_slice_files() -> list[str]:
    listing = CORPORA / "laws-slice" / "files.txt"
    if not listing.is_file():
        return []
    return [ln.strip() for ln in listing.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def _needs_shared(qfile: Path) -> bool:
    return qfile.parent.name == "laws-slice" or _source_dir(qfile) != qfile.parent \
        or qfile.is_relative_to(SHARED)


QFILES = _question_files()


@pytest.mark.parametrize("qfile,strict", QFILES, ids=[str(p.relative_to(p.parents[2])) for p, _ in QFILES])
def test_question_file(qfile: Path, strict: bool) -> None:
    if not qfile.is_file() or (_needs_shared(qfile) and not SHARED.is_dir()):
        pytest.skip(f"{qfile} or the shared corpora are not available here")
    items = [json.loads(ln) for ln in qfile.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert items, f"{qfile} is empty"
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids)), f"duplicate ids in {qfile}"
    problems = []
    for it in items:
        qid = it["id"]
        for key, typ in (("question", str), ("answerable", bool), ("sources", list),
                         ("must_include", list), ("evidence", str), ("note", str)):
            if not isinstance(it.get(key), typ):
                problems.append(f"{qid}: {key} missing or not {typ.__name__}")
        if strict:
            if it.get("split") not in SPLITS:
                problems.append(f"{qid}: split {it.get('split')!r}")
            if it.get("kind") not in KINDS:
                problems.append(f"{qid}: kind {it.get('kind')!r}")
        elif "split" in it and it["split"] not in SPLITS:
            problems.append(f"{qid}: split {it['split']!r}")
        if not it.get("question", "").strip():
            problems.append(f"{qid}: empty question")
        if not it.get("answerable"):
            if it.get("sources") or it.get("must_include"):
                problems.append(f"{qid}: unanswerable item with sources/must_include")
            if not it.get("note", "").strip():
                problems.append(f"{qid}: unanswerable item without a note saying why")
            continue
        if not it["sources"] or not it["must_include"]:
            problems.append(f"{qid}: answerable item without sources or must_include")
            continue
        texts = []
        for name in it["sources"]:
            text = _source_text(qfile, name)
            if text is None:
                problems.append(f"{qid}: source {name} not found")
            else:
                texts.append(text)
        if not texts:
            continue
        if not any(nospace(it["evidence"]) in nospace(t) for t in texts):
            problems.append(f"{qid}: evidence not verbatim in {it['sources']}")
        joined = norm("".join(texts))
        for group in it["must_include"]:
            if not any(norm(alt) and norm(alt) in joined for alt in group.split("|")):
                problems.append(f"{qid}: must_include {group!r} not in sources")
    assert not problems, "\n".join(problems)


META_FILES = sorted(CORPORA.glob("*/expected_meta.jsonl"))


@pytest.mark.parametrize("mfile", META_FILES, ids=[p.parent.name for p in META_FILES])
def test_expected_meta(mfile: Path) -> None:
    rows = [json.loads(ln) for ln in mfile.read_text(encoding="utf-8").splitlines() if ln.strip()]
    src = _source_dir(mfile)
    if not src.is_dir():
        pytest.skip("shared corpus not available")
    names = [r.get("file") for r in rows]
    assert len(names) == len(set(names)), "duplicate files"
    docs = {p.name for p in src.glob("*.txt")}
    assert set(names) == docs, f"meta/doc mismatch: {set(names) ^ docs}"
    for r in rows:
        assert set(r) == META_KEYS, f"{r.get('file')}: keys {sorted(set(r) ^ META_KEYS)}"
        assert isinstance(r["is_draft"], bool), r["file"]
        for key in ("date", "valid_from", "valid_until"):
            assert r[key] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[key]), (r["file"], key, r[key])
        text = norm((src / r["file"]).read_text(encoding="utf-8"))  # the scorer's normalisation: no pinyin readings
        for key in ("title", "issuer", "doc_number"):  # stated in the text, multi-line titles joined
            if r[key]:
                assert norm(r[key]) in text, (r["file"], key, r[key])
