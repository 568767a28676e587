"""The citation guard: a generated answer may state only what the clauses it cites carry.

Pure functions on strings and `Citation`s, no model and no I/O. `check(text, passages)` returns
the answer with unknown markers removed, sentences without a marker labelled as unsourced,
markers renumbered 1..k in order of first use, and the problems that make it unusable:
a figure (number and unit, Chinese numerals and 万/亿 normalised) that no clause the same
sentence cites states, or a place, date or document number that neither the cited clause nor
its document's metadata carries. Any problem means the caller falls back to the extractive answer.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import cn2an

from corpus.clean import search_form
from qa.places import find_places, region_places
from qa.schema import Citation


@dataclass(frozen=True)
class GuardConfig:
    """What counts as a checkable figure, and how unsourced text is labelled."""

    # measure words a figure may carry; longest first is applied when matching
    units: tuple[str, ...] = (
        "%", "‰", "万元", "亿元", "元", "美元", "港元", "欧元", "家", "个", "年", "月", "日", "天", "倍", "项", "人次",
        "人", "名", "次", "台", "套", "条", "所", "座", "亩", "平方公里", "平方米", "公里", "米", "吨", "千瓦时", "千瓦",
        "兆瓦", "小时", "岁", "户", "张", "件", "批", "期", "颗", "辆", "款", "级", "yuan", "percent",
    )
    # multipliers folded into the value: 50万 == 500000
    multipliers: tuple[tuple[str, float], ...] = (
        ("千万", 1e7), ("百万", 1e6), ("万亿", 1e12), ("亿", 1e8), ("万", 1e4),
        ("billion", 1e9), ("million", 1e6), ("thousand", 1e3),
    )
    unsourced_label: str = "〔无出处〕"
    min_claim_chars: int = 4  # shorter fragments ("如下：") are not labelled


DEFAULT = GuardConfig()

MARKER = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、\-–]\s*\d{1,3})*)\s*[\]］】]")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|\n+|$)|[^\n]+")
_DATE = re.compile(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])(?:\s*(\d{1,2})\s*日?)?|(\d{4})\s*年\s*(\d{1,2})\s*月")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔\[（(【]\s*(\d{4})\s*[〕\]）)】]\s*(\d{1,4})\s*号")
_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# a lone 一 before a measure word is the indefinite article ("一项政策"), not a figure
_ARTICLE = re.compile(rf"(?<![{_NUMERAL}\d.第])一(?![{_NUMERAL}\d])")
_KEEP = "\ue000"
_ENUM = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*")


@dataclass
class GuardResult:
    """The guarded answer text, the passages it cites (renumbered), and why it must not be used."""

    text: str
    citations: list[Citation]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # repairs made: removed markers, unsourced sentences

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.citations)


@dataclass
class Sentence:
    text: str  # as written, markers included
    cited: list[int]  # marker numbers in the order written

    @property
    def claim(self) -> str:
        return MARKER.sub("", self.text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their markers; a marker written after the full stop belongs to the sentence before."""
    out: list[Sentence] = []
    for piece in _SENTENCE.findall(text):
        if not piece:
            continue
        lead = re.match(r"^(\s*(?:[\[［【][\d\s,，、\-–]+[\]］】]\s*)+)", piece)
        if lead and out:
            out[-1].text += lead.group(1)
            out[-1].cited += marker_ids(lead.group(1))
            piece = piece[lead.end():]
        if piece:
            out.append(Sentence(piece, marker_ids(piece)))
    return out


def marker_ids(text: str) -> list[int]:
    """Every cited number, expanding [1,2] and [1-3]."""
    ids: list[int] = []
    for m in MARKER.finditer(text):
        for part in re.split(r"\s*[,，、]\s*", m.group(1)):
            if m2 := re.fullmatch(r"(\d+)\s*[\-–]\s*(\d+)", part):
                lo, hi = int(m2.group(1)), int(m2.group(2))
                ids += list(range(lo, hi + 1)) if 0 < hi - lo < 10 else [lo, hi]
            else:
                ids.append(int(part))
    return ids


def normalise(text: str) -> str:
    """Search form (width, simplified script), Chinese numerals as digits, no thousands separators."""
    text = _ARTICLE.sub(_KEEP, search_form(text))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValueError, KeyError):  # text cn2an cannot read stays as it is
            text = cn2an.transform(text, "cn2an")
    text = text.replace(_KEEP, "一")
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def figures(text: str, config: GuardConfig = DEFAULT) -> set[tuple[float, str]]:
    """(value, unit) for every number in already-normalised `text`; 万/亿 folded into the value,
    万元/亿元 into 元, unit "" when none follows. Enumeration labels ("1.", "（2）") are not figures."""
    mults = "|".join(re.escape(m) for m, _ in config.multipliers)
    units = "|".join(re.escape(u) for u in sorted(config.units, key=len, reverse=True))
    pattern = re.compile(rf"(\d+(?:\.\d+)?)\s*({mults})?\s*[余多]?\s*({units})?", re.IGNORECASE)
    scale = dict(config.multipliers)
    out: set[tuple[float, str]] = set()
    for line in text.splitlines():
        line = _ENUM.sub("", line)
        for m in pattern.finditer(line):
            value = float(m.group(1)) * scale.get((m.group(2) or "").lower(), 1.0)
            unit = (m.group(3) or "").lower()
            if unit in ("万元", "亿元"):
                value *= 1e4 if unit == "万元" else 1e8
                unit = "元"
            unit = {"yuan": "元", "percent": "%"}.get(unit, unit)
            out.add((round(value, 6), unit))
    return out


