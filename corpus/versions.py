"""Versions of one policy: link them, prefer the newest, say so when an older one or a draft is cited.

Two documents are versions of one policy when they come from the same place (region code, or
issuer when there is none) and either share much of their wording (a draft and its adopted text, an untitled
copy of a revised law: a sample of their runs of characters, see `_shared_wording`) or their titles name the same
subject: once years, "(修订)/(试行)/(征求意见稿)", the 印发-notice wrapper, the issuer
prefix and filler words are removed, their subject words (jieba, two characters or more, not
form words such as 条例/实施) overlap enough (Jaccard; more when each title has words the other
lacks) and their kinds (条例, 法, 意见 …) agree; and they differ in date or one is a draft. Words, not
characters: 增值税法 and 印花税法 are one character apart and two different laws. The newest adopted version heads the group; drafts rank
below any adopted version. `link_versions` runs at the end of corpus loading.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from corpus.clean import search_form
from corpus.gazetteer import gazetteer
from corpus.metadata import TITLE_KIND_RE, TITLE_KIND_WORDS
from corpus.schema import Document


@dataclass(frozen=True)
class VersionConfig:
    """How much two titles' subject words must overlap, and how long a subject must be to link by."""

    min_overlap: float = 0.6  # when one title's words contain the other's (a revision adds words)
    min_overlap_swapped: float = 0.8  # when each has words the other lacks (水生 vs 陆生: often two rules)
    min_title_chars: int = 6
    copy_days: int = 31  # adopted texts of one policy dated this close are copies (a repost's page date), not versions
    copy_sentence_chars: int = 30  # sentences this long that two texts both hold verbatim mark them as copies …
    copy_sentences: int = 3  # … when they share at least this many, and at least half of the shorter text's
    boilerplate_texts: int = 8  # a sentence held by more texts than this is boilerplate, not a sign of one text
    shared_wording: float = 0.2  # the share of the shorter text's wording two texts of one place must both hold …
    shared_wording_unplaced: float = 0.3  # … or where either's place is unknown (two provinces' laws on one subject
    # share a fifth of their wording)
    wording_chars: int = 12  # … counted in runs of this many letters and digits …
    wording_sample: int = 8  # … one run in this many, chosen by its hash (so every text samples the same runs) …
    wording_runs: int = 25  # … in texts of at least this many sampled runs (some 200 characters)
    copy_wording: float = 0.35  # an undated text holding this share of its version's wording is a copy of it


CONFIG = VersionConfig()

# the notice a document comes wrapped in: 关于印发《…》的通知, or a call for comments on a draft it names (关于对《…(草案)》
# 公开征求意见的公告, 关于《…(征求意见稿)》公开征求社会公众意见的通知)
_WRAPPER_RE = re.compile(r"^.*?关于(?:印发|转发|发布|公布)?\s*《?(.+?)》?\s*的?(?:通知|决定)?$")
_COMMENT_CALL_RE = re.compile(r"^.*?关于(?:对?\s*《(.+?)》\s*(?:公开)?(?:征求|征集)[^《》]{0,8}?|(?:公开)?(?:征求|征集)\s*《(.+?)》\s*的?)"
                              r"意见(?:建议)?的?(?:通知|公告|函)?$")
_FILLER_RE = re.compile(r"进一步|若干|有关|关于|的")
_NOISE_RE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年度?|[-—~至]\s*(?:19|20)?\d{2,4}\s*年?)?|[(（][^()（）]{0,12}[)）]|"
    r"征求意见稿|草案|送审稿|修订版?|试行|暂行|[^\w]|_"  # any mark, a page's markup (安徽@@省@@…) too
)


def normalised_title(title: str) -> str:
    """The title's subject: no issuer prefix, notice wrapper, years, version or draft marks, punctuation."""
    s = search_form(title or "")
    if m := _COMMENT_CALL_RE.match(s):
        s = m.group(1) or m.group(2)
    elif m := _WRAPPER_RE.match(s):
        s = m.group(1)
    elif "关于" in s:
        s = s[s.index("关于") + 2 :]
    return _FILLER_RE.sub("", _NOISE_RE.sub("", s))


# words that name a document's form, not its subject: they never make two titles alike
_FORM_WORDS = frozenset(TITLE_KIND_WORDS) | {"实施", "暂行", "试行", "管理", "工作"}


