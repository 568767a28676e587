"""`policyqa llm bench`: extractive vs generative answers on a question set — how often the model's
answer is used, why it fell back, refusals, and latency — printed as figures."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import IO

from tqdm import tqdm

from qa.llm import GUARD_FAILED
from qa.service import PolicyQA


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_llm_bench(qa: PolicyQA, questions: Path, answers_out: IO[str] | None = None, limit: int = 0) -> str:
    """Ask every question of `questions` (JSONL with "question" and "answerable"; the first `limit`
    when set) in both modes."""
    items = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = items[:limit] if limit else items
    ext_ms: list[float] = []
    llm_ms: list[float] = []
    counts = {"llm": 0, "guard": 0, "server": 0, "refused": 0}
    refusal_right = {"extractive": 0, "llm": 0}
    problems: list[str] = []
    for item in tqdm(items, desc="llm bench", unit="q"):
        t0 = time.perf_counter()
        ext = qa.ask(item["question"])
        t1 = time.perf_counter()
        gen = qa.ask(item["question"], mode="llm")
        t2 = time.perf_counter()
        ext_ms.append((t1 - t0) * 1000)
        if not gen.answerable:
            counts["refused"] += 1
        else:
            llm_ms.append((t2 - t1) * 1000)
            if gen.mode == "llm":
                counts["llm"] += 1
            elif gen.warnings and gen.warnings[0].startswith(GUARD_FAILED):
                counts["guard"] += 1
                problems.append(f"{item['question']}: {gen.warnings[0]}")
            else:
                counts["server"] += 1
                problems.append(f"{item['question']}: {gen.warnings[0] if gen.warnings else '?'}")
        if "answerable" in item:
            refusal_right["extractive"] += ext.answerable == item["answerable"]
            refusal_right["llm"] += gen.answerable == item["answerable"]
        if answers_out is not None:
            answers_out.write(json.dumps(gen.to_dict(), ensure_ascii=False) + "\n")
            answers_out.flush()
    asked = len(llm_ms)
    lines = [
        f"questions: {len(items)}; refused before any model call: {counts['refused']}",
        f"model asked: {asked}; guarded answer used: {counts['llm']}; guard fell back: {counts['guard']}; "
        f"server error/timeout fell back: {counts['server']}",
        f"answerable decided right: extractive {refusal_right['extractive']}/{len(items)}, "
        f"llm mode {refusal_right['llm']}/{len(items)}",
        f"latency extractive: p50 {_pct(ext_ms, 0.5):.0f} ms, p95 {_pct(ext_ms, 0.95):.0f} ms",
        f"latency llm mode (questions the model was asked): p50 {_pct(llm_ms, 0.5):.0f} ms, "
        f"p95 {_pct(llm_ms, 0.95):.0f} ms, mean {statistics.fmean(llm_ms) if llm_ms else float('nan'):.0f} ms",
    ]
    if problems:
        lines += ["fallbacks:"] + [f"  {p}" for p in problems]
    return "\n".join(lines)
