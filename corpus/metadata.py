"""Describe a document (DocMeta): extracted from its text, overridden or filled by a manifest.

Extraction reads the search form (simplified script, NFKC width) so one set of patterns
serves both scripts; values shown to people (title, issuer) are sliced from the cleaned
text at the same offsets, so they stay in the document's own script.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields
from datetime import date
from pathlib import Path

from corpus.schema import DocMeta, LoadError

MANIFEST_NAMES = ("manifest.json", "manifest.toml")
DATE_FIELDS = ("date", "valid_from", "valid_until")

# Known place names (simplified) -> region; checked in issuer, then title. Longest first.
KNOWN_REGIONS: list[tuple[str, str]] = [
    ("苏州工业园区", "苏州工业园区"),
    ("厦门市湖里区", "厦门市湖里区"),
    ("湖里区", "厦门市湖里区"),
    ("新郑市", "新郑市"),
    ("郑州市", "郑州市"),
    ("厦门市", "厦门市"),
    ("苏州市", "苏州市"),
    ("全国人民代表大会", "全国"),
    ("国务院", "全国"),
    ("中华人民共和国", "全国"),
]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
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
_DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_DATE_LINE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ORG_RE = re.compile(r"(?:局|委|办|办公室|办公厅|政府|委员会|管委会|中心|厅|部|院|会|所)$")
_LABEL_RE = re.compile(r"^([^，,。:：]{1,8})[:：]\s*(.*)$")
_DOC_NO_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}[〔\[(（][12]\d{3}[〕\])）]\s*第?\s*\d+\s*号"
    r"|[\u4e00-\u9fff]{2,20}令第[\d一二三四五六七八九十百零〇]+号"
)
_HEADING_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))"
)
_ISSUER_LABELS = ("发文单位", "发文机关", "发布机构", "发文机构", "发布单位")
_DATE_LABELS = ("发表时间", "发布时间", "发布日期", "成文日期", "印发日期", "发文日期")


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

    title = over.get("title") or _title(text, lines)
    issuer = over.get("issuer") or _issuer(text, lines, header)
    doc_date = over.get("date") or _date(lines, header, doc_id)
    meta = DocMeta(
        title=title,
        issuer=issuer,
        date=doc_date,
        doc_number=over.get("doc_number") or _doc_number(text, lines),
    )
    meta.region = over.get("region") or region_of(_simple(issuer), _simple(title))
    meta.doc_type = over.get("doc_type") or _doc_type(_simple(title), header, search_text)
    if not meta.region and meta.doc_type == "法律法规" and not over.get("region"):
        meta.region = "全国"  # national laws and regulations name no place
    valid_from, valid_until = _validity(search_text, doc_date)
    meta.valid_from = over.get("valid_from") or valid_from
    meta.valid_until = over.get("valid_until") or valid_until
    meta.status = over.get("status") or _status(search_text)
    return meta


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
    known = {f.name for f in fields(DocMeta)}
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
        elif value:
            out[key] = str(value)
    return out


# --- fields ------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _simple(s: str) -> str:
    from corpus.clean import search_form

    return search_form(s)


def _is_org(line: str) -> bool:
    return 4 <= len(line) <= 30 and bool(_ORG_RE.search(line)) and not re.search(r"[，,。:：;；]", line)


def _title(text: str, lines: list[tuple[int, int, str]]) -> str:
    """First title-like line at the top: not a label, date, doc number, organisation or salutation."""
    for start, end, line in lines[:12]:
        s = line.strip()
        if not s:
            continue
        if "。" in s or len(s) > 80 or _HEADING_RE.match(s):
            break
        if (
            _LABEL_RE.match(s)
            or s.endswith((":", "："))
            or _DOC_NO_RE.fullmatch(s)
            or _DATE_RE.match(s)
            or (_is_org(s) and not s.startswith("关于"))
            or len(s) < 6
        ):
            continue
        return text[start:end].strip()
    return ""


def _issuer(text: str, lines: list[tuple[int, int, str]], header: list[str]) -> str:
    for start, _end, line in lines[:20]:
        m = _LABEL_RE.match(line.strip())
        if m and m.group(1).strip() in _ISSUER_LABELS and m.group(2).strip():
            offset = start + line.index(m.group(2))
            return text[offset : offset + len(m.group(2).rstrip())]
    for item in header:
        if _is_org(item):
            return item
    body = [(s, e, ln.strip()) for s, e, ln in lines if ln.strip()]
    for k in range(len(body) - 1, max(len(body) - 9, 0) - 1, -1):  # signature: organisation + date
        s, e, ln = body[k]
        if _DATE_LINE_RE.match(ln) and k > 0 and _is_org(body[k - 1][2]):
            ps, pe, _ = body[k - 1]
            return text[ps:pe].strip()
    for s, e, ln in body[:3]:
        if _is_org(ln):
            return text[s:e].strip()
    front = "\n".join(ln for _, _, ln in body[:8])
    if m := re.search(r"([\u4e00-\u9fff]{2,20}?)令第", front):
        return m.group(1)
    for org in ("全国人民代表大会常务委员会", "全国人民代表大会", "国务院"):
        if org in front:
            return org
    return ""


def parse_date(s: str) -> date | None:
    m = _DATE_RE.search(s)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _date(lines: list[tuple[int, int, str]], header: list[str], doc_id: str) -> date | None:
    for item in header:
        if d := parse_date(item):
            return d
    for _, _, line in lines[:20]:
        for label in _DATE_LABELS:
            if label in line and (d := parse_date(line[line.index(label) :])):
                return d
    body = [ln.strip() for _, _, ln in lines if ln.strip()]
    for ln in reversed(body[-8:]):
        if _DATE_LINE_RE.match(ln):
            return parse_date(ln)
    if m := re.search(r"[(（](\d{4}-\d{2}-\d{2})[)）]", doc_id):
        return parse_date(m.group(1))
    return None


def _doc_number(text: str, lines: list[tuple[int, int, str]]) -> str:
    for start, _, line in lines[:15]:
        if m := _DOC_NO_RE.search(line):
            return text[start + m.start() : start + m.end()]
    return ""


def region_of(issuer: str, title: str) -> str:
    """Region from known place names in issuer/title, else the leading 省/市/区/县 of the issuer."""
    for source in (issuer, title):
        for name, region in KNOWN_REGIONS:
            if name in source:
                return region
    parts, pos = [], 0
    while m := re.compile(r"[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|区|县|旗)").match(issuer, pos):
        parts.append(m.group(0))
        pos = m.end()
    return "".join(parts)


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


def _validity(search_text: str, doc_date: date | None) -> tuple[date | None, date | None]:
    valid_from = valid_until = None
    if m := re.search(r"自(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)起(?:施行|实施|执行|生效)", search_text):
        valid_from = parse_date(m.group(1))
    elif re.search(r"自(?:公布|发布|印发|发文|颁布)之日起(?:施行|实施|执行|生效)", search_text):
        valid_from = doc_date
    if m := re.search(r"有效期(?:至|到)(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", search_text):
        valid_until = parse_date(m.group(1))
    elif (m := re.search(r"有效期(?:为)?([\d一二两三四五六七八九十]+)年", search_text)) and valid_from:
        years = _cn_number(m.group(1))
        if years:
            valid_until = _add_years(valid_from, years)
    return valid_from, valid_until


def _status(search_text: str) -> str:
    m = re.search(
        r"(?:状态|时效性|效力状态)[:：]\s*(现行有效|有效|已失效|失效|已废止|废止|已修改|尚未生效)",
        search_text,
    )
    return m.group(1) if m else ""
