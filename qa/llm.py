"""Generative answers from any OpenAI-compatible chat server, never trusted past the citation guard.

`generate()` builds the prompt from the one versioned prompt file (`qa/prompts/answer_v1.txt`),
with the retrieved clauses numbered and delimited as data, streams the model's answer through
LangChain's OpenAI chat model, and runs `qa.guard.check` on it. A server error, a timeout or a
guard failure returns the extractive answer instead, with a warning saying why.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qa.guard import GuardConfig, check
from qa.retriever import Candidate
from qa.schema import Answer, Citation

log = logging.getLogger(__name__)

PROMPT_VERSION = "answer_v1"
PROMPT_FILE = Path(__file__).parent / "prompts" / f"{PROMPT_VERSION}.txt"
_DELIMITERS = str.maketrans({"<": "＜", ">": "＞"})
# how a fallback's first warning begins, by cause
GUARD_FAILED = "生成的回答未通过引用核对"
SERVER_FAILED = "模型服务"


@dataclass(frozen=True)
class LLMConfig:
    """Where the model server is and how long to wait for it (`POLICYQA_LLM_*`)."""

    base_url: str
    model: str = "default"
    api_key: str = ""
    timeout_s: float = 60.0
    max_tokens: int = 384
    temperature: float = 0.0
    max_passages: int = 3  # retrieved clauses put in the prompt (short prompts keep small models on task)
    max_passage_chars: int = 400  # each clause is cut to this many characters in the prompt

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LLMConfig | None:
        """The configured server, or None when POLICYQA_LLM_BASE_URL is unset (extractive only)."""
        env = os.environ if env is None else env
        base_url = (env.get("POLICYQA_LLM_BASE_URL") or "").strip()
        if not base_url:
            return None
        timeout = env.get("POLICYQA_LLM_TIMEOUT") or ""
        try:
            timeout_s = float(timeout) if timeout else cls.timeout_s
        except ValueError as exc:
            raise ValueError(f"POLICYQA_LLM_TIMEOUT must be a number of seconds, not {timeout!r}") from exc
        max_tokens = env.get("POLICYQA_LLM_MAX_TOKENS") or ""
        return cls(base_url=base_url.rstrip("/"), model=(env.get("POLICYQA_LLM_MODEL") or "").strip() or "default",
                   api_key=env.get("POLICYQA_LLM_API_KEY") or "", timeout_s=timeout_s,
                   max_tokens=int(max_tokens) if max_tokens.isdigit() else cls.max_tokens)


class LLMError(RuntimeError):
    """The server could not produce an answer (unreachable, error status, timeout)."""


def load_prompt(path: Path = PROMPT_FILE) -> tuple[str, str]:
    """(system, user template) from the prompt file's `=== system ===` / `=== user ===` sections."""
    text = path.read_text(encoding="utf-8")
    m = re.fullmatch(r"\s*=== system ===\n(.*?)\n=== user ===\n(.*?)\s*", text, flags=re.S)
    if not m:
        raise ValueError(f"{path}: expected '=== system ===' then '=== user ===' sections")
    return m.group(1).strip(), m.group(2).strip()


def format_clause(c: Citation, max_chars: int) -> str:
    """One numbered clause with where it comes from; its text is data, so it cannot close the block."""
    meta = [("标题", f"《{c.title}》" if c.title else ""), ("发文机关", c.issuer), ("日期", c.date),
            ("文号", c.doc_number), ("地区", c.region), ("章节", c.heading)]
    quote = c.quote if len(c.quote) <= max_chars else c.quote[:max_chars] + "…"
    head = " | ".join(f"{k}：{v}" for k, v in meta if v)
    body = f"{head}\n原文：{quote}".translate(_DELIMITERS)
    return f'<clause id="{c.id}">\n[{c.id}] {body}\n</clause>'


