"""Figures stated in text: a number (Arabic or Chinese) with the measure word jieba's dictionary tags after it.

One definition serves retrieval (does a clause state any figure?), the composer (which figure is the rate, the
cap, the threshold) and the guard (is every stated number in a quote?).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.clean import search_form
from qa.question import CAP, DEFINES, Question, _pos_cut

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUMBER = re.compile(rf"\d+(?:[.,]\d+)*|[{_CN_DIGITS}]{{2,}}|[一二两三四五六七八九十]")
_ANY_FIGURE = re.compile(rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)\s*[余多]?\s*(?:[%％]|[万亿千百]?[\u4e00-\u9fff])")
_THRESHOLD_BEFORE = re.compile(r"达到|超过|突破|首次|年产值|营收|投资|规模")
_GRANT_OR_BREAK = re.compile(r"[，,。；;、]|给予|奖励|补助|补贴|资助")
_APPROX = "余多近约"
# a rate written as a fraction (百分之二十, 万分之五) or per mille (3‰): the same kind of figure as 20%
_FRACTION_RATE = re.compile(rf"[百千万]分之[{_CN_DIGITS}点]+|\d+(?:\.\d+)?\s*[‰‱]")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月[底初中]|[〇零一二三四五六七八九]{4}年")
_CALENDAR_YEAR = re.compile(r"(?:19|20)\d\d年")
_RANGE = ("-", "—", "–", "―", "‒", "~", "～", "至", "到")
_IDENTIFIER = re.compile(r"\d{5,}|\d+(?:-\d+)+")  # longer than a year, or hyphenated: a phone, a file number


@dataclass(frozen=True)
class Figure:
    """A stated figure: its text ('500万元'), its unit ('元', '%', '家'), and its role in the sentence."""

    text: str
    unit: str
    role: str  # "比例" (rate), "上限" (cap), "门槛" (threshold), "金额" (amount), "数量" (count)
    start: int
    end: int


_SIZED = {size: re.compile(rf"(?:[两二三四五六七八九十]+|(?<!\d)[1-9]\d?){size}") for size in "大小"}


def states_figure(text: str) -> bool:
    """Cheap test: does `text` contain a number followed by a unit-like character?"""
    return bool(_ANY_FIGURE.search(text))


def _unit_of(phrase: str) -> str:
    unit = phrase.lstrip("第0123456789.,% " + _CN_DIGITS + _APPROX + "".join(_RANGE))
    if "%" in phrase or "％" in phrase:
        return "%"
    return unit.lstrip("万亿千百") or unit


@lru_cache(maxsize=8192)
def figures(text: str, with_dates: bool = False) -> tuple[Figure, ...]:
    """Figures in `text` with their roles: numeral phrases as jieba segments them (数词/量词 tags). Year, month
    and day counts ("三年", "6个月") are left out unless `with_dates` (a question asking 几年 wants them)."""
    out: list[Figure] = []
    rates = [Figure(m.group().replace(" ", ""), "%", "比例", m.start(), m.end()) for m in _FRACTION_RATE.finditer(text)]
    words = _pos_cut(text)
    i = 0
    while i < len(words):
        word, flag, start = words[i]
        if any(r.start <= start < r.end for r in rates):
            i += 1
            continue
        core = word[1:] if word.startswith("第") and len(word) > 1 else word  # ordinals: 第十年
        approx = word in ("万", "千", "百", "亿") and i > 0 and words[i - 1][0] in ("近", "数", "上", "逾", "约", "超")
        spell = core[0] in _CN_DIGITS and len(word) >= 2 and (flag == "m" or flag == "t" and core[-1] in "年天")  # 五年: t
        if not (core[0].isdigit() or approx or spell) \
                or re.fullmatch(r"一[^零〇一二两三四五六七八九十百千万亿\d]+", core):
            i += 1  # not a number; nor 一 with a measure word (一批, 一个): the indefinite article, not a count
            continue
        end, j = start + len(word), i + 1
        if j + 1 < len(words) and words[j][0] in _RANGE and words[j][2] == end and words[j + 1][0][0].isdigit():
            end, j = words[j + 1][2] + len(words[j + 1][0]), j + 2  # a range: 2—3年, 5～10万元
        while j < len(words) and (words[j][1] in ("m", "q") or words[j][0] in ("%", "％", " ")) \
                and not words[j][0][0].isdigit():
            end = words[j][2] + len(words[j][0])
            j += 1
        measure = j < len(words) and _CJK_CHAR.match(words[j][0]) and (
            len(words[j][0]) == 1
            or len(words[j][0]) == 2 and words[j][1] == "n" and words[j][2] == end and words[j][0][0] not in "年月日号天")
        if measure and (text[start:end].strip()[-1:].isdigit() or text[start:end].strip()[-1:] in "万亿千百"):
            # number + a one-character noun, or a two-character noun written right after it, is a measure:
            # 1200人, 近万人, 8英寸
            end, j = words[j][2] + len(words[j][0]), j + 1
        elif j < len(words) and words[j][1] == "t" and words[j][2] == end and words[j][0][0] in "年月日天" \
                and text[start:end].strip()[-1:].isdigit():
            end = end + 1  # a time word glued to the number (3年内, 30日起): its first character is the unit
        phrase = text[start:end].strip()
        unit = _unit_of(phrase)
        i = j
        if not unit or phrase[-1].isdigit() or phrase.startswith("第") and not is_time_unit(unit):
            continue  # a bare number: a list marker, a year, an article number
        before = text[max(0, start - 16):start]
        clause_before = _GRANT_OR_BREAK.split(before)[-1]  # what qualifies this number in its own clause
        if is_time_unit(unit) and not with_dates:
            continue  # a date or a year count: not a figure of the kind answers lead with
        if unit == "%":
            role = "比例"
        elif out and before.rstrip().endswith("、") and out[-1].unit == unit:
            role = out[-1].role  # a list "200亿元、150亿元" shares its first item's role
        elif CAP.search(before[-8:]) or re.search(r"(不超过|不高于|以内|封顶)[^，,。；]{0,6}$", before):
            role = "上限"
        elif _THRESHOLD_BEFORE.search(clause_before) or re.match(r"\s*(?:及|\(含\))?以上", text[end:end + 5]):
            role = "门槛"
        elif unit in ("元",):
            role = "金额"
        else:
            role = "数量"
        out.append(Figure(phrase.replace(" ", ""), unit, role, start, end))
    return tuple(sorted(out + rates, key=lambda f: f.start)) if rates else tuple(out)


_MAGNITUDE = {"": 1.0, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8}
_AMOUNT = r"(\d+(?:\.\d+)?)\s*([万亿千百]?)"
_GIVEN = re.compile(_AMOUNT)
# a bracket a text states: a range (10亿—50亿元, 3000万元—1亿元, 5～10万元) or an open one (100亿元以上, 50万元及以上)
_BRACKET = re.compile(rf"{_AMOUNT}[^\d\s，,。；;、]{{0,2}}\s*(?:[-—–―‒~～]{{1,2}}|至|到)\s*{_AMOUNT}"  # 1000万――5000万元
                      rf"|{_AMOUNT}[^\d\s，,。；;、]{{0,3}}?(?:及|\(含\))?以上")


def brackets(text: str) -> tuple[tuple[float, float], ...]:
    """The numeric brackets `text` states, as (low, high) with 万/亿 applied; an open one's high is infinite."""
    out = []
    for m in _BRACKET.finditer(text):
        if m.group(1) is not None:
            high = float(m.group(3)) * _MAGNITUDE[m.group(4)]
            low = float(m.group(1)) * _MAGNITUDE[m.group(2) or m.group(4)]  # 5～10万元: the low end is 5万
            out.append((low, high))
        else:
            out.append((float(m.group(5)) * _MAGNITUDE[m.group(6)], float("inf")))
    return tuple(out)


