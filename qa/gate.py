"""The answerability gate: does the best evidence answer the question, and why (not)?

Every feature is relative to the question and the corpus, so the gate transfers between corpora and models:
how much of the question's IDF-weighted content the best passages cover, whether the words naming what is asked
(the focus) occur there, how much of the question the documents in scope never use, how far the best dense hit
stands out of its own pool, whether the two retrievers agree, and whether the asked kind of fact (a figure in
the asked unit, a date) is stated. A logistic model over them is fitted by `policyqa calibrate` on questions
about the corpus and stored with its index; `gate_default.json` (fitted on several corpora) serves otherwise.

Some evidence refuses outright, whatever the model says: a name the question quotes that no candidate
document writes, a question about one year answered by another year's document, a question about the
adopted text answered by a draft, a question qualifying a word (省级单项冠军, 三期规模) where the documents only
state the rule for a sibling (市级单项冠军, 首期规模), a figure question about one year whose best answering
sentences all sit in paragraphs about another year (到2022年,…达4.28% for 到2025年), a figure question whose best
sentence leaves the rule to a document the corpus lacks (按《…》执行, 另行制定), and a question whose words
the best document writes only in the unfinished clause it breaks off with (an excerpt cut off mid-sentence
states nothing about them), or whose asked figure would have to come from such an unfinished last sentence; and
a question asking a rate per a measure (每亩补贴多少) whose best passages state no figure per it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from corpus.clean import search_form
from corpus.gazetteer import gazetteer
from corpus.schema import Document
from qa.config import AnswerConfig
from qa.figures import SENTENCE, asked_per_unit, states_asked_kind, states_per
from qa.question import EDITION, Question, chinese_number, without_own_statements
from qa.retriever import Candidate, Retrieval
from qa.terms import TermWeights, match

FEATURES = ("coverage", "focus", "answer_sentence", "missing", "dense_margin", "agree", "kind", "crosslingual")
DEFAULT_FILE = Path(__file__).with_name("gate_default.json")
GATE_FILE = "gate.json"  # beside the index it was fitted for


@dataclass
class GateDecision:
    """The gate's verdict with the evidence behind it (shown as `"gate"` in the JSON answer)."""

    answerable: bool
    probability: float
    features: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)  # question words the best passage uses
    missing: list[str] = field(default_factory=list)  # focus words it does not
    veto: str = ""  # a refusal the evidence decides outright (another year's document, a draft, a cut-off text)
    outright: bool = False  # refused by the evidence itself (a veto, an unwritten quoted name), not by the model
    quote: tuple[str, int, int] | None = None  # (doc_id, start, end) of the text the veto rests on, if not the best passage

    def to_dict(self) -> dict:
        d = asdict(self)
        d["probability"] = round(self.probability, 4)
        d["features"] = {k: round(v, 4) for k, v in self.features.items()}
        return d


def features(question: Question, found: Retrieval, weights: TermWeights, scope_doc_ids: set[str] | None,
             config: AnswerConfig) -> dict[str, float]:
    """The gate's inputs for one question (all in [0, 1] except the dense margin, a z-like score)."""
    cands = found.candidates[:config.gate_features]
    if not cands:
        return {"answer_sentence": 0.0, "coverage": 0.0, "focus": 0.0, "missing": 1.0, "dense_margin": 0.0, "agree": 0.0, "kind": 0.0,
                "crosslingual": float(question.crosslingual)}
    lexical = not question.crosslingual and bool(question.terms)
    focus = question.focus or question.terms
    texts = [f"{c.chunk.heading} {c.chunk.search_text}" for c in cands]
    parts = _parts(question)
    if len(question.parts) > 1:  # the parts of a multi-part question may sit in neighbouring clauses
        texts.append(" ".join(texts))
    return {
        "answer_sentence": _answer_sentence(question, parts, texts, weights) if lexical else 0.0,
        "coverage": max(weights.coverage(question.terms, f"{cands[0].doc.meta.title} {t}") for t in texts)
        if lexical else 0.0,
        "focus": max(weights.coverage(focus, t) for t in texts) if lexical else 0.0,
        "missing": weights.missing_share(question.terms, scope_doc_ids) if lexical else 0.0,
        "dense_margin": found.dense_margin,
        "agree": cands[0].fused,
        "kind": sum(max(states_asked_kind(part, t) for t in texts) for part in parts) / len(parts),
        "crosslingual": float(question.crosslingual),
    }


def _parts(question: Question) -> list[Question]:
    """The sub-questions of a multi-part question, each with its own asked kind; else the question itself."""
    return [question.part(p) for p in question.parts] if len(question.parts) > 1 else [question]


