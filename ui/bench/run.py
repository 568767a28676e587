"""Runs every bench step in order and collects one report: quality, speed, scale, load."""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.pipeline import BUNDLED_CORPUS
from ui.bench.common import corpus_files, latency_ms, peak_rss_mib, sample_questions
from ui.bench.report import UNITS

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SETS = (("dev", REPO / "tests" / "dev.jsonl"), ("own", REPO / "tests" / "questions.jsonl"),
                ("fresh", REPO / "tests" / "questions_fresh.jsonl"))
DEFAULT_LAWS = REPO.parent / "shared" / "corpora" / "laws-cn"


@dataclass
class BenchOptions:
    """What to run; `quick` = seeds only, small scale points, a short load."""

    quick: bool = False
    sets: tuple[str, ...] = tuple(name for name, _ in DEFAULT_SETS)  # which bundled question sets
    question_sets: list[tuple[Path, Path]] = field(default_factory=list)  # (questions.jsonl, corpus dir)
    laws_dir: Path = DEFAULT_LAWS
    laws_limit: int = 0  # 0: every file
    scale_points: list[int] = field(default_factory=lambda: [1000, 10000, 100000])
    server: bool = True
    load_users: int = 8
    load_seconds: float = 30.0
    workdir: Path | None = None  # kept for inspection when given; a temporary folder otherwise
    checkpoint: Callable[[dict], None] | None = None  # called with the report so far after each section


def _copy_corpus(src: Path, dest: Path, limit: int = 0) -> Path:
    """A private copy (the re-index step edits one file); at most `limit` documents (0: all)."""
    files = corpus_files(src)
    for path in files[:limit] if limit else files:
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for manifest in ("manifest.json", "manifest.toml"):
        if (src / manifest).is_file():
            shutil.copy2(src / manifest, dest / manifest)
    return dest


def _checkpoint(opts: BenchOptions, report: dict) -> None:
    if opts.checkpoint is not None:
        opts.checkpoint(report)


