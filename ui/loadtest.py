"""A load generator for a running PolicyQA server: N users ask questions back to back for T seconds.

`python -m ui.loadtest http://127.0.0.1:7860/ --users 20 --seconds 60` prints throughput, latency
percentiles and errors; `run_load()` returns the same figures for `policyqa bench`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "questions.jsonl"


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def run_load(url: str, questions: list[str], users: int, seconds: float, timeout_s: float = 30.0) -> dict:
    """Each of `users` threads posts `questions` (round robin, offset per user) to `url`api/ask until
    `seconds` have passed. Returns answers/s, p50/p95/p99 in ms, and the error count with samples."""
    if not questions:
        raise ValueError("run_load needs at least one question")
    endpoint = url.rstrip("/") + "/api/ask"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    stop_at = start + seconds

    def user(offset: int) -> None:
        with httpx.Client(timeout=timeout_s) as client:
            i = offset
            while time.perf_counter() < stop_at:
                question = questions[i % len(questions)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = client.post(endpoint, json={"question": question})
                    ok = r.status_code == 200 and "answer" in r.json()
                    problem = "" if ok else f"HTTP {r.status_code}: {r.text[:120]}"
                except (httpx.HTTPError, ValueError) as exc:
                    problem = f"{type(exc).__name__}: {exc}"[:160]
                elapsed = time.perf_counter() - t0
                with lock:
                    (errors.append(problem) if problem else latencies.append(elapsed))

    threads = [threading.Thread(target=user, args=(n * 7,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout_s + 5)
    wall = time.perf_counter() - start
    ms = sorted(x * 1000 for x in latencies)
    return {
        "users": users,
        "seconds": round(wall, 1),
        "answers": len(ms),
        "answers_per_s": round(len(ms) / wall, 2) if wall else 0.0,
        "p50_ms": round(_percentile(ms, 50), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
        "p99_ms": round(_percentile(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
    }


def load_questions(path: Path) -> list[str]:
    """Questions from a JSONL file (`question` field) or a plain text file (one per line)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.suffix == ".jsonl":
        return [json.loads(line)["question"] for line in lines]
    return lines


def format_result(result: dict) -> str:
    return (f"{result['users']} users, {result['seconds']} s: {result['answers']} answers, "
            f"{result['answers_per_s']} answers/s; latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
            f"p99 {result['p99_ms']} ms; errors {result['errors']}"
            + (f" (e.g. {result['error_samples'][0]})" if result["error_samples"] else ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.loadtest", description=__doc__)
    p.add_argument("url", help="server root, e.g. http://127.0.0.1:7860/")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL (question field) or text lines")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = p.parse_args(argv)
    result = run_load(args.url, load_questions(args.questions), args.users, args.seconds)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_result(result))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
