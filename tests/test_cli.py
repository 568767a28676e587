"""The `policyqa corpus` commands on the real seeds and on a user's folder with bad files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from corpus.pipeline import BUNDLED_CORPUS

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "POLICYQA_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_corpus_table_lists_every_seed_with_metadata(tmp_path):
    out = _cli("corpus", home=tmp_path)
    assert out.returncode == 0, out.stderr
    for path in BUNDLED_CORPUS.glob("*.txt"):
        assert path.name in out.stdout
    assert "郑州市人民政府办公厅" in out.stdout and "至2025-06-02" in out.stdout
    assert "mojibake" in out.stdout and "5 documents" in out.stdout
    # the default corpus is a writable working copy of the bundled one
    assert sorted(p.name for p in (tmp_path / "corpus").glob("*.txt")) == sorted(
        p.name for p in BUNDLED_CORPUS.glob("*.txt"))


def test_corpus_show_prints_heading_paths(tmp_path):
    out = _cli("corpus", "show", "001_34e1b1a508027352.txt", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "四、支持政策 > (三)鼓励产业创新发展 > 10." in out.stdout
    missing = _cli("corpus", "show", "nope.txt", home=tmp_path)
    assert missing.returncode == 2 and "no document 'nope.txt'" in missing.stderr


def test_user_folder_with_bad_files_reports_them_and_loads_the_rest(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(BUNDLED_CORPUS / "002_bffc04d33daf096a.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    out = _cli("corpus", "--corpus", str(folder), home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "1 documents" in out.stdout or "1 document" in out.stdout
    assert "empty.txt" in out.stdout and "binary.txt" in out.stdout


def test_corpus_json_lists_every_documents_metadata(tmp_path):
    import json

    out = _cli("corpus", "--json", "--corpus", str(BUNDLED_CORPUS), home=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["doc_id"] for r in rows] == sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))
    huli = next(r for r in rows if r["doc_id"].startswith("002"))
    assert huli["region"] == "福建省厦门市湖里区" and huli["region_code"] == "350206"
    assert huli["doc_number"] == "厦湖科工函〔2024〕14号" and huli["is_draft"] is False
    assert "title" not in next(r for r in rows if r["doc_id"].startswith("001"))["evidence"]  # manifest title
