"""Describe a document (DocMeta): extracted from its text, overridden or filled by a manifest.

Every pattern is a general form of Chinese official documents (印发-notice titles, signature
blocks, 发文单位-type fields, 〔year〕 numbers, 自…起施行), never a rule for one document; the
region comes from the issuer, title or opening text through corpus.gazetteer. `evidence`
keeps the line that states each field, so an answer about a document fact can cite it.

Extraction reads the search form (simplified script, NFKC width) so one set of patterns
serves both scripts; values shown to people (title, issuer) are sliced from the cleaned
text at the same offsets, so they stay in the document's own script.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.chunk import MARKERS
from corpus.fields import DATE_LABELS as _DATE_LABELS
from corpus.fields import FIELD_LABEL_RE as _FIELD_LABEL_RE
from corpus.fields import FROM_LABELS as _FROM_LABELS
from corpus.fields import ISSUER_LABELS as _ISSUER_LABELS
from corpus.fields import ISSUING_LABELS as _ISSUING_LABELS
from corpus.fields import NEXT_FIELD_RE
from corpus.fields import NUMBER_LABELS as _NUMBER_LABELS
from corpus.fields import SOURCE_LABELS as _SOURCE_LABELS
from corpus.fields import TITLE_LABELS as _TITLE_LABELS
from corpus.schema import DocMeta, LoadError

if TYPE_CHECKING:
    from corpus.gazetteer import Gazetteer, Place


@dataclass(frozen=True)
class MetadataConfig:
    """How the metadata reader tells a field's value from the text around it."""

    field_value_chars: int = 24  # a field's value on a line of its own is no longer (a title or a sentence is)


CONFIG = MetadataConfig()
MANIFEST_NAMES = ("manifest.json", "manifest.toml")
_DERIVED_FIELDS = {"evidence", "region_code", "version_group", "superseded_by"}
DATE_FIELDS = ("date", "valid_from", "valid_until")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "O": 0,
    "o": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_YEAR = "[〇○零Oo一二三四五六七八九]{4}"
_CN_MD = "[一二三四五六七八九十]{1,3}"
DATE_PATTERN = (
    rf"(?:(?:19|20)\d{{2}}|{_CN_YEAR})\s*年\s*(?:\d{{1,2}}|{_CN_MD})\s*月\s*(?:\d{{1,2}}|{_CN_MD})\s*日"
    r"|(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"
)
_DATE_RE = re.compile(DATE_PATTERN)
_PARTS_RE = re.compile(
    rf"((?:19|20)\d{{2}}|{_CN_YEAR})\s*[年\-/.]\s*(\d{{1,2}}|{_CN_MD})\s*[月\-/.]\s*(\d{{1,2}}|{_CN_MD})"
)
_BULLETS = "-–•·* "  # a list bullet before a page field (- 发布日期:2024-07-05)
_TIME_RE = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?")
_STAMP = re.compile(rf"({DATE_PATTERN}){_TIME_RE.pattern}")  # a date with its time of day: when a page was posted
_ORG_RE = re.compile(
    r"(?:局|委|办|办公室|办公厅|政府|委员会|管委会|中心|厅|部|院|会|所|署|处|党委|区委|县委|市委|省委|领导小组)$"
)
# a site heading led by its province in brackets: (湖南省)郴州市国民经济和社会发展十四五规划
_PLACE_LED = re.compile(r"\([\u4e00-\u9fff]{2,8}[省市区]\)[\u4e00-\u9fff]{4}")
# a development zone named as the unit that published a page (发布机构: 天津经济技术开发区)
_ZONE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:开发区|高新区|经开区|新区|园区|示范区)$")
_LABEL_RE = re.compile(r"^([^，,。:：]{1,8})[:：]\s*(.*)$")
# a document number: issuer abbreviation + 〔year〕 + number + 号 (any bracket, either script's 号), or a 令
_UNIT_WORDS = "人民政府|政府|委员会|办公室|办公厅|管委会|行政公署"  # long last words of a unit's name, in no 文号 prefix
_ORG_END = rf"(?:{_UNIT_WORDS}|局|委|厅|部|院)"  # the last word of a unit's name
_DOC_NO_HEAD = r"([\u4e00-\u9fff]{1,12})\s*[〔\[(（【]\s*((?:19|20)\d{2})\s*[〕\])）】]\s*第?\s*"  # issuer〔year〕
_DOC_NO_RE = re.compile(
    _DOC_NO_HEAD + r"(\d+)\s*号"
    r"|([\u4e00-\u9fff]{2,20}令)第([\d一二三四五六七八九十百零〇]+)号"
    r"|([\u4e00-\u9fff]{1,6}[发字函])\s*((?:19|20)\d{2})\s*(\d{1,4})\s*号"
)
_ITEM_RE = re.compile(r"\s*(?:\d{1,3}[.、．]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,3}[)）])")  # 1. 一、 (一)
_BARE_DOC_NO_RE = re.compile(_DOC_NO_HEAD + r"(\d{1,4})")  # … whose 号 was lost
_LOST_CLOSE_RE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[(（【]\s*(?:19|20)\d{2}\d{1,4}\s*号?")  # … or its 〕
_HEADING_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))"
)
_INNER_HEADING_RE = re.compile(r"第[一二三四五六七八九十]+[章条]|(?<![\u4e00-\u9fff])一、")
# the last word of a title names its kind (general forms of Chinese official documents)
TITLE_KIND_WORDS = (
    "通知", "意见", "办法", "决定", "方案", "规定", "细则", "计划", "政策", "通告", "公告", "批复", "函", "答复",
    "报告", "条例", "纲要", "规划", "措施", "指引", "指南", "标准", "目录", "清单", "规则", "法", "令", "公报",
    "要点", "决议", "命令", "通报", "纪要", "章程", "制度", "意见稿", "草案", "征求意见稿", "送审稿",
)  # fmt: skip
TITLE_KIND_RE = re.compile("(?:" + "|".join(sorted(TITLE_KIND_WORDS, key=len, reverse=True)) + ")$")
_TITLE_END_RE = TITLE_KIND_RE
_CJK_CHARS = re.compile(r"[\u4e00-\u9fff]")
_TRAILING_PARENS_RE = re.compile(r"(?:\s*\([^()]{1,24}\))+$")
_PART_NUMBER_RE = re.compile(r"\s*\([一二三四五六七八九十\d]{1,3}\)$")
_DRAFT_RE = re.compile(r"征求意见稿|意见征求稿|草案|送审稿|讨论稿|\(稿\)")
# a report on a draft plan or budget (…与2023年计划(草案)的报告, a congress's standing form): the report is adopted
_REPORT_ON_DRAFT = re.compile(r"[(（]?草案[)）]?(?=的报告$)")
_OUT_FOR_COMMENT_RE = re.compile(r"《([^《》\n]{4,100}?(?:[(（][^()（）\n]{0,6}?(?:征求意见稿|意见征求稿|草案|送审稿)[)）])+)》"
                                 r"(?:[^\n]{0,24}?征求意见|意见)")
# a national organ: the State Council, the Party centre, the NPC, a ministry or national administration
# a notice calling for comments on a text (关于公开征集《…》意见的公告, 关于…公开征求意见的通知): the text is a draft
_CALL_FOR_COMMENT_RE = re.compile(r"征(?:求|集)[^。]{0,80}?意见(?:和建议|建议)?的(?:公告|通知|函|启事)$")
_NATIONAL_ORG_RE = re.compile(
    r"^(?:国务院(?:办公厅)?|中共中央(?:办公厅)?|党中央|全国人民代表大会(?:常务委员会)?|全国人大常委会"
    r"|中华人民共和国[\u4e00-\u9fff]{1,20}|国家[\u4e00-\u9fff]{1,16}(?:局|委员会|委|署|院|总局)"
    r"|[\u4e00-\u9fff]{1,10}部|海关总署|[\u4e00-\u9fff]{2,8}总局)(?:办公厅|办公室)?$"
)