_passage_brackets = lru_cache(maxsize=4096)(brackets)  # sentences and clauses are scored again and again


def amount(term: str) -> float | None:
    """The value of a question term holding an amount, a number with its 万/亿 (60亿, 3000万); None for any
    other term, a bare number (2025, 9) included: it may as well be a year, an ordinal or part of a 文号."""
    m = _GIVEN.fullmatch(term)
    return float(m.group(1)) * _MAGNITUDE[m.group(2)] if m is not None and m.group(2) else None


def within(value: float, stated: tuple[tuple[float, float], ...]) -> bool:
    return any(low <= value <= high for low, high in stated)


def within_bracket(number: str, text: str) -> bool:
    """Is `number` (an amount the asker gives: 60亿, 3000万) inside a bracket `text` states (50亿—100亿元)?
    Documents set tiers; askers state where they stand."""
    value = amount(number)
    return value is not None and within(value, _passage_brackets(text))


def is_time_unit(unit: str) -> bool:
    """年, 个月, 天, 日, 工作日, 周, 小时: units of time, which a question and a text may choose differently."""
    return unit.lstrip("个")[-1:] in ("年", "月", "日", "天", "号", "周", "时")


def _is_span_of_time(f: Figure, text: str) -> bool:
    """A figure of `text` counting time (3年, 60日, 18个月), not a calendar year (2019年) nor part of a date
    (the 2月 and 2日 of 2月2日)."""
    return is_time_unit(f.unit) and not _CALENDAR_YEAR.fullmatch(f.text) \
        and not any(m.start() <= f.start < m.end() for m in _DATE.finditer(text))


