"""Question parsing: what a question is about (content words), what it asks for (kind of fact, unit), its parts.

Words are classified with general data, not per-question lists: jieba's part-of-speech dictionary (pronouns,
particles, prepositions … carry the question's form), the ISO stop-word lists of `stopwordsiso`, and the
closed class of Chinese interrogatives.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import cn2an
import jieba
import jieba.posseg as posseg
import stopwordsiso

from corpus.clean import search_form

jieba.setLogLevel(60)
_POS_LOCK = threading.Lock()  # jieba.posseg's default tokenizer initialises lazily and is not thread-safe then

# Chinese interrogatives are a closed grammatical class; longer forms first.
INTERROGATIVES = ("多少", "几", "什么", "哪", "谁", "何时", "何地", "为何", "为什么", "怎么", "怎样", "如何",
                  "是否", "能否", "可否", "有没有", "是不是", "多久", "多长", "多大", "多高", "吗")
# the A-not-A question (能不能, 可不可以, 享不享受): a verb asked yes or no, no content word
A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
_INTERROGATIVE = re.compile("|".join(sorted(INTERROGATIVES, key=len, reverse=True)) + r"|([\u4e00-\u9fff])不\1")
# parts of speech that carry form, not subject (jieba's ICTCLAS tag set): pronouns, prepositions, conjunctions,
# particles, adverbs, locatives, place words, modal/interjections, punctuation, bare quantifiers
_FORM_POS = ("r", "p", "c", "u", "d", "f", "s", "y", "e", "o", "x", "q", "w", "z")
_STOPWORDS = frozenset(stopwordsiso.stopwords(["zh", "en"]))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MAGNITUDE_UNIT = "十百千万亿元"
_ARTICLE = "一这那此该每各某"  # before a measure word: the indefinite article, a demonstrative, each, some
_LEVEL_HERE = re.compile(r"[省市区县镇乡村]里")  # a level of government + the locative 里
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")

# The kind of fact a question asks for, read off the interrogative and the quantity words of the language.
RATIO = re.compile(r"比例|比率|比重|占比|百分之|几成|[\u4e00-\u9fff]率|(?<![\d.])%")  # a bare % asks a rate; 15% is a figure the asker states
CAP = re.compile(r"最高|上限|最多|不超过|封顶|至多")
THRESHOLD = re.compile(r"门槛|起点|达到多少|多少以上|以上的")
# the interrogatives of a figure; when a clause has several, the last asks and the earlier ones only modify
# (前几年按多少比例 asks a rate, 几年内补助多少 an amount)
_FIGURE_INTERROGATIVES = (("duration", r"多久|多长时间|几年"), ("date", r"何时|什么时候|哪一?天|哪一?年|几月|几日|几号"),
                          ("quantity", r"多少|(?<!哪)几(?![年月日号])|多大|多高"))
# a noun naming the asked figure decides before any interrogative (期限是多少 asks a duration)
_DURATION_NOUN = re.compile(r"期限|有效期")
_DATE_NOUN = re.compile(r"日期|(?<!多长)时间")
_ENGLISH_RATIO = re.compile(r"\b(?:percent|percentage|proportion|ratio)\b|\bwhat (?:share|rate)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """A question prepared for retrieval, gating and composition."""

    raw: str
    search: str  # NFKC + simplified script, the form the index searches
    terms: tuple[str, ...]  # content words, in order (places removed)
    focus: tuple[str, ...]  # content words right before the interrogative: what exactly is asked about
    asks: str  # "quantity" | "date" | "duration" | "which" | "how" | "yesno" | "" (no interrogative)
    unit: str = ""  # the unit the asked figure comes in, when the question names it (家, 吨, %) …
    wants_cap: bool = False  # 最高/上限: the cap, not the rate
    parts: tuple[str, ...] = ()  # the sub-questions of a multi-part question (one entry when single)
    crosslingual: bool = False  # no Chinese in it: lexical evidence is not comparable, dense evidence decides
    places: tuple[str, ...] = ()  # place names found in it (by the place resolver)
    quoted: tuple[str, ...] = ()  # Chinese names it puts in quotes or 《》: “浙江制造精品”, exact identifiers
    units: tuple[str, ...] = ()  # for a bare 多少: the units the evidence states figures in next to the focus words
    pairs: tuple[tuple[str, str], ...] = ()  # consecutive content words written together (省级+单项, 突破+100亿)
    # does the corpus write a word? (a word jieba only guessed and the corpus never writes is not a term)
    writes: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)

    @property
    def wants_figure(self) -> bool:
        return self.asks in ("quantity",) or bool(self.unit)

    def part(self, text: str) -> Question:
        """A sub-question (one of `parts`), parsed as this question was."""
        return parse_question(text, self.places, self.writes)


def _pos_cut(text: str) -> list[tuple[str, str, int]]:
    """(word, part of speech, start offset) of `text`."""
    out, at = [], 0
    with _POS_LOCK:
        pairs = [(p.word, p.flag) for p in posseg.cut(text)]
    for word, flag in pairs:
        start = text.find(word, at)
        start = at if start < 0 else start
        out.append((word, flag, start))
        at = start + len(word)
    return out


def noun_at(text: str, at: int) -> bool:
    """Does a noun begin at `text[at]` (as jieba reads the few words from there)?"""
    word = next(iter(_pos_cut(text[at:at + 8])), None)
    return word is not None and word[1].startswith(("n", "vn")) and not word[1].startswith(("ns", "nr"))


# the kinds of body whose names a place may open: newspapers, news sites, broadcasters, firms, banks
_ORGANISATION = re.compile(r"(?:日报|晚报|晨报|商报|都市报|新闻网|电视台|集团|有限责任公司|有限公司|股份公司|公司|银行)$")


def organisation_at(text: str, at: int) -> bool:
    """Does the name of a newspaper, news site, firm or bank go on from `text[at]`, right after a place that
    opens it (黄冈|日报, 青岛|新闻网, 长春|皓月集团, 宁夏|华夏电源有限公司): up to four nouns, the last ending in the
    kind of body (a verb or a function word between says the place is where something is done: 在霍山注册公司)?"""
    joined = ""
    for word, flag, _ in _pos_cut(text[at:at + 16])[:4]:
        if not (flag.startswith("n") or flag in ("f", "l", "j")):
            return False
        joined += word
        if _ORGANISATION.search(joined):
            return True
    return False


def _is_content(word: str, flag: str) -> bool:
    w = word.strip().lower()
    if w[:1].isdigit():
        return True  # a number is never a stop word (the ISO list holds a few: 10, 39)
    if not w or w in _STOPWORDS or _INTERROGATIVE.match(w):
        return False
    if _LATIN_WORD.fullmatch(w):
        return len(w) >= 2
    if not _CJK.match(w) or len(w) < 2:
        return False
    if len(w) == 2 and w[0] in _ARTICLE and (flag in ("mq", "q") or flag == "m" and _is_measure(w[1])):
        return False  # 一家, 一份, 那份: an article or a demonstrative with its measure word, not a count asked
    if _LEVEL_HERE.fullmatch(w):
        return False  # 县里, 镇里: "at the county", a place word as jieba tags 市里, 区里, 省里 (s)
    if flag == "m" and all(c in _MAGNITUDE_UNIT for c in w):
        return False  # a bare magnitude/currency such as 万元 or 亿元: the number before it is the term
    return not flag.startswith(_FORM_POS)


def _guessed(word: str) -> bool:
    """A Chinese word that jieba's dictionary does not hold: its HMM joined characters it could not place into
    one (运营方要通过 → 运营 / 方要 / 通过). Such a guess is a word only where some document writes it too."""
    return bool(_CJK.match(word)) and not jieba.dt.FREQ.get(word)


@lru_cache(maxsize=256)
def _is_measure(char: str) -> bool:
    """Does jieba's dictionary tag `char` a measure word (家, 份, 个; not 起 of 一起)?"""
    return [flag for _, flag, _ in _pos_cut(char)] == ["q"]