def dates(text: str) -> set[tuple[int, int, int]]:
    """(year, month, day) stated in normalised `text`; day 0 when only a month is given."""
    out = set()
    for m in _DATE.finditer(text):
        if m.group(1):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        else:
            y, mo, d = int(m.group(4)), int(m.group(5)), 0
        if 1 <= mo <= 12 and 0 <= d <= 31:
            out.add((y, mo, d))
    return out


def doc_numbers(text: str) -> set[tuple[str, int, int]]:
    """(issuer abbreviation, year, serial) of every 文号 such as 苏园管〔2023〕7号."""
    return {(m.group(1), int(m.group(2)), int(m.group(3))) for m in _DOC_NUMBER.finditer(text)}


def _number_supported(n: tuple[str, int, int], known: set[tuple[str, int, int]]) -> bool:
    # the prefix match is loose at its start only: "依据苏园管" ends with the known "苏园管"
    return any(k[1:] == n[1:] and (n[0].endswith(k[0]) or k[0].endswith(n[0])) for k in known)


def support_text(c: Citation) -> str:
    """Everything a citation carries: the clause, its heading, and its document's metadata."""
    date = ""
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", c.date or ""):
        date = f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return "\n".join([c.quote, c.heading, c.title, c.issuer, c.region, date, c.doc_number])


def _figure_supported(fig: tuple[float, str], known: set[tuple[float, str]]) -> bool:
    value, unit = fig
    return any(v == value and (u == unit or not u or not unit) for v, u in known)


def _date_supported(d: tuple[int, int, int], known: set[tuple[int, int, int]]) -> bool:
    return any(k[:2] == d[:2] and (d[2] in (0, k[2])) for k in known)


def unsupported(claim: str, cited: Sequence[Citation], config: GuardConfig = DEFAULT) -> list[str]:
    """What the sentence `claim` states that none of the `cited` passages carry (empty: all supported)."""
    said = normalise(claim)
    support = "\n".join(normalise(support_text(c)) for c in cited)
    problems = []
    known_figs = figures(support, config)
    for fig in sorted(figures(said, config)):
        if not _figure_supported(fig, known_figs):
            value = int(fig[0]) if fig[0] == int(fig[0]) else fig[0]
            problems.append(f"数字 {value}{fig[1]}")
    known_dates = dates(support)
    for d in sorted(dates(said)):
        if not _date_supported(d, known_dates):
            problems.append("日期 " + "-".join(str(x) for x in d if x))
    known_numbers = doc_numbers(support)
    problems += [f"文号 {p}〔{y}〕{n}号" for p, y, n in sorted(doc_numbers(said))
                 if not _number_supported((p, y, n), known_numbers)]
    places = set(find_places(support))
    for c in cited:
        places |= region_places(c.region)
    problems += [f"地名 {p}" for p in find_places(search_form(claim)) if p not in places]
    return problems


def check(text: str, passages: Sequence[Citation], config: GuardConfig = DEFAULT) -> GuardResult:
    """Guard a generated answer against the passages it was given (numbered by `Citation.id`)."""
    by_id = {p.id: p for p in passages}
    result = GuardResult(text="", citations=[])
    renumber: dict[int, int] = {}
    bad_markers: set[int] = set()
    unsourced = 0
    pieces = []
    for sent in split_sentences(text):
        cited = []
        for n in sent.cited:
            if n in by_id:
                cited.append(n)
                renumber.setdefault(n, len(renumber) + 1)
            else:
                bad_markers.add(n)
        claim = sent.claim.strip()
        if not cited:
            if problems := unsupported(claim, [], config):
                result.problems.append(f"未注明出处的一句含有{'、'.join(problems)}：“{_clip(claim)}”")
            body = MARKER.sub("", sent.text)
            if len(re.sub(r"\W", "", claim)) >= config.min_claim_chars:
                unsourced += 1
                body = _label(body, config.unsourced_label)
            pieces.append(body)
            continue
        if problems := unsupported(claim, [by_id[n] for n in dict.fromkeys(cited)], config):
            marks = "".join(f"[{n}]" for n in dict.fromkeys(cited))
            result.problems.append(f"{'、'.join(problems)} 不在所引条款 {marks} 中：“{_clip(claim)}”")
        pieces.append(MARKER.sub(lambda m: _rewrite_marker(m, by_id, renumber), sent.text))
    result.text = re.sub(r"[ \t]+\n", "\n", "".join(pieces)).strip()
    if bad_markers:
        result.notes.append("已删除指向不存在条款的引用编号：" + "、".join(f"[{n}]" for n in sorted(bad_markers)))
    if unsourced:
        result.notes.append(f"有 {unsourced} 句没有引用条款，已标为{config.unsourced_label}，不是政策原文的内容。")
    result.citations = [replace(by_id[old], id=new) for old, new in sorted(renumber.items(), key=lambda kv: kv[1])]
    if not result.citations:
        result.problems.append("回答没有引用任何检索到的条款")
    elif len(re.sub(r"\W", "", MARKER.sub("", result.text))) < config.min_claim_chars:
        result.problems.append("回答只有引用编号，没有内容")
    return result


def _rewrite_marker(m: re.Match[str], by_id: dict[int, Citation], renumber: dict[int, int]) -> str:
    kept = [renumber[n] for n in dict.fromkeys(marker_ids(m.group(0))) if n in by_id]
    return "".join(f"[{n}]" for n in kept)


def _label(sentence: str, label: str) -> str:
    """Put the label before the sentence's closing punctuation/newline."""
    m = re.match(r"^(.*?)([。！？!?；;]*\s*)$", sentence, flags=re.S)
    return f"{m.group(1)}{label}{m.group(2)}" if m else sentence + label


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
