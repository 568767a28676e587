"""Places a question names and which documents cover them, so an answer never presents one place's rule as another's.

Coverage rule: a document covers its region and everything under it (a city's policy covers
its districts, counties and zones; a province's covers its cities). A national document covers
every place, but only as the national rule: a place with no document of its own or of a
sub-national parent region is `uncovered` even when a national rule applies (the answer may
still quote the national rule, labelled as such) and even when a sibling place has the same
clause. Place data and name matching come from corpus.gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from corpus.clean import search_form
from corpus.gazetteer import COUNTRY_CODE, Gazetteer, Place, PlaceMatch, gazetteer
from corpus.schema import Document
from qa.question import noun_at, organisation_at, quoted_spans

__all__ = [
    "Place", "PlaceResolver", "PlaceScope", "coverage_note", "find_places", "is_national", "place_of", "region_places",
]

_DEFINED_RE = re.compile(r"[(（]以下简称[“\"「]?([\u4e00-\u9fff]{2,6})[”\"」]?[)）]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# a question asking which place below the one it names (广州哪个区出台了…, 黑龙江哪个市…, which county of Handan): a
# which-word, then a place word as a word of its own (not 哪些市场主体)
_WHICH = {"哪", "哪个", "哪些", "哪几个", "哪一个"}
_PLACE_WORDS = {"县级市", "县区", "区县", "县市", "地级市", "城市", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "街道",
                "开发区", "园区", "高新区", "新区", "地方", "地区"}
_WHICH_EN = re.compile(r"\bwhich (?:cities|city|counties|county|districts|district|zones?)\b", re.I)


def asks_lower_place(text: str) -> bool:
    """Does the question ask which place (哪个区, 哪些县, which county), so the answer may be a place under the one it
    names?"""
    import jieba

    words = [w for w in jieba.lcut(search_form(text)) if w.strip()]
    return any(w in _WHICH and nxt in _PLACE_WORDS for w, nxt in zip(words, words[1:], strict=False)) \
        or bool(_WHICH_EN.search(text))


# what follows 全国 when it ranks a place among all (全国唯一, 全国最大的, 全国第三, 全国百强, 全国首个) rather than asking
# about national rules
_NATIONWIDE = re.compile(r"(?:范围内)?(?:最|唯一|第[一二三四五六七八九十\d]|首[个家批座]|前列|领先|百强|知名|闻名|排名|之最)")
LEVEL_LABEL = {"country": "全国", "province": "省级", "city": "市级", "county": "县级", "zone": "园区级", "town": "乡镇级"}


@dataclass
class PlaceScope:
    """What the places named in a question mean for retrieval.

    `doc_ids` is None when the question names no place (search the whole corpus), else the
    documents that cover at least one named place. `covering` maps each place code to the
    documents that cover it (its own, a parent region's, national ones); `broader` labels a
    document that covers the asked place only as a parent region ("全国", "省级", "市级" …).
    """

    places: list[Place] = field(default_factory=list)
    doc_ids: set[str] | None = None
    uncovered: list[Place] = field(default_factory=list)
    covering: dict[str, set[str]] = field(default_factory=dict)
    broader: dict[str, str] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)  # a document whose region is unknown → the place its text names
    unplaced: dict[str, str] = field(default_factory=dict)  # a document naming no place → the uncovered place asked
    reposted: dict[str, str] = field(default_factory=dict)  # a lower place's copy of a named place's policy → its place
    lower: set[str] = field(default_factory=set)  # documents of places under a named one, which the question asks for
    ambiguous: list[str] = field(default_factory=list)  # names that could be several places, none covered
    name_parts: list[str] = field(default_factory=list)  # places written as part of a name (吉林省质量奖)


def place_of(doc: Document, gaz: Gazetteer | None = None) -> Place | None:
    """The place a document is about: its region code, else its region name resolved by the gazetteer."""
    gaz = gaz or gazetteer()
    if doc.meta.region_code and (place := gaz.get(doc.meta.region_code)):
        return place
    if doc.meta.region:
        found = gaz.find(doc.meta.region)
        if found:
            return max((m.place for m in found), key=lambda p: len(p.parents))
    return None


class PlaceResolver:
    """Resolves the places in a question against the documents of one corpus."""

    def __init__(self, docs: Mapping[str, Document]) -> None:
        self.gaz = gazetteer()
        self.docs = docs
        self._places = {doc_id: place_of(doc, self.gaz) for doc_id, doc in docs.items()}
        self._aliases = self._defined_aliases(docs.values())
        self._named: dict[str, set[str]] | None = None  # place code → unplaced documents whose text names it
        self._silent: set[str] | None = None  # unplaced documents whose own words name no place at all
        self._cited: dict[str, set[str]] = {}  # place code → unplaced documents naming it only in a cited 《title》
        self._reposts: dict[str, set[str]] | None = None  # place code → lower places' copies of its policy

    def naming(self, place: Place) -> set[str]:
        """Documents whose region could not be read that name `place` in their own words (not in a cited
        《title》): a county's copy without its heading (我区…栖霞区…) may well be that place's rule."""
        if self._named is None:
            self._named, self._silent = {}, set()
            for doc_id, doc in self.docs.items():
                if self._places.get(doc_id) is None:
                    own = re.sub(r"《[^《》\n]*》", lambda m: " " * len(m.group()), doc.search_text)
                    local = {m.place.code for m in self.gaz.find(own) if m.place.code != COUNTRY_CODE}
                    for code in local:
                        self._named.setdefault(code, set()).add(doc_id)
                    if not local:
                        self._silent.add(doc_id)
                        for m in self.gaz.find(doc.search_text):
                            self._cited.setdefault(m.place.code, set()).add(doc_id)
        return self._named.get(place.code, set())

    def unplaced(self, place: Place) -> set[str]:
        """Documents that never say where they are from, for a place no document covers: those whose own words
        name no place (a copy cut from its heading, 我市…), the ones naming `place` in a cited 《title》 first
        (享受《丰宁满族自治县招商引资奖励办法》政策). Such a copy may be that place's rule; the answer says so."""
        self.naming(place)
        return self._cited.get(place.code) or set(self._silent or ())

    def reposting(self, place: Place) -> set[str]:
        """Documents a lower place published whose title names only `place`, above their own region, as the
        policy's owner: a county bureau's copy of its city's policy (沂源县…: 【政策汇编】淄博市支持产业发展政策).
        A place inside a cited 《title》 does not count (某县贯彻《某市…》的实施意见 is the county's own)."""
        if self._reposts is None:
            self._reposts = {}
            for doc_id, doc in self.docs.items():
                own = self._places.get(doc_id)
                title = re.sub(r"《[^《》]*》", " ", search_form(doc.meta.title))
                if own is None or not title.strip():
                    continue
                named = {m.place.code: m.place for m in self.gaz.find(title) if m.place.code != COUNTRY_CODE}
                if named and all(p.code != own.code and own.within(p.code) for p in named.values()):
                    for code in named:
                        self._reposts.setdefault(code, set()).add(doc_id)
        return self._reposts.get(place.code, set())

    def _defined_aliases(self, docs) -> dict[str, Place]:
        """Short names the documents define for a place: "苏州工业园区（以下简称“园区”）" → 园区.

        An alias two documents define for different places is dropped."""
        found: dict[str, set[str]] = {}
        for doc in docs:
            for m in _DEFINED_RE.finditer(doc.search_text):
                before = self.gaz.find(doc.search_text[max(0, m.start() - 30) : m.start()])
                if before and before[-1].end == min(30, m.start()):
                    found.setdefault(m.group(1), set()).add(before[-1].place.code)
        return {
            alias: place
            for alias, codes in found.items()
            if len(codes) == 1 and not self.gaz.candidates(alias) and (place := self.gaz.get(next(iter(codes))))
        }

    def doc_place(self, doc_id: str) -> Place | None:
        return self._places.get(doc_id)

    def covering(self, place: Place) -> set[str]:
        """Documents whose region is `place` or one of its parents (national ones included), and those of the towns
        right under it, and of a county's zones (a town's or a county's zone's rule is part of its county's or
        city's; the note says whose it is)."""
        return {d for d, p in self._places.items() if p is not None and (place.within(p.code) or p.parents[:1] == (
            place.code,) and (p.level == "town" or p.level == "zone" and place.level == "county"))}

    def resolve(self, text: str) -> PlaceScope:
        matches, dropped = self.gaz.find_all(text)
        covered: dict[str, bool] = {}  # code → has a local document of its own or its parents' (read once per code)

        def covered_places(codes: set[str]) -> list[Place]:
            places = [p for c in codes if (p := self.gaz.get(c)) is not None]
            for p in places:
                if p.code not in covered:
                    covered[p.code] = bool(self._local(self.covering(p)))
            return [p for p in places if covered[p.code]]

        if known := self._shared_names_read(matches, dropped, covered_places):
            matches, dropped = self.gaz.find_all(text, known)  # so a town written after it is read (通州张家湾镇)
        s = search_form(text)
        matches = [m for m in matches if not self._named_elsewhere(m, covered_places)
                   and not (m.surface == "全国" and _NATIONWIDE.match(s, m.end))]  # 全国唯一…的县: a rank, not a place
        matches = sorted(matches + self._alias_matches(text, matches), key=lambda m: m.start)
        qualifiers = {
            a.place.code if a.place.code in b.place.parents else b.place.code
            for a, b in zip(matches, matches[1:], strict=False) if _qualifies(a, b, s[a.end:b.start])
        }
        parts = [m for m in matches if _names_something(m, matches, s) or organisation_at(s, m.end)]
        quotes = [(q.start(1), q.end(1), q.group().startswith("《")) for q in quoted_spans(s)]
        names = [(a, b) for a, b, title in quotes if not title]  # “成都经济区”, not 《titles》
        outside = [m for m in matches if m not in parts and not any(a <= m.start < b for a, b, _ in quotes)]
        if outside:  # a place inside a quoted name, beside a place asked outside every quote and name, is the name's
            parts += [m for m in matches if m not in parts
                      and any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in names)]
            # …and one inside a 《title》 above it is the policy the title carries out (上海…《市政府贯彻国务院…意见的实施意见》)
            parts += [m for m in matches if m not in parts and any(a <= m.start < b for a, b, title in quotes if title)
                      and any(m.place.code == COUNTRY_CODE or m.place.code in o.place.parents for o in outside)]
        named: dict[str, Place] = {}
        for m in matches:
            if m.place.code not in qualifiers and m not in parts:
                named.setdefault(m.place.code, m.place)
        places = list(named.values())
        scope = PlaceScope(places=places, name_parts=[m.surface for m in parts])
        uncovered = {surface for surface, codes in dropped if not covered_places(codes)}
        other_place = bool(places) or any(surface not in uncovered for surface, _ in dropped)
        for surface, _codes in dropped:
            if surface in uncovered and not (surface.isascii() and other_place):
                scope.ambiguous.append(surface)  # whichever place it is, no document of its own (but a romanised
                # word beside another place is more likely a name of something else: the Xinhua report on Tongzhou)
        if not places and not scope.ambiguous:
            return scope
        scope.doc_ids = set()
        asks_lower = asks_lower_place(text)
        for place in places:
            docs = self.covering(place)
            lower = self.below(place) if asks_lower and place.code != COUNTRY_CODE else set()
            docs |= lower  # 广州哪个区…: the answer is one of its districts' documents
            scope.lower |= lower
            named = self.naming(place) if place.code != COUNTRY_CODE else set()
            scope.inferred.update(dict.fromkeys(named, place.name))
            reposts = self.reposting(place) if place.code != COUNTRY_CODE else set()
            scope.reposted.update(dict.fromkeys(reposts, place.name))
            docs |= named | reposts
            scope.covering[place.code] = docs
            scope.doc_ids |= docs
            if place.code != COUNTRY_CODE and not (self._local(docs) | named) and (silent := self.unplaced(place)):
                scope.unplaced.update(dict.fromkeys(silent, place.name))
                docs |= silent
                scope.covering[place.code] = docs
                scope.doc_ids |= docs
            elif (place.code != COUNTRY_CODE and not (self._local(docs) | named)) or not docs:
                scope.uncovered.append(place)
            for doc_id in docs - reposts - lower:
                doc_place = self._places[doc_id]
                if doc_place is not None and doc_place.code != place.code:
                    scope.broader[doc_id] = LEVEL_LABEL.get(doc_place.level, "")
        if not places:  # only ambiguous names, none of which the corpus covers: nothing to search
            scope.doc_ids = set()
        return scope

    def _shared_names_read(self, matches: list[PlaceMatch], dropped: list[tuple[str, set[str]]],
                           covered_places: Callable[[set[str]], list[Place]]) -> tuple[Place, ...]:
        """For each name several places share (`dropped`): the one inside a place the text names beside it
        (Licheng District, Quanzhou), else the one the corpus covers (通州 with 北京通州区's documents), if just one."""
        written = {m.place.code for m in matches}
        known = []
        for _surface, codes in dropped:
            inside = [p for c in codes if (p := self.gaz.get(c)) is not None and written & set(p.parents)]
            if len(inside) == 1:
                known.append(inside[0])
            elif len(covered := covered_places(codes)) == 1:
                known.append(covered[0])
        return tuple(known)

    def _named_elsewhere(self, match: PlaceMatch, covered_places: Callable[[set[str]], list[Place]]) -> bool:
        """Is `match` a zone read from an ordinary word (东湖高新区: 南昌 东湖区's) that no document covers, while documents
        of other places write the name (武汉's 东湖高新区)? Then the corpus means its own zone by it."""
        if not self.gaz.zone_only(match) or covered_places({match.place.code}):
            return False
        return any(match.surface in doc.search_text for doc in self.docs.values())

    def below(self, place: Place) -> set[str]:
        """Documents whose region lies under `place` (not `place` itself)."""
        return {d for d, p in self._places.items() if p is not None and p.code != place.code and place.code in p.parents}

    def _alias_matches(self, text: str, taken: list[PlaceMatch]) -> list[PlaceMatch]:
        """Document-defined aliases written as a word of their own (园区 in "园区本级", not in "产业园区"), or
        right after a place that contains theirs (苏州园区: 苏州 says where 园区 lies)."""
        s = search_form(text)
        out = []
        for alias, place in self._aliases.items():
            for m in re.finditer(re.escape(alias), s):
                inside = any(t.start <= m.start() < t.end for t in taken)
                after_parent = any(t.end == m.start() and t.place.code in place.parents for t in taken)
                if not inside and (m.start() == 0 or not _CJK_RE.match(s[m.start() - 1]) or after_parent):
                    out.append(PlaceMatch(m.start(), m.end(), alias, place))
        return out

    def _local(self, doc_ids: set[str]) -> set[str]:
        return {d for d in doc_ids if (p := self._places.get(d)) is not None and p.code != COUNTRY_CODE}