def build_messages(question: str, passages: Sequence[Citation], config: LLMConfig) -> list[tuple[str, str]]:
    """(role, content) pairs: the fixed instructions, then the clauses as data and the question."""
    system, user = load_prompt()
    clauses = "\n".join(format_clause(c, config.max_passage_chars) for c in passages[:config.max_passages])
    # one pass over the template, so text inside a clause is never itself substituted
    content = re.sub(r"\{(clauses|question)\}",
                     lambda m: clauses if m.group(1) == "clauses" else question.translate(_DELIMITERS), user)
    return [("system", system), ("user", content)]


def passages_from(cands: Sequence[Candidate], k: int = LLMConfig.max_passages) -> list[Citation]:
    """The top retrieved clauses as numbered citations (the whole chunk is the quote)."""
    out = []
    for cand in cands[:k]:
        chunk, meta = cand.chunk, cand.doc.meta
        out.append(Citation(
            id=len(out) + 1, chunk_id=chunk.chunk_id, source=cand.doc.doc_id, title=meta.title or cand.doc.doc_id,
            heading=chunk.heading, quote=chunk.display_text, start=chunk.start, end=chunk.end,
            score=round(cand.score, 4), issuer=meta.issuer, date=meta.date.isoformat() if meta.date else "",
            region=meta.region, doc_number=meta.doc_number))
    return out


def chat_model(config: LLMConfig):
    """LangChain's OpenAI-compatible chat model for `config` (no retries: a failure falls back at once)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=config.base_url, model=config.model, api_key=config.api_key or "not-needed",
                      timeout=config.timeout_s, max_retries=0, temperature=config.temperature,
                      max_tokens=config.max_tokens, streaming=True)


def stream_text(messages: list[tuple[str, str]], config: LLMConfig,
                on_token: Callable[[str], None] | None = None) -> str:
    """The model's whole reply, streamed; raises LLMError on any server failure or past the deadline."""
    deadline = time.monotonic() + config.timeout_s
    parts: list[str] = []
    try:
        for chunk in chat_model(config).stream(messages):
            token = chunk.content if isinstance(chunk.content, str) else ""
            if token:
                parts.append(token)
                if on_token is not None:
                    on_token(token)
            if time.monotonic() > deadline:
                raise LLMError(f"{SERVER_FAILED}超过 {config.timeout_s:g} 秒未完成回答")
    except LLMError:
        raise
    except Exception as exc:  # openai/httpx raise many kinds; all mean "no answer from the server"
        raise LLMError(f"{SERVER_FAILED}出错：{type(exc).__name__}: {str(exc)[:200]}") from exc
    return "".join(parts)


def generate(question: str, passages: list[Citation], fallback: Answer, config: LLMConfig,
             on_token: Callable[[str], None] | None = None, guard: GuardConfig | None = None) -> Answer:
    """A generated answer citing `passages` (numbered by id) that passed the guard, else `fallback`
    (the extractive answer) with a warning saying why. Call only for answerable questions."""
    passages = list(passages)[:config.max_passages]
    t0 = time.perf_counter()
    try:
        text = stream_text(build_messages(question, passages, config), config, on_token)
    except LLMError as exc:
        log.warning("LLM failed, extractive answer used: %s", exc)
        return _fall_back(fallback, f"{exc}；以下为原文摘录的回答。", t0)
    result = check(text, passages, guard or GuardConfig())
    if not result.ok:
        log.info("guard rejected the generated answer: %s", result.problems)
        return _fall_back(fallback, f"{GUARD_FAILED}（" + "；".join(result.problems[:3])
                          + "），以下为原文摘录的回答。", t0)
    timings = dict(fallback.timings_ms, llm=round((time.perf_counter() - t0) * 1000, 1))
    return replace(fallback, answer=result.text, citations=result.citations, mode="llm",
                   warnings=result.notes + list(fallback.warnings), timings_ms=timings)


def _fall_back(fallback: Answer, why: str, t0: float) -> Answer:
    timings = dict(fallback.timings_ms, llm=round((time.perf_counter() - t0) * 1000, 1))
    return replace(fallback, warnings=[why, *fallback.warnings], timings_ms=timings)
