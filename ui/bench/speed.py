"""Speed figures of one corpus: cold index build, cold start to first answer, warm ask latency, re-index."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ui.bench.common import corpus_files, latency_ms, peak_rss_mib

EDIT_NOTE = "\n\n（本段为基准测试追加的文字，用于测量单个文件变更后的重新索引。）\n"


def open_cold(corpus_dir: Path, db_dir: Path, settings, *, chroma_url: str = ""):
    """Open PolicyQA on an empty index (model load and full embedding included); returns (qa, figures)."""
    from qa.service import PolicyQA

    t0 = time.perf_counter()
    qa = PolicyQA(corpus_dir, db_dir, settings.model_dir, embedder=settings.embedder, chroma_url=chroma_url,
                  max_question_chars=settings.max_question_chars).open(progress=True)
    total = time.perf_counter() - t0
    report = qa.last_sync
    chunks = sum(len(qa.chunks(d.doc_id)) for d in qa.documents())
    sync_s = report.seconds if report and report.seconds else total
    return qa, {
        "documents": len(qa.documents()),
        "chunks": chunks,
        "chunks_embedded": report.chunks_embedded if report else 0,
        "index_total_s": round(total, 2),
        "index_sync_s": round(sync_s, 2),
        "index_chunks_per_s": round((report.chunks_embedded if report else 0) / sync_s, 2) if sync_s else 0.0,
        "index_chunks_per_s_incl_model_load": round(chunks / total, 2) if total else 0.0,
    }


def cold_start_first_answer(corpus_dir: Path, db_dir: Path, question: str) -> float:
    """Seconds from launching `policyqa ask` in a fresh process on a built index to its answer."""
    cmd = [sys.executable, "-m", "ui.cli", "ask", "--json", "--corpus", str(corpus_dir), "--db", str(db_dir),
           question]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=os.environ.copy())
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"`policyqa ask` failed (exit {out.returncode}): {out.stderr[-500:]}")
    return round(elapsed, 2)


def warm_ask(qa, questions: list[str], *, label: str = "warm ask") -> dict[str, float]:
    """Latency of `qa.ask` per question (one warm-up ask first, not counted)."""
    from qa.service import InvalidQuestion

    if not questions:
        return latency_ms([])
    qa.ask(questions[0])
    samples = []
    for q in tqdm(questions, desc=label, unit="q", leave=False):
        t0 = time.perf_counter()
        try:
            qa.ask(q)
        except InvalidQuestion:
            continue
        samples.append((time.perf_counter() - t0) * 1000)
    return latency_ms(samples)


def reindex_figures(qa, corpus_dir: Path) -> dict[str, float]:
    """Re-index with nothing changed, then with one document edited (the edit is undone afterwards)."""
    t0 = time.perf_counter()
    qa.reindex()
    noop = time.perf_counter() - t0
    target = corpus_files(corpus_dir)[0]
    original = target.read_bytes()
    try:
        target.write_bytes(original + EDIT_NOTE.encode("utf-8"))
        t0 = time.perf_counter()
        report = qa.reindex()
        changed = time.perf_counter() - t0
    finally:
        target.write_bytes(original)
        qa.reindex()
    return {
        "reindex_unchanged_s": round(noop, 3),
        "reindex_one_changed_s": round(changed, 3),
        "reindex_one_changed_chunks_embedded": report.chunks_embedded,
        "peak_rss_mib": peak_rss_mib(),
    }
