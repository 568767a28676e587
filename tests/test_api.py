"""The HTTP JSON API and Gradio's own API, against a real server with a real PolicyQA."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.web_fixtures import XSS_QUESTION, Served, serve_for_tests

TAPE_OUT = "首轮流片补助多少"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serve_for_tests(tmp_path_factory.mktemp("api")) as s:
        yield s


def _ask(served: Served, body: object, **kw) -> httpx.Response:
    return httpx.post(served.url + "api/ask", json=body, timeout=120, **kw)


def test_health_and_documents(served: Served) -> None:
    r = httpx.get(served.url + "api/health", timeout=30)
    assert r.status_code == 200 and r.json() == {"status": "ok", "documents": len(served.qa.documents())}
    docs = httpx.get(served.url + "api/documents", timeout=30).json()
    assert any(d["doc_id"].startswith("001_") and d["title"] for d in docs)


def test_ask_returns_the_answer_contract_with_exact_citations(served: Served) -> None:
    r = _ask(served, {"question": TAPE_OUT})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "40%" in data["answer"] and "500万" in data["answer"]
    assert data["answerable"] is True and data["citations"]
    for cite in data["citations"]:
        doc = served.qa.document(cite["source"])
        assert doc is not None and doc.text[cite["start"] : cite["end"]] == cite["quote"]
    direct = served.qa.ask(TAPE_OUT).to_dict()  # the same object `policyqa ask --json` prints
    data.pop("timings_ms"), direct.pop("timings_ms")
    assert data == direct


def test_follow_up_uses_history(served: Served) -> None:
    first = _ask(served, {"question": TAPE_OUT}).json()
    r = _ask(served, {"question": "上限是多少？", "history": [{"question": TAPE_OUT, "answer": first}]})
    assert r.status_code == 200, r.text
    assert r.json()["rewritten_question"] and "流片" in r.json()["rewritten_question"]
    pairs = _ask(served, {"question": "上限是多少？", "history": [[TAPE_OUT, first["answer"]]]})
    assert pairs.status_code == 200 and pairs.json()["rewritten_question"]


def test_untrusted_text_comes_back_verbatim_as_json(served: Served) -> None:
    data = _ask(served, {"question": XSS_QUESTION}).json()
    assert any("<img src=x onerror=alert(2)>" in c["quote"] for c in data["citations"])


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"{not json", "malformed JSON"), (b"\xff\xfe", "malformed JSON"), (b"[1, 2]", "JSON object"),
     (b'{"q": "x"}', "question"), (b'{"question": 3}', "question"),
     (b'{"question": "x", "history": "nope"}', "history")],
)
def test_malformed_requests_are_400_with_a_message(served: Served, content: bytes, needle: str) -> None:
    r = httpx.post(served.url + "api/ask", content=content, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 400
    assert needle in r.json()["error"]


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_is_400(served: Served, question: str) -> None:
    r = _ask(served, {"question": question})
    assert r.status_code == 400 and r.json()["error"]


def test_over_long_question_is_400_quickly(served: Served) -> None:
    start = time.monotonic()
    r = _ask(served, {"question": "流片" * served.settings.max_question_chars})
    assert r.status_code == 400 and str(served.settings.max_question_chars) in r.json()["error"]
    assert time.monotonic() - start < 10


def test_ten_concurrent_requests_all_succeed(served: Served) -> None:
    questions = [TAPE_OUT, "MEMS中试平台为企业提供服务有什么奖励", "郑科贷的利率怎么定", "深圳市首轮流片补助多少",
                 XSS_QUESTION] * 2

    def one(q: str) -> tuple[int, float, dict]:
        t0 = time.perf_counter()
        r = _ask(served, {"question": q})
        return r.status_code, time.perf_counter() - t0, r.json()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one, questions, timeout=300))
    wall = time.perf_counter() - start
    assert [status for status, _, _ in results] == [200] * 10
    assert all(body["question"] == q for q, (_, _, body) in zip(questions, results, strict=True))
    assert "40%" in results[0][2]["answer"] and "40%" in results[5][2]["answer"]
    latencies = sorted(t for _, t, _ in results)
    assert statistics.median(latencies) <= wall < 300


def test_gradio_client_can_call_the_chat(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False)
    result = client.predict(TAPE_OUT, api_name="/ask")
    answer = next(part for part in result if isinstance(part, dict) and "answer" in part)
    assert "40%" in answer["answer"] and "500万" in answer["answer"]
    transcript = result[0]
    assert "40%" in transcript and "pq-answer" in transcript


def test_web_page_is_served(served: Served) -> None:
    r = httpx.get(served.url, timeout=30)
    assert r.status_code == 200 and "<html" in r.text.lower()