def _answer_sentence(question: Question, parts: list[Question], texts: list[str], weights: TermWeights) -> float:
    """Is there one sentence that names what is asked (the focus words) and states the asked kind of fact?
    Averaged over the parts of a multi-part question. A passage cut off before its figure, or a clause on the
    topic that never gives the asked amount, scores low; a paraphrased answer with the figure scores high."""
    sentences = [m.group() for t in texts for m in SENTENCE.finditer(t)]
    if not sentences:
        return 0.0
    scores = []
    for part in parts:
        focus = part.focus or part.terms or question.terms
        scores.append(max(weights.coverage(focus, s) * states_asked_kind(part, s) for s in sentences))
    return sum(scores) / len(scores)


@dataclass
class GateModel:
    """p(answerable) = sigmoid(bias + w·x)."""

    weights: dict[str, float]
    bias: float
    fitted_on: str = ""

    @classmethod
    def load(cls, db_dir: Path | None = None) -> GateModel:
        """The model fitted for this index (db_dir/gate.json) when there is one, else the shipped default."""
        for path in ([db_dir / GATE_FILE] if db_dir else []) + [DEFAULT_FILE]:
            if path.is_file():
                data = json.loads(path.read_text(encoding="utf-8"))
                return cls(weights=data["weights"], bias=data["bias"], fitted_on=data.get("fitted_on", str(path)))
        # no fitted model at all: answer when most of the question is covered and the asked kind is stated
        return cls(weights={"coverage": 3.0, "focus": 2.0, "missing": -4.0, "dense_margin": 0.3, "agree": 0.5,
                            "kind": 1.5, "crosslingual": 1.0}, bias=-3.0, fitted_on="built-in prior")

    def probability(self, x: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * x.get(k, 0.0) for k in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"weights": self.weights, "bias": self.bias, "fitted_on": self.fitted_on},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def fit(samples: list[tuple[dict[str, float], bool]], l2: float = 0.05, steps: int = 50,
        fitted_on: str = "") -> GateModel:
    """L2-regularised logistic regression by Newton's method (numpy only; a few hundred samples)."""
    x = np.array([[1.0, *(s[k] for k in FEATURES)] for s, _ in samples])
    y = np.array([float(label) for _, label in samples])
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-9 * np.eye(x.shape[1])
        w -= np.linalg.solve(hess, grad)
    return GateModel(weights={k: round(float(v), 4) for k, v in zip(FEATURES, w[1:], strict=True)},
                     bias=round(float(w[0]), 4), fitted_on=fitted_on)


class AnswerabilityGate:
    """Decides answer or refuse from the retrieval evidence, and says why."""

    def __init__(self, model: GateModel, weights: TermWeights, config: AnswerConfig) -> None:
        self.model = model
        self.weights = weights
        self.config = config

    def decide(self, question: Question, found: Retrieval, scope_doc_ids: set[str] | None) -> GateDecision:
        x = features(question, found, self.weights, scope_doc_ids, self.config)
        p = self.model.probability(x)
        decision = GateDecision(answerable=p >= self.config.gate_threshold and bool(found.candidates),
                                probability=p, features=x)
        if not found.candidates:
            decision.reasons.append("没有检索到任何相关条款")
            return decision
        best = found.candidates[0]
        text = f"{best.doc.meta.title} {best.chunk.heading} {best.chunk.search_text}".lower()
        decision.covered = [t for t in question.terms if match(t, text) >= 1.0]
        decision.missing = [t for t in (question.focus or question.terms) if match(t, text) < 0.5]
        title = best.doc.meta.title or best.doc.doc_id
        if (year := _another_years_document(question, found)) is not None:
            decision.veto = f"知识库中的《{title}》是其他年份的文件，没有提到{year}年的规定"
        elif draft := draft_instead(question, best.doc):
            decision.veto = draft
        elif dated := _another_years_figure(question, found, self.weights, self.config.gate_features,
                                            self.config.asked_year_share):
            cand, start, end, stated, asked = dated
            decision.quote = (cand.doc.doc_id, start, end)
            decision.veto = (f"知识库中的《{cand.doc.meta.title or cand.doc.doc_id}》给出的是{stated}年的数字，"
                             f"没有{asked}年的")
        elif other := _sibling_instead(question, found, self.weights, self.config.gate_features):
            decision.quote = (other.doc.doc_id, other.start, other.end)
            decision.veto = (f"知识库中的《{other.doc.meta.title or other.doc.doc_id}》只规定了“{other.stated}”，"
                             f"没有关于所问“{other.asked}”的规定")
            decision.missing = [other.word] + [t for t in decision.missing if t != other.word]
        elif referral := _referred_elsewhere(question, found, self.weights, self.config):
            cand, start, end, named = referral
            decision.quote = (cand.doc.doc_id, start, end)
            decision.veto = (f"知识库中的《{cand.doc.meta.title or cand.doc.doc_id}》对此没有给出规定，而是按"
                             + (f"《{named}》执行，知识库中没有这份文件" if named else "另行制定的办法执行"))
        elif found_cut := _cut_off_answer(question, found, self.weights, self.config.cut_off_tail_chars):
            cut, terms = found_cut
            decision.quote = (cut.doc.doc_id, cut.sentence, cut.end)
            decision.veto = (f"知识库中的《{cut.doc.meta.title or cut.doc.doc_id}》原文在“{cut.tail}”处中断"
                             "（文件不完整），其中没有所问的规定")
            decision.missing = terms + [t for t in decision.missing if t not in terms]
        elif per := _per_unit_unstated(question, found, self.weights, self.config.gate_features):
            cand, start, end, unit = per
            decision.quote = (cand.doc.doc_id, start, end)
            decision.veto = f"知识库中的《{cand.doc.meta.title or cand.doc.doc_id}》没有给出按每{unit}计的标准"
            decision.missing = [f"每{unit}"] + decision.missing
        elif ungranted := _grant_unstated(question, found, self.weights, self.config.gate_features):
            cand, start, end, grant = ungranted
            decision.quote = (cand.doc.doc_id, start, end)
            decision.veto = f"知识库中的《{cand.doc.meta.title or cand.doc.doc_id}》没有提到任何{grant}"
            decision.missing = [grant] + [t for t in decision.missing if t != grant]
        if decision.veto:
            decision.answerable, decision.outright = False, True
            decision.reasons.append(decision.veto)
        if unquoted := _unquoted(question, found):
            # a name the asker quotes is meant exactly: documents that never write it cannot answer
            decision.answerable, decision.outright = False, True
            decision.reasons.append(f"最相关的文件都没有提到“{'、'.join(unquoted)}”")
            decision.missing = unquoted + [t for t in decision.missing if not any(t in u for u in unquoted)]
            decision.covered = [t for t in decision.covered if not any(t in u for u in unquoted)]
        if x["missing"] >= self.config.reason_missing and not question.crosslingual:
            absent = [t for t in question.terms if self.weights.missing_share([t], scope_doc_ids) >= 1.0]
            if absent:
                decision.reasons.append(f"知识库中没有任何文件提到“{'、'.join(absent)}”")
        if decision.missing and not question.crosslingual:
            decision.reasons.append(f"最相关的条款没有提到“{'、'.join(decision.missing)}”")
        if x["kind"] == 0.0:
            decision.reasons.append(f"最相关的条款没有给出所问的{KIND_NAMES.get(question.asks, '内容')}")
        if x["dense_margin"] < self.config.reason_dense_margin:
            decision.reasons.append("最相关条款与问题的语义相似度并不突出")
        return decision