@lru_cache(maxsize=4096)
def content_words(search_text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of the content words of a normalised text; numbers keep a following 万/亿 unit."""
    out = []
    cut = _pos_cut(search_text)
    for i, (word, flag, start) in enumerate(cut):
        if not _is_content(word, flag) or (flag == "m" and i and cut[i - 1][0] == "哪"):
            continue  # 哪三类, 哪两个: the count asked with 哪 is part of the question word
        nxt = cut[i + 1][0] if i + 1 < len(cut) else ""
        if word[0].isdigit() and nxt[:1] in ("万", "亿"):
            word = word + nxt[0]  # 100 + 亿元 → 100亿, as documents write the figure
        out.append((word.lower(), start, start + len(word)))
    return tuple(out)


def _word_after(text: str) -> str:
    """The measure word opening `text`: a numeral or measure word, or the unit of a time word glued to it
    (天内, 年后: its first character)."""
    word, flag, _ = (_pos_cut(text[:4]) or [("", "", 0)])[0]
    if flag in ("m", "q") and _CJK.match(word):
        return word
    return word[0] if flag in ("t", "s", "f") and word[:1] in "年月日天周" else ""


_RATE_NUMERAL = re.compile(r"几成|(?:多少|几)(?:个百分|个|百分)点(?![钟半位子])")


def _asked_unit(search: str, asks: str) -> str:
    """The measure word right after 多少/几 as jieba segments the numeral phrase (多少家 → 家, 几颗 → 颗,
    多少万元 → 元, 多少天内 → 天); '%' when the question asks for a rate (not when it only mentions one in
    a yes/no, which, how, date or duration question: 抽查比例有没有上限, 降低费率的政策执行到什么时候); ''
    otherwise."""
    if m := next(reversed(list(re.finditer(r"多少|(?<!哪)几", search))), None):  # the last asks; 哪几: which
        if _RATE_NUMERAL.match(search, m.start()):
            return "%"  # 几成 (tenths), 几个点 / 多少个百分点 (percentage points): a rate
        phrase = next((w for w, flag, start in _pos_cut(search[m.start():m.end() + 4]) if start == 0), "")
        unit = (phrase[len(m.group()):] or _word_after(search[m.end():])).lstrip("万亿千百")
        if unit and _CJK.match(unit):
            return unit
        if search.startswith("钱", m.end()):
            return "元"  # 多少钱: how much money, in the currency's unit
        after = search[m.end() + 1:m.end() + 2]
        size = search[m.end():m.end() + 1]
        if m.group() == "几" and size in ("大", "小") and _CJK.match(after) and after not in "的了呢吗啊呀":
            return size  # 几大特色领域, 几小项: how many major fields, minor items (六大, 二十小项)
    if asks in ("yesno", "which", "how", "date", "duration"):
        return ""
    return "%" if RATIO.search(search) or _ENGLISH_RATIO.search(search) else ""


_ENGLISH_ASKS = (("duration", r"how long|how many (?:years|months|days)"), ("date", r"\bwhen\b|what (?:date|day|year)"),
                 ("quantity", r"how (?:much|many)|what (?:percent|share|rate|proportion)|maximum|cap\b"),
                 ("which", r"\b(?:which|who|what)\b"), ("how", r"\bhow\b|\bwhy\b"),
                 ("yesno", r"(?:^|[,;:]\s*)(?:is|are|can|does|do|may|will|must|should)\b"))  # clause-initial


def _written_in_another_language(search: str) -> bool:
    """More Latin words than Chinese ones: an English question, though it may name something in Chinese
    ("Zhengkedai" (郑科贷)). Its Chinese words are too few for lexical evidence; meaning decides."""
    latin = len(re.findall(r"[A-Za-z]{2,}", search))
    return latin > sum(1 for w, _, _ in _pos_cut(search) if _CJK.search(w)) if latin else not _CJK.search(search)


_KIND_ORDER = ("duration", "date", "quantity", "definition", "how", "yesno", "which", "")
# a question asking what a term means (“民营企业”的定义写法是什么, 对中小企业的界定): the words naming the kind of fact,
# which a text states as 本条例所称民营企业,是指…, not as words of its own
DEFINITION = re.compile(r"的?(?:定义|界定|含义)(?:的?(?:写法|表述|说法|内容))?")
# how a text states a definition
DEFINES = re.compile(r"是指|指的是|系指|所称")


def _asks(search: str, english: bool = False) -> str:
    """The kind of fact asked: each clause's own kind, the first of them in `_KIND_ORDER`."""
    low = search.lower()
    if english or not _CJK.search(low):
        return next((kind for kind, pattern in _ENGLISH_ASKS if re.search(pattern, low)), "")
    kinds = {_clause_asks(clause) for clause in _PART_SPLIT.split(search)}
    return next(kind for kind in _KIND_ORDER if kind in kinds)


def _clause_asks(search: str) -> str:
    if DEFINITION.search(search) and not re.search("多少|几", search):
        return "definition"
    asked = [(m.start(), kind) for kind, pattern in _FIGURE_INTERROGATIVES for m in re.finditer(pattern, search)]
    if _DURATION_NOUN.search(search):
        return "duration"
    if _DATE_NOUN.search(search):
        return "date"
    if asked:
        return max(asked)[1]
    # the interrogative decides before a quantity noun does: 抽查比例有没有上限 asks yes or no,
    # 补助比例怎么确定 asks how; 补助比例是什么 and a bare 补助比例 ask for the rate
    if re.search(r"怎么|怎样|如何|为什么|为何", search):
        return "how"
    if re.search(r"是否|能否|可否|有没有|是不是|吗", search) or A_NOT_A.search(search):
        return "yesno"
    if re.search(r"比例|比率|上限|额度|金额", search):
        return "quantity"
    if re.search(r"哪|谁|什么", search):
        return "which"
    return ""


# questions arrive in search form (NFKC: "，" is ","), so both comma forms are split on
_PART_SPLIT = re.compile(r"[？?；;]+|[，,](?=[^，,]*(?:多少|几|什么|哪|谁|如何|怎么|是否))")


def split_parts(search: str) -> tuple[str, ...]:
    """Sub-questions: split at question marks and at commas that start a new interrogative clause. The clauses
    before a sub-question in its sentence are its own (今年第一次纳入规上统计，能拿多少奖励？要是进规后…涨15%以上，
    还能再拿多少？): a condition or subject stays with the question it qualifies."""
    parts, lead = [], ""
    for m in re.finditer(rf"(.*?)({_PART_SPLIT.pattern}|$)", search):
        piece = m.group(1).strip(" ，,。")
        if piece and _INTERROGATIVE.search(piece):
            parts += [f"{lead}，{each}" if lead else each for each in distributed(piece)]
            lead = ""
        elif piece:
            lead = f"{lead}，{piece}" if lead else piece
        if re.match(r"[？?；;]", m.group(2)) or not m.group(2):
            lead = ""  # a sentence's clauses do not carry over to the next sentence
        if m.end() >= len(search):
            break
    return tuple(parts) or (search,)


_CONJUNCTIONS = frozenset({"和", "与", "及", "以及", "跟", "、"})
_DISTRIBUTIVE = frozenset({"分别", "各自"})


def distributed(clause: str) -> list[str]:
    """A clause asking one thing of each of several coordinated subjects, one clause each: 对地区生产总值和规模以上
    工业增加值各定了多少增速目标 → 对地区生产总值定了多少增速目标, 规模以上工业增加值定了多少增速目标. The
    distributive adverb (分别, 各自, 各 before a verb) marks it; conjunctions inside a quoted name do not count. When
    the first subject is only a modifier (国家级和省级制造业创新中心, jieba's distinguishing words), it shares the
    last subject's head noun. Any other clause is returned whole."""
    words = _pos_cut(clause)
    quoted = [(q.start(), q.end()) for q in quoted_spans(clause)]
    at = next((k for k, (w, f, _) in enumerate(words) if w in _DISTRIBUTIVE
               or w == "各" and k + 1 < len(words) and words[k + 1][1].startswith(("v", "p", "d"))), None)
    if at is None:
        return [clause]
    cuts = [k for k, (w, _, s) in enumerate(words[:at]) if w in _CONJUNCTIONS and not any(a <= s < b for a, b in quoted)]
    bounds = [-1, *cuts, at]
    items = [words[a + 1:b] for a, b in pairwise(bounds)]
    if len(items) < 2 or any(not any(_is_content(w, f) for w, f, _ in item) for item in items):
        return [clause]
    rest = clause[words[at][2] + len(words[at][0]):]
    text = ["".join(w for w, _, _ in item) for item in items]
    modifiers = next((k for k, (_, f, _) in enumerate(reversed(items[0])) if f != "b"), len(items[0]))
    if modifiers and len(items[-1]) > modifiers:  # 国家级和省级制造业创新中心: each level of the one head
        head = "".join(w for w, _, _ in items[-1][modifiers:])
        text = [t + head for t in text[:-1]] + text[-1:]
    return [t + rest for t in text]


def _focus(search: str, words: tuple[tuple[str, int, int], ...], before: int = 8, after: int = 4) -> tuple[str, ...]:
    """Content words just before an interrogative (流片补助多少) or right after it (多少奖励); a count right
    after it belongs to it (哪两天要调休上班 asks which days: 两天 is not its focus)."""
    spans = []
    for m in _INTERROGATIVE.finditer(search):
        count = _COUNT.match(search, m.end())  # 哪两天, 哪三类: read in the text (the count is no content word)
        spans.append((m.start(), count.end() if count else m.end()))
    return tuple(dict.fromkeys(w for w, s, e in words if not any(a <= s < b for a, b in spans)
                               and any(a - before <= s and e <= a or b <= s and e <= b + after for a, b in spans)))


_COUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千]+[\u4e00-\u9fff]?")


