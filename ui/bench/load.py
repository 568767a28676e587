"""Concurrent HTTP users against `policyqa serve` (a subprocess on a free loopback port) for a bounded time."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from ui.bench.common import free_port, latency_ms, wait_http


@contextlib.contextmanager
def serve(corpus_dir: Path, db_dir: Path, log_path: Path, *, startup_s: float = 600) -> Iterator[str]:
    """`policyqa serve` on 127.0.0.1 and a free port; yields its base URL once /api/health answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--corpus", str(corpus_dir), "--db", str(db_dir)]
    log = open(log_path, "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        url = f"http://127.0.0.1:{port}"
        if not wait_http(f"{url}/api/health", startup_s, alive=lambda: proc.poll() is None):
            raise RuntimeError(f"`policyqa serve` did not come up (exit {proc.poll()}; see {log_path})")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _run_load_local(url: str, questions: list[str], users: int, seconds: float) -> dict:
    """Stand-in for ui.loadtest.run_load (same figures) until it lands on main; delete it then."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    samples: list[float] = []
    errors = [0]

    def user(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            body = json.dumps({"question": questions[i % len(questions)]}).encode("utf-8")
            req = urllib.request.Request(f"{url}/api/ask", data=body, headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            ok = False
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 (loopback only)
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    samples.append(ms)
                else:
                    errors[0] += 1
            i += users

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = latency_ms(samples)
    return {"users": users, "seconds": round(wall, 1), "answers": len(samples),
            "answers_per_s": round(len(samples) / wall, 2) if wall else 0.0,
            "p50_ms": lat["p50_ms"], "p95_ms": lat["p95_ms"], "p99_ms": lat["p99_ms"], "mean_ms": lat["mean_ms"],
            "errors": errors[0]}


def load_test(corpus_dir: Path, db_dir: Path, questions: list[str], *, users: int, seconds: float,
              work: Path) -> dict:
    """Start a server on the (already indexed) corpus and run the load against it."""
    try:
        from ui.loadtest import run_load
        runner = "ui.loadtest"
    except ImportError:
        run_load, runner = _run_load_local, "bench fallback (ui.loadtest missing)"
    with serve(corpus_dir, db_dir, work / "serve.log") as url:
        result = dict(run_load(url, questions, users, seconds))
    result["runner"] = runner
    return result
