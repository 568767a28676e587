"""Place and version scoping for one question: which documents may answer it, and what the answer must say
about where a rule applies (a national or parent region's rule, an older version or a draft, an uncovered place).

Places come from the gazetteer (qa.places.PlaceResolver); versions from corpus.versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from corpus.clean import search_form
from corpus.gazetteer import COUNTRY_CODE, verb_phrase
from corpus.schema import Document
from corpus.versions import prefer_versions, version_note
from qa.places import Place, PlaceResolver, coverage_note
from qa.question import EDITION, quoted_spans
from qa.schema import Answer


@dataclass
class Scope:
    """The places a question names and the documents they select."""

    places: list[Place] = field(default_factory=list)
    doc_ids: set[str] | None = None  # None: the whole corpus
    uncovered: list[str] = field(default_factory=list)  # named places with no document of their own or a parent's
    covered_regions: list[str] = field(default_factory=list)
    per_place: dict[str, set[str]] = field(default_factory=dict)  # covered place → the documents that cover it
    missing_edition: str = ""  # the question names an edition year ("2024年版") that no document in scope has
    missing_document: str = ""  # it names a place's own document (鄂尔多斯市…政策清单) and only parents' exist
    written: list[str] = field(default_factory=list)  # the places as the question writes them (Cixi, 宁波市)
    inferred: dict[str, str] = field(default_factory=dict)  # an unplaced document → the named place its text names
    unplaced: dict[str, str] = field(default_factory=dict)  # a document naming no place → the uncovered place asked
    reposted: dict[str, str] = field(default_factory=dict)  # a lower place's copy of a named place's policy → that place
    lower: set[str] = field(default_factory=set)  # a place's documents under a named one, asked for (广州哪个区…)
    per_edition: dict[str, set[str]] = field(default_factory=dict)  # each of several editions named (2018年) → its documents
    edition_marks: list[tuple[int, int, str]] = field(default_factory=list)  # where the question names each edition

    @property
    def place_names(self) -> list[str]:
        """Every written form of the named places (full, short, as written), so they are not taken as question terms."""
        return list(dict.fromkeys(n for p in self.places for n in (p.name, p.short) if n)) + [
            w for w in self.written if w not in {n for p in self.places for n in (p.name, p.short)}]

    def uncovered_message(self) -> str:
        places = "、".join(self.uncovered)
        covered = "、".join(self.covered_regions) if self.covered_regions else "（无）"
        return (f"知识库中没有{places}的政策文件，无法回答{places}的问题；"
                f"现有文件覆盖的地区：{covered}。请勿将其他地区的规定当作{places}的政策。")

    def uncovered_warning(self) -> str:
        return f"知识库未覆盖的地区：{'、'.join(self.uncovered)}"


class PlaceScoper:
    """Resolves the places, edition year and versions a question means against one corpus."""

    def __init__(self, docs: Mapping[str, Document]) -> None:
        self.docs = docs
        self.resolver = PlaceResolver(docs)
        self.regions = sorted({d.meta.region for d in docs.values() if d.meta.region})

    def resolve(self, text: str) -> Scope:
        quotes = quoted_spans(text, titles=False)  # “浙江制造精品” names an award, not a place; a 《title》 names its issuer's
        for m in quotes:
            text = text[:m.start()] + " " * len(m.group()) + text[m.end():]
        outside = [m.place for m in self.resolver.gaz.find(text)]
        for m in quotes:  # 西藏…“阿里地区招商引资成效显著”: a quoted headline's place inside the one named outside says which
            if any(p.code != o.code and p.within(o.code) for p in (x.place for x in self.resolver.gaz.find(m.group()))
                   for o in outside):
                text = text[:m.start()] + m.group() + text[m.end():]
        found = self.resolver.resolve(text)
        written = {m.place.code: m.surface for m in self.resolver.gaz.find_all(text)[0]}
        scope = Scope(places=list(found.places), doc_ids=found.doc_ids, covered_regions=self.regions, inferred=found.inferred,
                      unplaced=found.unplaced, reposted=found.reposted, lower=found.lower,
                      written=[w for w in written.values() if w and w not in found.name_parts],
                      uncovered=[_shown(p, written.get(p.code, "")) for p in found.uncovered] + list(found.ambiguous))
        local = {p.code for p in found.places} - {p.code for p in found.uncovered}
        if len(local) > 1:
            scope.per_place = {p.name: found.covering[p.code] for p in found.places if p.code in local}
        if scope.uncovered and not local:
            # no document of the place's own or of a parent region: a national rule may still answer,
            # labelled as such; nothing else may
            national = {d for d in (found.doc_ids or set()) if self._is_national(d)}
            scope.doc_ids = national
        if len(found.places) == 1 and (named := _OWN_DOCUMENT.search(text, *_after(text, written, found.places[0]))):
            place = found.places[0]
            own = {d for d in found.covering.get(place.code, set())  # (a copy that names no region may be its own)
                   if (p := self.resolver.doc_place(d)) is not None and p.within(place.code) and p.code != COUNTRY_CODE
                   or d in found.inferred or d in found.unplaced}
            if not own and not _leading_place(named.group(1)):  # the parents' documents are not the one named
                scope.missing_document = f"{written.get(place.code) or place.short}{named.group(1)}"
        return scope

    def about(self, question_search: str, scope: Scope, place: str) -> str:
        """The question as it concerns `place`, one of several it names (see `_apart`)."""
        found = self.resolver.gaz.find_all(question_search)[0]
        mentions = []
        for k, m in enumerate(found):  # a parent written right before a named place is part of its name (石家庄市栾城区,
            if m.place.name in scope.per_place and not (k + 1 < len(found) and found[k + 1].start == m.end  # 济南的平阴)
                                                        and found[k + 1].place.name in scope.per_place):
                parent = found[k - 1] if k and question_search[found[k - 1].end:m.start] in ("", "的") \
                    and found[k - 1].place.code in m.place.parents else None
                mentions.append((parent.start if parent else m.start, m.end, m.place.name))
        return _apart(question_search, mentions, place, first_leads=True)

    @staticmethod
    def about_edition(question_search: str, edition: str, marks: list[tuple[int, int, str]] | None = None) -> str:
        """The question as it concerns `edition` (2018年, 征求意见稿), one of several it names where `marks` say (see
        `_apart`; by default its years), with what it asks of the change between them asked of this one alone
        (…的写法有什么不同 → …的写法是什么; 门槛降到多少 → 门槛是多少)."""
        marks = marks if marks is not None else [(start, end, f"{year}年") for start, end, year in _doc_years(question_search)]
        own = _apart(question_search, marks, edition, nested=False)
        if not edition.endswith("年"):  # its own marks select its documents: they are not what is asked
            for start, end, label in marks:
                own = own.replace(question_search[start:end], "", 1) if label == edition else own
        return _tidied(_EDITION_WORDS.sub("", _CHANGE_TO.sub("是", _CHANGE.sub("是什么", own))))

    def _is_national(self, doc_id: str) -> bool:
        place = self.resolver.doc_place(doc_id)
        return place is not None and place.level == "country"

    def preferred_versions(self, doc_ids: set[str] | None, question_search: str) -> set[str] | None:
        """`doc_ids` without superseded versions and drafts of a policy, unless the question names the older one."""
        pool = set(self.docs) if doc_ids is None else doc_ids
        drop = prefer_versions(pool, question_search, self.docs)
        return (pool - drop) if drop else doc_ids

    def edition(self, scope: Scope, question_search: str) -> Scope:
        """A question that names the year of the document it means ("2024年版", "2019年印发的通知"; or two, 2024年那版
        和2025年版) is scoped to documents of those years, an undated copy by the years its opening names. When none
        in scope is of such a year, an explicit edition ("2024年版") is recorded as missing (another year's version
        must not answer); a looser mention may name a document the corpus only refers to, and leaves the scope as
        it was."""
        editions = list(EDITION.finditer(question_search))  # 2024年那版和2025年版: either
        named = sorted({year for *_, year in _doc_years(question_search)})
        if not editions and len(named) < 2:
            if not scope.per_place:
                self._named_editions(scope, question_search, set(self.docs) if scope.doc_ids is None else scope.doc_ids)
            if named and not scope.per_edition:
                self._other_editions_dropped(scope, named[0])
            return scope
        pool = scope.doc_ids if scope.doc_ids is not None else set(self.docs)
        known = {d: _years(self.docs[d]) for d in pool}
        undated = {d for d in pool if not known[d]}
        opening = {d: _opening_years(self.docs[d]) for d in undated}
        of_year = {y: {d for d in pool if y in known[d] or y in opening.get(d, ())} for y in named}
        if len(named) > 1 and not scope.per_place and all(of_year.values()) \
                and len({frozenset(docs) for docs in of_year.values()}) == len(named):
            scope.per_edition = {f"{y}年": docs for y, docs in of_year.items()}  # 2018年版…，2020年版…: each its own
            scope.edition_marks = [(start, end, f"{year}年") for start, end, year in _doc_years(question_search)]
        if not scope.per_edition and not scope.per_place:
            self._named_editions(scope, question_search, pool)
        if not editions:
            return scope
        years = {int(m.group(1)) for m in editions}
        matching = {d for d in pool if years & known[d]}
        matching |= {d for d in undated if years & opening[d]}  # an undated copy whose opening names the year
        if matching:  # with those whose year is unknown: an undated copy may be of that year
            scope.doc_ids = matching | {d for d in undated if not opening[d]}
        elif any("版" in m.group(0) for m in editions):
            scope.missing_edition = next(m.group(0) for m in editions if "版" in m.group(0))
        return scope

    def _other_editions_dropped(self, scope: Scope, year: int) -> None:
        """A question naming one year of a policy loosely (2015年的五大经济区重点工作方案) leaves out the other editions of
        the policies it has a document of that year of (the 2016 方案): they are versions of the one it names."""
        pool = scope.doc_ids if scope.doc_ids is not None else set(self.docs)
        of_year = {d for d in pool if year in _years(self.docs[d])}
        groups = {self.docs[d].meta.version_group for d in of_year} - {""}
        others = {d for d in pool - of_year if self.docs[d].meta.version_group in groups}
        if others:
            scope.doc_ids = pool - others

    def _named_editions(self, scope: Scope, question_search: str, pool: set[str]) -> None:
        """Editions a question names other than by year, each its own part when it names two (or more) that select
        different documents: a five-year plan's period (“十三五”规划纲要和“十四五”规划纲要); the draft and the adopted
        text of one policy (征求意见稿…正式通过的文本); its older and its newer version (旧版…新版, 原来…后来)."""
        marks = [(m.start(), m.end(), f"“十{m.group(1)}五”") for m in _PERIOD.finditer(question_search)]
        for kind, pattern in (("征求意见稿", _DRAFT_EDITION), ("正式文本", _ADOPTED_EDITION),
                              ("旧版", _OLDER_EDITION), ("新版", _NEWER_EDITION)):
            marks += [(m.start(), m.end(), kind) for m in pattern.finditer(question_search)]
        if any(label == "征求意见稿" for *_, label in marks):  # a draft and the new text (…草案和…通过的新条例)
            marks = [(start, end, "正式文本" if label == "新版" else label) for start, end, label in marks]
        marks.sort()
        chosen: dict[str, set[str]] = {}
        for label in dict.fromkeys(label for *_, label in marks):
            if docs := self._edition_documents(label, pool):
                chosen[label] = docs
        for pair in (("征求意见稿", "正式文本"), ("旧版", "新版")):  # a pair means both or neither
            if sum(label in chosen for label in pair) == 1:
                for label in pair:
                    chosen.pop(label, None)
        if len(chosen) > 1 and len({frozenset(docs) for docs in chosen.values()}) == len(chosen):
            scope.per_edition = chosen
            scope.edition_marks = [mark for mark in marks if mark[2] in chosen]

    def _edition_documents(self, label: str, pool: set[str]) -> set[str]:
        """The documents of `pool` that are the edition `label` names: a plan of that period, or, in a policy of
        which `pool` holds several versions, its drafts, its adopted texts, its older or its newest adopted ones."""
        if label.startswith("“十"):
            period = label.strip("“”")
            numeral = period[1]
            return {d for d in pool if period in (title := search_form(self.docs[d].meta.title))
                    or f"第十{numeral}个五年" in title}
        groups: dict[str, list[Document]] = {}
        for d in pool:
            if group := self.docs[d].meta.version_group:
                groups.setdefault(group, []).append(self.docs[d])
        out = set()
        for members in groups.values():
            drafts = [m for m in members if m.meta.is_draft]
            adopted = [m for m in members if not m.meta.is_draft]
            if label in ("征求意见稿", "正式文本") and drafts and adopted:
                out |= {m.doc_id for m in (drafts if label == "征求意见稿" else adopted)}
            dates = sorted({m.meta.date for m in adopted if m.meta.date})
            if label in ("旧版", "新版") and len(dates) > 1:
                out |= {m.doc_id for m in adopted if m.meta.date and (m.meta.date < dates[-1]) == (label == "旧版")}
        return out

    def sibling_instead(self, scope: Scope, answer: Answer) -> tuple[Place, Place] | None:
        """(the one place asked, a sibling of it) when an answer comes from documents not within the asked place and
        its quotes name a sibling (a county of the same city: 南城县 for 宜黄县) but never the asked place: the
        passages are the sibling's rule, not the asked place's."""
        if len(scope.places) != 1 or not scope.places[0].parents or scope.places[0].code == COUNTRY_CODE:
            return None
        asked = scope.places[0]
        if any((p := self.resolver.doc_place(c.source)) is not None and (p.code == asked.code or p.within(asked.code))
               for c in answer.citations):
            return None
        named = [m.place for c in answer.citations for m in self.resolver.gaz.find(c.quote)]
        if any(p.code == asked.code or p.within(asked.code) for p in named):
            return None
        return next(((asked, p) for p in named if p.code not in asked.parents and asked.parents[0] in p.parents), None)

    def notes(self, scope: Scope, answer: Answer) -> list[str]:
        """Warnings an answer needs: uncovered places, a rule that is national or a parent region's (not the asked
        place's own), an older version or a draft."""
        out = []
        if scope.uncovered:
            out.append(f"知识库未覆盖的地区：{'、'.join(scope.uncovered)}，以下不是该地区自己的规定。")
        if not answer.answerable:
            return out
        for cite in answer.citations:
            doc = self.docs.get(cite.source)
            if doc is None:
                continue
            if place_name := scope.reposted.get(cite.source):
                out.append(f"《{cite.title}》：{doc.meta.issuer or doc.meta.region}转发的{place_name}的政策，请以原文件为准。")
            for place in [] if cite.source in scope.reposted or cite.source in scope.lower else scope.places:
                if note := coverage_note(doc, place):
                    out.append(f"《{cite.title}》：{note}。")
            if place_name := scope.inferred.get(cite.source):
                out.append(f"《{cite.title}》：文件没有写明发文地区，正文提到{place_name}，按该地区的文件回答，请核对。")
            if place_name := scope.unplaced.get(cite.source):
                out.append(f"《{cite.title}》：文件没有写明发文地区，知识库中也没有写明属于{place_name}的文件；"
                           f"此文件可能是{place_name}的，也可能不是，请核对原文出处。")
            if note := version_note(doc, self.docs):
                out.append(f"《{cite.title}》：{note}。")
        return list(dict.fromkeys(out))