# an amount said the spoken way: 五百万, 两千万元, 10个亿, 十个亿, 5个多亿, 27个亿左右 (documents write 500万,
# 2000万元, 10亿, 5亿, 27亿)
_SPOKEN_AMOUNT = re.compile(r"([零〇一二两三四五六七八九十百千]+|\d+(?:\.\d+)?)(多|余|来)?(个)?(多|余|来)?([万亿])(?:左右|上下)?")


def chinese_number(numeral: str) -> float | None:
    """The value of a number written in Chinese numerals (五百, 两千, 十); None when `cn2an` cannot read it."""
    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return None


def _written_amounts(text: str) -> str:
    """Spoken amounts rewritten as documents write them: Arabic digits before 万/亿, no 个 between, and an
    approximate one at its round figure (800多万 → 800万, 5个多亿 → 5亿, 27个亿左右 → 27亿; 十几个亿 is left
    alone)."""
    def rewrite(m: re.Match) -> str:
        number, approx, measure, after, magnitude = m.groups()
        measure = measure or approx or after
        if not number[0].isdigit():
            if not re.search("[零〇一二两三四五六七八九十]", number):
                return m.group()  # 千万, 百亿: a bare magnitude (千万不要, 百亿级), no number said
            if (value := chinese_number(number)) is None:
                return m.group()
            number = str(int(value)) if value.is_integer() else str(value)
        elif not measure:
            return m.group()
        return number + magnitude
    return _APPROXIMATE_RATE.sub(r"\1", _SPOKEN_AMOUNT.sub(rewrite, text))