_ASKS_FINAL = re.compile(r"正式稿|正式版|正式文件|正式印发|正式发布|正式出台|定稿")


# a question whether a document is adopted or still a draft (是正式印发的，还是还在征求意见？现在是正式文件吗？是正式
# 印发的文件吗？: the status may qualify a noun of a few characters)
_STATUS = r"(?:正式(?:印发|发布|出台)?(?:文件|稿|版)?|定稿|征求意见稿|草案|草稿|送审稿|在征求意见)"  # 正式印发稿 too
ASKS_STATUS = re.compile(rf"(?:是|还是)\S{{0,2}}?{_STATUS}(?:的\S{{0,3}}?)?(?:吗|呢|还是|[？?，,]|$)"
                         rf"|(?:是不是|是否)\S{{0,2}}?{_STATUS}")


def draft_instead(question: Question, doc: Document) -> str:
    """The refusal when the question asks about the adopted text (正式稿) and `doc` is a draft, else "". A
    question whether it is adopted at all asks the draft's status, which the draft answers."""
    if not (_ASKS_FINAL.search(question.search) and doc.meta.is_draft) or ASKS_STATUS.search(question.search):
        return ""
    return f"知识库中只有《{doc.meta.title or doc.doc_id}》，是征求意见稿，不是所问的正式文件（正式文件可能不同）"


_ASKED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# the base year of a comparison (较2020年降低17.5%, 比2015年翻一番, 与2020年相比): not the year a figure is for
_BASE_YEAR = re.compile(r"(?:较|比|相比于|相较于?|对比|与)\s*$")
_BASE_AFTER = re.compile(r"\s*年[^，,。；;]{0,8}?基础上")  # 在2020年增量的基础上实现倍增: a base too
# a year naming the text that states a figure, not the year the figure is for (2024年1月的简介说…多少户; 2023年那份报告)
_DOCUMENTS_YEAR = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?\s*(?:[那这]一?[份篇版期]|的)?\s*"
                             r"(?:[\u4e00-\u9fff]{0,4}?(?:简介|介绍|材料|资料|报告|报道|文章|年鉴|公报))")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:至|到|—|–|-|~|～|一)\s*((?:19|20)\d{2})\s*年")


_THIS_YEAR = re.compile(r"(?<![\d年])(?:今年|本年度?)")


