"""PolicyIndex with the real e5-small model, real Chroma (local and `chroma run`) and real jieba/BM25."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from corpus.schema import Chunk, Document
from index import store
from index.embed import DEFAULT_KIND, default_model_dir, ensure_model, make_embeddings
from index.store import PolicyIndex
from index.sync import MANIFEST, embedder_version, read_current, same_index_version
from tests.chroma_server import free_port, run_chroma_server

REPO = Path(__file__).resolve().parents[1]
LOANS = "000_7ffa5a2794a463d8.txt"  # 13 chunks
CHIPS = "001_34e1b1a508027352.txt"  # 52 chunks, has the 流片 clause
XIAMEN = "002_bffc04d33daf096a.txt"  # 12 chunks, 湖里区
POWER = "003_ce3df761baefe2e7.txt"  # 9 chunks, 新郑市


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return ensure_model(default_model_dir())


@pytest.fixture(scope="session")
def embeddings(model_dir: Path) -> Embeddings:
    return make_embeddings(DEFAULT_KIND, model_dir)


def seed(folder: Path, *names: str) -> Path:
    """A corpus folder holding copies of some bundled seed documents."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(BUNDLED_CORPUS / name, folder / name)
    return folder


def load(folder: Path) -> tuple[list[Document], dict[str, list[Chunk]]]:
    docs, errors = load_corpus(folder)
    assert not errors
    return docs, {d.doc_id: chunk_document(d) for d in docs}


def n_chunks(chunks_by_doc: dict[str, list[Chunk]], *doc_ids: str) -> int:
    return sum(len(chunks_by_doc[d]) for d in doc_ids)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Iterator[PolicyIndex]:
    root = tmp_path_factory.mktemp("searchable")
    docs, chunks_by_doc = load(seed(root / "corpus", CHIPS, POWER))
    with PolicyIndex(root / "db", embeddings) as index:
        index.sync(docs, chunks_by_doc, progress=False)
        yield index


def test_dense_search_finds_liupian(searchable: PolicyIndex) -> None:
    hits = searchable.dense_search("首轮流片补助多少", k=3)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert all(-1.0 <= h.score <= 1.0 for h in hits) and hits[0].score >= hits[-1].score
    assert any("首轮流片" in searchable.get_chunk(h.chunk_id).display_text for h in hits)  # type: ignore[union-attr]


def test_dense_search_doc_filter(searchable: PolicyIndex) -> None:
    hits = searchable.dense_search("首轮流片补助多少", k=50, doc_ids={POWER, "nope.txt"})
    assert len(hits) == len(searchable.chunks(POWER))
    assert {searchable.get_chunk(h.chunk_id).doc_id for h in hits} == {POWER}  # type: ignore[union-attr]
    assert searchable.dense_search("首轮流片补助多少", doc_ids=set()) == []
    assert searchable.dense_search("首轮流片补助多少", doc_ids={"nope.txt"}) == []


