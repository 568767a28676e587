"""Is this text a question at all? Markup, code and strings without words are refused before retrieval.

Retrieval always finds *some* clause, so `<script>alert(1)</script>` or `' OR 1=1; --` would otherwise be
"answered". The test is structural, with real parsers: HTML is parsed (stdlib `html.parser`, script and
style bodies dropped), a data literal is recognised by `json`/`ast.literal_eval`, code by `ast.parse`
(more than a bare name; Han "identifiers" are prose), SQL by `sqlparse` (a statement keyword plus SQL punctuation: `=`, `;`, `*`,
`--`). What is left must hold words: Han characters or Latin words, so questions with figures and
acronyms (5G, MEMS, IC) pass untouched.
"""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser

import sqlparse
from sqlparse import tokens as T

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SQL_STRUCTURE = (T.Operator.Comparison, T.Wildcard, T.Comment)
_CODE_ONLY = "这不是一个政策问题：内容是网页标记或程序代码。请用文字提问，例如“首轮流片补助多少”。"
_NO_WORDS = "这不是一个政策问题：没有可检索的文字。请用文字提问，例如“首轮流片补助多少”。"


class _TextOfMarkup(HTMLParser):
    """Collects the text of an HTML fragment, without script/style bodies; counts the tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags += 1
        self._skip += tag in ("script", "style")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.tags += 1

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_comment(self, data: str) -> None:
        self.tags += 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_markup(text: str) -> tuple[str, bool]:
    """The text outside HTML tags (script/style bodies dropped) and whether there was any markup."""
    parser = _TextOfMarkup()
    parser.feed(text)
    parser.close()
    return " ".join(parser.parts), parser.tags > 0


def _string_leaves(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _string_leaves(k) + _string_leaves(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _string_leaves(v)]
    return []


def _literal(text: str) -> object | None:
    """The value when the whole text is a JSON or Python data literal (`{'x': 1}`, `[1, 2]`, `"…"`)."""
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return None


def _is_code(text: str) -> bool:
    """Python/JS-like code: parses as a program that is more than one bare name or constant."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    body = tree.body
    if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Name | ast.Constant):
        return False
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    names += [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    return bool(body) and not any(_HAN.search(name) for name in names)  # Han "identifiers" are prose


def _sql_words(text: str) -> str | None:
    """None unless `text` is shaped like SQL; then the words in it that are not SQL (names with Han, strings)."""
    tokens = [t for st in sqlparse.parse(text) for t in st.flatten() if not t.is_whitespace]
    has_statement = any(t.ttype in (T.Keyword.DML, T.Keyword.DDL) for t in tokens)
    has_structure = any(t.ttype in _SQL_STRUCTURE or (t.ttype is T.Punctuation and t.value == ";") for t in tokens)
    if not (has_statement and has_structure):
        return None
    kept = [t.value.strip("'\"") for t in tokens if t.ttype in (T.Name, T.Literal.String.Single, T.Literal.String.Symbol)]
    return " ".join(v for v in kept if _HAN.search(v))


def has_words(text: str) -> bool:
    """At least two Han characters or one Latin word of two letters or more."""
    return len(_HAN.findall(text)) >= 2 or bool(_LATIN_WORD.search(text))


def screen_question(question: str) -> str:
    """"" for text that reads as a question; otherwise the message to show instead of an answer."""
    text = question.strip()
    prose, had_markup = strip_markup(text)
    prose = prose.strip()
    code = False
    if (value := _literal(prose)) is not None:
        leaves = _string_leaves(value)
        code = not (isinstance(value, str))
        prose = " ".join(leaves)
    elif _is_code(prose):
        prose, code = "", True
    elif (words := _sql_words(prose)) is not None:
        prose, code = words, True
    if has_words(prose):
        return ""
    return _CODE_ONLY if (had_markup or code) else _NO_WORDS