def extract_meta(
    text: str,
    search_text: str,
    header_lines: list[str],
    doc_id: str,
    overrides: dict | None = None,
) -> DocMeta:
    """Build DocMeta from the cleaned text; `overrides` (a manifest entry) wins field by field."""
    lines = _lines(search_text)
    over = parse_entry(overrides or {}, doc_id)
    header = [_simple(h) for h in header_lines]
    evidence: dict[str, tuple[int, int]] = {}

    title, span = _title(text, lines, header)
    _note(evidence, "title", span)
    title = over.get("title") or title
    signature = _signature(lines)  # read once: the issuer, the date and the 落款 all look at it
    byline = _byline(lines)  # … and the issuer and the date look at the page's byline
    issuer, span = _issuer(text, lines, header, _simple(title), signature, byline)
    _note(evidence, "issuer", span)
    issuer = over.get("issuer") or issuer
    doc_date, span = _date(lines, header, doc_id, signature, byline, plan=bool(re.search(r"规划|纲要", _simple(title))))
    _note(evidence, "date", span)
    if (signed := _signed(lines, signature)) and signed != span:
        _note(evidence, "signed", signed)  # the 落款 where the issue date is read elsewhere (a page's 发布日期)
    _note(evidence, "posted", _posted(lines, doc_date))  # the page's own date, where the issue date is another
    number, span = _doc_number(text, lines, header)
    _note(evidence, "doc_number", span)
    meta = DocMeta(
        title=title,
        issuer=issuer,
        date=over.get("date") or doc_date,
        doc_number=over.get("doc_number") or number,
        evidence=evidence,
    )
    meta.doc_type = over.get("doc_type") or _doc_type(_simple(title), header, search_text)
    place = region_place(_simple(issuer), _simple(title), search_text[:3000], legal=meta.doc_type == "法律法规",
                         site="\n".join(header))
    if over.get("region"):  # the manifest's region; its code when the gazetteer knows the name
        place = _place_named(_simple(over["region"]))
        meta.region, meta.region_code = over["region"], place.code if place else ""
    else:
        meta.region, meta.region_code = (place.name, place.code) if place else ("", "")
    valid_from, valid_until, spans = _validity(search_text, meta.date, _published(lines, header))
    for key, span in spans.items():
        _note(evidence, key, span)
    if valid_from is None:
        for label, value, span in _fields(lines, header):
            if label in _FROM_LABELS and (valid_from := parse_date(value)):
                _note(evidence, "valid_from", span)
                break
    meta.valid_from = over.get("valid_from") or valid_from
    if valid_until is None and (found := _publication_note(lines)) and found[0].group("repealed"):
        valid_until = parse_date(found[0].group("repealed"))  # (…文发布 2024年2月26日废止)
        _note(evidence, "valid_until", found[1])
    meta.valid_until = over.get("valid_until") or valid_until
    meta.status = over.get("status") or _status(search_text)
    draft = _DRAFT_RE.search(_REPORT_ON_DRAFT.sub("", _simple(title))) or any(
        _DRAFT_RE.search(line) and len(line.strip()) <= 20 or _CALL_FOR_COMMENT_RE.search(_simple(line.strip()))
        for _, _, line in lines[:6]  # (a heading calling for comments: …关于征求《…》意见建议的公告)
    ) or _OUT_FOR_COMMENT_RE.search(search_text[:300]) or _CALL_FOR_COMMENT_RE.search(_simple(title))  # 顺德正对《…办法(征求意见稿)》…进行征求意见: a report on a draft
    meta.is_draft = over["is_draft"] if "is_draft" in over else bool(draft)
    for key in over:  # a manifest value is not stated by any line of the text
        evidence.pop(key, None)
    return meta


def _note(evidence: dict[str, tuple[int, int]], key: str, span: tuple[int, int] | None) -> None:
    if span is not None:
        evidence[key] = span


# --- manifest ----------------------------------------------------------------------------


def read_manifest(folder: Path) -> tuple[dict, list[LoadError]]:
    """Read `manifest.json` (or `.toml`) in `folder`: {file name: {field: value}}."""
    for name in MANIFEST_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            raw = path.read_text(encoding="utf-8-sig")
            data = json.loads(raw) if name.endswith(".json") else tomllib.loads(raw)
        except (OSError, ValueError) as exc:
            return {}, [
                LoadError(
                    str(path), f"manifest is not valid {path.suffix[1:].upper()}: {exc}; fix or remove it"
                )
            ]
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            return {}, [
                LoadError(
                    str(path), 'manifest must map file names to objects, e.g. {"a.txt": {"title": "..."}}'
                )
            ]
        errors = []
        for doc_id, entry in data.items():
            try:
                parse_entry(entry, doc_id)
            except ValueError as exc:
                errors.append(LoadError(str(path), str(exc)))
        return data, errors
    return {}, []


def parse_entry(entry: dict, doc_id: str = "") -> dict:
    """Validate a manifest entry and convert its dates; raise ValueError saying what to fix."""
    known = {f.name for f in fields(DocMeta)} - _DERIVED_FIELDS
    out: dict = {}
    for key, value in entry.items():
        if key not in known:
            raise ValueError(
                f"manifest entry '{doc_id}': unknown field '{key}'; valid fields: {', '.join(sorted(known))}"
            )
        if key in DATE_FIELDS and value:
            if isinstance(value, date):
                out[key] = value
                continue
            try:
                out[key] = date.fromisoformat(str(value))
            except ValueError:
                raise ValueError(
                    f"manifest entry '{doc_id}': field '{key}' must be a date like 2022-06-02, got {value!r}"
                ) from None
        elif key == "is_draft":
            out[key] = value is True or str(value).strip().lower() in ("true", "1", "yes", "是")
        elif value:
            out[key] = str(value)
    return out


# --- fields ------------------------------------------------------------------------------

Line = tuple[int, int, str]


def _lines(text: str) -> list[Line]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _simple(s: str) -> str:
    from corpus.clean import search_form

    return search_form(s)


def _is_org(line: str) -> bool:
    line = line.strip()
    return (2 <= len(line) <= 30 and bool(_ORG_RE.search(line)) and not re.search(r"[，,。:：;；《》]", line)
            and _balanced(line))


def _closes_unopened(s: str) -> bool:
    """Does `s` close a bracket it never opened (“第六次会议通过)”): the tail of a longer text, never a title (a
    title may open one that its next line closes: 关于印发《… / …》的通知)."""
    depth = 0
    for c in s:
        depth += (c in _OPENERS) - (c in _CLOSERS)
        if depth < 0:
            return True
    return False


def _balanced(s: str) -> bool:
    """Are the brackets of `s` closed within it? A line that opens or closes one elsewhere is part of a longer
    text (“(2021年1月18日…人民代表大会” / “第六次会议通过)”), never an organisation."""
    return sum(s.count(c) for c in _OPENERS) == sum(s.count(c) for c in _CLOSERS)  # 《…) garbled: still closed


_OPENERS, _CLOSERS = "(（《【[", ")）》】]"  # counted as one kind: copies garble their pairs (《…)


def _is_orgs(line: str) -> bool:
    """One organisation or several joined by spaces / 、 (a joint issuance)."""
    parts = [p for p in re.split(r"[\s、]+", line.strip()) if p]
    return bool(parts) and all(_is_org(p) for p in parts)


def _segments(line: str) -> list[tuple[int, int]]:
    """Pieces of a top line that may hold a title. A run-on line (a whole notice on one line, or a
    web page's header glued to the text) is cut at spaces and full stops, and a leading
    "发表时间:<date>" label is dropped from a piece."""
    if (glued := _glued_end(line)) < len(line):  # …奖励办法为充分调动…: a title run into what follows it
        return [(0, glued)] + [(a + glued, b + glued) for a, b in _segments(line[glued:])]
    if len(line) <= 80:
        return [(0, len(line))]
    out = []
    for m in re.finditer(r"[^\s。]+", line[:400]):
        start, end = m.span()
        if lab := re.match(rf"[^:：]{{2,6}}[:：]\s*(?:{DATE_PATTERN})", line[start:end]):
            start += lab.end()
            if t := _TIME_RE.match(line, start):
                start = t.end()
        if start < end:
            out.append((start, end))
    return out


_GLUED_RE = re.compile("(?:" + "|".join(sorted(TITLE_KIND_WORDS, key=len, reverse=True)) + r")(?=各|为|根据|现将)")


def _glued_end(line: str) -> int:
    """Where a title ends when the addressees or the opening clause follow it on the same line (…若干政策的通知各县
    (区)人民政府…; …奖励办法为充分调动…); the line's length when nothing is glued to a title."""
    m = _GLUED_RE.search(line)
    return m.end() if m and len(_CJK_CHARS.findall(line[:m.end()])) >= 6 else len(line)


def _fields(lines: list[Line], header: list[str]) -> list[tuple[str, str, tuple[int, int] | None]]:
    """(label, value, line span) of the metadata fields at the top (and in the cleaned-off header)."""
    out: list[tuple[str, str, tuple[int, int] | None]] = []
    sources = [(None, h) for h in header] + [((s, e), line) for s, e, line in lines[:20]]
    for i, (span, line) in enumerate(sources):
        found = list(_FIELD_LABEL_RE.finditer(line))
        for k, m in enumerate(found):
            end = found[k + 1].start() if k + 1 < len(found) else len(line)
            value = re.split(r"[|｜•【]", line[m.end() : end].lstrip(" \t|｜"))[0]  # 成文日期: | 2025-02-24 |
            value = value[: next_field.start()] if (next_field := NEXT_FIELD_RE.search(value, 1)) else value
            value = value.strip()
            if len(halves := value.split()) == 2 and halves[0] == halves[1]:
                value = halves[0]  # 吉林省人民政府 吉林省人民政府: a page rendering one cell twice
            if not value and k + 1 == len(found) and span is not None and (below := _value_below(sources, i)):
                value, span = below  # • 成文日期: / (blank) / 2023-02-28: a list putting each value on its own line
            if value:
                out.append((re.sub(r"\s+", "", m.group(1)), value, span))
    return out


def _value_below(sources: list[tuple[tuple[int, int] | None, str]], at: int) -> tuple[str, tuple[int, int]] | None:
    """The value of a field left empty on its line `at`: the next line with text, when it is a short value of its
    own (a date, a number, a unit's name: no label, no sentence), else None."""
    for span, line in sources[at + 1 : at + 3]:
        value = line.strip().lstrip("•·").strip()
        if not value:
            continue
        if span is None or _FIELD_LABEL_RE.search(value) or len(value) > CONFIG.field_value_chars \
                or re.search(r"[，,。；;：:]", value):
            return None
        return value, span
    return None



def _title_end(s: str) -> bool:
    return bool(_TITLE_END_RE.search(_TRAILING_PARENS_RE.sub("", s)))


