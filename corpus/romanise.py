"""Tone-less pinyin forms of Chinese place names, and the Latin words of a text they are compared with.

Readings come from the PyPI package `pypinyin` (0.55.0), whose phrase dictionary gives place names their
place-name readings (重庆 chongqing, 厦门 xiamen, 六安 lu'an). A name is read in its full written form (朝阳区, so
its suffix picks the phrase reading) and its short form takes the leading syllables of that reading. Keys are
solid lower-case letters (cixi), ü written as both u and v, as English text writes them. Where pinyin
orthography needs an apostrophe (西安 xi'an against the one syllable xian), the key without it is not kept:
"Xi'an" names the city, "xian" (or "yuan", 裕安) is a syllable of many words and names nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# a Latin word; a pinyin apostrophe before a, o or e joins syllables (Xi'an, Ma'anshan), a possessive does not
LATIN_WORD = re.compile(r"[a-z]+(?:['’][aoe][a-z]*)*")
_CJK = re.compile(r"[\u3400-\u9fff]")


def syllables(name: str) -> list[str]:
    """Tone-less pinyin syllables of `name` (ü as 'ü'); [] when any character is not Chinese."""
    if not name or any(not _CJK.match(ch) for ch in name):
        return []
    return lazy_pinyin(name, style=Style.NORMAL, v_to_u=True)


@lru_cache(maxsize=1)
def single_syllables() -> frozenset[str]:
    """Every tone-less syllable of pypinyin's character table (yuan, xian, e …), ü as u and v."""
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFD", reading.replace("ü", "v")) if c.isascii())
            out |= {plain, plain.replace("v", "u")}
    return frozenset(out)


def keys(sounds: list[str]) -> set[str]:
    """The keys of a syllable sequence: 'lüliang' → {'luliang', 'lvliang'}; 'xi an' → {"xi'an"} (xian is
    one syllable); 'tai an' → {"tai'an", 'taian'}."""
    if not sounds:
        return set()
    marked = sounds[0] + "".join("'" + s if s[0] in "aoe" else s for s in sounds[1:])
    out = set()
    for form in (marked, marked.replace("'", "")):
        if "'" in form or len(sounds) == 1 or form.replace("ü", "u") not in single_syllables():
            out |= {form.replace("ü", "u"), form.replace("ü", "v")}
    return out


def romanised(name: str, short: str = "") -> tuple[set[str], set[str]]:
    """(keys of the full name, keys of its short form): 慈溪市, 慈溪 → ({'cixishi'}, {'cixi'})."""
    full = syllables(name)
    if not short or short == name:
        return keys(full), set()
    if name.startswith(short) and len(full) == len(name):
        return keys(full), keys(full[:len(short)])
    return keys(full), keys(syllables(short))


def latin_form(text: str) -> str:
    """`text` lower-cased with diacritics dropped, offsets kept (one character for one): 'Lüliang' → 'luliang'."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() and not _CJK.match(ch) else ch
        out.append(base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


def latin_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of each whole Latin word of `text`: 'Does Xi'an' → (0, 4, 'does'), (5, 10, 'xian')."""
    form = latin_form(text)
    for m in LATIN_WORD.finditer(form):
        before = form[m.start() - 1] if m.start() else ""
        after = form[m.end()] if m.end() < len(form) else ""
        if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
            continue  # part of a longer token (a code, a number with letters)
        yield m.start(), m.end(), m.group().replace("’", "'")