def _subject(doc: Document, config: VersionConfig) -> tuple[str, frozenset[str]]:
    """(kind, subject words): 条例 / 法 / 实施意见 …, and the title's other words of two characters or more but its
    verbs, which editions vary (推动 / 推进 / 加快…发展, 促进中小企业发展条例 / 中小企业促进条例)."""
    import jieba.posseg as posseg

    subject = normalised_title(doc.meta.title)
    if _ANNOUNCEMENT.search(subject) and (law := _PROMULGATED.search(doc.search_text[:400])):
        subject = normalised_title(law.group(1))  # …常务委员会公告(第6号)《…条例》已由…通过: the law it promulgates
    if len(subject) < config.min_title_chars:
        return "", frozenset()
    kind = m.group(0) if (m := TITLE_KIND_RE.search(subject)) else ""
    words = {w.word for w in posseg.cut(subject) if len(w.word) >= 2 and w.word not in _FORM_WORDS and w.flag != "v"}
    places = {m.surface for m in gazetteer().find(" ".join(words))}  # the place is compared on its own
    return kind, frozenset(words - places)


# an announcement promulgating a law, and the law it names (《云南省中小企业促进条例》已由…会议…通过,现予公布)
_ANNOUNCEMENT = re.compile(r"公告(?:第?[\d一二三四五六七八九十百〇零]+号)?$")
_PROMULGATED = re.compile(r"《([^《》\n]{4,60})》\s*已(?:由|经|于)")


def _alike(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]], config: VersionConfig) -> bool:
    (kind_a, words_a), (kind_b, words_b) = a, b
    if kind_a and kind_b and kind_a != kind_b:
        return False  # a law and its implementing regulation are two documents
    if not (words_a and words_b):
        return False
    overlap = len(words_a & words_b) / len(words_a | words_b)
    nested = words_a <= words_b or words_b <= words_a
    return overlap >= (config.min_overlap if nested else config.min_overlap_swapped)


