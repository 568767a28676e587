"""Scoring retrieval and answers on a question set (the format of tests/dev.jsonl), and calibrating refusal."""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import unicodedata
import warnings
from pathlib import Path

import cn2an

from corpus.clean import search_form
from qa.compose import asked_fields
from qa.gate import fit
from qa.service import PolicyQA

# the scorer's own (looser) pinyin pattern, so `policyqa eval` judges answers as ../shared/eval/score.py does
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zA-Z\u00c0-\u024f\u0300-\u036f]{1,8}\)")


def normalise_fact_text(text: str) -> str:
    """Width, script, pinyin, whitespace and Chinese numerals normalised, so '百分之四十' matches '40%'."""
    text = _PINYIN.sub("", unicodedata.normalize("NFKC", text or ""))
    text = search_form(text).replace("％", "%")
    with contextlib.suppress(ValueError, KeyError, IndexError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = cn2an.transform(text, "cn2an")
    return re.sub(r"\s+", "", text)


def has_fact(text: str, fact: str) -> bool:
    norm = normalise_fact_text(text)
    return any(normalise_fact_text(alt) in norm for alt in fact.split("|"))


def load_questions(path: Path, split: str | None = None) -> list[dict]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not a JSON object ({exc})") from exc
            if split is None or item.get("split") == split:
                items.append(item)
    return items


def evaluate(qa: PolicyQA, path: Path, split: str | None = None) -> dict:
    """Retrieval hit@1/hit@5/MRR, answer accuracy, citation validity and refusal accuracy, per question too."""
    rows = []
    for item in load_questions(path, split):
        answer = qa.ask(item["question"])
        ranked = list(dict.fromkeys(c.doc.doc_id for c in qa.search(item["question"])))
        expected = set(item.get("sources") or [])
        rank = next((i for i, d in enumerate(ranked, 1) if d in expected), 0)
        quotes = "".join(c.quote for c in answer.citations)
        facts = item.get("must_include") or []
        valid = all((d := qa.document(c.source)) is not None and d.text[c.start:c.end] == c.quote
                    for c in answer.citations)
        if item["answerable"]:
            correct = (answer.answerable and all(has_fact(answer.answer, f) and has_fact(quotes, f) for f in facts)
                       and any(c.source in expected for c in answer.citations))
        else:
            correct = not answer.answerable
        rows.append({
            "id": item.get("id"), "question": item["question"], "answerable": item["answerable"],
            "predicted_answerable": answer.answerable, "correct": correct, "source_rank": rank,
            "citations_valid": valid, "answer": answer.answer, "ms": answer.timings_ms.get("total", 0.0),
        })
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]

    def share(xs: list[bool]) -> float:
        return round(sum(xs) / len(xs), 4) if xs else 0.0

    return {
        "questions": len(rows),
        "hit@1": share([r["source_rank"] == 1 for r in answerable]),
        "hit@5": share([0 < r["source_rank"] <= 5 for r in answerable]),
        "mrr": round(statistics.fmean([1 / r["source_rank"] if r["source_rank"] else 0 for r in answerable]), 4)
        if answerable else 0.0,
        "answer_accuracy": share([r["correct"] for r in answerable]),
        "refusal_accuracy": share([r["correct"] for r in unanswerable]),
        "overall": share([r["correct"] for r in rows]),
        "citation_validity": share([r["citations_valid"] for r in rows]),
        "p50_ms": round(statistics.median([r["ms"] for r in rows]), 1) if rows else 0.0,
        "rows": rows,
    }


def format_report(report: dict) -> str:
    lines = [
        f"questions {report['questions']}: overall {report['overall']:.1%}",
        f"retrieval  hit@1 {report['hit@1']:.1%}  hit@5 {report['hit@5']:.1%}  MRR {report['mrr']:.3f}",
        f"answers    accuracy {report['answer_accuracy']:.1%}  refusals {report['refusal_accuracy']:.1%}  "
        f"citations valid {report['citation_validity']:.1%}  p50 {report['p50_ms']} ms",
    ]
    lines += [f"FAIL {r['id']} {r['question']} | {r['answer'][:80]!r}" for r in report["rows"] if not r["correct"]]
    return "\n".join(lines)


def gate_samples(qa: PolicyQA, path: Path, split: str | None) -> list[tuple[dict[str, float], bool]]:
    """(gate features, answerable?) for the questions the gate's model decides (not place refusals, document
    facts, or refusals the evidence decides outright)."""
    out = []
    for item in load_questions(path, split):
        trace = qa.trace(item["question"])
        titles = tuple({c.doc.meta.title for c in trace.found.candidates}) if trace.found else ()
        if trace.found is None or asked_fields(trace.question, titles):
            continue
        decision = qa.pipeline.judge(trace.question, trace.found, trace.doc_ids)[1]
        if decision.outright:
            continue
        x = dict(decision.features)
        x["_id"] = item.get("id", "")  # type: ignore[assignment]  # kept for inspection, ignored by the fit
        out.append((x, bool(item["answerable"])))
    return out


def calibrate(sets: list[tuple[PolicyQA, Path]], out: Path, split: str = "calib",
              samples_out: Path | None = None) -> str:
    """Fit the gate on the calibration split of every (corpus, questions) pair; report calib and held-out
    decision accuracy separately. `out` is the index's gate.json (or, for developers, the shipped default)."""
    train: list[tuple[dict[str, float], bool]] = []
    held: list[tuple[dict[str, float], bool]] = []
    for qa, path in sets:
        train += gate_samples(qa, path, split)
        held += gate_samples(qa, path, "heldout")
    if not train:
        raise ValueError(f"no questions with split={split!r} in {', '.join(str(p) for _, p in sets)}")
    if samples_out:
        samples_out.write_text("".join(json.dumps({"split": sp, "answerable": y, **x}, ensure_ascii=False) + "\n"
                                       for sp, data in ((split, train), ("heldout", held)) for x, y in data),
                               encoding="utf-8")
    names = ", ".join(f"{p.name}@{qa.corpus_dir.name}" for qa, p in sets)
    model = fit(train, fitted_on=f"{len(train)} calibration questions: {names}")
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    threshold = sets[0][0].config.gate_threshold

    def acc(data: list[tuple[dict[str, float], bool]]) -> str:
        if not data:
            return "n/a (0)"
        right = sum((model.probability(x) >= threshold) == y for x, y in data)
        return f"{right / len(data):.1%} ({right}/{len(data)})"

    return (f"gate written to {out}: weights {model.weights}, bias {model.bias}\n"
            f"decision accuracy: calib {acc(train)}, heldout {acc(held)}")
