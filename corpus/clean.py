"""Turn a raw decoded file into clean body text while keeping a map back to the raw file.

Every step edits (text, origin) together, so `origin[i]` always names the raw-file offset
of cleaned character i. Steps: pinyin readings, bulleted header lines, Markdown markup,
image-name lines, trailing adverts, odd whitespace, mid-sentence line breaks, mojibake.
`Document.text` keeps the document's own script and punctuation width; `search_text`
(see `search_form`) is the NFKC + simplified-script twin of the same length.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.fields import FIELD_LABEL_RE
from corpus.schema import Flag

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")

# A pinyin reading: lowercase latin with at least one tone mark, in parentheses of either width.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
PINYIN_RE = re.compile(rf"[(（][a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*[ \t]*[)）]")  # 技(jì ): a stray space kept

# readings written after a character without tone marks or in 【】 (企(qi)(qi)業(ye), 深【shēn】): told from an
# enumeration (a), a unit (km) or a note by being a reading of the character before them (pypinyin's dictionary)
_READINGS_RE = re.compile(rf"([{CJK}])((?:[(（【][a-z{_TONED}]{{1,6}}[)）】])+)")
_READING_RE = re.compile(rf"[(（【]([a-z{_TONED}]{{1,6}})[)）】]")

_BULLET_RE = re.compile(r"^[ \t\u00a0\u3000]*[•·●▪■◆]\s*(.*?)\s*$")
_IMAGE_RE = re.compile(r"^\S[^。，,]{0,60}\.(?:jpe?g|png|gif|bmp|webp|svg)$", re.IGNORECASE)
_PHONE_ONLY_RE = re.compile(r"^[\d\-—()（）+/、,，\s]{7,}$")
_HOURS_RE = re.compile(r"周[一二三四五六日天]至周[一二三四五六日天]|\d{1,2}:\d{2}\s*[-~—至]\s*\d{1,2}:\d{2}")
_ADVERT_WORDS_RE = re.compile(
    r"微信咨询|咨询热线|服务热线|在线咨询|免费咨询|立即咨询|客服|扫码|二维码|关注我们|关注公众号|业务介绍|产品手册"
)
_SENTENCE_PUNCT = set("。，,；;：:！!？?")
_DATE_RE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}")
_HEADING_START_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①-⑳])"
)
_LINE_END_OK = set('。！？；：:;!?…）)」”"》】]')


@dataclass
class Cleaned:
    """The cleaner's result: text + origin map, flags, removal counts, and dropped header lines."""

    text: str
    origin: list[int]
    flags: list[Flag] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    header_lines: list[str] = field(default_factory=list)


