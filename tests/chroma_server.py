"""A real `chroma run` server on a free loopback port, for tests of server mode and stateless workers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path, port: int, log_path: Path) -> subprocess.Popen:
    """Start `chroma run` on `path` at 127.0.0.1:`port` and wait for its heartbeat (skip the test if it cannot)."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip(f"the `chroma` command is not installed next to {sys.executable}")
    with log_path.open("ab") as log:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).read()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_chroma(proc)
                pytest.skip(f"`chroma run` did not start on port {port}: "
                            f"{log_path.read_text(errors='replace')[-1500:]}")
            time.sleep(0.2)


def stop_chroma(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def run_chroma_server(tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a `chroma run` serving `tmp_path/server`; stop it afterwards (use in a fixture)."""
    port = free_port()
    proc = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_chroma(proc)
