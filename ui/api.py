"""The HTTP JSON API beside the web UI: `POST /api/ask`, `GET /api/health`, `GET /api/documents`, and the
staff routes `PUT|DELETE /api/admin/documents/{name}`, `POST /api/admin/reindex` (Bearer admin token).

Bodies reach these routes already bounded by ui.guard.EdgeGuard; every field is checked here, and
a 400 names the field, never Python's error text.
"""

from __future__ import annotations

import copy
import hmac
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from corpus.schema import Chunk, Document
from qa.schema import Answer, Citation
from qa.service import DocumentExists, InvalidDocument, InvalidQuestion, PolicyQA, ReadOnlyIndex

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 20_000  # an earlier answer sent back as history
MAX_HISTORY_CITATIONS = 50


class SerialQA:
    """The one PolicyQA all surfaces share. No lock here: PolicyQA answers from an immutable state
    and swaps in the next one when a write finishes, so questions never wait for uploads.

    Questions asked without history are answered from a small LRU cache (`cache_size` entries, 0: off)
    keyed on the question, the day (validity warnings) and `PolicyQA.version`, so any write empties it.
    """

    def __init__(self, qa: PolicyQA, cache_size: int = 0) -> None:
        self.qa = qa
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple, Answer] = OrderedDict()
        self._cache_lock = threading.Lock()  # guards the dict only, never held while answering

    def check_question(self, question: str) -> str:
        """Raises InvalidQuestion for an empty, over-long or nonsense question."""
        return self.qa.check_question(question)

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = (), mode: str = "extractive",
            on_token: Callable[[str], None] | None = None) -> Answer:
        if history or not self.cache_size or mode != "extractive":
            return self.qa.ask(question, history=list(history), mode=mode, on_token=on_token)
        key = (question.strip(), date.today(), self.qa.version)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            answer = copy.deepcopy(hit)
            answer.timings_ms = {"retrieve": 0.0, "total": 0.0, "cached": 1.0}
            return answer
        answer = self.qa.ask(question)
        with self._cache_lock:
            self._cache[key] = copy.deepcopy(answer)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return answer

    @property
    def llm_configured(self) -> bool:
        return self.qa.llm is not None

    def documents(self) -> list[Document]:
        return list(self.qa.documents())

    def document(self, doc_id: str) -> Document | None:
        return self.qa.document(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return list(self.qa.chunks(doc_id))

    def add_file(self, filename: str, data: bytes, *, replace: bool = False) -> Any:
        return self.qa.add_file(filename, data, replace=replace)

    def delete_document(self, doc_id: str) -> Any:
        return self.qa.delete_document(doc_id)

    def reindex(self) -> Any:
        return self.qa.reindex()


class BadRequest(ValueError):
    """A request field that is missing or of the wrong shape; the message names it."""


def _typed(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequest(f"{what} has the wrong type")
    return value


def answer_from_dict(d: dict, max_chars: int = MAX_ANSWER_CHARS) -> Answer:
    """Rebuild an Answer from `Answer.to_dict()` output, checking every field's type (unknown keys are ignored)."""
    text = _typed(d.get("answer", ""), str, "history answer")
    if len(text) > max_chars:
        raise BadRequest(f"a history answer is over {max_chars} characters")
    rewritten = d.get("rewritten_question") or ""
    raw_cites = _typed(d.get("citations") or [], list, "history citations")
    if len(raw_cites) > MAX_HISTORY_CITATIONS:
        raise BadRequest(f"a history answer has over {MAX_HISTORY_CITATIONS} citations")
    cites = []
    for c in raw_cites:
        _typed(c, dict, "a history citation")
        fields = {}
        for name, f in Citation.__dataclass_fields__.items():
            if name in c:
                kind = {"int": int, "float": (int, float), "str": str, "bool": bool}.get(str(f.type), str)
                fields[name] = _typed(c[name], kind, f"citation field {name!r}")
        try:
            cites.append(Citation(**fields))
        except TypeError:
            raise BadRequest("a history citation lacks required fields") from None
    warnings = _typed(d.get("warnings") or [], list, "history warnings")
    return Answer(
        question=_typed(d.get("question", ""), str, "history question"),
        answer=text,
        answerable=_typed(d.get("answerable", True), bool, "history answerable"),
        citations=cites,
        warnings=[_typed(w, str, "a history warning")[:1000] for w in warnings[:20]],
        rewritten_question=_typed(rewritten, str, "history rewritten_question")[:max_chars],
    )


def parse_history(raw: Any, max_turns: int = 20, max_question_chars: int = 500) -> list[tuple[str, Answer]]:
    """Accept `[{"question": q, "answer": <Answer dict or text>}, ...]` or `[[q, answer], ...]`, bounded."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRequest('"history" must be a list of earlier turns')
    if len(raw) > max_turns:
        raise BadRequest(f'"history" holds {len(raw)} turns; at most {max_turns} are accepted')
    turns = []
    for item in raw:
        if isinstance(item, dict):
            q, a = item.get("question"), item.get("answer")
        elif isinstance(item, list) and len(item) == 2:
            q, a = item
        else:
            raise BadRequest('each history turn must be {"question": ..., "answer": ...} or [question, answer]')
        if not isinstance(q, str):
            raise BadRequest("each history turn needs a question string")
        if len(q) > max_question_chars:
            raise BadRequest(f"a history question is over {max_question_chars} characters")
        if isinstance(a, dict):
            answer = answer_from_dict(a)
        elif isinstance(a, str):
            if len(a) > MAX_ANSWER_CHARS:
                raise BadRequest(f"a history answer is over {MAX_ANSWER_CHARS} characters")
            answer = Answer(question=q, answer=a, answerable=True)
        else:
            raise BadRequest("each history turn needs an answer (text or an Answer object)")
        turns.append((q, answer))
    return turns


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _report(result: Any) -> dict:
    try:
        return asdict(result)
    except TypeError:
        return {}


def add_api_routes(
    app: FastAPI, qa: SerialQA, *, admin_token: str = "", max_history_turns: int = 20, max_question_chars: int = 500
) -> FastAPI:
    """Register the JSON endpoints on `app` (before Gradio is mounted at "/")."""

    @app.post("/api/ask")
    async def ask(request: Request) -> JSONResponse:
        if _media_type(request) != "application/json":
            return _error(415, 'send Content-Type: application/json with a body such as {"question": "..."}')
        body = await request.body()  # bounded by EdgeGuard
        try:
            payload = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            return _error(400, "malformed JSON: the body is not UTF-8 text")
        except json.JSONDecodeError as exc:
            return _error(400, f'malformed JSON at line {exc.lineno} column {exc.colno}; send {{"question": "..."}}')
        except RecursionError:
            return _error(400, "malformed JSON: nested too deeply")
        if not isinstance(payload, dict):
            return _error(400, 'the body must be a JSON object such as {"question": "..."}')
        question = payload.get("question")
        if not isinstance(question, str):
            return _error(400, 'missing "question" (a string)')
        try:
            history = parse_history(payload.get("history"), max_history_turns, max_question_chars)
        except BadRequest as exc:
            return _error(400, f"bad history: {exc}")
        # --- issue #10 (llm): "mode": "llm" has the configured model write the answer ---
        mode = payload.get("mode", "extractive")
        if mode not in ("extractive", "llm"):
            return _error(400, '"mode" must be "extractive" or "llm"')
        if mode == "llm" and not qa.llm_configured:
            return _error(400, 'no model server is configured (POLICYQA_LLM_BASE_URL); use "mode": "extractive"')
        # --- end issue #10 ---
        try:
            answer = await run_in_threadpool(qa.ask, question, history, mode)
        except InvalidQuestion as exc:
            return _error(400, str(exc))
        except Exception:
            log.exception("ask failed")
            return _error(503, "search backend unavailable: please try again shortly")
        return JSONResponse(answer.to_dict())

    @app.get("/api/health")
    async def health() -> JSONResponse:
        docs = await run_in_threadpool(qa.documents)
        return JSONResponse({"status": "ok", "documents": len(docs)})

    @app.get("/api/documents")
    async def documents() -> JSONResponse:
        docs = await run_in_threadpool(qa.documents)
        return JSONResponse([{"doc_id": d.doc_id, **d.meta.to_dict()} for d in docs])

    def refused(request: Request) -> JSONResponse | None:
        """None for a request carrying the admin token; checked before any body is read."""
        if not admin_token:
            return _error(403, "admin is disabled: the server has no POLICYQA_ADMIN_TOKEN")
        sent = request.headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), admin_token.encode()):
            return _error(401, "a valid admin token is required (Authorization: Bearer TOKEN)")
        return None

    async def admin(action: Any, *args: Any, **kw: Any) -> JSONResponse:
        try:
            result = await run_in_threadpool(action, *args, **kw)
        except DocumentExists as exc:
            return _error(409, str(exc))
        except InvalidDocument as exc:
            return _error(400, str(exc))
        except ReadOnlyIndex as exc:
            return _error(403, str(exc))
        except Exception:
            log.exception("admin action failed")
            return _error(500, "the action failed and nothing was changed; see the server log")
        return JSONResponse({"status": "ok", "report": _report(result)})

    @app.put("/api/admin/documents/{name}")
    async def upload(name: str, request: Request, replace: bool = False) -> JSONResponse:
        if problem := refused(request):
            return problem
        data = await request.body()  # bounded by EdgeGuard (max_document_bytes)
        return await admin(qa.add_file, name, data, replace=replace)

    @app.delete("/api/admin/documents/{name}")
    async def delete(name: str, request: Request) -> JSONResponse:
        if problem := refused(request):
            return problem
        return await admin(qa.delete_document, name)

    @app.post("/api/admin/reindex")
    async def reindex(request: Request) -> JSONResponse:
        if problem := refused(request):
            return problem
        return await admin(qa.reindex)

    return app