class _Buffer:
    """Text plus origin map, edited by non-overlapping (start, end, replacement) edits."""

    def __init__(self, text: str, origin: list[int]) -> None:
        self.text = text
        self.origin = origin

    def apply(self, edits: list[tuple[int, int, str]], origins: list[list[int]] | None = None) -> None:
        if not edits:
            return
        order = sorted(range(len(edits)), key=lambda k: edits[k][0])
        parts: list[str] = []
        new_origin: list[int] = []
        pos = 0
        for k in order:
            start, end, repl = edits[k]
            if start < pos:
                continue  # overlapping edit: keep the first
            parts.append(self.text[pos:start])
            new_origin.extend(self.origin[pos:start])
            parts.append(repl)
            if origins is not None:
                new_origin.extend(origins[k])
            elif len(repl) == end - start:
                new_origin.extend(self.origin[start:end])
            else:
                anchor = (
                    self.origin[start]
                    if start < len(self.origin)
                    else (self.origin[-1] if self.origin else 0)
                )
                new_origin.extend([anchor] * len(repl))
            pos = end
        parts.append(self.text[pos:])
        new_origin.extend(self.origin[pos:])
        self.text = "".join(parts)
        self.origin = new_origin

    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of each line, end excluding the newline."""
        spans, pos = [], 0
        for line in self.text.split("\n"):
            spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans


def clean(original: str, *, markdown: bool = False) -> Cleaned:
    """Clean a raw decoded file; see the module docstring for the steps."""
    buf = _Buffer(original, list(range(len(original))))
    removed: Counter[str] = Counter()
    buf.apply([(m.start(), m.end(), "") for m in re.finditer(r"\r", buf.text)])
    removed["pinyin_readings"] = _strip_pinyin(buf)
    header = _drop_header_lines(buf)
    removed["header_lines"] = len(header)
    if markdown:
        removed["markdown_markup"] = _strip_markdown(buf)
    removed["image_lines"] = _drop_lines(buf, _is_image_line)
    removed["advert_lines"] = _drop_trailing_advert(buf)
    removed["spaces"] = _normalise_spaces(buf)
    removed["joined_line_breaks"] = _join_broken_lines(buf)
    _drop_blank_lines(buf)
    flags, repaired = _mojibake(buf)
    removed["mojibake_repaired_chars"] = repaired
    return Cleaned(
        text=buf.text,
        origin=buf.origin,
        flags=flags,
        removed={k: v for k, v in removed.items() if v},
        header_lines=header,
    )


# --- steps -------------------------------------------------------------------------------


def _strip_pinyin(buf: _Buffer) -> int:
    edits = [(m.start(), m.end(), "") for m in PINYIN_RE.finditer(buf.text)]
    buf.apply(edits)
    readings = [(m.start(2), m.end(2), "") for m in _READINGS_RE.finditer(buf.text)
                if all(_toneless(r) in _readings(m.group(1)) for r in _READING_RE.findall(m.group(2)))]
    buf.apply(readings)
    return len(edits) + len(readings)


def strip_readings(text: str) -> str:
    """`text` without the pinyin readings a copy writes after its characters (關(guān)于 → 關于), as cleaning drops them."""
    buf = _Buffer(text, list(range(len(text))))
    _strip_pinyin(buf)
    return buf.text


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c)).replace("ü", "v")


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    """The toneless readings of a character (ü written v, as pypinyin does)."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _drop_header_lines(buf: _Buffer) -> list[str]:
    """Drop the bulleted metadata block at the top (e.g. `• 郑州市科学技术局`); return its items."""
    items: list[str] = []
    edits = []
    for start, end in buf.lines():
        line = buf.text[start:end]
        if not line.strip():
            continue
        m = _BULLET_RE.match(line)
        if not m:
            break
        items.append(m.group(1))
        edits.append((start, min(end + 1, len(buf.text)), ""))
    buf.apply(edits)
    return items


def _strip_markdown(buf: _Buffer) -> int:
    edits = []
    for start, end in buf.lines():
        line = buf.text[start:end]
        if re.fullmatch(r"\s*<!--.*?-->\s*", line):
            edits.append((start, end, ""))
        elif m := re.match(r"#{1,6}\s+", line):
            edits.append((start, start + m.end(), ""))
    buf.apply(edits)
    return len(edits)


def _drop_lines(buf: _Buffer, predicate) -> int:
    edits = []
    for start, end in buf.lines():
        if predicate(buf.text[start:end].strip()):
            edits.append((start, min(end + 1, len(buf.text)), ""))
    buf.apply(edits)
    return len(edits)


def _is_image_line(line: str) -> bool:
    return bool(_IMAGE_RE.match(line))


def _advert_signal(line: str) -> bool:
    """A line that on its own says 'advert': image name, bare phone numbers, hours, hotline words."""
    simple = to_simplified(line)
    return bool(
        _IMAGE_RE.match(line)
        or (_PHONE_ONLY_RE.match(line) and sum(ch.isdigit() for ch in line) >= 7)
        or _HOURS_RE.search(line)
        or _ADVERT_WORDS_RE.search(simple)
    )


def _menu_like(line: str) -> bool:
    """A short label line with no sentence punctuation, as in a service menu."""
    return (
        0 < len(line) <= 20
        and not (_SENTENCE_PUNCT & set(line))
        and not _DATE_RE.search(line)
        and not _HEADING_START_RE.match(line)
    )


def _drop_trailing_advert(buf: _Buffer) -> int:
    """Drop a trailing block of menu/hotline/image lines (at least 3 lines, one strong signal)."""
    spans = buf.lines()
    block: list[tuple[int, int]] = []
    strong = 0
    for start, end in reversed(spans):
        line = buf.text[start:end].strip()
        if not line:
            block.append((start, end))
            continue
        if _advert_signal(line):
            strong += 1
        elif not _menu_like(line):
            break
        block.append((start, end))
    content = [s for s in block if buf.text[s[0] : s[1]].strip()]
    if strong == 0 or len(content) < 3:
        return 0
    first = min(s for s, _ in content)
    # drop from the newline before the block to the end of the text
    cut = first - 1 if first > 0 else 0
    buf.apply([(cut, len(buf.text), "")])
    return len(content)