def _title_like(s: str, labelled: bool = False) -> bool:
    """Could `s` be a title? `labelled`: the value of a 标题/名称 field, which may open as a sentence does (对省政协…
    提案的会办意见)."""
    return (
        len(s.lstrip(_BULLETS)) >= 6 and len(s) <= 100  # • 商洛在线: a site's name in a page's bullet list
        and "。" not in s
        and not re.search(r"[,，;；]", s)
        and not s.endswith((":", "：", "、"))  # 100亿元、: a break in an enumeration
        and len(_CJK_CHARS.findall(s)) >= 4
        and not (s.startswith("(") and not _PLACE_LED.match(s)) and not s.startswith(("各", "附件"))
        and not ((label := _LABEL_RE.match(s)) and not _names_places(re.split(r"[!！]", label.group(1))[-1])  # 岳阳市
                 # 华容县:… is a headline, after a site's exclamation too (世界球精选!台江:…)
                 and not (_is_orgs(label.group(1)) and label.group(2).startswith("关于")))  # 市政府:关于…的通知 too
        and not _DATE_RE.match(s)
        and not _closes_unopened(s)
        and not re.fullmatch(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月", s)  # 2021年4月: a plan's date line
        and not (_is_orgs(s) and "关于" not in s)
        and not any(marker.match(s) for _, marker in MARKERS)  # 一、背景依据, 1.发展…: a heading inside the text
        and (labelled or not s.startswith(("为", "為", "根据", "根據", "依据", "依據")))  # 为深入贯彻落实…, 根据《…: a
        # sentence's opening purpose or basis clause, cut before its comma
        and (labelled or not re.match(r"[对對](?!外)", s))  # 对总投资额…的项目: a rule's object clause (not 对外开放…)
        and not _BARE_DOC_NO_RE.fullmatch(s)  # 湘工信提案函〔2025〕138: a document number whose 号 was lost
        and not _DATELINE.match(s)  # 南宁讯(记者 周红梅): a news report's dateline
        and not re.fullmatch(r"【?[^【】\s]{2,40}[讯訊]】?", s)  # 【天地网讯】, 中国花生交易网(m.…cn)讯: a news source's mark
        and not re.search(r"[|｜]", s)  # 有效性状态 | 废止日期 | 暂无 |: a row of a page's field table
        and not _STAMP.search(s)  # CCTV.com 2009年10月27日 13:59 来源:…: a page's byline
    )


# a news report's dateline: 南宁讯(记者…), 本报讯（通讯员…）, 中新社南宁6月3日电(林浩): where the reporter files
# from, neither a title nor the policy's place
_DATELINE = re.compile(r"[^\s，,。]{0,16}?(?:[讯訊]\s*[(（]\s*(?:记者|記者|通讯员|通訊員|特约|特約|实习|實習)"
                       r"|\d{1,2}月\d{1,2}日[电電](?:\s*[(（][^()（）]{0,30}[)）]?|\s|$))")


def _title(text: str, lines: list[Line], header: list[str]) -> tuple[str, tuple[int, int] | None]:
    """The document's title: a 标题 field, else among the title-like pieces of its top lines a
    "…关于…的通知/意见…" title first, then one followed by a document number, then any with a title
    word, then the first. A title broken over lines is joined (with an issuer line above a
    "关于…" line, and a "(试行)" line below); a trailing part number "(五)" is dropped."""
    for label, value, span in _fields(lines, header):
        if label in _TITLE_LABELS and (number := _DOC_NO_RE.match(value)):
            value = value[number.end():].strip()  # 名称 仙政规〔2025〕3号 市人民政府关于…: the number is its own field
        if label in _TITLE_LABELS:
            value = value[:_glued_end(value)]  # 原标题:…若干政策的通知各县(区)人民政府,…: the addressees are not the title
            if (kind := _NOTICE_KIND.search(value)) and _is_orgs(value[kind.end():]):
                value = value[:kind.end()]  # …的通知市人民政府办公室: the signature's unit run on from the next line
        if label in _TITLE_LABELS and _title_like(value, labelled=True):
            if span is not None and (at := lines_text(lines, span).find(value)) >= 0:
                return text[span[0] + at : span[0] + at + len(value)], span
            return value, span
    def field(line: str) -> bool:
        return bool(_FIELD_LABEL_RE.match(line.strip(" \t|｜").lstrip(_BULLETS + "【")))

    fields = sum(1 for _s, _e, ln in lines[:16] if field(ln))  # a block of page fields takes no title's place
    top = [(s, e, ln) for s, e, ln in lines[:16 + fields] if ln.strip()]
    cands: list[tuple[int, int, int, int]] = []  # rank, order, start, end
    body_at = -1  # where the body's first heading or article starts (第一条, 一、), when it is among the top lines
    for k, (lstart, _lend, line) in enumerate(top):
        if k and _HEADING_RE.match(line.strip()):
            body_at = lstart
            break
        if field(line):
            continue  # a line of metadata fields (索引号 … 分类 …, 发布机构 … 发文日期 …, 【发布文号】…) is not a title
        segs = _segments(line)
        for j, (a, b) in enumerate(segs):
            piece = line[a:b]
            followed = False
            m = _DOC_NO_RE.search(piece)
            if m and not _cited(piece, m):
                cut = m.start() + _glued_title_len(m)
                cut = len(piece[:cut].rstrip(" (（[［"))  # …的通知(阳府〔2023〕14号): the number's bracket is not the title's
                piece, b, followed = piece[:cut], a + cut, True
            if (m := _INNER_HEADING_RE.search(piece)) and m.start() > 0:
                piece, b = piece[: m.start()], a + m.start()
            if m := NEXT_FIELD_RE.search(piece, 1) or re.search(r"[(（]附", piece):  # …的公告 发布时间:2023-09-27, …的通知
                piece, b = piece[: m.start()], a + m.start()  # (附:…办法、…): a page field or attachment list after it
            if (m := _BYLINE_LEAD.match(piece)) and _is_orgs(m.group("org")) and len(piece) > m.end():
                a, piece = a + m.end(), piece[m.end():]  # …信息化局2023年4月13日广州市…办法: the byline before it
            if (m := _SITE_TAG.match(piece)) and len(piece) > m.end():  # 【已结束】…的公告: the site's tag is no part
                a, piece = a + m.end(), piece[m.end():]
            lead = len(piece) - len(piece.lstrip())
            a, piece = a + lead, piece.strip()
            if (m := _PIECE_TAIL.search(piece)) and m.start() >= 6:  # …纲要 2011-03-25, …(征求意见稿).docx
                piece = piece[:m.start()]
            b = a + len(piece)
            if not _title_like(piece) or line[b : b + 1] in ("。", "！", "？"):
                continue  # a piece closed by a full stop is a sentence of the text (…现向社会公开征求意见。)
            start, end = lstart + a, lstart + b
            if "关于" in piece and not _title_end(piece) and b == len(line.rstrip()):
                for _s2, e2, nxt in top[k + 1 : k + 4]:  # a title broken over lines
                    nxt = nxt.strip()
                    if not nxt or "。" in nxt or len(piece) + len(nxt) > 100 or _DOC_NO_RE.match(nxt) \
                            or _FIELD_LABEL_RE.match(nxt.lstrip(_BULLETS)) or _HEADING_RE.match(nxt):
                        break
                    piece, end = piece + nxt, e2
                    if _title_end(piece):
                        break
            elif not _title_end(piece) and b == len(line.rstrip()) and len(_CJK_CHARS.findall(piece)) >= 4:
                # 盐城市深化…数字化转型 / 网络化联接三年行动计划(2025-2027年); 涪城区国民经济和社会发展 / 第十四个
                # 五年规划和二〇三五年 / 远景目标纲要: joined when the lines end as a title does
                joined = piece
                for _s2, e2, nxt in top[k + 1 : k + 4]:
                    nxt = nxt.strip()
                    if not _title_like(nxt) or len(nxt) > 40 or _DOC_NO_RE.match(nxt) or len(joined) + len(nxt) > 100 \
                            or "关于" in nxt and _title_end(nxt):
                        break  # a whole "…关于…的通知" line is a title of its own, not the end of this one
                    joined += nxt
                    if _title_end(joined) and _balanced(joined):  # 《…实行 / …的通知: a cut line before the title
                        piece, end = joined, e2
                        break
            if "关于" in piece and not text[end:].split("\n", 1)[0].strip():  # the piece ends its line
                tail, tail_end = _line_after(top, end)
                if _NOTICE_TAIL.fullmatch(tail):  # …三年行动计划 / (2015—2017年)的通知: the notice's own end
                    piece, end = piece + tail, tail_end
            if k and piece.startswith("关于") and _is_orgs(top[k - 1][2]) and b == len(line.rstrip()):
                start, piece = top[k - 1][0], top[k - 1][2].strip() + piece  # issuer line above the 关于 line
            last = next((i for i, (_s, e3, _l) in enumerate(top) if e3 >= end), k)  # the line the piece ends on
            if last + 1 < len(top) and _is_paren_note(top[last + 1][2]):
                piece, end = piece + top[last + 1][2].strip(), top[last + 1][1]  # "(试行)" on its own line
                last += 1
            after = (line[b:].strip() if last == k else "") or (top[last + 1][2].strip() if last + 1 < len(top) else "")
            followed = followed or bool(_DOC_NO_RE.match(after.lstrip("(（ ")))
            if j + 1 < len(segs) and not followed:
                nxt_piece = line[segs[j + 1][0] : segs[j + 1][1]].lstrip("(（ ")
                followed = bool(_DOC_NO_RE.match(nxt_piece))
            ends = _title_end(piece)
            rank = 0 if "关于" in piece and ends else 1 if followed and ends else 2 if ends else 3
            if rank == 3 and any("。" in ln and len(ln.strip()) >= 60 for _s, _e, ln in top[:k]) and not (
                    last + 1 < len(top) and _HEADING_RE.match(top[last + 1][2].strip())):
                continue  # a line with no title word below prose heads nothing, unless headings follow it (…政策举措 / 一、)
            cands.append((rank, len(cands), start, end))
    if not cands or min(cands)[0] == 3:
        for lstart, _lend, line in [t for t in top if not field(t[2])][:6]:  # no title line: the document the notice
            m = _ISSUED_RE.search(line)  # sentence issues (《数智贵州建设2026年工作要点》已经省领导同意,现印发给你们)
            if m and _title_end(name := m.group(1) or m.group(2)):
                at = lstart + m.start(m.lastindex or 1)
                return name, (at, at + len(name))
            if m := _OUT_FOR_COMMENT_RE.search(line):  # …起草形成了《…政策举措(征求意见稿)》。现向社会公开征求意见
                at = lstart + m.start(1)
                return m.group(1), (at, at + len(m.group(1)))
        if (lead := _news_lead(top)) and _title_end(lead[0].group(2)):  # …发改委发布《…的意见(征求意见稿)》
            m, lstart = lead  # (the text's own script: the lead was read in simplified)
            return text[lstart + m.start(2):lstart + m.end(2)], (lstart + m.start(2), lstart + m.end(2))
        if top and (m := _SUBJECT_NAME.match(top[0][2])) and _title_like(m.group(1)) and _title_end(m.group(1)):
            return m.group(1), (top[0][0], top[0][0] + m.end(1))  # 潜山市…远景目标纲要,根据…编制: the text names itself
    if not cands:
        return "", None
    rank, _, start, end = min(cands)
    own = [c for c in cands if c[0] == rank >= 2 and c[2] > start and not text[c[3]:body_at].strip()
           and not _repeats(text[start:end], text[c[2]:c[3]])]
    if own and body_at > 0:  # a site's heading above another document's title, which heads the body (辽宁省…管理办法 /
        _, _, start, end = own[-1]  # 一六二团招商引资奖励办法 / 第一条): the title right above the first article
    title = "".join(part.strip() for part in text[start:end].split("\n") if part.strip())
    title = _PART_NUMBER_RE.sub("", title)
    line_start = text.rfind("\n", 0, start) + 1
    return title, (line_start, end)


# what a page writes after a title on its line: the posting date, or the file's extension on a document site
# (a date in digits glued to it: cleaning drops the space between Chinese and digits, and no title writes 2011-03-25)
_PIECE_TAIL = re.compile(rf"\s+(?:{DATE_PATTERN})$|(?<=[\u4e00-\u9fff)）])(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}$"
                         r"|\.(?:docx?|pdf|wps|ofd|xlsx?|txt)$", re.IGNORECASE)


def _repeats(first: str, second: str) -> bool:
    """Does `second` name the document `first` names (four in five of its character pairs occur in it)?"""
    pairs = {second[i:i + 2] for i in range(len(second) - 1) if _CJK_CHARS.match(second[i])}
    return bool(pairs) and sum(p in first for p in pairs) >= 0.8 * len(pairs)


_SUBJECT_NAME = re.compile(r"\s*([^，,。；;:：《》]{6,80}?)[,，]")  # the subject of the opening sentence, before its comma
_SITE_TAG = re.compile(r"【[^【】]{1,16}】\s*")  # a site's tag before a heading: 【已结束】, 【区级】, 【政策汇编】
_NOTICE_WORDS = "通知|通告|公告|决定|意见|批复|函"  # the last word of a notice's title (…的通知)
_NOTICE_KIND = re.compile(rf"的(?:{_NOTICE_WORDS})")
# the rest of a 关于印发 title on its own line: (2015—2017年)的通知
_NOTICE_TAIL = re.compile(rf"(?:[(（][^()（）]{{1,24}}[)）])?\s*的(?:{_NOTICE_WORDS})")


def _line_after(top: list[Line], end: int) -> tuple[str, int]:
    """The stripped text and end of the first of `top` after offset `end`."""
    return next(((ln.strip(), e2) for s2, e2, ln in top if s2 > end), ("", end))


# a news report's lead sentence on the document it reports, after any dateline (新疆日报讯 ): 12月25日,安徽省宿州市发改委发布
# 《…(征求意见稿)》, 近日,…盟委员会、…盟行政公署印发了《…实施方案》
_NEWS_LEAD_RE = re.compile(
    rf"(?:[^\s，,。]{{0,16}}?[讯訊]\s*(?=\d|近日|日前|近期))?(?:(?:{DATE_PATTERN}|\d{{1,2}}月\d{{1,2}}日|近日|日前|近期)\s*[,，]?\s*)?由?((?:[\u4e00-\u9fff]{{2,30}}?{_ORG_END}[、和]?)+?)"
    r"(?:正式|近日|对外)?(?:发布|印发|出台|公布)了?(?:拟制|起草|制定)?的?(?:关于[^《》\n]{0,12})?《([^《》\n]{4,100})》"
)  # 2月24日,由四川省经济和信息化厅对外发布拟制的《…(征求意见稿)》 too


def _news_lead(lines: list[Line]) -> tuple[re.Match, int] | None:
    """The lead sentence of a news report among the first lines (its match and line start), if it opens one."""
    for lstart, _lend, line in [ln for ln in lines if ln[2].strip()][:3]:
        said = _simple(line.strip())  # a traditional copy's lead (…發布…), read in simplified script
        if len(said) == len(line.strip()) and (m := _NEWS_LEAD_RE.match(said)):
            return m, lstart + line.index(line.strip())
    return None


_ISSUED_RE = re.compile(r"^《([^《》\n]{4,80})》[^。《\n]{0,20}?印发给你们|现将《([^《》\n]{4,80})》印发")


def _line_of(lines: list[Line], offset: int) -> tuple[int, int]:
    for s, e, _ in lines:
        if s <= offset <= e:
            return s, e
    return offset, offset


def _issuer(text: str, lines: list[Line], header: list[str], title: str, signature: Signature | None,
            byline: Byline | None) -> tuple[str, tuple[int, int] | None]:
    """Who issued it: a 发文机关-type field, the signature (organisation above the date), the organisation a
    "X关于…" title names, a 发布机构 or 来源 field (who published the page), a header organisation, else an
    organisation at the top."""
    fields = [(label, value, span) for label, value, span in _fields(lines, header)
              if label in _ISSUER_LABELS and (_is_orgs(value) or _ZONE_NAME.search(value))]
    for label, value, span in fields:
        if label in _ISSUING_LABELS:
            return _field_value(text, lines, value, span)
    if signature is not None:
        (s, e), _ = signature
        return " ".join(part.strip() for part in text[s:e].split("\n") if part.strip()), _line_of(lines, s)
    if (found := _publication_note(lines)) and (org := found[0].group("org")) and _is_orgs(org):
        return _field_value(text, lines, org, found[1])
    publisher = next((f for f in fields if f[0] not in _SOURCE_LABELS), None)  # 发布机构: who put the page up
    if m := re.search(r"关于|印发|转发|发布", title):
        prefix = title[: m.start()].strip().rstrip(":：").strip()  # 市政府:关于…: a news list's "issuer:" form
        if publisher is not None and prefix and _simple(publisher[1]).endswith(prefix):
            return _field_value(text, lines, publisher[1], publisher[2])  # 仙桃市人民政府 for a title's 市人民政府
        if prefix and (_is_orgs(prefix) or _ZONE_NAME.search(prefix)):  # a bare city (连云港关于…) names no unit
            for s, e, line in lines[:16]:
                if line.strip().startswith(prefix):
                    off = s + line.index(prefix)
                    return text[off : off + len(prefix)], (s, e)
            return prefix, None
    if fields:  # the office or site that published the page: when nothing else names the issuer
        return _field_value(text, lines, fields[0][1], fields[0][2])
    if (lead := _news_lead(lines)) and _simple(lead[0].group(2)) in title and _is_orgs(lead[0].group(1)):
        m, lstart = lead  # the unit a news report says issued the document it reports
        return text[lstart + m.start(1):lstart + m.end(1)], (lstart + m.start(1), lstart + m.end(1))
    for item in header:
        if _is_org(item):
            return item, None
    body = [(s, e, ln.strip()) for s, e, ln in lines if ln.strip()]
    if byline is not None:
        m, (s, e) = byline
        at = s + text[s:e].index(m.group("org"))
        return m.group("org"), (at, at + len(m.group("org")))
    for s, e, ln in body[:3]:
        if _is_orgs(ln):
            off = s + text[s:e].index(text[s:e].strip())
            return text[s:e].strip(), (off, e)
    for s, e, ln in body[:8]:  # a law's adoption line: "…全国人民代表大会常务委员会…会议通过", "国务院令第N号"
        if (m := re.search(r"([\u4e00-\u9fff]{2,20}?)令第", ln)) and not _cited(ln, m):  # (not 《…办法》(…委员会令第45号))
            return m.group(1), (s, e)
        for org in ("全国人民代表大会常务委员会", "全国人民代表大会", "国务院"):  # as the clause's subject, not
            if re.search(rf"{org}[^，,。；;：:]{{0,30}}?(?:会议(?:通过|修订|修正)|公布|颁布)(?!的)", ln):  # 国务院公布的名录
                return org, (s, e)
    return "", None


def _field_value(text: str, lines: list[Line], value: str, span: tuple[int, int] | None,
                 ) -> tuple[str, tuple[int, int] | None]:
    """A field's value as the text writes it, with its line."""
    if span is not None and (at := lines_text(lines, span).find(value)) >= 0:
        return text[span[0] + at : span[0] + at + len(value)], span
    return value, span


def _is_date_line(line: str) -> bool:
    if _run_together_date(line):
        return True
    if (m := re.search(r"\s*(?:信息|文章)?来源\s*[:：]", line)) and _DATE_RE.match(line.strip()):
        line = line[: m.start()]  # 2021年04月02日 来源: 市政府信息公开平台: a page's date and its source
    if len(line) > 60 or not _DATE_RE.search(line):
        return False
    rest = _TIME_RE.sub("", _DATE_RE.sub("", _DOC_NO_RE.sub("", line), count=1), count=1)  # 2025-06-08 15:00
    rest = re.sub(r"[\s()（）/|｜]", "", rest)  # 2023/05/25/ 17:17: separators
    return bool(_DATE_RE.search(line)) and rest in ("", "印发", "印")  # 2019年7月12日印发: the printing line's date


_ON_BEHALF_RE = re.compile(r"\s*[(（]代章?[)）]$")
_CONTINUED = re.compile(r"[暨和及与]")  # a line that goes on with the name above it


Signature = tuple[tuple[int, int], tuple[int, int]]  # (organisation span, date span)


def _signature(lines: list[Line]) -> Signature | None:
    """The first signature block: an organisation line right above a date line, or (in run-on
    text) "…。<organisation><date>（此件公开发布）" at a line's end. Returns (org span, date span)."""
    body = [(s, e, ln) for s, e, ln in lines if ln.strip()]
    for k in range(1, len(body)):
        s, e, ln = body[k]
        ps, pe, prev = body[k - 1]
        prev = _ON_BEHALF_RE.sub("", prev.rstrip())  # 广西…指挥部(代): signed on the organisation's behalf
        if (_is_date_line(ln.strip()) or _date_lines(body, k)[0] or _YEAR_MONTH.fullmatch(ln.strip())) \
                and _is_orgs(prev):
            first = k - 1
            while first and _is_orgs(body[first - 1][2]):  # a joint issuance: one organisation a line
                first -= 1
            above = body[first - 1][2].strip() if first else ""
            if _CONTINUED.match(body[first][2].strip()) and re.fullmatch(r"[\u4e00-\u9fff]{4,30}", above):
                first -= 1  # a unit's name broken before 暨/和 (…双城经济圈建设 / 暨推进同城化发展领导小组)
            fs, _, first_line = body[first]
            lead = len(first_line) - len(first_line.lstrip())
            return (fs + lead, ps + len(prev.rstrip())), (s, e)
    for s, _e, ln in body:
        m = re.search(
            # (…附件:《…》.pdf中宁县枸杞产业发展服务中心2024年9月12日(此件公开发布)。: after an attachment's file name)
            rf"(?:^|[。；;)）》]\s*|(?<=[A-Za-z]))([^\s。，,；;：:()（）《》.A-Za-z]{{2,30}}?)\s*({DATE_PATTERN})\s*"
            rf"(?:\([^()]{{0,12}}\))?\s*。?\s*$",
            ln,
        )
        if m and _is_orgs(m.group(1)):
            return (s + m.start(1), s + m.end(1)), (s + m.start(2), s + m.end(2))
    return None


def _signed(lines: list[Line], signature: Signature | None) -> tuple[int, int] | None:
    """Where the first signature's date stands (its 落款: 2020年3月 under the issuer), over every line a copy broke
    it across."""
    if signature is None:
        return None
    _, (s, e) = signature
    body = [(bs, be, ln) for bs, be, ln in lines if ln.strip()]
    at = next((k for k, (bs, _, _) in enumerate(body) if bs == s), None)
    end = _date_lines(body, at)[1] if at is not None else -1
    return s, max(e, end)


# a signature dated by month only, as plans are (舒兰市人民政府 / 二〇二一年七月): it names the issuer, not the day
_YEAR_MONTH = re.compile(rf"(?:(?:19|20)\d{{2}}|{_CN_YEAR})\s*年\s*(?:\d{{1,2}}|{_CN_MD})\s*月")


def _date_lines(body: list[Line], k: int) -> tuple[str, int]:
    """A date a copy broke one part a line from body[k] on (2018 / 年 / 9 / 月 / 8 / 日), joined, and where its last
    part ends in the text; ("", -1) when there is none."""
    joined = ""
    for _, e, ln in body[k : k + 6]:
        if len(ln.strip()) > 4:
            return "", -1
        joined += ln.strip()
        if re.fullmatch(DATE_PATTERN, joined):
            return joined, e
    return "", -1


# the labels of the date a document was issued on, which a page may give beside the date it posted the copy
_ISSUE_DATE_LABELS = ("印发日期", "发文日期", "制发日期", "发文时间")


def parse_date(s: str) -> date | None:
    """The first date in `s`, in any common form: 2019年3月5日, 二〇一九年三月五日, 2019-03-05."""
    m = _PARTS_RE.search(s)
    if not m:
        return _run_together_date(s)
    year = m.group(1)
    if not year.isdigit():
        year = "".join(str(_CN_DIGITS.get(ch, 0)) for ch in year)
    month, day = _cn_number(m.group(2)), _cn_number(m.group(3))
    try:
        return date(int(year), month or 0, day or 0)
    except ValueError:
        return None


def _run_together_date(s: str) -> date | None:
    """A date whose separators were lost (2017223, 202527), when its digits admit one reading only."""
    if not (m := re.fullmatch(r"\s*((?:19|20)\d{2})\s*年?\s*(\d{2,4})\s*日?\s*", s)):  # 2019年1011, 2023925日 too
        return None
    year, rest = int(m.group(1)), m.group(2)
    readings = set()
    for cut in (1, 2):
        month, day = rest[:cut], rest[cut:]
        padded = len(rest) == 4 and cut == 2  # 20250101
        if 1 <= len(day) <= 2 and (padded or not (month.startswith("0") or day.startswith("0"))):
            with contextlib.suppress(ValueError):
                readings.add(date(year, int(month), int(day)))
    return readings.pop() if len(readings) == 1 else None


def lines_text(lines: list[Line], span: tuple[int, int]) -> str:
    for s, e, line in lines:
        if (s, e) == span:
            return line
    return ""


_PAGE_DATE_LABELS = ("发布时间", "发布日期", "发表时间", "发表于", "时间", "日期")  # a site's posting date fields


def _posted(lines: list[Line], issued: date | None) -> tuple[int, int] | None:
    """Where a page states the day it was posted (发布时间: 2021-08-02, a date with its time of day near the top),
    when that day is not the issue date read (a notice signed 2021-07-26, posted 2021-08-02; a repost)."""
    for label, value, span in _fields(lines[:20], []):
        if label in _PAGE_DATE_LABELS and span and (m := re.search(DATE_PATTERN, value)) \
                and (d := parse_date(m.group())) and d != issued:
            at = span[0] + lines_text(lines, span).find(value) + m.start()  # (发布日期2023-02-03成文日期…: the date, not what runs on)
            return at, at + len(m.group())
    for start, _end, line in lines[:12]:
        if (m := _STAMP.search(line)) and (d := parse_date(m.group(1))) and d != issued:
            return start + m.start(1), start + m.end(1)
    return None


def _date(lines: list[Line], header: list[str], doc_id: str, signature: Signature | None, byline: Byline | None,
          plan: bool = False) -> tuple[date | None, tuple[int, int] | None]:
    """Issue date: an unlabelled header item, a 成文日期 field, the signature's date, a 发布日期-type field, a
    lone date line near the top, a law's adoption note (not a plan's: a congress approves it, its government issues
    it later), a date line near the end, else a date in the file name."""
    for item in header:
        if not _FIELD_LABEL_RE.search(item) and not _LABELLED.match(item) and (d := parse_date(item)):
            return d, None
    fields = _fields(lines, header)
    for label, value, span in fields:  # the signing date as the page's field states it
        if label == "成文日期" and (d := parse_date(value)):
            return d, span
    body = [(s, e, ln.strip()) for s, e, ln in lines if ln.strip()]
    if signature is not None:
        _, (s, e) = signature
        for ls, le, line in lines:
            if ls <= s <= le and (d := parse_date(line[s - ls :])):
                return d, (ls, le)
        at = next((k for k, (bs, _, _) in enumerate(body) if bs == s), None)
        joined, end = _date_lines(body, at) if at is not None else ("", -1)
        if d := parse_date(joined):
            return d, (s, end)  # every line the date was broken over
    if (found := _publication_note(lines)) and (d := parse_date(found[0].group("date"))):
        return d, found[1]
    for (_, _, prev), (s, e, ln) in zip(body[:20], body[1:20], strict=False):  # a signature without its signer
        if _NOTICE_CLOSE.search(prev) and _is_date_line(ln) and (d := parse_date(ln)):
            return d, (s, e)  # 现将《…》印发给你们,请…认真贯彻执行。 / 2021年10月29日
    for label, value, span in sorted(fields, key=lambda f: f[0] not in _ISSUE_DATE_LABELS):  # 印发日期 before 发布日期
        if label in _DATE_LABELS and (d := parse_date(value)):
            return d, span
    if d := _labelled_date(header, _ANY_DATE_LABEL):  # a label the field list does not know: 公开发布日期:2022-04-02
        return d, None
    for s, e, ln in body[:16]:  # (2025年3月22日) under the title: the date the text was adopted, before a page's date
        if re.fullmatch(rf"[(（]\s*(?:{DATE_PATTERN})\s*[)）]", ln) and (d := parse_date(ln)):
            return d, (s, e)
        if not plan and _ADOPTION_NOTE.match(ln) and (dates := [d for m in _DATE_RE.finditer(ln) if (d := parse_date(m.group()))]):
            return max(dates), (s, e)  # (2007年5月24日…会议通过 根据…修正): a law's adoption note, its latest date
    for s, e, ln in body[:16] + body[-8:][::-1]:
        if _is_date_line(ln) and (d := parse_date(ln)):
            return d, (s, e)
    for s, e, ln in body[:6]:  # a date labelled or placed as page metadata near the top: …办公厅时间:2021-12-16,
        # 宁政办发〔2023〕13号 2023-03-24 (after the 文号), 不详  2024-04-24  陇南市人民政府网 (a row of cells, a date
        # cell perhaps with its time: 2025/11/5 16:30:27   浙江省财政厅)
        cells = re.split(r"\s{2,}", ln)
        found = (re.search(rf"(?:时间|日期)[:：]\s*({DATE_PATTERN})", ln)
                 or next((m for m in _SIGNED_INLINE.finditer(ln) if _is_orgs(m.group(1))), None)
                 # 政策文件2018-03-19; 来源:2018-08-23 14:39 (a field whose whole value is a date is the page's date)
                 or re.fullmatch(rf"[\u4e00-\u9fff]{{2,6}}\s*[:：]?\s*({DATE_PATTERN})(?:{_TIME_RE.pattern})?", ln)
                 or re.search(rf"(?:{_DOC_NO_RE.pattern})[\s,，]*({DATE_PATTERN})", ln)
                 or next((m for c in cells if len(cells) <= 4
                          and (m := re.fullmatch(f"({DATE_PATTERN})(?:{_TIME_RE.pattern})?", c))), None)
                 or (len(ln) <= 60 and _STAMP.search(ln)))  # 2023-05-31 15:05 中国发展网: a page's time stamp
        if found and (d := parse_date(found.group(found.lastindex or 0))):
            return d, (s, e)
        if (m := _DAY_FIRST_STAMP.fullmatch(ln)) and (d := _valid_date(m.group(3), m.group(2), m.group(1))):
            return d, (s, e)  # 17.08.2017  11:44: a page's time stamp written day first
    if byline is not None and (d := parse_date(byline[0].group("date"))):
        return d, byline[1]
    if m := re.search(r"[(（](\d{4}-\d{2}-\d{2})[)）]", doc_id):
        return parse_date(m.group(1)), None
    return None, None


# a page's time stamp written day first, as some sites do (17.08.2017  11:44): only with its time
_DAY_FIRST_STAMP = re.compile(rf"([0-3]?\d)\.([01]?\d)\.((?:19|20)\d{{2}}){_TIME_RE.pattern}")


def _valid_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# a law's adoption note under its title: (2007年5月24日河北省…常务委员会第二十八次会议通过 …)
_ADOPTION_NOTE = re.compile(rf"[(（]\s*(?:{DATE_PATTERN})[^()（）]{{0,60}}?(?:会议|會議)[^()（）]{{0,12}}?(?:通过|通過)")
# the closing sentence of a notice that issues or forwards a document: 现将《…》印发给你们,请认真贯彻执行。
_NOTICE_CLOSE = re.compile(r"(?:印发|转发)给你们[^。]*。\s*$|请[^。]{0,20}(?:贯彻执行|遵照执行|认真执行|组织实施|贯彻落实)。\s*$")
# a compilation's note under a title on its own publication: (2023年6月9日海安市人民政府海政规〔2023〕3号文发布
# 2024年2月26日废止), (2019年3月2日国务院令第709号公布): its date, issuing unit, number and repeal date
_PUBLICATION_NOTE = re.compile(
    rf"[(（]\s*(?P<date>{DATE_PATTERN})\s*(?P<org>[\u4e00-\u9fff]{{2,30}}?{_ORG_END})?\s*(?:(?:{_DOC_NO_RE.pattern})\s*文?)?"
    rf"(?:发布|公布|印发)(?:\s*[,，;；]?\s*(?P<repealed>{DATE_PATTERN})\s*废止)?\s*[)）]"
)


def _publication_note(lines: list[Line]) -> tuple[re.Match, tuple[int, int]] | None:
    """The publication note among the first lines, with its line."""
    for s, e, line in [ln for ln in lines if ln[2].strip()][:8]:
        if m := _PUBLICATION_NOTE.fullmatch(line.strip()):
            return m, (s, e)
    return None


# a labelled page field (公开发布日期:2022-04-02): its date is that label's, not the document's unless the label says so
_LABELLED = re.compile(r"\s*[•·]?\s*([\u4e00-\u9fff]{2,8})\s*[:：]")
# a notice run into one line with its signature: …请认真组织实施。 东莞市人民政府 2023年1月29日 (…同意,,东莞市…人民政府
# 2023年11月13日: a copy that lost the full stop)
_SIGNED_INLINE = re.compile(rf"[。！!,，]\s*([^\s。！!,，]{{2,40}}?)\s*({DATE_PATTERN})")
# a page's byline: when it was posted, then who posted it (2025/11/5 16:30:27 浙江省财政厅)
_BYLINE = re.compile(rf"(?P<date>{DATE_PATTERN})(?:{_TIME_RE.pattern})?\s*(?P<org>[\u4e00-\u9fff]{{2,30}})")
# … or who, then when, run into the title that follows (广州市从化区科技工业商务和信息化局2023年4月13日广州市从化区…办法)
_BYLINE_LEAD = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{2,30}}?)\s*(?P<date>{DATE_PATTERN})(?:{_TIME_RE.pattern})?\s*")


