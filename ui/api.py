"""The HTTP JSON API beside the web UI (`POST /api/ask`, `GET /api/health`, `GET /api/documents`).

`SerialQA` wraps the one PolicyQA object all surfaces share: its calls are not assumed
to be thread-safe, so each runs under one lock, off the event loop.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from corpus.schema import Chunk, Document
from qa.schema import Answer, Citation
from qa.service import InvalidQuestion, PolicyQA

MAX_BODY_BYTES = 1_000_000


class SerialQA:
    """A PolicyQA whose calls run one at a time (ask, upload, delete and re-index share state)."""

    def __init__(self, qa: PolicyQA) -> None:
        self.qa = qa
        self.lock = threading.RLock()

    def check_question(self, question: str) -> str:
        """Raises InvalidQuestion for an empty or over-long question (reads only settings: no lock)."""
        return self.qa.check_question(question)

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = (), mode: str = "extractive",
            on_token: Callable[[str], None] | None = None) -> Answer:  # mode/on_token: issue #10 (llm)
        with self.lock:
            return self.qa.ask(question, history=list(history), mode=mode, on_token=on_token)

    @property
    def llm_configured(self) -> bool:  # issue #10 (llm)
        return self.qa.llm is not None

    def documents(self) -> list[Document]:
        with self.lock:
            return list(self.qa.documents())

    def document(self, doc_id: str) -> Document | None:
        with self.lock:
            return self.qa.document(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        with self.lock:
            return list(self.qa.chunks(doc_id))

    def add_file(self, filename: str, data: bytes) -> Any:
        with self.lock:
            return self.qa.add_file(filename, data)

    def delete_document(self, doc_id: str) -> Any:
        with self.lock:
            return self.qa.delete_document(doc_id)

    def reindex(self) -> Any:
        with self.lock:
            return self.qa.reindex()


def answer_from_dict(d: dict) -> Answer:
    """Rebuild an Answer from `Answer.to_dict()` output (unknown keys are ignored)."""
    cites = [
        Citation(**{k: c[k] for k in Citation.__dataclass_fields__ if k in c})
        for c in d.get("citations") or []
    ]
    fields = {k: d[k] for k in ("warnings", "timings_ms", "rewritten_question", "mode") if k in d}
    return Answer(
        question=str(d.get("question", "")),
        answer=str(d.get("answer", "")),
        answerable=bool(d.get("answerable", True)),
        citations=cites,
        **fields,
    )


def parse_history(raw: Any) -> list[tuple[str, Answer]]:
    """Accept `[{"question": q, "answer": <Answer dict or text>}, ...]` or `[[q, answer], ...]`."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError('"history" must be a list of earlier turns')
    turns = []
    for item in raw:
        if isinstance(item, dict):
            q, a = item.get("question"), item.get("answer")
        elif isinstance(item, list | tuple) and len(item) == 2:
            q, a = item
        else:
            raise ValueError('each history turn must be {"question": ..., "answer": ...} or [question, answer]')
        if not isinstance(q, str):
            raise ValueError("each history turn needs a question string")
        if isinstance(a, dict):
            answer = answer_from_dict(a)
        elif isinstance(a, str):
            answer = Answer(question=q, answer=a, answerable=True)
        else:
            raise ValueError("each history turn needs an answer (text or an Answer object)")
        turns.append((q, answer))
    return turns


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def add_api_routes(app: FastAPI, qa: SerialQA) -> FastAPI:
    """Register the JSON endpoints on `app` (before Gradio is mounted at "/")."""

    @app.post("/api/ask")
    async def ask(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, f"request body over {MAX_BODY_BYTES} bytes")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(400, f'malformed JSON: {exc}; send {{"question": "..."}}')
        if not isinstance(payload, dict):
            return _error(400, 'the body must be a JSON object such as {"question": "..."}')
        question = payload.get("question")
        if not isinstance(question, str):
            return _error(400, 'missing "question" (a string)')
        try:
            history = parse_history(payload.get("history"))
        except (ValueError, TypeError) as exc:
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
        return JSONResponse(answer.to_dict())

    @app.get("/api/health")
    async def health() -> JSONResponse:
        docs = await run_in_threadpool(qa.documents)
        return JSONResponse({"status": "ok", "documents": len(docs)})

    @app.get("/api/documents")
    async def documents() -> JSONResponse:
        docs = await run_in_threadpool(qa.documents)
        return JSONResponse([{"doc_id": d.doc_id, **d.meta.to_dict()} for d in docs])

    return app