def _apart(text: str, mentions: list[tuple[int, int, str]], keep: str, first_leads: bool = False,
           nested: bool = True) -> str:
    """`text` as it concerns the mentions keyed `keep` (a place, an edition year), one of several it names: every
    other mention is left out with what the asker writes right after it for it alone (its year, its document, its
    item), up to a break (，和、？) or a word the mentions share (分别, 各自). 舟山市2024年的政策和定海区2025年版的政策,
    分别承接… asks 舟山 about 2024 only; in a list (石嘴山和綦江对…分别奖多少) what follows is every mention's, and only
    the other name goes. A text whose later mention sits inside the phrase of another (慈溪市对获评宁波“单项冠军”的
    企业) is left whole, and so is one whose first mention does not open a phrase either, when `first_leads` (a place
    after a verb, 到宁波市或海曙区设立总部; an edition year follows its subject, 遂宁2018年版). An edition year names a
    document of its own wherever it is written (从2023年版的多少调到了2024年版的多少): not `nested`, it is never read
    as inside another's phrase."""
    leading = (mentions if first_leads else mentions[1:]) if nested else []
    if not any(key == keep for *_, key in mentions) or not all(_LEADS.search(text, 0, s) for s, _, _ in leading):
        return text
    out, at = [], 0
    for k, (start, end, key) in enumerate(mentions):
        if key == keep:
            continue
        limit = mentions[k + 1][0] if k + 1 < len(mentions) else len(text)
        listed = k and _JOINED.fullmatch(text[mentions[k - 1][1]:start])  # A和B对…: B's words are A's too
        stop = _SEGMENT_END.search(text, end, limit)
        out.append(text[at:start])
        at = end if listed else stop.start() if stop else limit
    return "".join(out) + text[at:]