Byline = tuple[re.Match, tuple[int, int]]  # the byline's match (date, org) and its line span


def _byline(lines: list[Line]) -> Byline | None:
    """A byline among the first lines, whose organisation is one."""
    for s, e, ln in [(s, e, ln) for s, e, ln in lines if ln.strip()][:6]:
        at = s + len(ln) - len(ln.lstrip())
        if (m := _BYLINE.fullmatch(ln.strip())) and _is_orgs(m.group("org")):
            return m, (s, e)
        if (m := _BYLINE_LEAD.match(ln.strip())) and _is_orgs(m.group("org")):
            return m, (at, at + len(m.group().rstrip()))  # the byline, not the title and text run on after it
    return None


def _doc_number(text: str, lines: list[Line], header: list[str] = ()) -> tuple[str, tuple[int, int] | None]:
    """The document's own number near the top; a number cited as 《title》(number) is someone else's; else the
    one a cleaned-off field block labels (• 备注/文号:泉开管办〔2023〕20号)."""
    for start, end, line in lines[:16]:
        for m in _DOC_NO_RE.finditer(line[:400]):
            if _cited(line, m):
                continue  # a cited document's number
            if m.group(1) is not None:
                prefix = _strip_title_words(m.group(1))
                raw = text[start + m.start() : start + m.end()]
                cut = len(m.group(1)) - len(prefix)
                lead = text[start : start + m.start()]  # a line of its own, its prefix split by a space (川经信 财资〔2024〕182号)
                if not cut and re.fullmatch(r"\s*[\u4e00-\u9fff]{1,8}\s+", lead) and not line[m.end():].strip() \
                        and not _FIELD_LABEL_RE.fullmatch(_simple(lead)):  # (not a field's label: 文号 温鹿政发〔2025〕29号)
                    raw = lead + raw
                return re.sub(r"\s+", "", raw[cut:]), (start, end)
            if m.group(4) is not None:
                return text[start + m.start() : start + m.end()], (start, end)
            prefix = _strip_title_words(m.group(6))
            return f"{prefix}〔{m.group(7)}〕{m.group(8)}号", (start, end)
    for k, (start, end, line) in enumerate(lines[:16]):  # a standing committee's announcement: 公告 / (第47号)
        written = text[start:end].strip()  # (in the text's own script)
        if k and lines[k - 1][2].strip().endswith("公告") and (m := _ANNOUNCEMENT_NO.fullmatch(line.strip())):
            return ("公告" if m.group(1) else "") + re.sub(r"\s+", "", written), (lines[k - 1][0], end)  # (〔十四届〕第四十八号)
        if (m := _ANNOUNCEMENT_NO.search(line.strip())) and line.strip()[:m.start()].endswith("公告") \
                and m.end() == len(line.strip()):
            return written[written.rindex("公告"):], (start, end)  # …常务委员会公告(第123号), …公告第20號
    for start, end, line in lines[:16]:  # a line holding nothing but a number that lost its 号 (洪政办发〔2024〕3)
        if m := _BARE_DOC_NO_RE.fullmatch(line.strip()):
            return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", (start, end)
        if _LOST_CLOSE_RE.fullmatch(line.strip()):  # … or its closing bracket (霍政〔202118): kept as the text writes it
            return line.strip(), (start, end)
    for label, value, _span in _fields([], list(header)):
        if label in _NUMBER_LABELS and (m := _DOC_NO_RE.match(value)):
            return m.group().strip(), None
    for label, value, span in _fields(lines[:16], list(header)):  # 发布文号 | 甘肃省人民代表大会常务委员会公告(第48号) |
        if label in _NUMBER_LABELS and (m := _ANNOUNCEMENT_NO.search(value)) and m.end() == len(value) \
                and "公告" in value[:m.start()]:
            if span is None:
                return value, None
            at = span[0] + lines_text(lines, span).find(value)
            return text[at:at + len(value)], span  # in the text's own script
    for item in header:  # an unlabelled cell of the field block cleaned off (• 黑政办规〔2023〕4号)
        if m := _DOC_NO_RE.fullmatch(item.strip().lstrip(_BULLETS)):
            return m.group().strip(), None
    return "", None