def asked_figures(question: Question, text: str) -> list[Figure]:
    """The figures of `text` of the kind the question asks for: in its unit (any unit of time for a time
    question, the exact unit first), its rate or its cap; else every figure."""
    time = question.asks in ("duration", "date") or is_time_unit(question.unit)
    # a figure the asker quotes as a name (“两重”政策资金有多少) is what it asks about, not what it asks for
    # … nor an amount or count the question itself states (市里那个黄金十条能奖多少: 十条 names the policy; 500万元以上的
    # 项目奖多少: the threshold); a span of time may be both (满5年的…年限能缩短到几年: 缩短至5年)
    figs = tuple(f for f in figures(text, time) if not any(f.text in name for name in question.quoted)
                 and not (question.wants_figure and not is_time_unit(f.unit) and search_form(f.text) in question.search))
    unit = question.unit
    if unit == "%":
        return [f for f in figs if f.unit == "%"]
    if unit in _SIZED:  # 几大特色领域, 几小项: counts of major or minor items (六大主赛道, 二十小项), which only such a
        return [Figure(m.group(), unit, "数量", m.start(), m.end()) for m in _SIZED[unit].finditer(text)]  # question reads
    if unit:
        exact = [f for f in figs if f.unit == unit or f.unit.endswith(unit)
                 or len(unit) == 1 and f.unit.startswith(unit) and not is_time_unit(f.unit)]  # 几个: 2个千亿级
        if question.wants_cap and exact:  # 最高不超过多少万元: the cap, not the 500万元 threshold beside it
            return [f for f in exact if f.role == "上限"] or [f for f in exact if f.role != "门槛"]
        return exact or ([f for f in figs if _is_span_of_time(f, text)] if is_time_unit(unit) else [])
    if question.asks == "duration":
        return [f for f in figs if _is_span_of_time(f, text)]
    if question.asks == "date" and not question.crosslingual:  # 哪天: a figure in time units (2022年, 6月), not
        return [f for f in figs if is_time_unit(f.unit)]  # 500万元 (an English "when" may only start a clause)
    if question.units:  # 奖励多少 next to clauses that state 奖励 in 万元: 500强 is not the kind asked
        figs = tuple(f for f in figs if f.unit in question.units)
    if question.wants_cap:
        return [f for f in figs if f.role == "上限"] or [f for f in figs if f.role != "门槛"]
    return list(figs)


SENTENCE = re.compile(r"[^。；;！!？?\n]+")  # a sentence or line of a passage, as the gate and this module read it