def _year_spans(text: str, this_year: int | None = None, bases: bool = True) -> list[set[int]]:
    """The years or runs of years `text` names, in order: 2025年 → {2025}, 2013年一2017年 → {2013, …, 2017};
    今年 and 本年 as `this_year` (a document's own year), when given; without the base years of comparisons
    (较2020年, 在2020年增量的基础上) unless `bases`."""
    out, taken = [], []
    if this_year is not None:
        out += [(m.start(), {this_year}) for m in _THIS_YEAR.finditer(text)]
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b <= a + 50:
            out.append((m.start(), set(range(a, b + 1))))
            taken.append(m.span())
    out += [(m.start(), {int(m.group(1))}) for m in _ASKED_YEAR.finditer(text)
            if not any(a <= m.start() < b for a, b in taken)
            and (bases or not (_BASE_YEAR.search(text[max(0, m.start() - 4):m.start()])
                               or _BASE_AFTER.match(text, m.end(1))))]
    return [years for _, years in sorted(out, key=lambda x: x[0])]


def _shown_years(years: set[int]) -> str:
    return f"{min(years)}" if len(years) == 1 else f"{min(years)}—{max(years)}"


_TITLE_YEARS = re.compile(r"((?:19|20)\d{2})(?:\s*年?\s*[-—–～~至到]\s*((?:19|20)\d{2}))?")


def _another_years_document(question: Question, found: Retrieval) -> int | None:
    """The asked year, when the question asks about a year and the best document is another year's: its title
    names years (2019年部分节假日安排, 2021—2025年) that do not include it, or, for a question naming the year of
    the document it means (2023年出台的…意见), its title names none and it is dated another year; and its text
    never mentions the asked year."""
    doc = found.candidates[0].doc
    spans = [(int(a), int(b or a)) for a, b in _TITLE_YEARS.findall(search_form(doc.meta.title))]
    asked = without_own_statements(question.search)  # 2018年出过一次事故: the asker's year, not the document's
    asked_years = {int(y) for y in _ASKED_YEAR.findall(asked)}
    if not spans and (edition := EDITION.search(asked)) and doc.meta.date is not None:
        spans, asked_years = [(doc.meta.date.year, doc.meta.date.year)], {int(edition.group(1))}
    if not spans:
        return None
    for asked in asked_years:
        if not any(lo <= asked <= hi for lo, hi in spans) and str(asked) not in doc.search_text:
            return asked
    return None


def _another_years_figure(question: Question, found: Retrieval, weights: TermWeights, n: int, share: float,
                          ) -> tuple[Candidate, int, int, str, str] | None:
    """For a figure question about one year or run of years (到2025年…达到多少, 2018年至2022年每年…): the best
    answering sentence of the best `n` candidates, the other years it is stated for and the asked ones, when every
    such sentence sits in a paragraph about other years (到2022年,…。…比重达4.28%; 2013年一2017年,…每年筹集10亿元);
    None otherwise."""
    spans = _year_spans(_DOCUMENTS_YEAR.sub(lambda m: " " * len(m.group()), without_own_statements(question.search)))
    if question.crosslingual or not question.wants_figure or len(spans) != 1:
        return None
    asked, focus = spans[0], question.focus or question.terms
    scored = []
    for cand in found.candidates[:n]:
        text = cand.doc.search_text
        for m in SENTENCE.finditer(cand.chunk.search_text):
            score = weights.coverage(focus, m.group().lower()) * states_asked_kind(question, m.group())
            if score > 0:
                start, end = cand.chunk.start + m.start(), cand.chunk.start + m.end()
                dated = cand.doc.meta.date.year if cand.doc.meta.date else None  # 今年 of a 2024 text is 2024
                years = _year_spans(text[text.rfind("\n", 0, start) + 1:end], dated, bases=False)  # its paragraph
                own = _year_spans(text[start:end], dated, bases=False)  # … or its own years, all of them (2024年至
                # 2026年…,到2024年年底总量达到7000亿元,到2026年年底突破万亿元: for 2024 too)
                scored.append((score, cand, start, end, set().union(*own) if own else years[-1] if years else None))
    top = max((s[0] for s in scored), default=0.0)
    best = [s for s in scored if s[0] >= top]
    if not best or any(stated is None or not stated.isdisjoint(asked) for *_, stated in best):
        return None
    if any(stated is not None and not stated.isdisjoint(asked) and score >= share * top
           for score, *_, stated in scored):
        return None  # a sentence for the asked year says nearly as much (到2024年年底总量达到7000亿元 beside a 2026 target)
    _, cand, start, end, stated = best[0]
    return cand, start, end, _shown_years(stated), _shown_years(asked)