# the number under an announcement's heading: (第47号), or with the congress's term, 〔十四届〕第四十八号
_ANNOUNCEMENT_NO = re.compile(r"([(（])?(?:〔[^〔〕]{1,6}[届屆]〕\s*)?第[\d一二三四五六七八九十百零〇]+[号號](?(1)[)）])"
                              r"|〔(?:19|20)\d{2}〕\s*第?\d{1,4}\s*[号號]")  # …公告 / 〔2024〕12号


def _is_paren_note(line: str) -> bool:
    """A line that only holds "(试行)" / "(2025年版)", not a date."""
    return bool(re.fullmatch(r"\([^()]{1,20}\)", line.strip())) and not _is_date_line(line) \
        and not _PUBLICATION_NOTE.fullmatch(line.strip())  # (2017年9月19日印发) dates the document


def _cited(line: str, m: re.Match) -> bool:
    """A document number written after a cited title, 《…》(国发〔2020〕7号), is that document's; so is one a
    numbered item of the text gives as its source (1.补助研发…最高可达500万元。(淮政〔2017〕28号,…))."""
    return bool(re.search(r"》\s*[(（]?\s*$", line[: m.start()])) or bool(
        _ITEM_RE.match(line) and re.search(r"[。;；]\s*[(（]\s*$", line[: m.start()]))