def expected_units(question: Question, texts: list[str], min_figures: int, min_share: float,
                   background: Callable[[str], Sequence[str]] = lambda noun: (),
                   background_share: float = 0.5) -> tuple[str, ...]:
    """For a bare 多少 (no unit named): the units in which `texts` (the evidence) state figures in sentences that
    name the asked noun (the last focus word: 奖励 in …技术中心奖励多少), each holding at least `min_share` of at
    least `min_figures` figures. When the evidence states too few, the unit the rest of the corpus
    (`background(noun)`: other passages naming the noun, read only then) mostly states it in (at least `background_share` of its
    figures), with any unit the evidence does state beside the noun; () when neither says enough. The corpus,
    not a word list, says what 奖励多少 is counted in."""
    if question.unit or question.asks != "quantity" or not question.focus or len(question.parts) > 1:
        return ()
    noun = question.focus[-1]
    stated = _units_beside(noun, texts)
    if sum(stated.values()) >= min_figures:
        return _frequent(stated, min_share)
    usual = _units_beside(noun, background(noun))
    mostly = _frequent(usual, background_share) if sum(usual.values()) >= min_figures else ()
    return tuple(sorted(set(mostly) | set(stated))) if mostly else ()


def _units_beside(noun: str, texts: Sequence[str]) -> dict[str, int]:
    """How many figures of each unit the sentences of `texts` that name `noun` state."""
    counts: dict[str, int] = {}
    for text in texts:
        for sentence in SENTENCE.findall(text):
            if noun in sentence:
                for fig in figures(sentence):
                    counts[fig.unit] = counts.get(fig.unit, 0) + 1
    return counts


def _frequent(counts: dict[str, int], min_share: float) -> tuple[str, ...]:
    """The units holding at least `min_share` of the counted figures."""
    total = sum(counts.values())
    return tuple(sorted(u for u, n in counts.items() if n / total >= min_share))


def states_identifier(text: str) -> bool:
    """A number that is a code rather than a figure: a phone number, a proposal or file number."""
    return bool(_IDENTIFIER.search(text))


def states_asked_kind(question: Question, text: str) -> float:
    """1 when `text` states the kind of fact asked for (or nothing specific is asked): a figure in the asked
    unit or of the asked role, a date, a code such as a phone or file number for a bare 多少."""
    if question.asks == "definition":
        return float(bool(DEFINES.search(text)))
    if question.asks in ("date", "duration") and not question.unit:
        return float(bool(_DATE.search(text)) or bool(asked_figures(question, text)))
    if question.wants_figure:
        return float(bool(asked_figures(question, text))
                     or question.asks == "quantity" and not question.unit and states_identifier(text))
    return 1.0


def numbers(text: str) -> list[str]:
    """Every Arabic number in `text` (the guard checks each against the quotes)."""
    return re.findall(r"\d+(?:[.,]\d+)*", text)


# 每 before a word that counts recipients or periods (每家企业, 每户, 每人, 每个, 每年): the award to one of them is
# the figure itself, whether or not the text writes 每; any other measure (每亩, 每平方米, 每千瓦时, 每台) asks a rate
_PER_RECIPIENT_OR_PERIOD = "人名位家户个项件次批所座条年月日天周季期"
_PER = re.compile(r"每\s*([\u4e00-\u9fff]{1,3})")
_FIGURE_BEFORE = r"[\d零〇一二两三四五六七八九十百千万亿.]\s*"


def asked_per_unit(question: Question, texts: Sequence[str]) -> str:
    """The measure a figure question asks a rate per (每亩补助多少 → 亩; 每平方米 → 平方米): the longest word after
    its 每 that `texts` write after a figure as a unit (so 每增长, 每超过 ask no rate); '' when there is none, or it
    counts recipients or periods."""
    if not question.wants_figure or question.crosslingual:
        return ""
    joined = "\n".join(texts)
    for m in _PER.finditer(question.search):
        word = m.group(1)
        if word[0] in _PER_RECIPIENT_OR_PERIOD:
            continue
        for size in range(len(word), 0, -1):
            if re.search(_FIGURE_BEFORE + re.escape(word[:size]), joined):
                return word[:size]
    return ""


def states_per(unit: str, text: str) -> bool:
    """Does `text` state a figure per `unit` (每亩补助1000元, 400万元/亩, 亩均税收, 每平方米不超过300元)?"""
    u = re.escape(unit)
    return bool(states_figure(text) and re.search(rf"每\s*{u}|[/／]\s*{u}|{u}\s*均", text))