def _normalise_spaces(buf: _Buffer) -> int:
    """Odd spaces to plain ones; strip line indents; close gaps inside letter-spaced CJK words."""
    edits = [(m.start(), m.end(), " ") for m in re.finditer(r"[\u00a0\u3000\t\u2002-\u200a]", buf.text)]
    buf.apply(edits)
    count = 0
    edits = []
    for start, end in buf.lines():
        line = buf.text[start:end]
        lead = len(line) - len(line.lstrip(" "))
        trail = len(line) - len(line.rstrip(" "))
        if lead == len(line):
            if line:
                edits.append((start, end, ""))
            continue
        if lead:
            edits.append((start, start + lead, ""))
        if trail:
            edits.append((end - trail, end, ""))
        for m in re.finditer(r" +", line[lead : len(line) - trail]):
            s, e = m.start() + lead, m.end() + lead
            left_token = re.search(r"\S+$", line[:s]).group(0)
            lch, rch = line[s - 1], line[e]
            l_cjk, r_cjk = bool(_CJK_RE.match(lch)), bool(_CJK_RE.match(rch))
            if (l_cjk and r_cjk and len(left_token) == 1) or (
                (l_cjk and rch.isdigit()) or (lch.isdigit() and r_cjk)
            ):
                edits.append((start + s, start + e, ""))
            elif e - s > 1:
                edits.append((start + s + 1, start + e, ""))
    count = sum(e - s - len(r) for s, e, r in edits)
    buf.apply(edits)
    return count


_TITLE_OPENING = re.compile(r"关于[^，,。；;]{2,38}$")  # a short line opening a title, no clause of prose


def _join_broken_lines(buf: _Buffer) -> int:
    """Join a prose line broken mid-sentence (optionally across one blank line) to the next."""
    spans = buf.lines()
    edits = []
    i = 0
    while i < len(spans) - 1:
        s, e = spans[i]
        line = buf.text[s:e]
        j = i + 1
        if j < len(spans) - 1 and not buf.text[spans[j][0] : spans[j][1]]:
            j += 1  # one blank line in between
        nxt = buf.text[spans[j][0] : spans[j][1]]
        if (
            len(line) >= 20
            and line[-1] not in _LINE_END_OK
            and re.search(r"[，,、；;]", line)  # prose, not a title, heading or label line (附件:…)
            and not _HEADING_START_RE.match(line)
            and nxt
            and (_CJK_RE.match(nxt[0]) or nxt[0].isascii() and nxt[0].isalnum())  # 的…, AAA 级…, 30万元…
            and not _HEADING_START_RE.match(nxt)
            and not re.match(r"^[^，,。]{1,8}[:：]", nxt)
            and not FIELD_LABEL_RE.match(nxt)  # 发布机构 仙桃市人民政府 发文日期 …: a field line, not the sentence's rest
            and not _TITLE_OPENING.match(nxt)  # 关于《…条例 (a title's first line below a cut-off summary)
        ):
            edits.append((e, spans[j][0], ""))
        i = j if edits and edits[-1][0] == e else i + 1
    buf.apply(edits)
    return len(edits)


def _drop_blank_lines(buf: _Buffer) -> None:
    edits = [(m.start() + 1, m.end(), "") for m in re.finditer(r"\n{2,}", buf.text)]
    lead = re.match(r"\n+", buf.text)
    if lead:
        edits.append((0, lead.end(), ""))
    tail = re.search(r"\n+$", buf.text)
    if tail and tail.start() > 0:
        edits.append((tail.start(), tail.end(), ""))
    buf.apply(edits)


# --- mojibake ----------------------------------------------------------------------------

_FULLWIDTH = str.maketrans({";": "；", ":": "：", ",": "，", "!": "！", "(": "（", ")": "）"})


def _suspicious(ch: str) -> bool:
    """Characters that do not occur in clean policy text."""
    cat = unicodedata.category(ch)
    return ch == "\ufffd" or cat in ("Co", "Cn") or "\u2500" <= ch <= "\u257f"