def _glued_title_len(m: re.Match) -> int:
    """How many characters in front of a matched document number belong to a glued title."""
    prefix = m.group(1) if m.group(1) is not None else m.group(6) or ""
    return len(prefix) - len(_strip_title_words(prefix))


def _strip_title_words(prefix: str) -> str:
    """Drop a title glued in front of a document number (…的意见国办发〔2020〕24号)."""
    ends = [m.end() for m in re.finditer(r"通知|意见|办法|决定|方案|规定|细则|函|答复|批复|报告|计划|政策|措施", prefix)]
    prefix = prefix[ends[-1] :] if ends and ends[-1] < len(prefix) else prefix
    units = [m.end() for m in re.finditer(_UNIT_WORDS, prefix)]
    prefix = prefix[units[-1] :] if units and units[-1] < len(prefix) else prefix  # …海安市人民政府海政规〔2023〕3号
    label = re.match(r"(?:发文字号|发文文号|文件编号|文\s*号|字\s*号)\s*[:：]?\s*", prefix)  # 文  号 驻政〔2022〕11号
    return prefix[label.end():] if label and label.end() < len(prefix) else prefix


def _place_named(s: str):
    """The one place that `s` (search form) consists of, or None."""
    from corpus.gazetteer import gazetteer

    found = gazetteer().find(s)
    return found[0].place if len(found) == 1 and found[0].end - found[0].start >= len(s.strip()) - 1 else None