def _per_unit_unstated(question: Question, found: Retrieval, weights: TermWeights, n: int,
                       ) -> tuple[Candidate, int, int, str] | None:
    """For a one-part question asking a rate per a measure (每亩补贴多少, 每平方米补多少): the best sentence of the
    best `n` candidates and the measure, when none of their sentences states a figure per it (a report giving
    only the yearly total of a subsidy, or the 亩 of a park's area, does not say what is paid per 亩)."""
    cands = found.candidates[:n]
    if len(question.parts) > 1 or not cands:
        return None
    unit = asked_per_unit(question, [c.chunk.search_text for c in cands])
    if not unit:
        return None
    if any(states_per(unit, m.group()) for cand in cands for m in SENTENCE.finditer(cand.chunk.search_text)):
        return None
    best = _best_sentence(question, cands, weights)
    return (*best, unit) if best else None


def _best_sentence(question: Question, cands: list[Candidate], weights: TermWeights) -> tuple[Candidate, int, int] | None:
    """The sentence of `cands` that names most of what is asked (its candidate and document offsets): the one a
    near-miss quotes as related text."""
    focus, best = question.focus or question.terms, None
    for cand in cands:
        for m in SENTENCE.finditer(cand.chunk.search_text):
            score = weights.coverage(focus, m.group().lower())
            if best is None or score > best[0]:
                best = (score, cand, cand.chunk.start + m.start(), cand.chunk.start + m.end())
    return best[1:] if best else None


# a grant the asker asks the amount of, and what any passage stating a grant writes (its verbs and nouns, either
# script read as simplified: 给予奖励, 补助, 贴息, 减免, 返还, 资助, 扶持资金, 优惠)
_GRANT_ASKED = re.compile(r"奖励|奖补|奖金|补贴|补助|资助|贴息|返还")
_GRANT_STATED = re.compile(r"奖|补|贴|资助|扶持|返还|减免|免征|免收|减半|减征|优惠|给予|兑现")


def _grant_unstated(question: Question, found: Retrieval, weights: TermWeights, n: int,
                    ) -> tuple[Candidate, int, int, str] | None:
    """For a one-part question asking the figure of a grant or what or whether it is (补贴多少, 奖励多少万元, 给什么税收
    奖励, 怎么补助, 有没有房租补贴): the best sentence of the best `n` candidates and the grant, when none of them
    states any grant at all (a report on a park's size or output, or a count of firms, says nothing of what is paid)."""
    cands = found.candidates[:n]
    asked = _GRANT_ASKED.search(without_own_statements(question.search))
    if len(question.parts) > 1 or not cands or question.crosslingual or not asked \
            or not (question.wants_figure or question.asks in ("how", "which", "yesno")):
        return None
    if any(_GRANT_STATED.search(f"{c.chunk.heading} {c.chunk.search_text}") for c in cands):
        return None
    best = _best_sentence(question, cands, weights)
    return (*best, asked.group()) if best else None


_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = _SENTENCE_END + "，,、：:"  # not line breaks: text may be hard-wrapped mid-sentence
CLOSING = set("。！？!?；;）)】」』”\"…")  # a text ending on one of these does not break off mid-sentence


@dataclass(frozen=True)
class CutOff:
    """Where a document that breaks off mid-sentence ("…(4)对数字化服务商在") leaves off: offsets into its
    text of its unfinished last sentence and last clause, and of its end."""

    doc: Document
    sentence: int
    clause: int
    end: int

    @property
    def tail(self) -> str:
        """The unfinished clause as the document writes it."""
        return self.doc.text[self.clause:self.end].strip()


def cut_off(doc: Document, max_tail: int) -> CutOff | None:
    """The unfinished ending of `doc`, when it breaks off within a clause of at most `max_tail` characters (a
    longer unpunctuated ending is a list or a signature block, not one unfinished clause)."""
    text = doc.search_text.rstrip()
    if not text or text[-1] in CLOSING:
        return None
    body = text.rstrip(_CLAUSE_END).rstrip()  # …以及首次认定的国家级、: the clause it breaks off after is unfinished too
    clause = max(body.rfind(c) for c in _CLAUSE_END) + 1
    if not text[clause:].strip() or len(text[clause:].strip()) > max_tail:
        return None
    return CutOff(doc, max(text.rfind(c) for c in _SENTENCE_END) + 1, clause, len(text))