def _set_name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def run_bench(settings, opts: BenchOptions) -> dict:
    from index.embed import ensure_model, make_embeddings
    from ui.bench.load import load_test
    from ui.bench.quality import Bm25Baseline, DenseBaseline, evaluate_set, load_items, split_raw_files
    from ui.bench.scale import scale_curve
    from ui.bench.speed import cold_start_first_answer, open_cold, reindex_figures, warm_ask

    report: dict = {
        "meta": {"started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cpus": os.cpu_count(),
                 "loadavg_start": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(),
                 "embedder": settings.embedder, "quick": opts.quick, "argv": sys.argv[1:]},
        "units": UNITS, "quality": [], "speed": {}, "scale": {}, "load": {}, "notes": [],
    }
    t_start = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="policyqa-bench-") if opts.workdir is None else None
    work = Path(tmp.name) if tmp else opts.workdir
    work.mkdir(parents=True, exist_ok=True)
    try:
        embeddings = make_embeddings(settings.embedder, ensure_model(settings.model_dir))

        # --- seeds: cold build, quality on the bundled sets, speed ---------------------------------------
        seeds = _copy_corpus(BUNDLED_CORPUS, work / "seeds")
        seeds_db = work / "db-seeds"
        print("bench: indexing the seed corpus (cold)", file=sys.stderr)
        qa, figs = open_cold(seeds, seeds_db, settings)
        passages = split_raw_files(seeds)
        baselines = [Bm25Baseline(passages), DenseBaseline(passages, embeddings)]
        seed_questions: list[str] = []
        seed_ask_ms: list[float] = []
        for name, path in DEFAULT_SETS:
            if name not in opts.sets:
                continue
            if not path.is_file():
                report["notes"].append(f"question set {path} not found: skipped")
                continue
            items = load_items(path)
            seed_questions += [it["question"] for it in items]
            entry = evaluate_set(name, items, qa, baselines)
            seed_ask_ms += entry.pop("ask_ms")
            report["quality"].append({**entry, "corpus": "bundled seeds"})
        figs["baseline_passages"] = len(passages)
        figs["cold_start_to_first_answer_s"] = cold_start_first_answer(seeds, seeds_db, seed_questions[0]
                                                                       if seed_questions else "首轮流片补助多少")
        # the quality pass asked every seed question on a warm index: its answer latencies are the sample
        lat = latency_ms(seed_ask_ms) if seed_ask_ms else warm_ask(qa, sample_questions(
            [c for d in qa.documents() for c in qa.chunks(d.doc_id)], 40))
        figs.update({"warm_ask_p50_ms": lat["p50_ms"], "warm_ask_p95_ms": lat["p95_ms"], "warm_asks": lat["n"]})
        figs.update(reindex_figures(qa, seeds))
        report["speed"]["seeds"] = figs

        _checkpoint(opts, report)

        # --- further question sets on their own corpora ----------------------------------------------------
        for i, (qpath, cdir) in enumerate(opts.question_sets):
            if not qpath.is_file() or not cdir.is_dir():
                report["notes"].append(f"question set {qpath} with corpus {cdir}: not found, skipped")
                continue
            print(f"bench: indexing {cdir} for {qpath}", file=sys.stderr)
            other, ofigs = open_cold(cdir, work / f"db-set{i}", settings)
            opass = split_raw_files(cdir)
            entry = evaluate_set(_set_name(qpath), load_items(qpath), other,
                                 [Bm25Baseline(opass), DenseBaseline(opass, embeddings)])
            entry.pop("ask_ms")
            entry["corpus"] = str(cdir)
            report["quality"].append(entry)
            report["speed"][f"corpus {cdir.name}"] = {k: ofigs[k] for k in (
                "documents", "chunks", "index_sync_s", "index_chunks_per_s")}
            del other

        _checkpoint(opts, report)

        # --- laws-cn: indexing throughput at size ---------------------------------------------------------
        base_qa, base_dir, base_db = qa, seeds, seeds_db
        if not opts.quick:
            if opts.laws_dir.is_dir():
                laws = _copy_corpus(opts.laws_dir, work / "laws", opts.laws_limit)
                laws_db = work / "db-laws"
                print(f"bench: indexing {len(corpus_files(laws))} laws-cn documents (cold)", file=sys.stderr)
                lqa, lfigs = open_cold(laws, laws_db, settings)
                law_questions = sample_questions([c for d in lqa.documents() for c in lqa.chunks(d.doc_id)], 30)
                lfigs["cold_start_to_first_answer_s"] = cold_start_first_answer(laws, laws_db, law_questions[0])
                lat = warm_ask(lqa, law_questions)
                lfigs.update({"warm_ask_p50_ms": lat["p50_ms"], "warm_ask_p95_ms": lat["p95_ms"],
                              "warm_asks": lat["n"]})
                lfigs.update(reindex_figures(lqa, laws))
                report["speed"][f"laws-cn ({opts.laws_limit or 'all'} files)"] = lfigs
                base_qa, base_dir, base_db = lqa, laws, laws_db
            else:
                report["notes"].append(f"laws-cn not found at {opts.laws_dir} (pass --laws DIR): skipped")

        _checkpoint(opts, report)

        # --- HTTP load against `policyqa serve` on the seeds ----------------------------------------------
        if opts.load_seconds > 0 and opts.load_users > 0:
            print(f"bench: {opts.load_users} HTTP users for {opts.load_seconds:g} s", file=sys.stderr)
            try:
                report["load"] = load_test(seeds, seeds_db, seed_questions or ["首轮流片补助多少"],
                                           users=opts.load_users, seconds=opts.load_seconds, work=work)
            except RuntimeError as exc:
                report["load"] = {"skipped": str(exc)}

        _checkpoint(opts, report)

        # --- scale curve ----------------------------------------------------------------------------------
        if opts.scale_points:
            all_chunks = [c for d in base_qa.documents() for c in base_qa.chunks(d.doc_id)]
            report["scale"] = scale_curve(base_dir, base_qa, base_db, settings, opts.scale_points,
                                          sample_questions(all_chunks, 20), work / "scale",
                                          server=opts.server, on_row=lambda rows: _checkpoint(
                                              opts, {**report, "scale": {"rows": rows}}))
            report["scale"]["base_corpus"] = "bundled seeds" if base_dir == seeds else str(opts.laws_dir)
            shutil.rmtree(work / "scale", ignore_errors=True)
    finally:
        report["meta"].update({"loadavg_end": [round(x, 2) for x in os.getloadavg()],
                               "bench_total_s": round(time.perf_counter() - t_start, 1),
                               "peak_rss_mib": peak_rss_mib()})
        if tmp:
            tmp.cleanup()
    return report
