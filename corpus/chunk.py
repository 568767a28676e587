"""Cut a cleaned document into clause-level chunks along its numbering tree.

Policy text nests `一、` > `（一）` > `1.` > `（1）` > `①`; laws nest `第X编` > `第X章` > `第X节` > `第X条`
(lists inside an article stay in the article). A numbered item is never split from its body;
heading-only lines join the first chunk under them; tiny siblings merge; over-long clauses
split at sentence ends, preferring `一是/二是` boundaries. Chunks tile the text: the gaps
between them are newlines only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from corpus.schema import Chunk, Document

_NUM = "一二三四五六七八九十百零〇"
MARKERS: list[tuple[str, re.Pattern]] = [
    ("bian", re.compile(rf"^第[{_NUM}\d]+编")),
    ("zhang", re.compile(rf"^第[{_NUM}\d]+章")),
    ("jie", re.compile(rf"^第[{_NUM}\d]+节")),
    ("tiao", re.compile(rf"^第[{_NUM}\d]+条")),
    ("cn", re.compile(r"^[一二三四五六七八九十]+、")),
    ("paren_cn", re.compile(r"^\([一二三四五六七八九十]+\)")),
    ("num", re.compile(r"^\d{1,3}[.、](?!\d)")),
    ("paren_num", re.compile(r"^\(\d{1,3}\)")),
    ("circled", re.compile(r"^[①-⑳]")),
]
LAW_LEVELS = {"bian": 0, "zhang": 1, "jie": 2, "tiao": 3}
POLICY_LEVELS = {
    "bian": 0,
    "zhang": 1,
    "jie": 2,
    "cn": 3,
    "paren_cn": 4,
    "num": 5,
    "paren_num": 6,
    "circled": 7,
}

_CONTACT_RE = re.compile(
    r"^(?:联系人|联系电话|联系处|联系方式|联系地址|电话|传真|邮编|邮箱|电子邮箱|通讯地址|"
    r"承办单位联系人|承办单位领导|区政府分管领导|分管领导|经办人)\s*(?:\([^)]*\))?[:：]"
    r"|联系人[:：]|联系电话[:：]|邮编[:：]"
)
_FOOTER_RE = re.compile(
    r"^(?:主办单位|承办单位|协办单位|抄送|印发|相关信息|版权所有|网站标识码|\(此件|此件|附件[:：]?$)"
)
_DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_ORG_RE = re.compile(r"(?:局|委|办|办公室|办公厅|政府|委员会|管委会|中心|厅|部|院)$")
_LABEL_RE = re.compile(r"^[^，,。:：]{1,8}[:：]")
_SHI_RE = re.compile(r"^[一二三四五六七八九十]+是")
_SENT_END = "。；！？!?;"
_CLOSERS = "”’」』)）"


@dataclass
class _Unit:
    start: int
    end: int
    path: list[str]
    section: str
    title_only: bool = False


def chunk_document(doc: Document, *, max_chars: int = 600, min_chars: int = 80) -> list[Chunk]:
    """Chunks of `doc` in reading order; ids are stable for unchanged text."""
    lines = _lines(doc.search_text)
    if not lines:
        return []
    sections = _sections(lines)
    law = sum(1 for _, _, s in lines if MARKERS[3][1].match(s)) >= 2
    levels = LAW_LEVELS if law else POLICY_LEVELS

    units: list[_Unit] = []
    stack: list[tuple[int, str]] = []
    for (start, end, norm), section in zip(lines, sections, strict=True):
        if section != "policy":
            if units and units[-1].section == section:
                units[-1].end = end
            else:
                units.append(_Unit(start, end, [], section))
            continue
        heading = _heading(norm, levels)
        if heading:
            kind, marker_len, label_len = heading
            level = levels[kind]
            while stack and stack[-1][0] >= level:
                stack.pop()
            label = doc.text[start : start + label_len].strip()
            stack.append((level, label))
            units.append(
                _Unit(
                    start, end, [lab for _, lab in stack], section, title_only=label_len >= len(norm.rstrip())
                )
            )
        elif units and units[-1].section == "policy":
            units[-1].end = end
            units[-1].title_only = False
        else:
            units.append(_Unit(start, end, [lab for _, lab in stack], section))

    units = _merge_titles(units)
    units = _merge_tiny(units, doc.text, min_chars, max_chars)
    pieces: list[_Unit] = []
    for unit in units:
        pieces.extend(_split(unit, doc.search_text, max_chars, min_chars))
    return _to_chunks(doc, pieces)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _heading(norm: str, levels: dict[str, int]) -> tuple[str, int, int] | None:
    """(kind, marker length, label length) for a structural heading line, else None."""
    for kind, pattern in MARKERS:
        if kind not in levels:
            continue
        m = pattern.match(norm)
        if not m:
            continue
        rest = norm[m.end() :]
        if kind == "tiao":
            return kind, m.end(), m.end()
        stripped = rest.rstrip()
        if (
            len(norm.strip()) <= 40
            and not any(p in stripped for p in "。；;")
            and stripped[-1:] not in "，,：:"
        ):
            return kind, m.end(), len(norm.rstrip())  # a title line: label is the whole line
        head = re.match(r"[^。，,；;：:]{1,16}。", rest)
        if head:
            return kind, m.end(), m.end() + head.end() - 1  # run-in title, e.g. "1.加大龙头企业支持力度"
        return kind, m.end(), m.end()
    return None


def _sections(lines: list[tuple[int, int, str]]) -> list[str]:
    """Label each line policy / front / contact / footer."""
    out = []
    for _, _, line in lines:
        s = re.sub(r"\s+", "", line)
        if _CONTACT_RE.search(s):
            out.append("contact")
        elif _FOOTER_RE.match(s):
            out.append("footer")
        else:
            out.append("policy")
    # front matter: title, labels and short lines before the first heading or prose
    for k, (_, _, line) in enumerate(lines):
        s = line.strip()
        if out[k] != "policy" or any(p.match(s) for _, p in MARKERS):
            break
        if _LABEL_RE.match(s) or (len(s) <= 80 and not re.search(r"[。，,]", s)):
            out[k] = "front"
        else:
            break
    # signature: organisation and date lines among the trailing non-prose lines
    for k in range(len(lines) - 1, -1, -1):
        s = lines[k][2].strip()
        if out[k] != "policy":
            continue
        if _DATE_LINE_RE.match(s.replace(" ", "")) or (
            len(s) <= 30 and _ORG_RE.search(s) and not re.search(r"[。，,]", s)
        ):
            out[k] = "footer"
        else:
            break
    return out


def _merge_titles(units: list[_Unit]) -> list[_Unit]:
    """Heading-only units join the next policy unit (which then starts at the heading)."""
    out: list[_Unit] = []
    pending: _Unit | None = None
    for unit in units:
        if unit.section == "policy" and unit.title_only:
            if pending is None:
                pending = _Unit(unit.start, unit.end, unit.path, "policy")
            pending.end = unit.end
            continue
        if pending is not None:
            if unit.section == "policy":
                unit.start = pending.start
            else:
                out.append(pending)
            pending = None
        out.append(unit)
    if pending is not None:
        if out and out[-1].section == "policy":
            out[-1].end = pending.end
        else:
            out.append(pending)
    return out


def _siblings(a: list[str], b: list[str]) -> bool:
    """Same depth and same parent (two preambles without headings count as siblings)."""
    return len(a) == len(b) and a[:-1] == b[:-1]


def _span_path(a: list[str], b: list[str]) -> list[str]:
    """Path of merged siblings: shared parent + "first–last" label (e.g. "第三条–第五条")."""
    if not a or not b or a == b:
        return list(a)
    first = a[-1].split("–")[0]
    last = b[-1].split("–")[-1]
    return a[:-1] + [f"{first}–{last}"]


def _merge_tiny(units: list[_Unit], text: str, min_chars: int, max_chars: int) -> list[_Unit]:
    """Merge a policy unit shorter than min_chars into a sibling (next first, then previous)."""
    out: list[_Unit] = []
    k = 0
    while k < len(units):
        unit = units[k]
        size = len(text[unit.start : unit.end].strip())
        if unit.section == "policy" and size < min_chars:
            nxt = units[k + 1] if k + 1 < len(units) else None
            if nxt and nxt.section == "policy" and nxt.end - unit.start <= max_chars:
                if _siblings(unit.path, nxt.path):
                    units[k + 1] = _Unit(unit.start, nxt.end, _span_path(unit.path, nxt.path), "policy")
                    k += 1
                    continue
                if unit.path and nxt.path[: len(unit.path)] == unit.path:  # intro joins its first child
                    units[k + 1] = _Unit(unit.start, nxt.end, nxt.path, "policy")
                    k += 1
                    continue
            prev = out[-1] if out else None
            if (
                prev
                and prev.section == "policy"
                and _siblings(prev.path, unit.path)
                and unit.end - prev.start <= max_chars
            ):
                out[-1] = _Unit(prev.start, unit.end, _span_path(prev.path, unit.path), "policy")
                k += 1
                continue
        out.append(unit)
        k += 1
    return out


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence-sized pieces of text[start:end]: cut after 。；！？ (+ closing quotes) and newlines."""
    cuts = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "\n":
            cuts.append(i + 1)
        elif ch in _SENT_END:
            j = i + 1
            while j < end and text[j] in _CLOSERS + _SENT_END:
                j += 1
            cuts.append(j)
            i = j - 1
        i += 1
    bounds = [start] + [c for c in cuts if start < c < end] + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _split(unit: _Unit, norm: str, max_chars: int, min_chars: int) -> list[_Unit]:
    if unit.end - unit.start <= max_chars:
        return [unit]
    segs: list[tuple[int, int]] = []
    for a, b in _segments(norm, unit.start, unit.end):
        while b - a > max_chars:  # one over-long sentence: cut at the last comma that fits
            window = norm[a : a + max_chars]
            cut = max(window.rfind("，"), window.rfind(","), window.rfind("、"))
            cut = a + (cut + 1 if cut > max_chars // 3 else max_chars)
            segs.append((a, cut))
            a = cut
        segs.append((a, b))
    pieces: list[tuple[int, int]] = []
    cur_start, cur_end = segs[0]
    for a, b in segs[1:]:
        starts_shi = bool(_SHI_RE.match(norm[a:b].lstrip()))
        if b - cur_start > max_chars or (starts_shi and cur_end - cur_start >= min_chars):
            pieces.append((cur_start, cur_end))
            cur_start = a
        cur_end = b
    pieces.append((cur_start, cur_end))
    out = []
    for a, b in pieces:
        path = list(unit.path)
        if m := _SHI_RE.match(norm[a:b].lstrip()):
            path.append(m.group(0))
        out.append(_Unit(a, b, path, unit.section))
    return out


def _to_chunks(doc: Document, units: list[_Unit]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for unit in units:
        start, end = unit.start, unit.end
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        display = doc.text[start:end]
        position = len(chunks)
        digest = hashlib.sha1(display.encode("utf-8")).hexdigest()[:10]
        flags = sorted({f.kind for f in doc.flags if f.start < end and f.end > start})
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{position:04d}:{digest}",
                doc_id=doc.doc_id,
                position=position,
                heading_path=unit.path,
                start=start,
                end=end,
                display_text=display,
                search_text=doc.search_text[start:end],
                section=unit.section,
                flags=flags,
            )
        )
    return chunks