_APPROXIMATE_RATE = re.compile(r"(\d+(?:\.\d+)?\s*[%％])\s*(?:左右|上下)")  # 涨了25%左右: the rate is the asker's


# the year of the document a question means: 2024年版, 2019年印发的, 2023年出台的…意见, 2020年的政策
EDITION = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:(?:[那这]一?)?版|修订版|(?:印发|发布|出台|制定)的|的?(?:政策|文件|通知|意见|办法|规定|细则|措施|方案))")
_GLUE = ("", "的", "到", "至", "“", "「", "\"")  # what may stand between a word and the one it qualifies or sets a
# value for (an opening quote too: 市级“…典型企业” qualifies the quoted name)


_QUOTED = re.compile(r"[“\"「『‘《]([^“”\"「」『』‘’《》]{2,60})[”\"」』’》]")


_FIRST_PERSON = re.compile(r"我|咱|本公司|本企业|本单位")
_DOCUMENT_WORD = re.compile(r"政策|措施|意见|办法|通知|文件|规定|细则|方案|条例|版|《")
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?]")


def without_own_statements(search: str) -> str:
    """The question without what the asker says of itself: in a question spoken in the first person
    (我们在宜宾做动力电池,2024年产值12个亿,…能拿多少激励?), the clauses that neither ask nor name a document.
    Their years and figures are the asker's, not the ones asked about."""
    if not _FIRST_PERSON.search(search):
        return search
    clauses = [c for c in _CLAUSE_SPLIT.split(search) if c.strip()]
    kept = [c for c in clauses if _INTERROGATIVE.search(c) or _DOCUMENT_WORD.search(c)]
    return "，".join(kept) if kept else search


