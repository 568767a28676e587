"""`policyqa bench --quick` end to end on the seeds: the report carries every section's figures, with units.

Figures are checked for presence, type and sanity (a rate is positive, a share lies in 0..1), never against
a timing threshold: the bench is a command that prints figures, not a timed assertion.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _positive(figs: dict, *keys: str) -> None:
    for key in keys:
        assert isinstance(figs.get(key), int | float) and figs[key] > 0, (key, figs.get(key))


def test_quick_bench_reports_quality_speed_scale_and_load(tmp_path):
    env = {**os.environ, "POLICYQA_HOME": str(tmp_path / "home")}
    out_json, out_png = tmp_path / "bench.json", tmp_path / "bench.png"
    # its own process group, so a timeout also stops the `serve` and `chroma run` it started
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "bench", "--quick", "--sets", "dev", "--scale-points", "500",
         "--load-seconds", "3", "--load-users", "2", "--json", str(out_json), "--png", str(out_png)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=2400)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, stderr[-3000:]
    assert "QUALITY" in stdout and "SCALE" in stdout and "LOAD" in stdout
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert out_png.stat().st_size > 10_000 and out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"_s", "_ms", "_mib", "_per_s"} <= set(report["units"])

    sets = {q["set"]: q for q in report["quality"]}
    assert set(sets) == {"dev"}
    for q in sets.values():
        assert len(q["systems"]) == 3  # PolicyQA and the two splitter baselines
        for metrics in q["systems"].values():
            for key in ("hit@1", "hit@5", "mrr@10"):
                assert 0.0 <= metrics[key] <= 1.0
            assert metrics["hit@1"] <= metrics["hit@5"]
        assert 0.0 <= q["systems"]["policyqa"]["answer_accuracy"] <= 1.0
    assert sets["dev"]["questions"] == 12

    seeds = report["speed"]["seeds"]
    assert seeds["documents"] == 5 and seeds["chunks_embedded"] == seeds["chunks"] > 50
    _positive(seeds, "index_chunks_per_s", "index_total_s", "cold_start_to_first_answer_s", "warm_ask_p50_ms",
              "warm_ask_p95_ms", "reindex_unchanged_s", "reindex_one_changed_s", "peak_rss_mib")
    assert seeds["warm_ask_p50_ms"] <= seeds["warm_ask_p95_ms"]
    # one edited document re-embeds that document's changed chunks only
    assert 0 < seeds["reindex_one_changed_chunks_embedded"] < seeds["chunks"]

    rows = report["scale"]["rows"]
    assert {r["backend"] for r in rows} == {"embedded", "server"}
    for row in rows:
        assert row["chunks"] >= 500 and row["open_chunks_embedded"] == 0  # copies reused the seeds' vectors
        _positive(row, "ask_p50_ms", "ask_p95_ms")
    assert report["scale"]["passages_embedded"] == 0

    load = report["load"]
    assert load["answers"] > 0 and load["errors"] == 0
    _positive(load, "answers_per_s", "p50_ms", "p95_ms", "p99_ms")