def _names_places(s: str) -> bool:
    """Does `s` consist of place names only (岳阳市华容县)?"""
    from corpus.gazetteer import gazetteer

    found, shared = gazetteer().find_all(_simple(s))  # a name several places share (台江) is a place name too
    named = sum(f.end - f.start for f in found) + sum(len(surface) for surface, _ in shared)
    return bool(found or shared) and named >= len(s.strip()) - 1


def _deepest(places: list) -> object | None:
    """The place that all the others contain (海曙区 over 宁波市), else the first; but a district beside a zone
    of the same city (广州开发区管委会 广州市黄埔区人民政府, one administration) is the district."""
    for p in sorted(places, key=lambda p: -len(p.parents)):
        if all(q.code == p.code or q.code in p.parents for q in places):
            return p
    if not places:
        return None
    first = places[0]
    if first.level == "zone":
        return next((p for p in places if p.level == "county" and p.parents[:1] == first.parents[:1]), first)
    return first


def region_place(issuer: str, title: str, head: str, legal: bool = False, site: str = ""):
    """The document's region from its issuer, then its title, then its first lines, through the gazetteer; else
    from `site`, the page header cleaned off its text (欢迎访问常州市金坛区人民政府网站: whose site it is).

    A national organ (国务院, a ministry) gives 全国; a party committee's or department's name only
    contributes the place inside it. A town the issuer or the title leads with (长安镇人民政府; 关于印发《洞泾镇…》)
    lies in the county found, or in a city with no counties (东莞); so does one the text names throughout, in the one
    county it names, when nothing deeper than a city was read. Returns a gazetteer Place or None.
    """
    from corpus.gazetteer import COUNTRY_CODE, gazetteer, town_leading

    place = _region_place(issuer, title, head, legal)
    if place is None and site:
        place = _deepest([m.place for m in gazetteer().find(site) if m.place.code != COUNTRY_CODE])
    if (place is None or place.level in ("province", "city")) and (town := _town_throughout(head, place)):
        return town
    if place is not None and place.level == "county" and (town := _town_throughout(head, place)) \
            and re.search(re.escape(re.sub(r"(?:镇|乡|街道)$", "", town.short)) + r"(?:镇|乡|街道)", title):
        # …签约落户殷巷镇: a county's town its headline (with its 镇) and text are about
        return town
    if place is None or place.level not in ("city", "county"):
        return place
    gaz = gazetteer()
    led = town_leading(issuer) or town_leading(re.sub(r"^(?:关于)?(?:印发|转发|发布)?《?", "", title))
    return gaz.town(place, led) if led and (place.level == "county" or not gaz.has_counties(place.code)) else place


def _town_throughout(head: str, place) -> Place | None:
    """The town a text names at least twice and more than any other (马驹桥镇…马驹桥镇), in the one county the text
    names (…占通州区…), when its place reads no deeper than a city: the text is about the town."""
    from corpus.gazetteer import gazetteer, town_name_at

    gaz = gazetteer()
    counts: dict[str, int] = {}
    read_to = 0  # where the last name read ends: 湖南乡乡嘴 names 湖南乡 once, not again at its second 乡
    for m in re.finditer(r"镇|乡|街道", head):
        for size in (3, 2):  # the longer name first: 马驹桥, not 驹桥
            if m.start() - size >= read_to and (name := town_name_at(head, m.start() - size)):
                counts[name] = counts.get(name, 0) + 1
                read_to = m.start() - size + len(name)
                break
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    counties = {place.code: place} if place is not None and place.level == "county" else {
        m.place.code: m.place for m in gaz.find(head) if m.place.level == "county" and (place is None or m.place.within(place.code))}
    return gaz.town(next(iter(counties.values())), ranked[0][0]) if len(counties) == 1 else None