def _char_score(ch: str) -> int:
    """+1 for common hanzi (GB2312 level 1 after simplification), -1 rare hanzi, -2 junk."""
    if ch == "\ufffd" or ch == "?" or _suspicious(ch):
        return -2
    if not _CJK_RE.match(ch):
        return 0
    try:
        code = to_simplified(ch).encode("gb2312")
    except UnicodeEncodeError:
        return -1
    return 1 if 0xB0 <= code[0] <= 0xD7 else -1


def _try_shift_repair(seg: str) -> tuple[str, int] | None:
    """Re-decode `seg` as GB18030 bytes one byte out of phase; return (repair, gain) or None.

    The first byte of the re-encoded bytes is the orphaned tail of a character whose lead
    byte was lost (often shown as '?'); that character comes back as U+FFFD.
    """
    body = seg[1:] if seg.startswith("?") else seg
    try:
        data = body.translate(_FULLWIDTH).encode("gb18030")
        fixed = data[1:].decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if any(_suspicious(ch) for ch in fixed):
        return None
    repair = "\ufffd" + fixed
    gain = sum(map(_char_score, repair)) - sum(map(_char_score, seg))
    return repair, gain


def _mojibake(buf: _Buffer) -> tuple[list[Flag], int]:
    """Flag garbled spans; repair those that re-decode cleanly one byte out of phase."""
    text = buf.text
    anchors = [
        i
        for i, ch in enumerate(text)
        if _suspicious(ch)
        or (
            ch == "?" and 0 < i < len(text) - 1 and (_CJK_RE.match(text[i - 1]) or _CJK_RE.match(text[i + 1]))
        )
    ]
    edits: list[tuple[int, int, str]] = []
    details: list[str] = []
    covered = -1
    for k in anchors:
        if k < covered:
            continue
        line_start = text.rfind("\n", 0, k) + 1
        line_end = text.find("\n", k)
        line_end = len(text) if line_end < 0 else line_end
        best: tuple[int, int, int, str] | None = None  # gain, start, end, repair
        for i in range(max(line_start, k - 30), k + 1):
            for j in range(k + 1, min(line_end, k + 40) + 1):
                seg = text[i:j]
                if " " in seg:
                    break
                res = _try_shift_repair(seg)
                if res and (
                    best is None or res[1] > best[0] or (res[1] == best[0] and j - i < best[2] - best[1])
                ):
                    best = (res[1], i, j, res[0])
        if best and best[0] >= 6:
            gain, i, j, repair = best
            lost = text[i:j].translate(_FULLWIDTH).lstrip("?").encode("gb18030")[:1].hex()
            edits.append((i, j, repair))
            details.append(
                f"garbled {text[i:j]!r}: GBK bytes decoded one byte out of phase; re-decoded as "
                f"{repair!r}. Not fully recoverable: the first character lost its lead byte "
                f"(tail byte 0x{lost} kept), shown as U+FFFD"
            )
            covered = j
        elif text[k] != "?":
            j = k + 1
            while j < line_end and _suspicious(text[j]):
                j += 1
            edits.append((k, j, text[k:j]))
            details.append(f"unreadable character(s) {text[k:j]!r} (encoding damage); left as is")
            covered = j
    # apply, then compute flag offsets in the new text; repaired chars map into the garbled span
    flags: list[Flag] = []
    shift = 0
    origins = []
    for (start, end, repl), detail in zip(edits, details, strict=True):
        span = buf.origin[start:end]
        origins.append([span[min(n, len(span) - 1)] for n in range(len(repl))])
        flags.append(Flag("mojibake", start + shift, start + shift + len(repl), detail))
        shift += len(repl) - (end - start)
    buf.apply(edits, origins)
    repaired = sum(len(r) - 1 for (s, e, r) in edits if r != text[s:e])
    return flags, repaired


# --- search form -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s); same length guaranteed (per-char fallback)."""
    out = _t2s().convert(text)
    if len(out) == len(text):
        return out
    conv = _t2s().convert
    return "".join(c if len(c := conv(ch)) == 1 else ch for ch in text)


def search_form(text: str) -> str:
    """The text normalised for search: NFKC width per character, a full stop between two digits read as the
    decimal point it stands for (2。5亿元), then simplified script; the length and offsets stay those of `text`."""
    narrow = "".join(n if len(n := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text)
    return to_simplified(_DECIMAL_STOP.sub(".", narrow))


_DECIMAL_STOP = re.compile(r"(?<=\d)。(?=\d)")