def _cut_off_answer(question: Question, found: Retrieval, weights: TermWeights, max_tail: int,
                    ) -> tuple[CutOff, list[str]] | None:
    """The unfinished ending the answer would have to come from, and the question words it holds: question
    words the best document writes only in its unfinished last clause, or, for a question asking a figure, a
    date or how, an unfinished last sentence that covers more of the question than any complete sentence of the
    candidates and breaks off before stating one (支持创建数字化示范园区,对当年…; …在企业建成投产后,由县人民…)."""
    best = found.candidates[0].doc
    if (cut := cut_off(best, max_tail)) is not None:
        tail, rest = best.search_text[cut.clause:cut.end].lower(), best.search_text[:cut.clause].lower()
        title = search_form(best.meta.title).lower()
        if terms := [t for t in question.terms if t in tail and t not in rest and t not in title]:
            return cut, terms
    checkable = question.wants_figure or question.asks in ("date", "duration")  # a fact the sentence may state
    if question.crosslingual or not question.terms or not (checkable or question.asks == "how"):
        return None  # an unfinished list may still name what a which question asks
    ends = {d.doc_id: c for d in {c.doc.doc_id: c.doc for c in found.candidates}.values()
            if (c := cut_off(d, max_tail)) is not None
            and not (checkable and states_asked_kind(question, tail := d.search_text[c.sentence:c.end])
                     and not _respective_value_cut(question, tail) and not _last_value_cut(question, tail))}
    if not ends:
        return None
    unfinished = {d: weights.coverage(question.terms, c.doc.search_text[c.sentence:c.end]) for d, c in ends.items()}
    doc_id, top = max(unfinished.items(), key=lambda x: x[1])
    complete = 0.0
    for cand in found.candidates:
        cut = ends.get(cand.doc.doc_id)
        for m in SENTENCE.finditer(cand.chunk.search_text):
            if cut is None or cand.chunk.start + m.end() <= cut.sentence:
                complete = max(complete, weights.coverage(question.terms, m.group()))
    return (ends[doc_id], []) if top > complete else None


def _last_value_cut(question: Question, sentence: str) -> bool:
    """Does an unfinished `sentence` break off in the figure of its last clause, the only one naming what the
    question asks (…远期预计投资600亿元左右,年实现税收15: the tax, not the investment, is cut before its unit; not
    …邹平市达到800亿元,博兴县达到500亿元,无棣县…达到400, whose earlier clauses state the asked item's figures)?"""
    *before, clause = re.split(r"[，,；;：:]", sentence)
    earlier = "".join(before)
    return bool(re.search(r"\d\s*$", clause)) and any(t in clause and t not in earlier for t in question.terms
                                                       if not t.isdigit())


def _respective_value_cut(question: Question, sentence: str) -> bool:
    """Does an unfinished `sentence` that gives each of a list its own figure (农业、工业、服务业…分别给予2‰、1‰) break
    off before the figure of the item the question asks (服务业)? The items are the list nearest before the first
    分别 (outside brackets), each read by its own words: the first one's last characters, the last one's first, the
    middle ones whole."""
    at = sentence.find("分别")
    if at < 0:
        return False
    clauses = re.split(r"[，,：:；;]", _BRACKETED.sub("", sentence[:at]))
    listing = next((c for c in reversed(clauses) if "、" in c), "")  # the nearest list before it
    items = re.split(r"[、]|和|及", listing)
    if len(items) < 2:
        return False
    size = max(2, min((len(i) for i in items[1:-1]), default=2))
    own = [items[0][-size:], *items[1:-1], items[-1][:size]]
    asked = [k for k, item in enumerate(own) if item.strip() and item.strip() in question.search]
    last = sentence[sentence.rfind("分别") + 2:]
    values = [v for v in re.split(r"[、]", last[:min((last.find(c) for c in "，,；;。" if c in last), default=len(last))])
              if re.search(r"\d", v)]
    if values and re.search(r"\d\s*$", values[-1]):
        values = values[:-1]  # …100万元、5: the last figure is cut before its unit
    return bool(asked and values) and min(asked) >= len(values)  # (none given yet: the list itself is cut, not an item)


_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


# the drafting formulas that leave a rule to another document: 按《…》执行, 参照《…》规定办理, 另行制定
_REFERRAL = re.compile(r"(?:按|按照|依照|参照|依据)\s*《([^《》]{4,80})》[^。；;]{0,40}?(?:执行|办理|实施)"
                       r"|(?:办法|标准|细则)\S{0,4}另行(?:制定|明确|发布)")


def _referred_elsewhere(question: Question, found: Retrieval, weights: TermWeights, config: AnswerConfig,
                        ) -> tuple[Candidate, int, int, str] | None:
    """The sentence that names most of a figure question, when it states no figure but leaves the rule to
    another document the corpus does not hold (…企业按《关于鼓励…的政策措施》(桂工信综合〔2022〕900号)执行) or to
    rules still to be made (具体办法另行制定), and no sentence naming the question nearly as well states one:
    (candidate, sentence start, end in the document, the referred title or "")."""
    if question.crosslingual or not question.terms or not (question.wants_figure or question.asks in ("date", "duration")):
        return None
    scored = [(weights.coverage(question.terms, m.group()), cand, m)
              for cand in found.candidates[:config.gate_features] for m in SENTENCE.finditer(cand.chunk.search_text)]
    if not scored:
        return None
    top, cand, m = max(scored, key=lambda x: x[0])
    referral = _REFERRAL.search(m.group())
    if referral is None or states_asked_kind(question, m.group()):
        return None
    if any(score >= config.referral_alternative * top and states_asked_kind(question, other.group())
           for score, _, other in scored):
        return None  # another sentence names the question nearly as well and states the figure
    named = referral.group(1) or ""
    if named and weights.names_document(named):
        return None  # the corpus holds the referred document: the answer is there
    start = cand.chunk.start + m.start()
    return cand, start, start + len(m.group()), named


