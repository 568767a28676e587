"""index.corpus_cache on the real seed documents: same result as a full load, only changed files re-read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from index.corpus_cache import _read_cache, _write_cache, corpus_code_version, load_corpus_cached

LOANS = "000_7ffa5a2794a463d8.txt"
POWER = "003_ce3df761baefe2e7.txt"


def _copy_seeds(folder: Path) -> Path:
    shutil.copytree(BUNDLED_CORPUS, folder)
    return folder


def _summary(docs, chunks) -> list[tuple]:
    return [(d.doc_id, d.text, d.meta, d.origin, [(c.chunk_id, c.heading_path) for c in chunks[d.doc_id]])
            for d in docs]


def test_cached_load_matches_a_full_load(tmp_path: Path) -> None:
    corpus = _copy_seeds(tmp_path / "corpus")
    cache = tmp_path / "db" / "corpus.pickle"
    docs, errors = load_corpus(corpus)
    expected = _summary(docs, {d.doc_id: chunk_document(d) for d in docs})
    cold = load_corpus_cached(corpus, cache)
    warm = load_corpus_cached(corpus, cache)
    assert cold.errors == errors == warm.errors
    assert len(cold.loaded) == len(docs) and cold.reused == []
    assert warm.loaded == [] and len(warm.reused) == len(docs)
    assert _summary(cold.docs, cold.chunks) == expected == _summary(warm.docs, warm.chunks)


def test_only_changed_files_are_reloaded(tmp_path: Path) -> None:
    corpus = _copy_seeds(tmp_path / "corpus")
    cache = tmp_path / "corpus.pickle"
    load_corpus_cached(corpus, cache)

    st = (corpus / LOANS).stat()
    os.utime(corpus / LOANS, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched, same bytes
    with (corpus / POWER).open("a", encoding="utf-8") as fh:
        fh.write("\n十、附则\n氢能重卡示范运营车辆按每辆12万元给予一次性补贴。\n")
    (corpus / "new.txt").write_text("关于支持新能源汽车产业发展的若干措施\n一、对新购车辆给予每辆3000元补贴。\n",
                                    encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    again = load_corpus_cached(corpus, cache)
    assert again.loaded == sorted([POWER, "new.txt", "empty.txt"])
    assert LOANS in again.reused
    assert any("12万元" in c.display_text for c in again.chunks[POWER])
    assert [e.path for e in again.errors] == [str(corpus / "empty.txt")]

    (corpus / "new.txt").unlink()
    third = load_corpus_cached(corpus, cache)
    assert third.loaded == [] and "new.txt" not in {d.doc_id for d in third.docs}
    assert [e.path for e in third.errors] == [str(corpus / "empty.txt")], "a failed file is reported every time"


def test_manifest_edit_and_code_change_reload(tmp_path: Path) -> None:
    corpus = _copy_seeds(tmp_path / "corpus")
    cache = tmp_path / "corpus.pickle"
    load_corpus_cached(corpus, cache)
    manifest_path = corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[LOANS] = {**manifest.get(LOANS, {}), "title": "改过的标题"}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    edited = load_corpus_cached(corpus, cache)
    assert edited.loaded == [LOANS]
    assert next(d for d in edited.docs if d.doc_id == LOANS).meta.title == "改过的标题"

    entries = _read_cache(cache, corpus_code_version())
    _write_cache(cache, "an older corpus stage", entries)  # as if cleaning or chunking code had changed
    assert len(load_corpus_cached(corpus, cache).loaded) == len(entries)


def test_version_links_survive_a_warm_load_and_follow_a_removal(tmp_path: Path) -> None:
    extra = Path(__file__).parent / "corpora" / "policies-extra"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("shengzhou_4173_2024.txt", "shengzhou_4173_2025.txt"):
        shutil.copy(extra / name, corpus / name)
    cache = tmp_path / "corpus.pickle"

    def links(loaded) -> dict[str, str]:
        return {d.doc_id: d.meta.superseded_by for d in loaded.docs}

    cold = links(load_corpus_cached(corpus, cache))
    assert cold["shengzhou_4173_2024.txt"] == "shengzhou_4173_2025.txt"
    assert links(load_corpus_cached(corpus, cache)) == cold  # unchanged: taken from the cache, not re-linked
    (corpus / "shengzhou_4173_2025.txt").unlink()
    assert links(load_corpus_cached(corpus, cache)) == {"shengzhou_4173_2024.txt": ""}