@pytest.mark.parametrize("unfiltered_max", [0, 10**6])  # always a Chroma filter / always filtered afterwards
def test_scoped_dense_search_ranks_as_the_whole_index_does(
    searchable: PolicyIndex, unfiltered_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # wide scopes are applied after an unfiltered search, narrow ones as a Chroma filter: the same ranking
    monkeypatch.setattr(store, "_UNFILTERED_MAX", unfiltered_max)
    question = "集成电路企业的补助和奖励"
    everything = searchable.dense_search(question, k=len(searchable.chunks()))
    doc_of = {c.chunk_id: c.doc_id for c in searchable.chunks()}
    for scope in ({CHIPS}, {POWER}, {CHIPS, POWER}):
        for k in (1, 5, 40):
            expected = [h.chunk_id for h in everything if doc_of[h.chunk_id] in scope][:k]
            assert [h.chunk_id for h in searchable.dense_search(question, k=k, doc_ids=scope)] == expected


def test_keyword_search_and_chunk_table(searchable: PolicyIndex) -> None:
    top = searchable.keyword_search("首轮流片补助", k=5)[0]
    assert top.rank == 1 and "流片" in searchable.get_chunk(top.chunk_id).display_text  # type: ignore[union-attr]
    chips = searchable.chunks(CHIPS)
    assert [c.position for c in chips] == sorted(c.position for c in chips)
    assert len(searchable.chunks()) == sum(len(searchable.chunks(d)) for d in searchable.doc_ids())
    assert searchable.get_chunk("missing") is None
    assert searchable.doc_ids() == {CHIPS, POWER}
    expected = hashlib.sha256((BUNDLED_CORPUS / CHIPS).read_bytes()).hexdigest()
    assert searchable.doc_hashes()[CHIPS] == expected


def test_chroma_holds_display_text_and_metadata(searchable: PolicyIndex) -> None:
    store = searchable.vectorstore()
    assert store is not None
    chunk = searchable.chunks(CHIPS)[3]
    got = store.get(ids=[chunk.chunk_id])
    assert got["documents"] == [chunk.display_text]
    meta = got["metadatas"][0]
    assert meta["doc_id"] == CHIPS and meta["heading"] == chunk.heading and meta["position"] == chunk.position
    assert (meta["start"], meta["end"], meta["section"]) == (chunk.start, chunk.end, chunk.section)
    assert {"title", "region", "date"} <= set(meta)


def test_incremental_sync(tmp_path: Path, embeddings: Embeddings) -> None:
    corpus = seed(tmp_path / "corpus", POWER, XIAMEN)
    index = PolicyIndex(tmp_path / "db", embeddings)

    docs, chunks_by_doc = load(corpus)
    first = index.sync(docs, chunks_by_doc, progress=False)
    assert first.added == sorted([POWER, XIAMEN]) and first.chunks_embedded == n_chunks(chunks_by_doc, POWER, XIAMEN)

    reader = PolicyIndex(tmp_path / "db", embeddings)  # e.g. the web app, serving while a sync runs
    assert reader.dense_search("新郑市变电站", k=1)

    seed(corpus, LOANS)
    docs, chunks_by_doc = load(corpus)
    added = index.sync(docs, chunks_by_doc, progress=False)
    assert added.added == [LOANS] and added.unchanged == sorted([POWER, XIAMEN])
    assert added.chunks_embedded == n_chunks(chunks_by_doc, LOANS)
    assert reader.dense_search("新郑市变电站", k=1)  # still on the previous generation, which stays
    time.sleep(1.1)
    assert LOANS in reader.doc_ids() and reader.dense_search("郑科贷的利率", k=1, doc_ids={LOANS})
    reader.close()

    old_power = {c.chunk_id for c in chunks_by_doc[POWER]}
    with (corpus / POWER).open("a", encoding="utf-8") as fh:
        fh.write("\n十、附则\n氢能重卡示范运营车辆按每辆12万元给予一次性补贴。\n")
    docs, chunks_by_doc = load(corpus)
    changed = index.sync(docs, chunks_by_doc, progress=False)
    assert changed.changed == [POWER] and changed.unchanged == sorted([LOANS, XIAMEN])
    assert 1 <= changed.chunks_embedded < len(chunks_by_doc[POWER])  # unchanged clauses keep their vectors
    new_power = {c.chunk_id for c in chunks_by_doc[POWER]}
    assert {c.chunk_id for c in index.chunks(POWER)} == new_power
    assert all(index.get_chunk(c) is None for c in old_power - new_power)
    assert index.keyword_search("氢能重卡补贴")[0].chunk_id in new_power - old_power
    assert index.dense_search("氢能重卡示范运营补贴多少", k=3)[0].chunk_id in new_power - old_power

    gone = {c.chunk_id for c in chunks_by_doc[XIAMEN]}
    (corpus / XIAMEN).unlink()
    docs, chunks_by_doc = load(corpus)
    removed = index.sync(docs, chunks_by_doc, progress=False)
    assert removed.removed == [XIAMEN] and removed.chunks_embedded == 0
    for query in ("湖里区集群有多少家专精特新企业", "湖里区促进集成电路双创平台发展"):
        assert not gone & {h.chunk_id for h in index.dense_search(query, k=100)}
        assert not gone & {h.chunk_id for h in index.keyword_search(query, k=100)}
    assert index.chunks(XIAMEN) == [] and XIAMEN not in index.doc_ids()

    generation = index.generation
    again = index.sync(docs, chunks_by_doc, progress=False)
    assert again.chunks_embedded == 0 and again.unchanged == sorted([LOANS, POWER])
    assert not (again.added or again.changed or again.removed) and index.generation == generation

    fresh = PolicyIndex(tmp_path / "db", embeddings)  # what another process would see
    assert fresh.doc_hashes() == {d.doc_id: d.content_hash for d in docs}
    assert [c.chunk_id for c in fresh.chunks()] == [c.chunk_id for c in index.chunks()]
    assert len([p for p in (tmp_path / "db").iterdir() if p.name.startswith("gen-")]) == 2  # current + previous
    fresh.close()
    index.close()


def test_the_index_version_tells_a_changed_model_from_floating_point_noise(
    embeddings: Embeddings, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = {"format": "f", "chunker": "c", "embedder": embedder_version(embeddings)}
    single = make_embeddings(DEFAULT_KIND, model_dir)
    single.streams = 1  # another thread count: the same model
    assert same_index_version(version, {**version, "embedder": embedder_version(single)})
    probe = version["embedder"]["probe"]
    noisy = {**version, "embedder": {**version["embedder"], "probe": [x + 1e-6 for x in probe]}}
    assert same_index_version(version, noisy)
    assert not same_index_version(version, {**version, "chunker": "c2"})
    assert not same_index_version({"format": "f", "chunker": "c", "embedder": "0123abcd"}, version)  # old format

    from index import onnx_embed

    assert isinstance(embeddings, onnx_embed.OnnxE5Embeddings)
    monkeypatch.setitem(onnx_embed.PROMPTS, "passage", "passage:: ")  # the same class and name, another prompt
    assert not same_index_version(version, {**version, "embedder": embedder_version(embeddings)})


def test_empty_corpus(tmp_path: Path, embeddings: Embeddings) -> None:
    index = PolicyIndex(tmp_path / "db", embeddings)
    assert index.dense_search("流片") == [] and index.keyword_search("流片") == [] and index.chunks() == []
    report = index.sync([], {}, progress=False)
    assert report.chunks_embedded == 0 and not (report.added or report.removed)
    assert index.generation is not None and index.doc_ids() == set()
    assert index.dense_search("流片") == [] and index.keyword_search("流片") == []
    index.close()


def _sync_script(corpus: Path, db: Path, model: Path) -> str:
    return (
        "from pathlib import Path\n"
        "from corpus.pipeline import chunk_document, load_corpus\n"
        "from index.embed import make_embeddings\n"
        "from index.store import PolicyIndex\n"
        f"docs, _ = load_corpus(Path({str(corpus)!r}))\n"
        f"index = PolicyIndex(Path({str(db)!r}), make_embeddings('e5-small', Path({str(model)!r})))\n"
        "index.sync(docs, {d.doc_id: chunk_document(d) for d in docs}, progress=True)\n"
    )


def test_crash_mid_sync_keeps_previous_generation(tmp_path: Path, embeddings: Embeddings, model_dir: Path) -> None:
    db = tmp_path / "db"
    docs, chunks_by_doc = load(seed(tmp_path / "small", POWER))
    with PolicyIndex(db, embeddings) as index:
        index.sync(docs, chunks_by_doc, progress=False)
        before = [c.chunk_id for c in index.chunks()]
        generation = index.generation

    bigger = seed(tmp_path / "bigger", POWER, XIAMEN)
    proc = subprocess.Popen(
        [sys.executable, "-c", _sync_script(bigger, db, model_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = bytearray()
    started = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        while chunk := os.read(proc.stderr.fileno(), 4096):
            seen.extend(chunk)
            if b"embedding:" in seen:
                started.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert started.wait(240), f"the sync never started embedding:\n{seen.decode(errors='replace')[-2000:]}"
        assert proc.poll() is None, "the sync finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(30)

    assert read_current(db) == generation
    half_built = [p for p in db.iterdir() if p.name.startswith("gen-") and not (p / MANIFEST).exists()]
    assert half_built, "the killed sync should have left an unfinished generation behind"
    with PolicyIndex(db, embeddings) as survivor:
        assert survivor.generation == generation and survivor.doc_ids() == {POWER}
        assert [c.chunk_id for c in survivor.chunks()] == before
        assert survivor.dense_search("新郑市规划建设了几个变电站", k=1)[0].chunk_id in before
        assert survivor.keyword_search("变电站", k=1)[0].chunk_id in before

        docs, chunks_by_doc = load(bigger)
        report = survivor.sync(docs, chunks_by_doc, progress=False)
        assert report.added == [XIAMEN] and report.unchanged == [POWER]
        assert report.chunks_embedded == n_chunks(chunks_by_doc, XIAMEN)
        assert survivor.doc_ids() == {POWER, XIAMEN}
    assert not any(p.exists() for p in half_built), "the next sync cleans up the crashed build"


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    yield from run_chroma_server(tmp_path)


def test_server_mode(tmp_path: Path, embeddings: Embeddings, chroma_server: str) -> None:
    import chromadb

    corpus = seed(tmp_path / "corpus", POWER)
    docs, chunks_by_doc = load(corpus)
    index = PolicyIndex(tmp_path / "db", embeddings, chroma_url=chroma_server, collection="pq")
    first = index.sync(docs, chunks_by_doc, progress=False)
    assert first.chunks_embedded == n_chunks(chunks_by_doc, POWER)
    assert index.dense_search("新郑市规划建设了几个变电站", k=1)[0].chunk_id in {c.chunk_id for c in chunks_by_doc[POWER]}
    gen1 = index.generation

    with (corpus / POWER).open("a", encoding="utf-8") as fh:
        fh.write("\n十、附则\n氢能重卡示范运营车辆按每辆12万元给予一次性补贴。\n")
    docs, chunks_by_doc = load(corpus)
    second = index.sync(docs, chunks_by_doc, progress=False)  # copies unchanged vectors between server collections
    assert second.changed == [POWER] and 1 <= second.chunks_embedded < len(chunks_by_doc[POWER])
    assert {h.chunk_id for h in index.dense_search("变电站", k=50)} == {c.chunk_id for c in chunks_by_doc[POWER]}
    gen2 = index.generation

    third = index.sync([], {}, progress=False)
    assert third.removed == [POWER] and index.dense_search("变电站") == [] and index.keyword_search("变电站") == []
    host, port = chroma_server.removeprefix("http://").split(":")
    client = chromadb.HttpClient(host=host, port=int(port))
    names = {c.name for c in client.list_collections()}
    assert names == {f"pq-{gen2}", f"pq-{index.generation}", "pq-state"} and f"pq-{gen1}" not in names
    client.close()

    reader = PolicyIndex(tmp_path / "db", embeddings, chroma_url=chroma_server, collection="pq")
    assert reader.generation == index.generation and reader.chunks() == []
    reader.close()
    index.close()


def test_unreachable_server_says_what_to_do(tmp_path: Path, embeddings: Embeddings) -> None:
    index = PolicyIndex(tmp_path / "db", embeddings, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ConnectionError, match="chroma run"):
        index.sync([], {}, progress=False)
    with pytest.raises(ValueError, match="http://host:port"):
        PolicyIndex(tmp_path / "db", embeddings, chroma_url="localhost")