# the year of a document a question names, with the words naming that document: 2018年版, 2023年的支持…办法,
# 2022年印发的那份
_DOC_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:[^，,。？?；;、和与及或]{0,24}?)(?:版|那份|这份|政策|文件|通知|意见|办法|规定|细则|措施"
                       r"|方案|清单|纲要|规划|报告|报道)")
_LISTED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:和|与|及|、|跟|或)\s*$")  # 2023年和|2025年两版: one more


def _doc_years(text: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of each year `text` names a document by (2018年版, 2023年的…办法), and of a year listed
    right before one (2023年和2025年两版, 2022年和2023年上半年的…报告): it shares that one's document noun."""
    out = []
    for m in _DOC_YEAR.finditer(text):
        if listed := _LISTED_YEAR.search(text, max(0, m.start() - 12), m.start()):
            out.append((listed.start(), listed.start(1) + 4 + ("年" in listed.group()), int(listed.group(1))))
        out.append((m.start(), m.end(), int(m.group(1))))
    return out


# how a question names one edition of a policy other than by its year: a five-year plan's period, a draft and the
# adopted text, an older and a newer version
_EDITION_NOUN = r"(?:的?(?:文本|版本|版|稿|条例|规定|办法|措施|意见|规划纲要|规划|纲要))?"
_EDITION_YEAR = r"(?:(?:19|20)\d{2}\s*年的?)?"  # 2020年草案, 2025年修订通过的文本: the year is the edition's too
_PERIOD = re.compile(r"[“\"]?十([一二三四五六七八九])五[”\"]?(?:时期|期间)?" + _EDITION_NOUN)
_DRAFT_EDITION = re.compile(_EDITION_YEAR + r"(?:(?:公开)?征求意见(?:稿|的|时)|意见稿|草案|送审稿|修改稿)" + _EDITION_NOUN)
_ADOPTED_EDITION = re.compile(_EDITION_YEAR + r"(?:(?:修订|修正)?(?:正式|审议)(?:通过|印发|发布|公布|出台|施行|实施)?(?:的|时|后)?"
                              + _EDITION_NOUN + r"|(?:修订|修正)?通过(?:的|后|时)新?(?:文本|版本|版|条例)|定稿)")
_OLDER_EDITION = re.compile(_EDITION_YEAR + r"(?:旧版|老版|原版|原来|早先|此前|之前|修订前|最早)" + _EDITION_NOUN)
_NEWER_EDITION = re.compile(_EDITION_YEAR + r"(?:新版|新(?=条例|规定|办法|文本)|修订后|后来|现行|最新)" + _EDITION_NOUN)
# words naming an edition, not what its text says (…修正版…有什么不同)
_EDITION_WORDS = re.compile(r"(?:修正|修订|新|旧|老|原)版本?")
# what a question comparing editions asks of the change, asked of one edition alone
_CHANGE = re.compile(r"(?:有|发生了?)?(?:什么|啥|哪些|何)(?:不同|不一样|区别|变化|差别|差异|调整)")
_CHANGE_TO = re.compile(r"(?:改成|改为|变成|换成|调成|调整为|调到|降到|降至|提高到|提高至|增加到|变为)了?")
# a conjunction left with nothing after it once the other edition is taken out (…的界定,2018年和是什么?)
_DANGLING = re.compile(r"(?:以及|和|与|及|跟)(?=\s*(?:[,，。？?；;]|是什么|$))|(?<=[,，])\s*(?:以及|和|与|及|跟)")
# a last clause asking nothing of its own but what the clause before it names (…的界定,2018年是什么?)
_BARE_LAST = re.compile(r"(.*[^\s,，])[,，]\s*((?:19|20)\d{2}\s*年)?\s*(是什么[?？]?)")


def _tidied(text: str) -> str:
    """A sub-question as an asker would write it: no conjunction left dangling, a last clause holding only its
    edition's year and 是什么 joined to the clause it asks about (2018年…的界定是什么?)."""
    text = re.sub(r"[,，]\s*(?=[,，?？]|$)", "", _DANGLING.sub("", text))
    if m := _BARE_LAST.fullmatch(text):
        text = f"{m.group(2) or ''}{m.group(1)}{m.group(3)}"
    return text


# where what a question says of one of its places ends: a break, a conjunction, or a word the places share
_SEGMENT_END = re.compile(r"[，,。？?；;、]|和|与|及|或|分别|各自|各|都")
_JOINED = re.compile(r"\s*(?:[、,，]|和|与|及|以及|或|或者|跟)\s*")  # two places listed together
_LEADS = re.compile(r"(?:^|[，,。？?；;、:：]|和|与|及|或|跟)\s*$")  # a place that opens a phrase of its own


def _shown(place: Place, written: str) -> str:
    """A place as the asker wrote it, with its full name when that differs: 苏州高新区（江苏省苏州市苏州高新技术产业开发区）."""
    return f"{written}（{place.name}）" if written and written != place.name else place.name


# a document of the place a question names, written after it: 鄂尔多斯市2024年推动产业高质量发展政策清单中, 四平市
# 关于…的实施意见是哪天印发的
_OWN_DOCUMENT = re.compile(r"([^，,。？?；;]{0,30}?(?:清单|意见|办法|措施|方案|细则|计划|条例))(?:中|里|内|规定|提出|明确|对|的|是|哪)")


_LEADING_PLACE = re.compile(r"([\u4e00-\u9fff]{1,6})[县区市旗州镇乡]")  # a place the gazetteer may not know (…县…办法)


def _leading_place(text: str) -> bool:
    """Does `text` lead with a place name the gazetteer may not know (…镇…办法), not a verb phrase (促进专业镇…方案)?"""
    m = _LEADING_PLACE.match(text)
    return m is not None and not verb_phrase(m.group(1))


def _after(text: str, written: dict[str, str], place: Place) -> tuple[int, int]:
    """Where to look for a document the question attributes to `place`: right after it is written."""
    surface = written.get(place.code, "")
    at = search_form(text).find(surface) if surface else -1
    return (at + len(surface), at + len(surface) + 40) if at >= 0 else (len(text), len(text))


def _opening_years(doc: Document, size: int = 300) -> set[int]:
    """The years the opening of an undated document names (根据《…(2026年版)》(浙政发〔2026〕6号)…; 2026年,市财政…):
    the edition it most likely is, when nothing else dates it."""
    opening = _ON_BASIS_OF.sub(" ", doc.search_text[:size])  # 在2016年…暂行办法基础上: the predecessor's year
    return {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*(?:年|[〕\]］)】])", opening)}


_ON_BASIS_OF = re.compile(r"在[^，,。；;]{0,40}?基础上")


def _years(doc: Document) -> set[int]:
    """The years a document is known by: its date, any year its title names and the year of its 文号."""
    years = {int(y) for y in re.findall(r"(?:19|20)\d{2}", f"{doc.meta.title} {doc.meta.doc_number}")}
    if doc.meta.date:
        years.add(doc.meta.date.year)
    return years
