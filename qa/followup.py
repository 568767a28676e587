"""Turning a follow-up ("那苏州工业园区呢？", "上限是多少？") into a standalone question before retrieval."""

from __future__ import annotations

import re

from qa.places import find_places

_LEAD = re.compile(r"^(那么|那|还有|另外|再问一下|再问|请问|and|what about)\s*", re.IGNORECASE)
_TAIL = re.compile(r"(呢|吗|啊|呀)?[？?。!！\s]*$")
_ASK_TAIL = re.compile(r"(是多少|有多少|多少|是什么|有哪些|有什么|怎么定|怎么样|如何|是否|几家|几个|几条)+$")
_PRONOUN = re.compile(r"^(它|其|这个|该|这项|这条|那个|此项|此)")


def is_followup(question: str) -> bool:
    q = question.strip()
    return bool(_LEAD.match(q) or _PRONOUN.match(q) or re.search(r"呢[？?]?$", q) or len(_core(q)) <= 6)


def _core(question: str) -> str:
    return _TAIL.sub("", _LEAD.sub("", question.strip()))


def rewrite(question: str, previous: str) -> str:
    """A standalone form of `question` given the previous question; unchanged when it is not a follow-up
    (or when `previous` is not text: history may come from an untrusted client)."""
    if not isinstance(previous, str) or not previous.strip() or not is_followup(question):
        return question
    core = _PRONOUN.sub("", _core(question))
    prev = _TAIL.sub("", previous.strip())
    new_places = find_places(core)
    if new_places and len(core) <= len("".join(new_places)) + 4:
        # "那苏州工业园区呢": the same question about another place
        topic = prev
        for place in find_places(prev):
            topic = re.sub(rf"{re.escape(place)}(市|区|县|省)?", "", topic)
        return f"{core}{topic.lstrip('的')}"
    # "上限是多少": the previous question's subject, asked again with the new ask
    topic = _ASK_TAIL.sub("", prev)
    topic = re.sub(r"(比例|标准|金额|上限|条件|多少钱|补助|补贴|奖励)$", "", topic) or topic
    return f"{topic}{core}"