def _names_something(match: PlaceMatch, matches: list[PlaceMatch], s: str) -> bool:
    """Is a parent of another place the question names written as part of a name, glued to the noun after it
    (柳河县对获得吉林省质量奖的…: 吉林省质量奖 is an award; the place asked about is 柳河县)?"""
    if not any(match.place.code in m.place.parents for m in matches) or any(m.start == match.end for m in matches):
        return False
    return noun_at(s, match.end)


def _qualifies(first: PlaceMatch, second: PlaceMatch, gap: str) -> bool:
    """Does one of two neighbouring names only say where the other lies? A parent written right before its
    child ("宁波余姚", "宁波市海曙区", "济南的平阴", "Ningbo's Haishu"), or after it as an English apposition ("Huli District,
    Xiamen", "Haishu District of Ningbo", "Licheng District (Quanzhou)")."""
    if first.place.code in second.place.parents:
        return _PARENT_FIRST.fullmatch(gap) is not None
    latin = not _CJK_RE.search(first.surface + second.surface)
    return latin and second.place.code in first.place.parents and _CHILD_FIRST.fullmatch(gap) is not None


_PARENT_FIRST = re.compile(r"(?:['’]s|的)?\s*")  # 宁波余姚, 济南的平阴, Ningbo's Haishu
_CHILD_FIRST = re.compile(r"[A-Za-z\s]{0,24}?(?:,|\(|\bof\b|\bin\b)\s*", re.IGNORECASE)