def _region_place(issuer: str, title: str, head: str, legal: bool = False):
    from corpus.gazetteer import COUNTRY_CODE, gazetteer

    gaz = gazetteer()
    national = gaz.get(COUNTRY_CODE)
    found, dropped = gaz.find_all(issuer)
    if dropped:  # an ambiguous name in the issuer: let the title and opening text decide
        context = tuple(m.place for m in gaz.find(title + "\n" + head[:600]) if m.place.code != COUNTRY_CODE)
        found = gaz.find(issuer, context)
    else:
        context = tuple(m.place for m in gaz.find(title) if m.place.code != COUNTRY_CODE)
    local = [m.place for m in found if m.place.code != COUNTRY_CODE]
    if local:
        return _deepest(local)
    parts = [p for p in re.split(r"[\s、,，]+", issuer) if p]
    if parts and all(_NATIONAL_ORG_RE.match(p) for p in parts):
        return national
    titled = [m for m in gaz.find(title, context) if m.place.code != COUNTRY_CODE]
    rest = head[len(title):] if head.startswith(title) else head
    if titled and _figurative(gaz, titled, rest, context):
        head = rest  # the headline's word is no place: the text's own lines decide
    elif titled:
        return _deepest([m.place for m in titled])
    if re.match(r"^(?:国务院|中共中央|中华人民共和国|全国人民代表大会)", title) or _national_lead(title):
        return national
    # no issuer or title place: the local place the opening text names most (never the addressees nor a dateline)
    body = "\n".join(_DATELINE.sub("", ln.strip(), count=1) if _DATELINE.match(ln.strip()) else ln
                     for ln in head.split("\n") if not ln.strip().startswith("各") and not ln.rstrip().endswith((":", "：")))
    top = "\n".join(ln for ln in body.split("\n") if ln.strip())[:120]  # a header: the first lines
    near = [m.place for m in gaz.find(top, context) if m.place.code != COUNTRY_CODE]
    counts: dict[str, int] = {}
    for m in gaz.find(body, context):
        if m.place.code != COUNTRY_CODE:
            counts[m.place.code] = counts.get(m.place.code, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    # a town named once in passing (泰宁县朱口镇益村菌业有限公司: a company's address) is not what the text is about
    near = [gaz.get(p.parents[0]) or p if p.level == "town" and counts.get(p.code, 0) < 2 else p for p in near]
    if near:  # the header's place, or the one inside it the text names most (江西日报 … 莲花县出台…, 全县)
        header = _deepest(near)
        depth = max(len(p.parents) for p in near)
        deepest = list({p.code: p for p in near if len(p.parents) == depth}.values())
        named = {p.code: sum(n for code, n in counts.items()
                             if code == p.code or (q := gaz.get(code)) is not None and p.code in q.parents)
                 for p in deepest}  # (a place's towns and zones name it too)
        ranked_deepest = sorted(named.values(), reverse=True)
        nested = all(p.code == header.code or p.code in header.parents for p in near)
        if (header in deepest or not nested and len({p.level for p in deepest}) == 1) and len(deepest) > 1 \
                and ranked_deepest[0] > ranked_deepest[1]:
            # of one level, not nested (在江苏溧阳开幕的…论坛…广西北海市铁山港区上榜: the place named most)
            header = max(deepest, key=lambda p: named[p.code])  # the one the text names most (陽春布德澤…廣西上思縣:
            # 阳春 is a word of spring there)
        inside = [(code, n) for code, n in ranked if code != header.code and (p := gaz.get(code)) and p.within(header.code)]
        if inside and inside[0][1] >= 2 and (len(inside) == 1 or inside[0][1] > inside[1][1]):
            return _at_voice_level(gaz, gaz.get(inside[0][0]), head)
        return _at_voice_level(gaz, header, head)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return _at_voice_level(gaz, gaz.get(ranked[0][0]), head)
    if legal and not issuer and not counts and not _LOCAL_VOICE.search(head[:1000]):
        return national  # a law or regulation naming no issuer and no place, not speaking as a local government
    if any(_TO_ALL_PROVINCES.match(ln.strip()) for ln in head.split("\n")[:12]):
        return national  # addressed to every province (各省、自治区、直辖市…): a national organ's notice
    return _addressed_from(gaz, head, context)


_TO_ALL_PROVINCES = re.compile(r"各省[、,，]\s*自治区[、,，]\s*直辖市")


def _national_lead(title: str) -> bool:
    """Is a title led by national organs (商务部办公厅 国家发展改革委办公厅关于…, 国家发展改革委等部门《关于…》)?"""
    m = re.match(r"(.+?)(?:等部门|等)?(?:关于|《)", title)
    parts = [p for p in re.split(r"[\s、,，]+", m.group(1)) if p] if m else []
    return bool(parts) and all(_NATIONAL_ORG_RE.match(p) for p in parts)


def _figurative(gaz: Gazetteer, titled: list, body: str, context: tuple) -> bool:
    """Are the title's places only short forms of counties, each either never named again in the text or named
    without its city or province while the text names a place of another province (三江源腹地久治 on 青海省久治县: 三江
    is no 三江侗族自治县), and does the text name another place at least twice (茉莉香满城 in a headline on 横县: 满城
    is no 满城区)?"""
    if any(m.place.level != "county" or gaz.is_full_name(m.surface) or m.surface[-1] in "市县区旗" for m in titled):
        return False  # (a former full name, 海门市, is a name too)
    counts: dict[str, int] = {}
    for m in gaz.find(body[:3000], context):
        counts[m.place.code] = counts.get(m.place.code, 0) + 1
    own = {m.place.code for m in titled}
    others = [code for code, n in counts.items() if n >= 2 and code not in own]
    for m in titled:
        if body.count(m.surface) and (any(code in counts for code in m.place.parents) or not any(
                (p := gaz.get(code)) and not p.within(m.place.parents[-1] if m.place.parents else m.place.code)
                for code in others)):
            return False
    return bool(others)


_VOICE_LEVEL = {"省": "province", "市": "city", "州": "city", "县": "county", "区": "county", "旗": "county"}
_DEPTH = {"province": 1, "city": 2, "county": 3, "zone": 4, "town": 4}
_FIRST_PERSON_VOICE = re.compile(r"[我本][省市县区州旗](?![长级委])")


def _voice_level(head: str, voice: re.Pattern[str]) -> str | None:
    """The level of government the first `voice` word of a text's head speaks as (我市 → city), else None."""
    m = voice.search(head[:1000])
    return _VOICE_LEVEL.get(m.group()[1]) if m else None


def _at_voice_level(gaz: Gazetteer, place: Place | None, head: str) -> Place | None:
    """A place read from a text's words, raised to the level the text speaks as: a 我市 text whose header names
    one of the city's counties (游客在金秀…景区; 我市召开…发布会) is the city's. Only the first person counts (全省 in a
    city's text is its province), and a zone's own 我区 stays the zone. A city read from a text speaking as a county
    (全县) is the one county of it the text names, if it names one."""
    if place is not None and place.level == "city" and _voice_level(head, _LOCAL_VOICE) == "county":
        counties = {m.place.code: m.place for m in gaz.find(head) if m.place.level == "county" and m.place.within(place.code)}
        if len(counties) == 1:  # 全县…《谷城县…办法》 in a text opening with 襄阳都市圈: the one county it names speaks
            return next(iter(counties.values()))
    level = _voice_level(head, _FIRST_PERSON_VOICE)
    if place is None or level is None or level == "county" or _DEPTH.get(place.level, 0) <= _DEPTH[level]:
        return place
    return next((up for code in place.parents if (up := gaz.get(code)) is not None and up.level == level), place)


def _addressed_from(gaz: Gazetteer, head: str, context: tuple[Place, ...]) -> Place | None:
    """A text speaking as one level of government (全市, 我县) that names places only in its addressee lines
    (各县人民政府,漳州、常山、古雷开发区管委会,漳州高新区管委会:) is from the place of that level most of them lie in,
    when at least two do and no other place of that level is as common."""
    level = _voice_level(head, _LOCAL_VOICE)
    if level is None:
        return None
    addressees = "\n".join(ln for ln in head.split("\n")[:12]
                           if ln.strip().startswith("各") or ln.rstrip().endswith((":", "：")))
    counts: dict[str, int] = {}
    for m in gaz.find(addressees, context):
        for place in (m.place, *(gaz.get(code) for code in m.place.parents)):
            if place is not None and place.level == level:
                counts[place.code] = counts.get(place.code, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return gaz.get(ranked[0][0])
    return None


# a text speaking as a local government: 我县, 全市, 本区 (a national law says 国家, 全国)
_LOCAL_VOICE = re.compile(r"[我全本][省市县区州旗镇乡](?![长级委])")


def region_of(issuer: str, title: str) -> str:
    """Full region name for an issuer and title (search form), "" when no place is named."""
    place = region_place(issuer, title, "")
    return place.name if place else ""


def _doc_type(title: str, header: list[str], search_text: str) -> str:
    if len(re.findall(r"(?m)^第[一二三四五六七八九十百零〇\d]+条", search_text)) >= 3:
        return "法律法规"
    if re.search(r"答复|提案", title) or any("提案" in h for h in header):
        return "提案答复"
    if re.search(r"行动计划|行动方案|三年计划", title):
        return "行动计划"
    if re.search(r"意见|办法|措施|通知|规定|政策|方案|细则|决定|条例|规划", title):
        return "政策文件"
    if header or title:
        return "工作动态"
    return ""


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS.get(s[1:], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _span_of(search_text: str, offset: int) -> tuple[int, int]:
    start = search_text.rfind("\n", 0, offset) + 1
    end = search_text.find("\n", offset)
    return start, len(search_text) if end < 0 else end


def _published(lines: list[Line], header: list[str]) -> date | None:
    """The publication date a page field states (发布日期, 公开发布日期), which may follow the signature's."""
    return _labelled_date(header + [line for _, _, line in lines[:20]], _PUBLISHED_LABEL)


_ANY_DATE_LABEL = re.compile(r"(?:日期|时间)$")
_PUBLISHED_LABEL = re.compile(r"(?:发布|公布)(?:日期|时间)$")


def _labelled_date(items: list[str], label: re.Pattern[str]) -> date | None:
    """The first date an item gives under a label `label` matches (公开发布日期:2022-04-02)."""
    for item in items:
        if (m := _LABELLED.match(item)) and label.search(m.group(1)) and (d := parse_date(item[m.end():])):
            return d
    return None


_PERIOD_WORDS = "执行期限|有效期|实施期限|实施年限|政策期限|试行期"
_YEARS_PERIOD = re.compile(rf"(?:{_PERIOD_WORDS})(?:为|限)?[:：]?\s*((?:19|20)\d{{2}})\s*年?\s*(?:至|到|-|—|–|~)\s*"
                           r"((?:19|20)\d{2})\s*年")


def _validity(
    search_text: str, doc_date: date | None, published: date | None = None
) -> tuple[date | None, date | None, dict[str, tuple[int, int]]]:
    """Validity as the text states it: 自…起施行, 自印发之日起实施 (the document's date; 自公布之日起: its stated
    publication date, when a field gives one), 有效期X年 / 至…, 执行期限…至…."""
    valid_from = valid_until = None
    spans: dict[str, tuple[int, int]] = {}
    d = DATE_PATTERN
    period = re.search(
        rf"(?:{_PERIOD_WORDS})(?:为|限)?[:：]?\s*(?:自|从)?\s*({d})\s*(?:起)?\s*(?:至|到|-|—|~)\s*({d})",
        search_text,
    )
    if period:
        valid_from, valid_until = parse_date(period.group(1)), parse_date(period.group(2))
        spans["valid_from"] = spans["valid_until"] = _span_of(search_text, period.start())
        return valid_from, valid_until, spans
    if years := _YEARS_PERIOD.search(search_text):  # 本办法实施年限为2019-2021年: from the first year's start to the last's end
        first, last = int(years.group(1)), int(years.group(2))
        if first <= last:
            spans["valid_from"] = spans["valid_until"] = _span_of(search_text, years.start())
            return date(first, 1, 1), date(last, 12, 31), spans
    if m := re.search(rf"自\s*({d})\s*起(?:施行|实施|执行|生效|试行)", search_text):
        valid_from = parse_date(m.group(1))
        spans["valid_from"] = _span_of(search_text, m.start())
    elif m := re.search(r"自(公布|发布|印发|发文|颁布|下发)之日起(?:施行|实施|执行|生效|试行)", search_text):
        valid_from = (published or doc_date) if m.group(1) in ("公布", "发布") else doc_date
        spans["valid_from"] = _span_of(search_text, m.start())
    if m := re.search(rf"有效期(?:至|到|截至|截止(?:到|至)?)\s*({d})", search_text):
        valid_until = parse_date(m.group(1))
        spans["valid_until"] = _span_of(search_text, m.start())
    elif (
        m := re.search(r"有效期(?:为|暂定)?([\d一二两三四五六七八九十]+)年|([\d一二两三四五六七八九十]+)年有效期", search_text)
    ) and valid_from:
        years = _cn_number(m.group(1) or m.group(2))
        if years:
            valid_until = _add_years(valid_from, years)
            spans["valid_until"] = _span_of(search_text, m.start())
    return valid_from, valid_until, spans


def _status(search_text: str) -> str:
    m = re.search(
        r"(?:状态|时效性|效力状态)[:：]\s*(现行有效|有效|已失效|失效|已废止|废止|已修改|尚未生效)",
        search_text,
    )
    return m.group(1) if m else ""
