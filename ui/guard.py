"""The ASGI layer in front of everything the server exposes: bounded bodies, no Gradio file payloads.

- Every request body is read here, up to a cap (refused on `Content-Length` before reading, and
  reading stops at the cap for chunked bodies); the app then gets the buffered body, so no route
  ever holds more than the cap in memory. Document uploads (`/api/admin/documents/…`) get their own cap.
- Gradio's file upload route is refused outright: no component of ours takes files (documents are
  uploaded through the token-checked API), so nothing unauthenticated is ever stored.
- A Gradio call whose JSON carries a `FileData` object (`{"path": …, "meta": {"_type": "gradio.FileData"}}`)
  is refused before Gradio sees it: Gradio would copy that *server-side* path into its cache
  (`/dev/zero`, a named pipe, `/etc/passwd`) while preprocessing any input, even a Textbox.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PREFIX = "/api/admin/documents/"
_GRADIO_UPLOAD = re.compile(r"(^|/)gradio_api/upload/?$")
FILE_PAYLOAD = "file payloads are not accepted here; staff upload documents on the knowledge-base page"


class _TooLarge(Exception):
    pass


def _json_error(status: int, message: str) -> tuple[int, bytes]:
    return status, json.dumps({"error": message}, ensure_ascii=False).encode()


def carries_file_data(value: Any, limit: int = 100_000) -> bool:
    """Whether a parsed JSON value holds a Gradio FileData-like object anywhere (iterative: no recursion)."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True  # absurdly large structure: treat as hostile
        if isinstance(item, dict):
            meta = item.get("meta")
            if "path" in item and isinstance(meta, dict) and "FileData" in str(meta.get("_type", "")):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class EdgeGuard:
    """Wraps the whole app (outside FastAPI's own middleware) with the limits described above."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    def __getattr__(self, name: str) -> Any:  # `guard.routes`, `guard.state` … reach the wrapped app
        return getattr(self.app, name)

    def cap_for(self, path: str) -> int:
        return self.max_upload_bytes if path.startswith(UPLOAD_PREFIX) else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = re.sub(r"/{2,}", "/", scope.get("path", ""))
        if _GRADIO_UPLOAD.search(path):
            await _respond(send, *_json_error(403, "uploads through the chat are disabled; " + FILE_PAYLOAD))
            return
        cap = self.cap_for(path)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await _respond(send, *_json_error(400, "bad Content-Length"))
                return
            if int(length) > cap:
                await _respond(send, *_json_error(413, f"request body over {cap} bytes"))
                return
        try:
            body, more = await _read_body(receive, cap)
        except _TooLarge:
            await _respond(send, *_json_error(413, f"request body over {cap} bytes"))
            return
        if body and scope.get("method") == "POST" and not path.startswith("/api/") and _hostile_json(body):
            await _respond(send, *_json_error(400, FILE_PAYLOAD))
            return
        await self.app(scope, _replay(body, more, receive), send)


def _hostile_json(body: bytes) -> bool:
    try:
        value = json.loads(body)
    except RecursionError:
        return True
    except (ValueError, UnicodeDecodeError):
        return False  # not JSON: the route answers for itself
    return carries_file_data(value)


async def _read_body(receive: Receive, cap: int) -> tuple[bytes, Message | None]:
    """The request body, read up to `cap` bytes; also a non-body message that arrived instead (disconnect)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, pending: Message | None, receive: Receive) -> Receive:
    """A `receive` that hands the app the buffered body once, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent, pending
        if not sent:
            sent = True
            if pending is None:
                return {"type": "http.request", "body": body, "more_body": False}
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replay


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})
