"""The bench report as a terminal table, a JSON file and a PNG chart (scale curve + quality bars)."""

from __future__ import annotations

import json
from pathlib import Path

UNITS = {
    "_s": "seconds", "_ms": "milliseconds", "_mib": "MiB (peak resident memory)", "_per_s": "per second",
    "answers_per_s": "answered HTTP requests per second", "hit@1, hit@5, mrr@10, answer_accuracy": "fraction of questions, 0..1",
}


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def format_table(report: dict) -> str:
    """The figures people read first, one block per section."""
    lines = [f"policyqa bench  {report['meta']['started']}  ({report['meta']['cpus']} CPUs, load average "
             f"{report['meta']['loadavg_start']} at start; timings are noisy on a shared machine)"]
    lines.append("\nQUALITY (retrieval on answerable questions; answers judged as ../shared/eval/score.py does)")
    lines.append(f"  {'set':<22} {'system':<32} {'hit@1':>7} {'hit@5':>7} {'MRR@10':>7} {'answers':>9}")
    for qs in report.get("quality", []):
        for system, m in qs["systems"].items():
            acc = f"{m['answer_accuracy']:.1%}" if "answer_accuracy" in m else ""
            lines.append(f"  {qs['set'][:22]:<22} {system[:32]:<32} {m['hit@1']:>7.1%} {m['hit@5']:>7.1%} "
                         f"{m['mrr@10']:>7.3f} {acc:>9}")
    for name, figs in report.get("speed", {}).items():
        lines.append(f"\nSPEED: {name}")
        lines += [f"  {k:<40} {_fmt(v)}" for k, v in figs.items()]
    scale = report.get("scale", {})
    if scale.get("rows"):
        lines.append("\nSCALE (warm ask latency; copies of the base corpus reuse its vectors)")
        lines.append(f"  {'backend':<10} {'chunks':>8} {'p50 ms':>8} {'p95 ms':>8} {'open s':>8} {'reopen s':>9} "
                     f"{'RSS MiB':>9}")
        for r in scale["rows"]:
            lines.append(f"  {r['backend']:<10} {r['chunks']:>8} {r['ask_p50_ms']:>8.1f} {r['ask_p95_ms']:>8.1f} "
                         f"{r['open_s']:>8.2f} {r.get('reopen_unchanged_s', 0.0):>9.2f} {r['peak_rss_mib']:>9.0f}")
    lines += [f"  {n}" for n in scale.get("notes", [])]
    load = report.get("load", {})
    if load:
        lines.append("\nLOAD (HTTP POST /api/ask against `policyqa serve`)")
        lines += [f"  {k:<40} {_fmt(v)}" for k, v in load.items()]
    lines += [f"\nnote: {n}" for n in report.get("notes", [])]
    return "\n".join(lines)


def write_json(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def write_png(report: dict, path: Path) -> None:
    """Left: ask p50/p95 against index size per backend (log x). Right: hit@1 / MRR per set and system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.5), gridspec_kw={"width_ratios": [1, 1.4]})
    rows = report.get("scale", {}).get("rows", [])
    for backend, colour in (("embedded", "tab:blue"), ("server", "tab:orange")):
        pts = sorted((r["chunks"], r["ask_p50_ms"], r["ask_p95_ms"]) for r in rows if r["backend"] == backend)
        if not pts:
            continue
        xs = [p[0] for p in pts]
        left.plot(xs, [p[1] for p in pts], "o-", color=colour, label=f"{backend} Chroma p50")
        left.plot(xs, [p[2] for p in pts], "s--", color=colour, alpha=0.7, label=f"{backend} Chroma p95")
    left.set_xscale("log")
    sizes = sorted({r["chunks"] for r in rows})
    if sizes:
        left.set_xticks(sizes, [f"{x / 1000:.3g}k" for x in sizes])
        left.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    left.set_ylim(bottom=0)
    left.set_xlabel("chunks in the index")
    left.set_ylabel("warm ask latency (ms)")
    left.set_title("Scale: ask latency vs index size")
    left.grid(True, which="both", alpha=0.3)
    if rows:
        left.legend(fontsize=8)
    else:
        left.text(0.5, 0.5, "no scale points measured", ha="center", transform=left.transAxes)

    quality = report.get("quality", [])
    systems = list(dict.fromkeys(s for qs in quality for s in qs["systems"]))
    width = 0.8 / max(1, len(systems))
    colours = ["tab:green", "tab:gray", "tab:purple", "tab:red"]
    for i, system in enumerate(systems):
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(quality))]
        hit1 = [qs["systems"].get(system, {}).get("hit@1", 0) for qs in quality]
        mrr = [qs["systems"].get(system, {}).get("mrr@10", 0) for qs in quality]
        bars = right.bar(xs, hit1, width * 0.95, color=colours[i % len(colours)], label=f"{system} hit@1")
        right.scatter(xs, mrr, marker="_", s=300, color="black", zorder=3, label="MRR@10" if i == 0 else None)
        for bar, value in zip(bars, hit1, strict=True):
            right.text(bar.get_x() + bar.get_width() / 2, max(value - 0.06, 0.01), f"{value:.0%}", ha="center",
                       fontsize=7, color="white", fontweight="bold")
    for j, qs in enumerate(quality):
        acc = qs["systems"].get("policyqa", {}).get("answer_accuracy")
        if acc is not None:
            right.text(j, -0.12, f"answers {acc:.0%}", ha="center", fontsize=8, transform=right.get_xaxis_transform())
    right.set_xticks(range(len(quality)), [f"{qs['set']}\n({qs['answerable']} answerable)" for qs in quality],
                     fontsize=8)
    right.set_ylim(0, 1.3)
    right.set_ylabel("share of answerable questions")
    right.set_title("Quality: retrieval hit@1 (bars) and MRR@10 (ticks)")
    right.legend(fontsize=7, loc="upper center", ncol=2)
    fig.suptitle(f"policyqa bench — {report['meta']['started']} — {report['meta']['cpus']} CPUs", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
