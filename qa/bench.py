"""`policyqa bench`: cold index build, no-op re-sync and warm ask latency, printed as figures."""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES
from qa.service import PolicyQA


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def _questions(path: Path) -> list[str]:
    if not path.exists():
        return ["首轮流片补助多少", "上云上平台服务券每年总额多少", "新能源汽车购置税减免政策是什么"]
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_bench(settings, *, questions: Path, repeat: int = 1, limit: int = 0) -> str:
    """Index the corpus into a scratch db (cold), re-sync it (no-op), then time every question."""
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        corpus_dir = settings.corpus_dir
        if limit:
            corpus_dir = Path(tmp) / "corpus"
            corpus_dir.mkdir()
            files = sorted(p for p in settings.corpus_dir.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
            for path in files[:limit]:
                shutil.copy(path, corpus_dir / path.name)
        qa = PolicyQA(corpus_dir, Path(tmp) / "db", settings.model_dir, embedder=settings.embedder)
        t0 = time.perf_counter()
        qa.open(progress=True)
        build = time.perf_counter() - t0
        report = qa.last_sync
        t0 = time.perf_counter()
        qa.reindex()
        noop = time.perf_counter() - t0
        asked = _questions(questions)
        qa.ask(asked[0])  # warm-up
        latencies = []
        for _ in range(max(repeat, 1)):
            for question in asked:
                t = time.perf_counter()
                qa.ask(question)
                latencies.append((time.perf_counter() - t) * 1000)
        chunks = report.chunks_embedded if report else 0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return "\n".join([
            f"corpus          {corpus_dir} ({len(qa.documents())} documents, {chunks} chunks)",
            f"cold build      {build:.1f} s  ({chunks / build:.1f} chunks/s, model load included)",
            f"no-op re-sync   {noop:.2f} s",
            f"ask latency     p50 {statistics.median(latencies):.0f} ms  p95 {_percentile(latencies, 0.95):.0f} ms  "
            f"max {max(latencies):.0f} ms  ({len(latencies)} questions, warm)",
            f"peak memory     {rss:.0f} MiB",
        ])
