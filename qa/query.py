"""Understanding a question: normalised form, places it names, English terms, what kind of figure it wants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.clean import search_form
from qa.places import find_places
from qa.terms import question_terms, terms_before

# English policy vocabulary → the Chinese words the documents use (query expansion for English questions).
ENGLISH_TERMS: dict[str, str] = {
    "tape-out": "流片", "tapeout": "流片", "tape out": "流片", "first tape": "首轮流片",
    "subsid": "补助 补贴", "reward": "奖励", "award": "奖励", "bonus": "奖励", "grant": "补助 资金",
    "cap": "最高 不超过", "maximum": "最高 不超过", "at most": "不超过", "limit": "上限 不超过",
    "percent": "比例 %", "ratio": "比例", "rate": "利率", "interest": "利率 贴息", "loan": "贷款",
    "chip": "芯片", "integrated circuit": "集成电路", "semiconductor": "半导体", "sensor": "传感器",
    "mems": "MEMS", "pilot": "中试 试点", "platform": "平台", "industrial internet": "工业互联网",
    "cloud": "上云 云", "voucher": "服务券", "enterprise": "企业", "compan": "企业", "firm": "企业",
    "headquarter": "总部", "exhibition": "展销会 博览会", "advertis": "广告", "smart factory": "智能工厂",
    "intelligent manufacturing": "智能制造", "talent": "人才", "target": "目标", "goal": "目标",
    "industrial park": "产业园", "park": "园区", "substation": "变电站", "invest": "投资",
    "listed": "上市", "how many": "多少 几", "how much": "多少", "policy": "政策", "display": "显示",
    "5g": "5G", "base station": "基站", "standard": "标准", "validity": "有效期", "valid": "有效期",
    "zhengzhou": "郑州", "xinzheng": "新郑", "xiamen": "厦门", "huli": "湖里", "suzhou": "苏州",
    "suzhou industrial park": "苏州工业园区", "shenzhen": "深圳", "shanghai": "上海", "beijing": "北京",
    "hangzhou": "杭州", "guangzhou": "广州", "specialized": "专精特新", "little giant": "小巨人",
    "revenue": "收入", "equipment": "设备", "output value": "产值", "output": "产值", "scale": "规模",
    "cultivate": "培育", "foster": "培育", "key ": "重点", "aim": "目标", "plan": "计划", "grow": "增长",
    "increase": "增长", "high-tech": "高新技术", "share": "比重 占比", "value added": "增加值",
    "industrial": "工业", "cluster": "集群", "design": "设计", "packag": "封装 封测", "testing": "测试",
    "fund": "基金", "guarantee": "担保", "fee": "费率", "train": "培训 实训", "team": "团队",
    "certificat": "证书", "smart": "智能", "software": "软件", "upgrad": "改造", "manufactur": "制造",
    "booth": "场地 展位", "rent": "租赁", "trade fair": "展销会 博览会", "fair": "展销会",
}

STATED_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*[余多]?\s*(?:%|％|万|亿|元|家|个|条|项|人|次|名|所|倍|天|平方公里|亩|颗|台|套|号)"
    r"|(?:[一二两三四五六七八九十百千]+|近万|数万|上万|数千)[余多]?(?:万|亿)?(?:元|家|个|条|项|人|次|名|所|倍|年)")
_UNIT = re.compile(r"(?:多少|几)(家|个|条|项|人次|人|次|名|所|批|台|套|颗|倍|年|天|亿|万|平方公里|平方米|亩|吨|千瓦|兆瓦|辆|座|户)")
_PERCENT = re.compile(r"比例|百分之|比重|占比|percent|增长了?多少|增幅")


def asked_unit(search: str) -> str:
    """The unit of the figure a question asks for, when it says (多少家 → 家, 比例 → %)."""
    if m := _UNIT.search(search):
        return m.group(1)
    if _PERCENT.search(search.lower()):
        return "%"
    if re.search(r"多少钱|金额|奖励多少|补助多少|补贴多少|how much", search.lower()):
        return "元"
    return ""


_ASK = re.compile(r"是多少|有多少|多少|是什么|有什么|有哪些|是哪|哪些|哪个|哪天|哪位|几|怎么|如何|是否|吗")


def asked_focus(terms_text: str) -> tuple[str, ...]:
    """Content words of the (up to 8) characters before each question word — '三期规模是多少' → 三期, 规模."""
    return terms_before(terms_text, tuple(m.start() for m in _ASK.finditer(terms_text)))


QUANTITY_WORDS = ("多少", "几", "多大", "比例", "上限", "最高", "金额", "额度", "补助", "补贴", "奖励",
                  "how much", "how many", "what percent")


@dataclass
class Query:
    """A question prepared for retrieval."""

    raw: str
    search: str  # NFKC + simplified, plus Chinese expansions of English terms
    terms: tuple[str, ...] = ()  # content words (for English questions: of the Chinese expansion)
    focus: tuple[str, ...] = ()  # the words right before the question word: what exactly is asked about
    places: list[str] = field(default_factory=list)
    wants_figure: bool = False  # the question is about amounts (补助, 奖励, 多少 …)
    asks_amount: bool = False  # it explicitly asks for one (多少, 几, 比例, 上限 …): an answer must state a figure
    parts: int = 1  # how many questions it asks ("…多少？…多大？" is two)
    unit: str = ""  # the unit the asked-for figure comes in: 家, 个, %, 万 …
    english: bool = False


def _is_english(text: str) -> bool:
    letters = sum(c.isascii() and c.isalpha() for c in text)
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in text)
    return letters > 3 * max(cjk, 1)


def expand_english(text: str) -> str:
    """Chinese equivalents of the policy terms an English question uses (longest terms first)."""
    low = text.lower()
    found: list[str] = []
    for term in sorted(ENGLISH_TERMS, key=len, reverse=True):
        if term in low:
            found.append(ENGLISH_TERMS[term])
            low = low.replace(term, " ")
    return " ".join(found)


def parse_query(question: str) -> Query:
    """Normalise a question as the index is normalised and read off what it asks for."""
    search = search_form(question.strip())
    english = _is_english(search)
    terms_text = search
    if english:
        chinese = expand_english(search)
        kept = " ".join(re.findall(r"[\u4e00-\u9fff]+|\d+%?", search))  # Chinese words and figures it quotes
        search, terms_text = f"{search} {chinese}", f"{chinese} {kept}"
    search = re.sub(r"\s+", " ", search).strip()
    places = find_places(search)
    for place in places:  # places select documents (scoping); as terms they would favour every chunk of them
        terms_text = re.sub(rf"{re.escape(place)}(市|区|县|省)?", " ", terms_text)
    wants_figure = any(w in search.lower() for w in QUANTITY_WORDS)
    asks_amount = bool(re.search(r"多少|几[个家条项次名所倍]|比例|上限|金额|额度|how much|how many|what percent",
                                 search.lower()))
    return Query(
        raw=question, search=search, terms=question_terms(terms_text), focus=asked_focus(terms_text),
        places=places, wants_figure=wants_figure, asks_amount=asks_amount,
        parts=len(re.findall(r"[?？]\s*(?=\S)", search)) + 1, unit=asked_unit(search), english=english,
    )