@dataclass(frozen=True)
class Sibling:
    """A sentence stating the rule for a sibling of what the question qualifies: 市级单项冠军 for 省级单项冠军,
    突破200亿元 for 突破100亿元, 首期规模 for 三期规模."""

    doc: Document
    start: int  # the sentence, as offsets into the document's text
    end: int
    word: str  # the question's qualifier (省级)
    asked: str  # it with the word it qualifies, as the question writes them (省级单项)
    stated: str  # the sibling with that word, as the sentence writes them (市级单项)


_NUMERALS = r"\d零〇一二两三四五六七八九十百千."
_NUMBER = rf"第?[首{_NUMERALS}]+"  # a number or an ordinal (首期: the first)
_NUMBER_WORD = re.compile(rf"(第?)([首{_NUMERALS}]+)([^{_NUMERALS}]*)")


def _number_word(word: str) -> tuple[str, float] | None:
    """(what it counts, its number) for a word led by a number or ordinal: 100亿 → (亿, 1e10), 三期 → (期, 3),
    首期 → (期, 1), 2020 → ('', 2020); None for any other word."""
    if (m := _NUMBER_WORD.fullmatch(word)) is None:
        return None
    digits = m.group(2)
    value = 1.0 if digits == "首" else float(digits) if re.fullmatch(r"\d+(?:\.\d+)?", digits) else chinese_number(digits)
    return None if value is None else (m.group(3), value)


def _siblings(asked: str, written: str) -> bool:
    """Does `written` name another member of the class `asked` names: another number of the same thing (三期 and
    首期, 100亿 and 200亿, two years), or another level of government (省级 and 市级, 国家 and 湖北省). Words that
    merely share a character (工业 and 企业) are not siblings."""
    if asked == written:
        return False
    a, w = _number_word(asked), _number_word(written)
    if a is not None or w is not None:
        return a is not None and w is not None and a[0] == w[0] and a[1] != w[1]
    if _is_level(asked) and _is_level(written):
        return not _same_level(asked, written)
    a, w = _LEVEL.match(asked), _LEVEL.match(written)  # a level written into one word with its head: 省级重点
    return (a is not None and w is not None and asked[a.end():] == written[w.end():] != ""
            and not _same_level(a.group(), w.group()))


# a level of government, the closed class such qualifiers come from (国家级, 省级, 市级 …, 国家, 中央), or a
# place whose government it is (湖北省科学技术奖 beside 国家科学技术奖)
_LEVEL = re.compile(r"(?:国家|中央|部|省|自治区|市|地市|州|县|区|乡|镇)级|国家|中央|中国|全国")


def _is_level(word: str) -> bool:
    return bool(_level_of(word))


_LEVEL_NAMES = (("country", ("国家", "中央", "部", "中国", "全国")), ("province", ("省", "自治区")), ("city", ("市", "地市", "州")),
                ("county", ("县", "区")), ("town", ("乡", "镇")))


def _level_of(word: str) -> str:
    """The level of government a word names: 国家级/国家 → country, 省级 → province, 湖北省 → province (a place
    of the gazetteer: its own level); "" for any other word."""
    if _LEVEL.fullmatch(word):
        head = word.removesuffix("级")
        return next(level for level, heads in _LEVEL_NAMES if head in heads)
    found = gazetteer().find(word)
    return found[0].place.level if len(found) == 1 and found[0].surface == word else ""


def _levels_in(text: str) -> set[str]:
    """The levels of government `text` names by level words (国家, 省级; not by places, which mostly say whose
    document it is: 海南省…)."""
    return {_level_of(m.group()) for m in _LEVEL.finditer(text)}


def _same_level(asked: str, written: str) -> bool:
    return bool(level := _level_of(asked)) and level == _level_of(written)


_BARE = re.compile(r"[\s“”\"「」『』‘’]+")  # quotes and spaces, which do not part a word from its qualifier


