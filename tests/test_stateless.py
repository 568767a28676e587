"""Stateless workers against one real `chroma run` server: same answers, and a re-index by one is seen by all."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import pytest

from corpus.pipeline import BUNDLED_CORPUS
from index import state
from index.embed import default_model_dir, ensure_model
from index.state import ServerState
from qa.service import PolicyQA
from tests.chroma_server import run_chroma_server

REPO = Path(__file__).resolve().parents[1]
CHIPS = "001_34e1b1a508027352.txt"  # has the 流片 clause
POWER = "003_ce3df761baefe2e7.txt"
XIAMEN = "002_bffc04d33daf096a.txt"  # 湖里区, added later through worker A


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    yield from run_chroma_server(tmp_path)


def _answer(qa: PolicyQA, question: str) -> dict:
    out = qa.ask(question).to_dict()
    out.pop("timings_ms")
    return out


def _question_about(doc_id: str) -> str:
    """A question from our own set whose source is `doc_id`."""
    for line in (REPO / "tests" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("answerable") and row.get("sources") == [doc_id]:
            return row["question"]
    raise AssertionError(f"tests/questions.jsonl has no question about {doc_id}")


def test_workers_share_one_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    model_dir = ensure_model(default_model_dir())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (CHIPS, POWER):
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)
    writer = PolicyQA(corpus, tmp_path / "a-db", model_dir, chroma_url=chroma_server).open(progress=False)
    readers = [PolicyQA(None, tmp_path / f"{w}-db", model_dir, chroma_url=chroma_server).open(progress=False)
               for w in ("b", "c")]

    question = "首轮流片补助多少"
    expected = _answer(writer, question)
    assert expected["answerable"] and expected["citations"][0]["source"] == CHIPS
    for reader in readers:
        assert _answer(reader, question) == expected
        assert reader.document(CHIPS) is not None and reader.document(CHIPS).text == writer.document(CHIPS).text
        assert [c.chunk_id for c in reader.chunks(CHIPS)] == [c.chunk_id for c in writer.chunks(CHIPS)]
    assert not any((tmp_path / "b-db").glob("gen-*")), "a reader keeps no index of its own"

    about_xiamen = _question_about(XIAMEN)
    assert not readers[0].ask(about_xiamen).answerable  # 湖里区 is not covered yet
    writer.add_file(XIAMEN, (BUNDLED_CORPUS / XIAMEN).read_bytes())
    time.sleep(1.1)  # readers look for a new generation at most once a second
    answer = readers[0].ask(about_xiamen)
    assert answer.answerable and answer.citations[0].source == XIAMEN
    assert _answer(readers[1], about_xiamen) == _answer(writer, about_xiamen)
    assert XIAMEN in {d.doc_id for d in readers[1].documents()}


def test_reader_needs_a_server(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="POLICYQA_CHROMA_URL"):
        PolicyQA(None, tmp_path / "db", default_model_dir()).open(progress=False)


def test_server_records_larger_than_one_request(chroma_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the keyword tokens of 100k chunks are ~300 MB of JSON: written and read back in bounded requests
    # (`chroma run` refuses bodies of ~40 MB); the limits are scaled down here, the server is real
    monkeypatch.setattr(state, "_PART_CHARS", 1_000)
    monkeypatch.setattr(state, "_REQUEST_BYTES", 10_000)
    host, port = urlparse(chroma_server).hostname, urlparse(chroma_server).port
    records = ServerState(chromadb.HttpClient(host=host, port=port), "bigvalue")
    value = {"tokens": {f"c{i}": ["政策", "补助", str(i)] * 20 for i in range(300)}}
    records.put("gen-000001-abcdef", "keyword.json", value)
    assert records.get("gen-000001-abcdef", "keyword.json") == value
    assert len(records._records().get(where={"name": "keyword.json"}, include=[])["ids"]) > 50
