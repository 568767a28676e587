"""`policyqa`: the command line — corpus, setup, index, ask, eval, bench, serve, llm, feedback."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from ui.settings import Settings, load_settings  # noqa: E402


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", help="folder of documents (default: the bundled policy corpus)")
    p.add_argument("--db", help="index folder (default: one per corpus folder under POLICYQA_HOME)")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "corpus", None), getattr(args, "db", None))


def _open_qa(settings: Settings, progress: bool = True):
    from qa.service import PolicyQA

    return PolicyQA.from_settings(settings).open(progress=progress)


def cmd_corpus(args: argparse.Namespace) -> int:
    from corpus.pipeline import chunk_document, load_corpus
    from ui.corpus_view import corpus_table, show_document

    folder = Path(args.corpus) if args.corpus else _settings(args).corpus_dir
    if not folder.is_dir():
        print(f"policyqa: corpus folder not found: {folder}", file=sys.stderr)
        return 2
    docs, errors = load_corpus(folder)
    if args.json:
        from corpus.metadata_check import meta_row

        print(json.dumps([meta_row(d) for d in docs], ensure_ascii=False, indent=1))
        for err in errors:
            print(f"policyqa: not loaded: {err.path}: {err.reason}", file=sys.stderr)
        return 0
    if args.action == "show":
        doc = next((d for d in docs if d.doc_id == args.doc_id), None)
        if doc is None:
            known = ", ".join(d.doc_id for d in docs)
            print(f"policyqa: no document {args.doc_id!r} in {folder} (known: {known})", file=sys.stderr)
            return 2
        print(show_document(doc, chunk_document(doc)))
        return 0
    print(corpus_table(docs, {d.doc_id: chunk_document(d) for d in docs}, errors))
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    from index.embed import ensure_model, ensure_onnx

    path = ensure_model(_settings(args).model_dir)
    print(f"embedding model ready: {path}")
    print(f"int8 ONNX export ready: {ensure_onnx(path)}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from qa.service import PolicyQA

    settings = _settings(args)
    qa = PolicyQA.from_settings(settings)
    report = qa.open(progress=not args.quiet).last_sync
    if report is None:  # read-only index folder: served as it is
        for warning in qa.warnings:
            print(f"policyqa: {warning}", file=sys.stderr)
        return 1
    print(
        f"index {settings.db_dir}: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed, {len(report.unchanged)} unchanged; "
        f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f}s"
        + (f" ({report.chunks_per_second:.1f} chunks/s embedding)" if report.chunks_embedded else "")
    )
    for err in qa.load_errors:
        print(f"skipped {err.path}: {err.reason}", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.service import InvalidQuestion, PolicyQA

    settings = _settings(args)
    if args.mode == "llm" and settings.llm is None:
        print("policyqa: --mode llm needs a model server: set POLICYQA_LLM_BASE_URL (and POLICYQA_LLM_MODEL), "
              "e.g. from `policyqa llm local`", file=sys.stderr)
        return 2
    # reads the index as it is (no waiting for a running `policyqa index`); --sync updates it first
    qa = PolicyQA.from_settings(settings).open(progress=not (args.json or args.jsonl), sync=args.sync)
    for warning in qa.warnings:
        print(f"policyqa: {warning}", file=sys.stderr)
    if args.jsonl:
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            try:
                out = qa.ask(question, mode=args.mode).to_dict()
            except InvalidQuestion as exc:
                out = {"question": question, "answer": str(exc), "answerable": False, "citations": [],
                       "warnings": [str(exc)], "timings_ms": {}}
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 0
    question = " ".join(args.question).strip()
    try:
        answer = qa.ask(question, mode=args.mode)
    except InvalidQuestion as exc:
        print(f"policyqa: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else _answer_text(answer))
    return 0


def _answer_text(answer) -> str:
    """The answer for a terminal: text, warnings, then numbered citations."""
    lines = [answer.answer]
    if answer.rewritten_question:
        lines.insert(0, f"（已理解为：{answer.rewritten_question}）")
    lines += [f"⚠ {w}" for w in answer.warnings]
    for c in answer.citations:
        lines += ["", f"[{c.id}] 《{c.title}》 {c.heading}  ({c.source} {c.start}-{c.end})", f"    “{c.quote}”"]
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.evaluate import evaluate, format_report

    qa = _open_qa(_settings(args))
    report = evaluate(qa, Path(args.questions), split=args.split)
    print(format_report(report))
    out = Path(args.report)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"report written to {out}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from qa.evaluate import calibrate
    from qa.gate import GATE_FILE

    sets = []
    for spec in args.questions:
        path, _, corpus = spec.partition("=")
        settings = _settings(args) if not corpus else load_settings(corpus, None)
        sets.append((_open_qa(settings), Path(path)))
    if len(sets) > 1 and not args.out:
        print("several corpora: say where the gate goes with --out", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else sets[0][0].db_dir / GATE_FILE
    print(calibrate(sets, out, split=args.split, samples_out=Path(args.samples) if args.samples else None))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ui.bench.quality import load_items
    from ui.bench.report import format_table, write_json, write_png
    from ui.bench.run import DEFAULT_LAWS, DEFAULT_SETS, BenchOptions, run_bench

    if len(args.questions) != len(args.corpus):
        print("policyqa: give --questions FILE and --corpus DIR in pairs (one corpus per question file)",
              file=sys.stderr)
        return 2
    for qfile, cdir in zip(args.questions, args.corpus, strict=True):
        try:  # before the long run: a bad file is reported now, not after an hour
            load_items(Path(qfile))
        except (OSError, ValueError) as exc:
            print(f"policyqa: bench: cannot read the question set {qfile}: {exc}", file=sys.stderr)
            return 2
        if not Path(cdir).is_dir():
            print(f"policyqa: bench: corpus folder not found: {cdir}", file=sys.stderr)
            return 2
    quick = args.quick
    points = args.scale_points if args.scale_points is not None else ([1000, 3000] if quick else
                                                                        [1000, 10000, 100000])
    sets = tuple(x.strip() for x in args.sets.split(",") if x.strip())
    unknown = sorted(set(sets) - {name for name, _ in DEFAULT_SETS})
    if unknown:
        print(f"policyqa: bench: unknown --sets {unknown}; choose from {[n for n, _ in DEFAULT_SETS]}", file=sys.stderr)
        return 2
    opts = BenchOptions(
        quick=quick,
        sets=sets,
        question_sets=[(Path(q), Path(c)) for q, c in zip(args.questions, args.corpus, strict=True)],
        laws_dir=Path(args.laws) if args.laws else DEFAULT_LAWS,
        laws_limit=args.laws_limit,
        scale_points=[p for p in points if p > 0],
        server=not args.no_server,
        load_users=args.load_users if args.load_users is not None else (4 if quick else 8),
        load_seconds=args.load_seconds if args.load_seconds is not None else (10 if quick else 30),
        workdir=Path(args.workdir) if args.workdir else None,
        checkpoint=lambda partial: write_json(partial, Path(args.json)),  # a long run keeps what it measured
    )
    report = run_bench(load_settings(), opts)
    print(format_table(report))
    write_json(report, Path(args.json))
    print(f"report written to {args.json}")
    if args.png:
        write_png(report, Path(args.png))
        print(f"chart written to {args.png}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.web import serve

    serve(_settings(args), host=args.host, port=args.port)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from ui.feedback import export_jsonl

    settings = _settings(args)
    out = Path(args.out) if args.out else None
    count = export_jsonl(settings.feedback_db, out or sys.stdout)
    print(f"exported {count} feedback records", file=sys.stderr)
    return 0


def cmd_llm(args: argparse.Namespace) -> int:
    from ui.local_llm import LocalModelError, assemble, run_local

    try:
        if args.action == "path":
            print(assemble(args.size))
            return 0
        if args.action == "bench":
            return _llm_bench(args)
        return run_local(args.size, args.port, args.n_ctx, args.threads)
    except LocalModelError as exc:
        print(f"policyqa: {exc}", file=sys.stderr)
        return 2


def _llm_bench(args: argparse.Namespace) -> int:
    from qa.llm_bench import run_llm_bench

    settings = _settings(args)
    if settings.llm is None:
        print("policyqa: llm bench needs POLICYQA_LLM_BASE_URL (e.g. from `policyqa llm local`)", file=sys.stderr)
        return 2
    if not args.questions:
        print("policyqa: llm bench needs a question file: policyqa llm bench QUESTIONS.jsonl", file=sys.stderr)
        return 2
    qa = _open_qa(settings)
    if args.answers:
        with open(args.answers, "w", encoding="utf-8") as out:
            print(run_llm_bench(qa, Path(args.questions), out, limit=args.limit))
    else:
        print(run_llm_bench(qa, Path(args.questions), limit=args.limit))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyqa", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="list the cleaned corpus, or show one document's chunks")
    p.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    p.add_argument("doc_id", nargs="?", help="document id (file name) for `show`")
    p.add_argument("--json", action="store_true", help="print every document's metadata as one JSON array")
    _add_paths(p)
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("setup", help="prepare the offline embedding model and its int8 ONNX export (once)")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("index", help="build or update the index incrementally")
    _add_paths(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question", nargs="*", help="the question, in Chinese or English")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--jsonl", action="store_true", help="read questions on stdin, write JSON lines")
    p.add_argument("--sync", action="store_true", help="bring the index up to date with the corpus first")
    p.add_argument("--mode", choices=["extractive", "llm"], default="extractive",
                   help="llm: the model at POLICYQA_LLM_BASE_URL writes the answer, guarded by its citations")
    _add_paths(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score retrieval and answers on a question set")
    p.add_argument("questions", help="JSONL questions (the format of tests/dev.jsonl)")
    p.add_argument("--split", help="only questions of this split (e.g. heldout)")
    p.add_argument("--report", default="eval-report.json", help="where to write the JSON report")
    _add_paths(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("calibrate", help="fit the answerability gate on calibration questions; stored with the index")
    p.add_argument("questions", nargs="+", metavar="QUESTIONS[=CORPUS]",
                   help="JSONL question files; QUESTIONS=DIR pairs a file with another corpus folder")
    p.add_argument("--split", default="calib", help="the split to fit on (the heldout split is reported apart)")
    p.add_argument("--out", help="where to write the gate (default: gate.json beside the corpus's index)")
    p.add_argument("--samples", help="also write every question's gate features to this JSONL file")
    _add_paths(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("bench", help="quality vs baselines, speed, scale curve and HTTP load, as JSON + PNG")
    p.add_argument("--quick", action="store_true", help="seeds only, 1k/3k scale points, 10 s load with 4 users")
    p.add_argument("--questions", action="append", default=[], metavar="FILE",
                   help="a further question set (JSONL), paired with the next --corpus DIR; repeatable")
    p.add_argument("--corpus", action="append", default=[], metavar="DIR", help="the corpus of that question set")
    p.add_argument("--sets", default="dev,own,fresh", metavar="NAMES",
                   help="bundled question sets on the seeds: dev (tests/dev.jsonl), own (tests/questions.jsonl), "
                        "fresh (tests/questions_fresh.jsonl); comma-separated")
    p.add_argument("--laws", metavar="DIR", help="the laws-cn corpus (default: ../shared/corpora/laws-cn)")
    p.add_argument("--laws-limit", type=int, default=0, metavar="N", help="index only the first N laws (0: all)")
    p.add_argument("--scale-points", type=lambda s: [int(x) for x in s.split(",") if x.strip()], metavar="N,N",
                   help="index sizes in chunks (default 1000,10000,100000; --quick 1000,3000; empty: none)")
    p.add_argument("--no-server", action="store_true", help="scale curve on embedded Chroma only")
    p.add_argument("--load-users", type=int, metavar="N", help="concurrent HTTP users (default 8; --quick 4)")
    p.add_argument("--load-seconds", type=float, metavar="S", help="load duration (default 30; --quick 10; 0: none)")
    p.add_argument("--json", default="bench-report.json", metavar="PATH", help="where to write the JSON report")
    p.add_argument("--png", default="bench-report.png", metavar="PATH", help="where to write the chart ('' for none)")
    p.add_argument("--workdir", metavar="DIR", help="keep indexes and logs here (default: a temporary folder)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("serve", help="start the web chat and HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    _add_paths(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("llm", help="a local model server for generative answers (the local-llm extra)")
    p.add_argument("action", choices=["local", "path", "bench"],
                   help="local: assemble the model and serve it on 127.0.0.1; path: assemble and print its file; "
                        "bench: extractive vs generative answers on QUESTIONS (fallbacks, refusals, latency)")
    p.add_argument("questions", nargs="?", help="for bench: JSONL questions (the format of tests/dev.jsonl)")
    p.add_argument("--answers", help="for bench: write the generative answers here as JSONL (for score.py --answers)")
    p.add_argument("--limit", type=int, default=0, help="for bench: only the first N questions")
    _add_paths(p)
    p.add_argument("--size", choices=["0.5b", "1.5b"], default="0.5b", help="Qwen2.5-Coder-Instruct size")
    p.add_argument("--port", type=int, default=8088)
    p.add_argument("--n-ctx", type=int, default=4096, help="context window in tokens")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: llama.cpp's default)")
    p.set_defaults(func=cmd_llm)

    p = sub.add_parser("feedback", help="export stored feedback")
    p.add_argument("action", choices=["export"])
    p.add_argument("-o", "--out", help="output file (default: stdout)")
    p.set_defaults(func=cmd_feedback)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if args.command == "corpus" and args.action == "show" and not args.doc_id:
        print("policyqa: `corpus show` needs a DOC_ID (a file name from `policyqa corpus`)", file=sys.stderr)
        return 2
    if args.command == "ask" and not (args.jsonl or args.question):
        print('policyqa: ask needs a question, e.g. policyqa ask "首轮流片补助多少", or --jsonl', file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
