"""Small helpers shared by the bench steps: latency summaries, peak memory, free ports, sampled questions."""

from __future__ import annotations

import math
import random
import resource
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES
from corpus.metadata import MANIFEST_NAMES
from corpus.schema import Chunk


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of `values`; 0.0 for none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency_ms(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of latencies in milliseconds, rounded for a report."""
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 1),
        "p95_ms": round(percentile(samples_ms, 95), 1),
        "p99_ms": round(percentile(samples_ms, 99), 1),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 1) if samples_ms else 0.0,
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float, alive=lambda: True) -> bool:
    """Poll `url` until it answers 200, `alive()` turns false or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def corpus_files(folder: Path) -> list[Path]:
    """The document files `load_corpus` would read, sorted by relative path."""
    return sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
         and p.name not in MANIFEST_NAMES and not any(s.startswith(".") for s in p.relative_to(folder).parts)),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def sample_questions(chunks: list[Chunk], n: int, *, length: int = 30, seed: int = 0) -> list[str]:
    """`n` query strings cut from random chunks (a window of `length` characters): questions the corpus
    can answer whatever it is, so latency at scale is measured on retrieval, not on refusals."""
    rng = random.Random(seed)
    pool = [c for c in chunks if len(c.display_text.strip()) >= 8]
    out = []
    for chunk in rng.sample(pool, min(n, len(pool))):
        text = " ".join(chunk.display_text.split())
        start = rng.randrange(max(1, len(text) - length))
        out.append(text[start:start + length])
    return out


def stop(proc) -> None:
    """Terminate a server started for a measurement; kill it if it does not stop within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