def quoted_spans(text: str, titles: bool = True) -> list[re.Match[str]]:
    """The quoted stretches of `text` (“单项冠军”, 「350」, 《…办法》); `titles=False` leaves out 《titles》."""
    return [m for m in _QUOTED.finditer(text) if titles or not m.group().startswith("《")]


def quoted_names(search: str) -> tuple[str, ...]:
    """What a question quotes (“单项冠军”, “350”, 《…办法》): names the asker means exactly. Chinese names and
    codes only: a Latin name in quotes ("Zhengkedai", "30 new industrial policies") is a translation, which no
    document writes."""
    return tuple(dict.fromkeys(m.group(1).strip() for m in quoted_spans(search)
                               if _CJK.search(m.group(1))
                               or re.search(r"\d", m.group(1)) and not _LATIN_PHRASE.search(m.group(1))))


_LATIN_PHRASE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")  # words, not a code (5G, 1+9)


def parse_question(raw: str, places: tuple[str, ...] = (), writes: Callable[[str], bool] | None = None) -> Question:
    """Normalise a question as the index is normalised and read off what it asks for.

    `places` are the place names the place resolver found in it; they select documents and are not terms.
    `writes` tells whether the corpus writes a word: a word jieba only guessed (方要, 表要) that no document
    writes is a segmentation slip, not a term, and is dropped (郑科贷, guessed too, is kept where documents
    write it).
    """
    search = _written_amounts(re.sub(r"\s+", " ", search_form(raw.strip())).strip())
    crosslingual = _written_in_another_language(search)
    terms_text = A_NOT_A.sub(lambda m: " " * len(m.group()), search)  # 能不能享受: 享受, not 不能
    if _asks(search, crosslingual) == "definition":  # …的定义写法是什么: what is asked of the term, not a term
        terms_text = DEFINITION.sub("", terms_text)  # (and the term defined is the focus: 民营企业”是什么)
    for place in sorted(places, key=len, reverse=True):  # …but the level a place's last character starts (湖北省级首台套)
        terms_text = re.sub(re.escape(place) + r"(?!级)|" + re.escape(place[:-1]) + f"(?={re.escape(place[-1])}级)",
                            lambda m: " " * len(m.group()), terms_text)
    words = tuple(w for w in content_words(terms_text) if writes is None or not _guessed(w[0]) or writes(w[0]))
    return Question(
        raw=raw, search=search, terms=tuple(dict.fromkeys(w for w, _, _ in words)), focus=_focus(terms_text, words),
        asks=(asks := _asks(search, crosslingual)), unit=_asked_unit(search, asks), wants_cap=bool(CAP.search(search)),
        parts=split_parts(search), crosslingual=crosslingual, places=tuple(places), quoted=quoted_names(search),
        pairs=tuple((a, b) for (a, _, end), (b, start, _) in pairwise(words)
                    if terms_text[end:start] in _GLUE),
        writes=writes,
    )
