"""Versions of one policy: link them, prefer the newest, say so when an older one or a draft is cited.

Two documents are versions of one policy when they come from the same place (region code, or
issuer when there is none) and their normalised titles are the same or nearly so (years,
"(修订)/(试行)/(征求意见稿)", the 印发-notice wrapper and the issuer prefix removed), and they
differ in date or one is a draft. The newest adopted version heads the group; drafts rank
below any adopted version. `link_versions` runs at the end of corpus loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from corpus.clean import search_form
from corpus.schema import Document


@dataclass(frozen=True)
class VersionConfig:
    """How alike two normalised titles must be to count as one policy."""

    title_similarity: float = 0.85
    min_title_chars: int = 6


CONFIG = VersionConfig()

_WRAPPER_RE = re.compile(r"^.*?关于(?:印发|转发|发布|公布)?\s*《?(.+?)》?\s*的?(?:通知|决定)?$")
_NOISE_RE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年度?|[-—~至]\s*(?:19|20)?\d{2,4}\s*年?)?|[(（][^()（）]{0,12}[)）]|"
    r"征求意见稿|草案|送审稿|修订版?|试行|暂行|[\s《》〈〉“”\"'、，,。:：·-]"
)


def normalised_title(title: str) -> str:
    """The title's subject: no issuer prefix, notice wrapper, years, version or draft marks, punctuation."""
    s = search_form(title or "")
    if m := _WRAPPER_RE.match(s):
        s = m.group(1)
    elif "关于" in s:
        s = s[s.index("关于") + 2 :]
    return _NOISE_RE.sub("", s)


def _same_policy(a: Document, b: Document, config: VersionConfig) -> bool:
    ma, mb = a.meta, b.meta
    place_a = ma.region_code or search_form(ma.issuer)
    place_b = mb.region_code or search_form(mb.issuer)
    if not place_a or place_a != place_b:
        return False
    if ma.date == mb.date and ma.is_draft == mb.is_draft:
        return False  # same day, same status: two different documents, not two versions
    ta, tb = normalised_title(ma.title), normalised_title(mb.title)
    if min(len(ta), len(tb)) < config.min_title_chars:
        return False
    return ta == tb or SequenceMatcher(None, ta, tb).ratio() >= config.title_similarity


def _rank(doc: Document) -> tuple[bool, date, str]:
    return (not doc.meta.is_draft, doc.meta.date or date.min, doc.doc_id)


def link_versions(docs: list[Document], config: VersionConfig = CONFIG) -> None:
    """Set `version_group` and `superseded_by` on documents that are versions of one policy."""
    for doc in docs:
        doc.meta.version_group = doc.meta.superseded_by = ""
    groups: list[list[Document]] = []
    for doc in docs:
        for group in groups:
            if any(_same_policy(doc, other, config) for other in group):
                group.append(doc)
                break
        else:
            groups.append([doc])
    for group in groups:
        if len(group) < 2:
            continue
        newest = max(group, key=_rank)
        for doc in group:
            doc.meta.version_group = newest.doc_id
            doc.meta.superseded_by = "" if doc is newest else newest.doc_id


def _year(doc: Document) -> str:
    return str(doc.meta.date.year) if doc.meta.date else ""


def version_note(doc: Document, docs: Mapping[str, Document] | None = None) -> str:
    """What an answer citing `doc` must say about its version ("" for the newest adopted one)."""
    notes = []
    if doc.meta.is_draft:
        notes.append("征求意见稿，非正式文件")
    if doc.meta.superseded_by:
        newer = (docs or {}).get(doc.meta.superseded_by)
        year = f"{_year(doc)}年" if _year(doc) else "较早"
        if newer is not None:
            newer_year = f"{_year(newer)}年" if _year(newer) else "更新的"
            notes.append(f"引用的是{year}版本，知识库中有更新的{newer_year}版本《{newer.meta.title or newer.doc_id}》")
        else:
            notes.append(f"引用的是{year}版本，知识库中有更新的版本")
    return "；".join(notes)


def _distinctive(old: Document, new: Document) -> list[str]:
    """Words of the older title that the newer one lacks (e.g. a year or a subject word)."""
    import jieba

    new_title = search_form(new.meta.title)
    return [w for w in jieba.lcut(search_form(old.meta.title)) if len(w) >= 2 and w not in new_title]


def prefer_versions(doc_ids: Iterable[str], question: str, docs: Mapping[str, Document]) -> set[str]:
    """The documents to drop for this question: superseded versions (and drafts with a final),
    unless the question names the older one's year, document number or distinctive title words."""
    q = search_form(question or "")
    ids = set(doc_ids)
    drop: set[str] = set()
    for doc_id in ids:
        doc = docs.get(doc_id)
        if doc is None or not doc.meta.superseded_by or doc.meta.superseded_by not in docs:
            continue
        newest = docs[doc.meta.superseded_by]
        year = _year(doc)
        number = re.sub(r"\s+", "", search_form(doc.meta.doc_number))
        named = (
            (year and year in q and year != _year(newest))
            or (number and number in re.sub(r"\s+", "", q))
            or any(word in q for word in _distinctive(doc, newest))
        )
        if not named:
            drop.add(doc_id)
    return drop