def _sibling_instead(question: Question, found: Retrieval, weights: TermWeights, n_docs: int) -> Sibling | None:
    """A question qualifying a word (省级单项冠军, 突破100亿元, 三期规模) whose qualifier no sentence of the best
    documents writes with that word, while one writes a sibling in its place (市级单项冠军, 突破200亿元, 首期规模):
    the documents state the rule for another member of the class, not for the asked one."""
    if question.crosslingual:
        return None
    docs = list({c.doc.doc_id: c.doc for c in found.candidates[:n_docs]}.values())
    sentences = [(d, m) for d in docs for m in SENTENCE.finditer(d.search_text)]
    lowered = [m.group().lower() for _, m in sentences]  # read once for every pair and anchor
    for left, right in question.pairs:
        if left in question.places or right in question.places:
            continue
        for word, anchor, before in ((left, right, True), (right, left, False)):
            if not before and _number_word(word) is None:
                continue  # after its anchor only a number is a value in a slot (突破100亿元)
            if before:  # the whole of what the word qualifies, as far as the documents write it (企业技术中心, not 企业)
                anchor = next((r for r in _anchor_runs(question, word, anchor) if any(r in said for said in lowered)), anchor)
            with_anchor = [(d, m, _BARE.sub("", said)) for (d, m), said in zip(sentences, lowered, strict=True)
                           if anchor in said]
            if not with_anchor or any(match(word, text) >= 1.0 for _, _, text in with_anchor):
                continue
            if (level := _level_of(word)) and any(level in _levels_in(text) for _, _, text in with_anchor):
                continue  # the asked level stated in other words (国家、省级工信部门认定的… for 国家级)
            slots = [(doc, m, _slot(text, at, word, before), _abbreviated(word, text[:at.start()]))
                     for doc, m, text in with_anchor for at in re.finditer(re.escape(anchor), text)]
            for doc, m, slot, abbreviated in slots:
                if slot and _siblings(word, slot) and not abbreviated:
                    if _stated_otherwise(question, word, m.group(), sentences, weights):
                        break
                    asked, stated = (word + anchor, slot + anchor) if before else (anchor + word, anchor + slot)
                    return Sibling(doc, m.start(), m.end(), word, asked, stated)
    return None


def _anchor_runs(question: Question, word: str, anchor: str) -> list[str]:
    """The anchor with the question's words that follow it unbroken, longest first (国家级 企业技术中心奖励:
    企业技术中心奖励, 企业技术中心, 企业技术, 企业), so the qualifier is looked for with the whole thing it qualifies as
    the documents write it, not with any 企业."""
    terms = list(question.terms)
    runs = [anchor]
    if anchor in terms:
        for term in terms[terms.index(anchor) + 1:]:
            if word + runs[-1] + term not in question.search:
                break
            runs.append(runs[-1] + term)
    return runs[::-1]


def _stated_otherwise(question: Question, word: str, sibling: str, sentences: list, weights: TermWeights) -> bool:
    """Does a sentence write the asked word, without the question's anchor, and say as much of what the question
    asks as the sibling's sentence does (今后3年…销售收入年均增长 for 未来三年…销售收入, beside 未来十五年)?"""
    terms = question.focus or question.terms
    bar = weights.coverage(terms, sibling)
    return any(match(word, (text := m.group().lower())) >= 1.0 and weights.coverage(terms, text) >= bar
               for _, m in sentences)


def _abbreviated(word: str, before: str) -> bool:
    """Does the text just before the anchor write `word` in full, its characters in order (规上 in 规模以上,
    办居 in 办理居)?"""
    window = iter(before[-2 * len(word) - 2:])
    return all(char in window for char in word)


def _slot(text: str, at: re.Match, word: str, before: bool) -> str:
    """What `text` writes where the question writes `word`: just before the anchor found `at` (as many
    characters, or for a number word the number with the same measure: 首期 for 三期), or, for a value, the
    number with that measure just after it (past 到/至)."""
    if (number := _number_word(word)) is None:
        if before and _is_level(word):  # another level or place, however long its name (湖北省 for 国家)
            for size in range(8, 1, -1):
                if at.start() >= size and _is_level(text[at.start() - size:at.start()]):
                    return text[at.start() - size:at.start()]
        return text[max(0, at.start() - len(word)):at.start()] if before else ""
    measure = re.escape(number[0])
    if before:
        found = re.search(f"{_NUMBER}{measure}$", text[:at.start()])
    else:
        found = re.compile(f"[到至]?({_NUMBER}{measure})").match(text, at.end())
    return found.group(found.lastindex or 0) if found else ""


_PUNCT = re.compile(r"[\s\W_]+")


@lru_cache(maxsize=16)  # the documents of one question's candidates (at most `candidates`, 8 by default)
def _squashed(doc_id: str, text: str) -> str:
    """A document's text without spaces, quotes and punctuation (keyed by id; the text is the cache check)."""
    return _PUNCT.sub("", text)


def _unquoted(question: Question, found: Retrieval) -> list[str]:
    """Quoted names of the question that no document of the best candidates writes (spaces, quotes and
    punctuation aside: “单项冠军”示范企业 writes 单项冠军示范企业)."""
    docs = list({c.doc.doc_id: c.doc for c in found.candidates}.values())
    out = []
    for name in question.quoted:
        bare = _PUNCT.sub("", name)
        if bare and not any(name in d.search_text or name in search_form(d.meta.title) or
                            bare in _squashed(d.doc_id, d.search_text) for d in docs):
            out.append(name)
    return out


KIND_NAMES = {"quantity": "数额", "date": "日期", "duration": "期限", "definition": "定义"}