def coverage_note(doc: Document, place: Place | None) -> str:
    """The label an answer adds when `doc` is not `place`'s own rule ("" when it is, or no place)."""
    if place is None:
        return ""
    doc_place = place_of(doc)
    if doc_place is None or doc_place.code == place.code:
        return ""
    issuer = doc.meta.issuer or doc_place.name
    if doc_place.code == COUNTRY_CODE:
        return f"这是{issuer}发布的全国性规定，适用于{place.short}"
    if place.within(doc_place.code):
        return f"这是{doc_place.name}的{LEVEL_LABEL[doc_place.level]}规定，{place.short}在其范围内"
    if doc_place.level in ("town", "zone") and doc_place.parents[:1] == (place.code,):
        return f"这是{place.short}下辖的{doc_place.name[len(place.name):]}的规定，只适用于该地"
    return f"这是{doc_place.name}的规定，不适用于{place.short}"


def find_places(text: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Short names (浦东, 湖里, 苏州工业园区) of the places `text` names, in reading order.

    Kept for older callers; `extra` is ignored (the gazetteer knows every place)."""
    return list(dict.fromkeys(m.place.short for m in gazetteer().find(text)))


def region_places(region: str) -> set[str]:
    """Short names of a region and of every place containing it: '福建省厦门市湖里区' → {湖里, 厦门, 福建}."""
    gaz = gazetteer()
    found = gaz.find(region)
    if not found:
        return set()
    place = max((m.place for m in found), key=lambda p: len(p.parents))
    return {p.short for p in gaz.chain(place)}


def is_national(region: str) -> bool:
    return region == "全国" or any(m.place.code == COUNTRY_CODE for m in gazetteer().find(region))
