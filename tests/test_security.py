"""The server under attack and under faults: every finding of issue #11 as a regression test.

Real servers on 127.0.0.1 (uvicorn in a thread), real `policyqa` subprocesses, a real `chroma run`.
Anything that could hang (a body that never ends, /dev/zero, a named pipe) runs under a short timeout.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus
from qa.followup import rewrite
from qa.screen import screen_question
from qa.service import PolicyQA
from tests.chroma_server import free_port, start_chroma, stop_chroma
from tests.web_fixtures import Served, model_dir, serve_app, serve_for_tests
from ui.settings import Settings
from ui.web import build_app

TOKEN = "sec-test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
ASK = "首轮流片补助多少"
SMALL_SEEDS = ["000_7ffa5a2794a463d8.txt", "002_bffc04d33daf096a.txt"]  # the two smallest bundled documents
SMALL_QUESTION, SMALL_FACT = "郑州下一步优化集成电路产业空间布局，以哪些区域为重点？", "高新区"  # from 000_
CHUNK_CAP = 60
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def admin(tmp_path_factory) -> Iterator[Served]:
    with serve_for_tests(tmp_path_factory.mktemp("sec-admin"), admin_token=TOKEN,
                         max_document_chunks=CHUNK_CAP, max_body_bytes=64 * 1024) as s:
        yield s


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Iterator[Served]:
    """A server with admin disabled (no token configured)."""
    with serve_for_tests(tmp_path_factory.mktemp("sec-public")) as s:
        yield s


def _ask(s: Served, body: object, timeout: float = 60) -> httpx.Response:
    return httpx.post(s.url + "api/ask", json=body, timeout=timeout)


def _healthy(s: Served, within: float = 5.0) -> None:
    r = httpx.get(s.url + "api/health", timeout=within)
    assert r.status_code == 200


def _fn_indexes(s: Served) -> list[int]:
    config = httpx.get(s.url + "config", timeout=30).json()
    return list(range(len(config["dependencies"])))


# --- 1, 2, 4: nothing reaches a server-side path; no unauthenticated upload is stored --------------


@pytest.fixture(scope="module")
def fifo() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="pq-fifo-"))
    path = folder / "pipe.txt"
    os.mkfifo(path)
    yield str(path)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("server", ["admin", "public"])
def test_finding1_file_payloads_naming_server_paths_are_refused_fast(request, server: str, fifo: str) -> None:
    s: Served = request.getfixturevalue(server)
    for path in ["/dev/zero", fifo, "/etc/passwd", str(REPO / "pyproject.toml")]:
        file_data = {"path": path, "orig_name": "x.txt", "meta": {"_type": "gradio.FileData"}}
        for fn in _fn_indexes(s):
            body = {"data": [file_data, [file_data]], "fn_index": fn, "session_hash": "probe", "trigger_id": None}
            t0 = time.monotonic()
            r = httpx.post(s.url + "gradio_api/queue/join", json=body, timeout=5)
            assert r.status_code == 400 and time.monotonic() - t0 < 5, (path, fn, r.text)
            r = httpx.post(s.url + "gradio_api/run/predict", json={"data": [file_data]}, timeout=5)
            assert r.status_code == 400
    _healthy(s)
    assert _ask(s, {"question": ASK}, timeout=30).status_code == 200


def test_finding1_gradio_has_no_admin_function_and_no_file_input(admin: Served) -> None:
    config = httpx.get(admin.url + "config", timeout=30).json()
    kinds = {c.get("type") for c in config["components"]}
    assert not kinds & {"file", "uploadbutton", "image", "audio", "video", "model3d"}
    assert len(config["dependencies"]) < 12  # chat, citations, view, feedback, new chat, list refresh


def test_finding2_admin_upload_takes_bytes_not_paths(admin: Served) -> None:
    for name in ["..%2F..%2Fetc%2Fpasswd.txt", "%2Fetc%2Fhostname.txt", ".hidden.txt"]:
        r = httpx.put(admin.url + f"api/admin/documents/{name}", content=b"x", headers=AUTH, timeout=30)
        assert r.status_code in (400, 404), (name, r.text)
    assert not (admin.settings.corpus_dir / "passwd.txt").exists()
    r = httpx.put(admin.url + "api/admin/documents/x.exe", content=b"MZ", headers=AUTH, timeout=30)
    assert r.status_code == 400 and "x.exe" in r.json()["error"]


@pytest.mark.parametrize("server", ["admin", "public"])
def test_finding4_gradio_upload_route_is_closed(request, server: str) -> None:
    s: Served = request.getfixturevalue(server)
    r = httpx.post(s.url + "gradio_api/upload", files={"files": ("a.txt", b"hello")}, timeout=10)
    assert r.status_code == 403
    r = httpx.post(s.url + "gradio_api//upload", files={"files": ("a.txt", b"hello")}, timeout=10)
    assert r.status_code in (403, 404)


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"authorization": "Bearer wrong"}, 401),
                                                  ({"authorization": f"Basic {TOKEN}"}, 401)])
def test_admin_routes_need_the_token(admin: Served, headers: dict, status: int) -> None:
    before = sorted(p.name for p in admin.settings.corpus_dir.iterdir())
    assert httpx.put(admin.url + "api/admin/documents/new.txt", content=b"x", headers=headers).status_code == status
    assert httpx.delete(admin.url + f"api/admin/documents/{SMALL_SEEDS[0]}", headers=headers).status_code == status
    assert httpx.post(admin.url + "api/admin/reindex", headers=headers).status_code == status
    assert sorted(p.name for p in admin.settings.corpus_dir.iterdir()) == before


def test_admin_disabled_refuses_admin_routes(public: Served) -> None:
    r = httpx.put(public.url + "api/admin/documents/new.txt", content=b"x", headers=AUTH, timeout=10)
    assert r.status_code == 403 and "POLICYQA_ADMIN_TOKEN" in r.json()["error"]


# --- 3, 11: bodies bounded while streaming; JSON only -------------------------------------------


def test_finding3_declared_huge_body_is_refused_before_reading(admin: Served) -> None:
    port = int(admin.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 500000000\r\n\r\n{")
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")


def test_finding3_endless_chunked_body_stops_at_the_cap(admin: Served) -> None:
    port = int(admin.url.rsplit(":", 1)[1].strip("/"))
    sent, chunk = 0, b"a" * 8192
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        reply = b""
        try:
            while sent < 50 * admin.settings.max_body_bytes and not reply:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                sock.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    reply = sock.recv(4096)
                sock.setblocking(True)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(5)
        reply = reply or sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413") and sent < 50 * admin.settings.max_body_bytes  # stopped early
    _healthy(admin)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_finding11_ask_requires_json(admin: Served, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    r = httpx.post(admin.url + "api/ask", content=json.dumps({"question": ASK}).encode(), headers=headers)
    assert r.status_code == 415 and "application/json" in r.json()["error"]


# --- 8: malformed history is a 400 that names the field and nothing of Python --------------------


@pytest.mark.parametrize(
    ("history", "needle"),
    [
        ("[" * 20_000 + "]" * 20_000, "nested"),
        ([{"question": ASK, "answer": {"answer": "x", "rewritten_question": 5}}], "rewritten_question"),
        ([{"question": ASK, "answer": {"answer": 5}}], "answer"),
        ([{"question": ASK, "answer": {"answer": "x", "citations": [{"id": "1"}]}}], "citation"),
        ([{"question": 3, "answer": "x"}], "question"),
        ([[ASK, "x"]] * 50, "turns"),
        ([{"question": "流" * 600, "answer": "x"}], "characters"),
    ],
)
def test_finding8_bad_history_is_a_clear_400(admin: Served, history: object, needle: str) -> None:
    if isinstance(history, str):  # raw JSON text: too deep for any parser to build
        body = ('{"question": "上限是多少", "history": ' + history + "}").encode()
    else:
        body = json.dumps({"question": "上限是多少", "history": history}).encode()
    r = httpx.post(admin.url + "api/ask", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert needle in error
    for internal in ("Traceback", "Error", "Expecting", "object has no attribute", "recursion"):
        assert internal not in error


def test_finding8_malformed_json_does_not_echo_the_parser(admin: Served) -> None:
    r = httpx.post(admin.url + "api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400 and "Expecting" not in r.json()["error"] and "line 1" in r.json()["error"]


def test_followup_ignores_a_previous_question_that_is_not_text() -> None:
    assert rewrite("上限是多少？", 5) == "上限是多少？"  # type: ignore[arg-type]
    assert rewrite("上限是多少？", None) == "上限是多少？"  # type: ignore[arg-type]


# --- 9: nonsense is not a policy question; real questions with figures and acronyms are ---------


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "' OR 1=1; DROP TABLE x;--", "{'x':1}",
                                      '{"a": [1, 2]}', "SELECT * FROM users WHERE id=1", "alert(document.cookie)",
                                      "<img src=x onerror=alert(2)>", "？？？", "12345", "!!!"])
def test_finding9_nonsense_is_refused_as_not_a_question(admin: Served, question: str) -> None:
    r = _ask(admin, {"question": question})
    assert r.status_code == 400 and "不是一个政策问题" in r.json()["error"]


@pytest.mark.parametrize("question", ["MEMS中试平台为企业提供服务有什么奖励", "EDA软件补贴多少", "IC设计企业流片补助",
                                      "5G基站建设有补贴吗", "研发费用加计扣除比例是100%吗", "补助=多少",
                                      "What is the subsidy for the first tape-out?"])
def test_real_questions_with_figures_and_acronyms_pass_the_screen(question: str) -> None:
    assert screen_question(question) == ""


def test_every_question_of_the_question_sets_passes_the_screen() -> None:
    questions = [json.loads(line)["question"] for name in ("questions.jsonl", "questions_fresh.jsonl", "dev.jsonl")
                 for line in (REPO / "tests" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 100
    assert [q for q in questions if screen_question(q)] == []


# --- 5, 10: documents bounded; replacing is explicit; questions keep flowing during writes ----------


def test_document_over_the_byte_cap_is_refused_before_it_is_read(admin: Served) -> None:
    size = admin.settings.max_document_bytes + 1
    r = httpx.put(admin.url + "api/admin/documents/big.txt", content=b"a" * size, headers=AUTH, timeout=60)
    assert r.status_code == 413
    assert not (admin.settings.corpus_dir / "big.txt").exists()


def test_document_over_the_chunk_cap_is_refused_by_name(admin: Served) -> None:
    filler = "支持企业开展技术改造和研发创新活动，" * 12  # long clauses: the chunker merges short ones
    clauses = "".join(f"{i}.对第{i}类企业给予一次性奖励{i}万元，{filler}。\n" for i in range(1, 3 * CHUNK_CAP))
    text = "郑州市关于测试分块上限的通知\n一、支持措施\n" + clauses
    r = httpx.put(admin.url + "api/admin/documents/many_clauses.txt", content=text.encode(), headers=AUTH, timeout=120)
    assert r.status_code == 400 and "many_clauses.txt" in r.json()["error"] and str(CHUNK_CAP) in r.json()["error"]
    assert not (admin.settings.corpus_dir / "many_clauses.txt").exists()


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("binary.txt", bytes(range(256)) * 40, "binary.txt"),
    ("empty.txt", b"", "empty.txt"),
    ("fake.docx", b"not a zip at all", "fake.docx"),
    ("broken.pdf", b"%PDF-1.4 broken", "broken.pdf"),
])
def test_bad_documents_are_refused_by_name(admin: Served, name: str, content: bytes, needle: str) -> None:
    r = httpx.put(admin.url + f"api/admin/documents/{name}", content=content, headers=AUTH, timeout=60)
    assert r.status_code == 400 and needle in r.json()["error"]
    assert not (admin.settings.corpus_dir / name).exists()


def test_finding10_replacing_needs_replace_and_a_failed_replace_keeps_the_old(admin: Served) -> None:
    name = "950_replace_test.txt"
    v1 = "郑州市关于替换测试的通知\n一、支持措施\n1.对替换测试企业给予一次性奖励11万元。\n"
    v2 = "郑州市关于替换测试的通知\n一、支持措施\n1.对替换测试企业给予一次性奖励22万元。\n"
    url = admin.url + f"api/admin/documents/{name}"
    assert httpx.put(url, content=v1.encode(), headers=AUTH, timeout=120).status_code == 200
    r = httpx.put(url, content=v2.encode(), headers=AUTH, timeout=120)
    assert r.status_code == 409 and name in r.json()["error"]
    assert "11万元" in admin.qa.document(name).text
    bad = httpx.put(url + "?replace=true", content=b"\x00\x01" * 500, headers=AUTH, timeout=120)
    assert bad.status_code == 400
    assert (admin.settings.corpus_dir / name).read_text(encoding="utf-8") == v1
    assert "11万元" in admin.qa.document(name).text
    assert httpx.put(url + "?replace=true", content=v2.encode(), headers=AUTH, timeout=120).status_code == 200
    assert "22万元" in admin.qa.document(name).text
    assert httpx.delete(url, headers=AUTH, timeout=120).status_code == 200
    assert admin.qa.document(name) is None


def test_finding5_questions_do_not_wait_for_an_upload(admin: Served) -> None:
    source = BUNDLED_CORPUS / "004_446eb3355726a05e.txt"  # ~40 clauses to embed
    name = "960_concurrent_upload.txt"
    result: dict = {}

    def upload() -> None:
        r = httpx.put(admin.url + f"api/admin/documents/{name}", content=source.read_bytes(), headers=AUTH,
                      timeout=300)
        result["status"] = r.status_code

    latencies: list[float] = []
    worker = threading.Thread(target=upload)
    worker.start()
    time.sleep(0.3)
    with httpx.Client(timeout=30) as client:
        while worker.is_alive() or len(latencies) < 3:
            t0 = time.monotonic()
            r = client.post(admin.url + "api/ask", json={"question": ASK})
            assert r.status_code == 200 and "40%" in r.json()["answer"]
            latencies.append(time.monotonic() - t0)
    worker.join()
    assert result["status"] == 200
    assert max(latencies) < 5, latencies
    httpx.delete(admin.url + f"api/admin/documents/{name}", headers=AUTH, timeout=120)


# --- 6, 7 and kill -9: the CLI on a small corpus -------------------------------------------------


def _small_home(tmp: Path) -> Path:
    home = tmp / "home"
    (home / "corpus").mkdir(parents=True)
    for name in SMALL_SEEDS:
        shutil.copyfile(BUNDLED_CORPUS / name, home / "corpus" / name)
    return home


def _cli(home: Path, *args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_HOME": str(home), "POLICYQA_MODEL_DIR": str(model_dir()),
           "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args, "--corpus", str(home / "corpus"),
                           "--db", str(home / "db")], env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def _live_chunk_ids(db: Path) -> list[str]:
    gen = (db / "CURRENT").read_text().strip()
    return [c["chunk_id"] for c in json.loads((db / gen / "chunks.json").read_text(encoding="utf-8"))]


def _clean_chunk_ids(corpus: Path) -> list[str]:
    docs, _ = load_corpus(corpus)
    return sorted(c.chunk_id for d in docs for c in chunk_document(d))


@pytest.fixture(scope="module")
def small_indexed(tmp_path_factory) -> Path:
    """A small corpus indexed by `policyqa index` after two runs were killed (-9) at different points."""
    home = _small_home(tmp_path_factory.mktemp("sec-small"))
    db = home / "db"
    env = {**os.environ, "POLICYQA_HOME": str(home), "POLICYQA_MODEL_DIR": str(model_dir()), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "ui.cli", "index", "-q", "--corpus", str(home / "corpus"), "--db", str(db)]

    def gen_dirs() -> list[Path]:
        return sorted(db.glob("gen-*")) if db.exists() else []

    points = {  # kill when the new generation's folder appears / once Chroma's database is being written
        "folder": lambda: any(gen_dirs()),
        "vectors": lambda: any((g / "chroma" / "chroma.sqlite3").exists() for g in gen_dirs()),
    }
    for point, reached in points.items():
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not reached() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if point == "vectors":
            time.sleep(1.0)  # some batches in
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert not (db / "CURRENT").exists() or _live_chunk_ids(db), point  # never a half-written live index
    done = _cli(home, "index", "-q")
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def test_kill_9_during_index_converges_to_a_clean_build(small_indexed: Path) -> None:
    assert sorted(_live_chunk_ids(small_indexed / "db")) == _clean_chunk_ids(small_indexed / "corpus")
    assert len(list((small_indexed / "db").glob("gen-*"))) == 1  # the killed runs' unfinished folders are gone


def test_finding6_cli_ask_does_not_wait_for_a_running_index(small_indexed: Path) -> None:
    home = small_indexed
    changed = home / "corpus" / SMALL_SEEDS[1]
    original = changed.read_bytes()
    changed.write_bytes(original + "\n十、附则\n对测试企业给予一次性奖励13万元。\n".encode())
    try:
        with (home / "db" / ".lock").open("a+") as lock:  # what a running `policyqa index` holds
            fcntl.flock(lock, fcntl.LOCK_EX)
            out = _cli(home, "ask", "--json", SMALL_QUESTION, timeout=120)
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        changed.write_bytes(original)
    assert out.returncode == 0, out.stderr[-2000:]
    assert SMALL_FACT in json.loads(out.stdout)["answer"]
    assert "policyqa index" in out.stderr and SMALL_SEEDS[1] in out.stderr  # says the changed file waits


def _read_only_mount_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_finding7_read_only_index_folder_serves_with_a_warning(small_indexed: Path) -> None:
    home, db = small_indexed, small_indexed / "db"
    question = SMALL_QUESTION
    env_args = " ".join(f"{k}={v}" for k, v in [("POLICYQA_HOME", home), ("POLICYQA_MODEL_DIR", model_dir()),
                                                   ("PYTHONPATH", REPO)])
    if _read_only_mount_works():  # a read-only bind mount: refuses writes even to root
        inner = (f"mount --bind {db} {db} && mount -o remount,bind,ro {db} && env {env_args} {sys.executable} "
                 f"-m ui.cli {{cmd}} --corpus {home / 'corpus'} --db {db}")
        run = lambda args: subprocess.run(  # noqa: E731
            ["unshare", "-rm", "sh", "-c", inner.format(cmd=shlex.join(args))], capture_output=True, text=True,
            timeout=300)
    elif os.geteuid() != 0:
        for p in [db, *db.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        run = lambda args: _cli(home, *args)  # noqa: E731
    else:
        pytest.skip("root without user namespaces: no way to make a folder read-only here")
    try:
        asked = run(["ask", "--sync", question])
        indexed = run(["index", "-q"])
    finally:
        for p in [db, *db.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "只读" in asked.stderr and "Traceback" not in asked.stderr
    assert SMALL_FACT in asked.stdout
    assert indexed.returncode == 1 and "只读" in indexed.stderr and "Traceback" not in indexed.stderr


# --- the search backend goes away and comes back ------------------------------------------------


def test_chroma_server_stopped_and_restarted_under_serve(tmp_path: Path) -> None:
    home, port = _small_home(tmp_path), free_port()
    chroma = start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
    try:
        settings = Settings(home=home, corpus_dir=home / "corpus", db_dir=home / "db", model_dir=model_dir(),
                            chroma_url=f"http://127.0.0.1:{port}")
        qa = PolicyQA.from_settings(settings).open(progress=False)
        question = {"question": SMALL_QUESTION}
        with serve_app(build_app(qa, settings)) as url:
            assert httpx.post(url + "api/ask", json=question, timeout=60).status_code == 200
            stop_chroma(chroma)
            t0 = time.monotonic()
            down = httpx.post(url + "api/ask", json=question, timeout=60)
            assert down.status_code == 503 and "search backend unavailable" in down.json()["error"]
            assert time.monotonic() - t0 < 30
            assert httpx.get(url + "api/health", timeout=5).status_code == 200
            chroma = start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
            deadline = time.monotonic() + 60
            while (r := httpx.post(url + "api/ask", json=question, timeout=60)).status_code != 200:
                assert time.monotonic() < deadline, r.text
                time.sleep(1)
            assert SMALL_FACT in r.json()["answer"]
    finally:
        stop_chroma(chroma)


def test_answer_cache_is_emptied_by_any_write(admin: Served) -> None:
    from ui.api import SerialQA

    cached = SerialQA(admin.qa, cache_size=8)
    first = cached.ask(ASK)
    again = cached.ask(ASK)
    assert again.timings_ms.get("cached") and again.answer == first.answer and again is not first
    name = "970_cache_test.txt"
    admin.qa.add_file(name, "郑州市关于缓存测试的通知\n一、支持措施\n1.对缓存测试企业给予一次性奖励7万元。\n".encode())
    try:
        assert not cached.ask(ASK).timings_ms.get("cached")  # a new state: answered afresh
        assert not cached.ask(ASK, [(ASK, first)]).timings_ms.get("cached")  # follow-ups are never cached
    finally:
        admin.qa.delete_document(name)
