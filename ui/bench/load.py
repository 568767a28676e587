"""Concurrent HTTP users (ui.loadtest.run_load) against `policyqa serve`, a subprocess on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from ui.bench.common import free_port, stop, wait_http


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
        stop(proc)
        log.close()


def load_test(corpus_dir: Path, db_dir: Path, questions: list[str], *, users: int, seconds: float,
              work: Path) -> dict:
    """Start a server on the (already indexed) corpus and run the load against it."""
    try:
        from ui.loadtest import run_load
    except ImportError:
        return {"skipped": "ui.loadtest missing"}
    with serve(corpus_dir, db_dir, work / "serve.log") as url:
        return dict(run_load(url, questions, users, seconds))
