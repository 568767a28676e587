"""A real PolicyQA served by uvicorn on a free local port, for the API and browser tests.

The corpus is the bundled one plus a document with HTML/JS in its clauses. Its index is
built once per test session and copied for each server, so each test module gets its own
writable corpus and index without paying for the embedding twice.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from corpus.pipeline import BUNDLED_CORPUS
from index.embed import default_model_dir, ensure_model
from qa.service import PolicyQA
from ui.settings import Settings
from ui.web import build_app, open_qa

XSS_DOC = "900_xss_test.txt"
XSS_TEXT = (
    "郑州市工业和信息化局\n郑州市关于支持工业设计中心建设的若干措施\n2024年3月1日\n一、支持措施\n"
    "1.对新认定的国家级工业设计中心,给予一次性奖励200万元<script>alert(1)</script>。\n"
    "2.对新认定的省级工业设计中心,给予一次性奖励50万元<img src=x onerror=alert(2)>。\n"
)
XSS_QUESTION = "省级工业设计中心奖励多少"  # cited from XSS_DOC


def model_dir() -> Path:
    return ensure_model(default_model_dir())


@functools.cache
def _template() -> Path:
    """Corpus + built index, made once per session; servers run on copies of it."""
    root = Path(tempfile.mkdtemp(prefix="policyqa-web-"))
    atexit.register(shutil.rmtree, root, True)
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)
    (corpus / XSS_DOC).write_text(XSS_TEXT, encoding="utf-8")
    PolicyQA(corpus, root / "db", model_dir()).open(progress=False)
    return root


@dataclass
class Served:
    url: str  # ends with "/"
    qa: PolicyQA
    settings: Settings


@contextmanager
def serve_for_tests(tmp: Path, *, admin_token: str = "", **limits: int) -> Iterator[Served]:
    """Serve build_app() for a fresh copy of the indexed corpus under `tmp`; stops on exit.

    `limits` override Settings fields (max_body_bytes, max_document_chunks, ...)."""
    home = tmp / "home"
    shutil.copytree(_template(), home)
    settings = Settings(home=home, corpus_dir=home / "corpus", db_dir=home / "db", model_dir=model_dir(),
                        admin_token=admin_token, **limits)
    qa = open_qa(settings, progress=False)
    with serve_app(build_app(qa, settings)) as url:
        yield Served(url, qa, settings)


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread; yields its URL (ends with "/")."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