def _one_subject(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Do two titles leave room for one policy: of one kind, and one's subject words (if any) within the other's?
    Rules drafted from one template share their wording yet each names its own subject (世界博览会标志保护条例,
    奥林匹克标志保护条例): their titles keep them apart."""
    (kind_a, words_a), (kind_b, words_b) = a, b
    if kind_a and kind_b and kind_a != kind_b:
        return False
    return not (words_a and words_b) or words_a <= words_b or words_b <= words_a


def _rank(doc: Document) -> tuple[bool, date, str]:
    return (not doc.meta.is_draft, doc.meta.date or date.min, doc.doc_id)


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def link_versions(docs: list[Document], config: VersionConfig = CONFIG) -> None:
    """Set `version_group` and `superseded_by` on documents that are versions of one policy."""
    for doc in docs:  # a region read from another version is re-read on every linking
        if doc.meta.region_from:
            doc.meta.region = doc.meta.region_code = doc.meta.region_from = ""
    places = [doc.meta.region_code or search_form(doc.meta.issuer) for doc in docs]
    subjects = [_subject(doc, config) for doc in docs]
    sentences = {doc.doc_id: _long_sentences(doc, config) for doc in docs}  # read once, for copies by their words
    parent = list(range(len(docs)))
    by_place: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        doc.meta.version_group = doc.meta.superseded_by = ""
        if places[i] and subjects[i][1]:
            by_place.setdefault(places[i], []).append(i)
    for members in by_place.values():
        for i, j in itertools.combinations(members, 2):
            if _alike(subjects[i], subjects[j], config):
                parent[_root(parent, j)] = _root(parent, i)
    wording = _shared_wording(docs, config)
    for (i, j), share in wording.items():
        placed = places[i] and places[j]
        if _one_subject(subjects[i], subjects[j]) and (
                places[i] == places[j] if placed else share >= config.shared_wording_unplaced):
            parent[_root(parent, j)] = _root(parent, i)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(_root(parent, i), []).append(i)
    for group in groups.values():
        if len({(docs[i].meta.date, docs[i].meta.is_draft) for i in group}) < 2:
            continue  # one document, or copies with the same date and status: not versions
        top = max(group, key=lambda i: _rank(docs[i]))
        newest = docs[top]
        for i in group:
            doc = docs[i]
            copy = doc.meta.date is None and doc.meta.is_draft == newest.meta.is_draft and (
                _copies(doc, newest, sentences, config)
                or wording.get((min(i, top), max(i, top)), 0.0) >= config.copy_wording)
            doc.meta.version_group = newest.doc_id
            doc.meta.superseded_by = "" if i == top or copy or _copy_of(doc, newest, config) else newest.doc_id
    _link_copies(docs, sentences, config)
    _regions_from_versions(docs)


def _regions_from_versions(docs: list[Document]) -> None:
    """A text whose region could not be read (a traditional-script repost opening at its body) takes the region of
    the other versions and copies of its policy, when those that have one agree on it."""
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.meta.version_group:
            groups.setdefault(doc.meta.version_group, []).append(doc)
    for group in groups.values():
        placed = {d.meta.region_code: d for d in group if d.meta.region_code}
        if len(placed) != 1:
            continue
        source = next(iter(placed.values()))
        for doc in group:
            if not doc.meta.region_code and not doc.meta.region:
                doc.meta.region, doc.meta.region_code = source.meta.region, source.meta.region_code
                doc.meta.region_from = source.doc_id


def _wording(doc: Document, config: VersionConfig) -> np.ndarray:
    """A sample of a text's wording: hashes of its runs of `config.wording_chars` letters and digits (search form,
    so a traditional copy reads as its simplified one), the one in `config.wording_sample` whose hash says so:
    two texts sample the same runs wherever they share them."""
    codes = np.frombuffer(_NOT_WORDING.sub("", doc.search_text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - config.wording_chars + 1
    if count < 1:
        return np.empty(0, dtype=np.uint64)
    runs = np.zeros(count, dtype=np.uint64)
    for k in range(config.wording_chars):  # a polynomial hash of each run, wrapping at 64 bits
        runs = runs * np.uint64(1_000_003) + codes[k : k + count]
    mixed = runs * np.uint64(0x9E3779B97F4A7C15)
    return np.unique(runs[mixed % np.uint64(config.wording_sample) == 0])


_NOT_WORDING = re.compile(r"[^\w]|_")


def _shared_wording(docs: list[Document], config: VersionConfig) -> dict[tuple[int, int], float]:
    """Pairs of texts (indexes into `docs`, the lower first) sharing at least `config.shared_wording` of the shorter
    one's sampled wording, with that share; runs held by more than `config.boilerplate_texts` texts are boilerplate
    and not counted."""
    samples = [_wording(doc, config) for doc in docs]
    holders: dict[int, list[int]] = {}
    for i, sample in enumerate(samples):
        if len(sample) >= config.wording_runs:
            for run in sample.tolist():
                holders.setdefault(run, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for held in holders.values():
        if 1 < len(held) <= config.boilerplate_texts:
            for pair in itertools.combinations(held, 2):
                shared[pair] = shared.get(pair, 0) + 1
    shares = {pair: count / min(len(samples[pair[0]]), len(samples[pair[1]])) for pair, count in shared.items()}
    return {pair: share for pair, share in shares.items() if share >= config.shared_wording}


def _long_sentences(doc: Document, config: VersionConfig) -> set[str]:
    text = re.sub(r"\s+", "", doc.search_text)
    return {s for s in re.split(r"[。；;！？!?]", text) if len(s) >= config.copy_sentence_chars}


def _copies(doc: Document, other: Document, sentences: Mapping[str, set[str]], config: VersionConfig,
            shared: int | None = None) -> bool:
    """Are two texts copies by their words: both drafts or both adopted, sharing (`shared`, else counted) at least
    `config.copy_sentences` long sentences and at least half of the shorter text's? For an undated text beside a
    dated one only (an undated news copy of a dated notice that runs further than it: 辽宁's 县域经济 意见): two
    dated editions share most of their sentences too."""
    a, b = sentences[doc.doc_id], sentences[other.doc_id]
    count = len(a & b) if shared is None else shared
    return doc.meta.is_draft == other.meta.is_draft and count >= max(config.copy_sentences, min(len(a), len(b)) / 2)


def _link_copies(docs: list[Document], sentences: Mapping[str, set[str]], config: VersionConfig) -> None:
    """Join copies of one text that titles cannot link (a repost that starts at its 文号, with no title): texts
    sharing most of their long sentences verbatim. A copy joins its partner's version group, superseded as it is;
    copies with no group form one, headed by the copy with a title and the latest date. Drafts and adopted texts
    are never copies of each other."""
    holders: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        for sentence in sentences[doc.doc_id]:
            holders.setdefault(sentence, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for held in holders.values():
        if len(held) <= config.boilerplate_texts:
            for a, b in itertools.combinations(held, 2):
                shared[a, b] = shared.get((a, b), 0) + 1
    parent = list(range(len(docs)))
    for (a, b), count in shared.items():
        if _copies(docs[a], docs[b], sentences, config, shared=count):
            parent[_root(parent, a)] = _root(parent, b)
    clusters: dict[int, list[Document]] = {}
    for i, doc in enumerate(docs):
        clusters.setdefault(_root(parent, i), []).append(doc)
    for cluster in clusters.values():
        if len(cluster) < 2:
            continue
        grouped = [d for d in cluster if d.meta.version_group]
        head = max(grouped or cluster, key=lambda d: (not d.meta.superseded_by, bool(d.meta.title), _rank(d)))
        group, superseded = head.meta.version_group or head.doc_id, head.meta.superseded_by
        for doc in cluster:
            if not doc.meta.version_group:
                doc.meta.version_group, doc.meta.superseded_by = group, superseded


def _copy_of(doc: Document, newest: Document, config: VersionConfig = CONFIG) -> bool:
    """Is `doc` a copy of the newest version rather than an older one? Either it is dated within
    `config.copy_days` of it (a news repost dated by its page, a week after the notice), or it is undated and the
    year of its number or title is the newest's (a repost of 海行规发[2014]10号 beside the dated 2014 notice). A copy
    may run further than the newest, so it stays in scope."""
    if newest.meta.date is None or doc.meta.is_draft != newest.meta.is_draft:
        return False
    if doc.meta.date is not None:
        return abs((newest.meta.date - doc.meta.date).days) <= config.copy_days
    years = re.findall(r"(?:19|20)\d{2}", f"{doc.meta.doc_number} {doc.meta.title}")
    return str(newest.meta.date.year) in years


def _newer_versions(ids: set[str], docs: Mapping[str, Document], before: int | None) -> set[str]:
    """Of each policy with several versions in `ids`, the ones not asked for when an older edition is: those
    dated `before` or later (when no version is older, none), else the newest."""
    families: dict[str, list[Document]] = {}
    for doc_id in ids:
        if (doc := docs.get(doc_id)) is not None and doc.meta.version_group:
            families.setdefault(doc.meta.version_group, []).append(doc)
    drop: set[str] = set()
    for members in families.values():
        if before is None:
            newer = [d for d in members if not d.meta.superseded_by]
        else:
            newer = [d for d in members if not (d.meta.date and d.meta.date.year < before)]
        if len(newer) < len(members):
            drop.update(d.doc_id for d in newer)
    return drop


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
        if newer is None:
            notes.append(f"引用的是{year}版本，知识库中有更新的版本")
        else:
            newer_year = f"{_year(newer)}年" if _year(newer) else "更新的"
            if _year(newer) == _year(doc) and doc.meta.date and newer.meta.date:  # one year: told apart by date
                year, newer_year = doc.meta.date.isoformat() + "的", newer.meta.date.isoformat()
            notes.append(f"引用的是{year}版本，知识库中有更新的{newer_year}版本《{newer.meta.title or newer.doc_id}》")
    return "；".join(notes)


@functools.lru_cache(maxsize=65536)  # asked for every superseded document on every question
def _distinctive(old_title: str, new_title: str) -> tuple[str, ...]:
    """Words of the older title that the newer one lacks (e.g. a year or a subject word)."""
    import jieba

    new_title = search_form(new_title)
    return tuple(w for w in jieba.lcut(search_form(old_title)) if len(w) >= 2 and w not in new_title)


@functools.lru_cache(maxsize=65536)
def _number_key(doc_number: str) -> str:
    return re.sub(r"\s+", "", search_form(doc_number))


# an older edition asked for by its place in the sequence, not by its own year or number: 旧版, 上一版,
# 修订前的, 2023年以前那版 (the version in force before that year)
_OLDER_EDITION = re.compile(r"旧版|老版|上一版|前一版|修订前|(?:较早|更早|早先|最早)[^，,。？?]{0,16}?版"
                            r"|((?:19|20)\d{2})\s*年(?:以前|之前)的?(?:那|这)?一?版")


# a question comparing editions (两个征求意见稿…有什么不同, 正式印发时改成了什么, 原来…后来…): all of them answer it
_COMPARES_EDITIONS = re.compile(r"两(?:个|份|版|稿|套)[^，,。？?]{0,8}?(?:版本|文本|稿|版|文件)|先后|有什么不同|有何不同|有啥不同"
                                r"|区别|变化|改成|改为|换成|相比|对比|比[^，,。？?]{1,20}?多|新旧|原来[^。？?]{0,30}?后来")


def prefer_versions(doc_ids: Iterable[str], question: str, docs: Mapping[str, Document]) -> set[str]:
    """The documents to drop for this question: superseded versions (and drafts with a final),
    unless the question names the older one's year, document number or distinctive title words, or compares
    editions. A question asking for an older edition (旧版, 2023年以前那版) drops the newer versions instead."""
    q = search_form(question or "")
    ids = set(doc_ids)
    if older := _OLDER_EDITION.search(q):
        return _newer_versions(ids, docs, int(older.group(1)) if older.group(1) else None)
    if _COMPARES_EDITIONS.search(q):
        return set()
    drop: set[str] = set()
    for doc_id in ids:
        doc = docs.get(doc_id)
        if doc is None or not doc.meta.superseded_by or doc.meta.superseded_by not in docs:
            continue
        newest = docs[doc.meta.superseded_by]
        year = _year(doc)
        number = _number_key(doc.meta.doc_number)
        named = (
            (year and year in q and year != _year(newest))
            or (number and number in re.sub(r"\s+", "", q))
            or any(word in q for word in _distinctive(doc.meta.title, newest.meta.title))
        )
        if not named:
            drop.add(doc_id)
    return drop
