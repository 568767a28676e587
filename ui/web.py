"""The web app: a Gradio chat with a citation panel and source viewer, a knowledge-base tab, and the JSON API.

`build_app()` returns one ASGI app: ui.guard.EdgeGuard around a FastAPI app with `/api/*` (ui.api) and the
Gradio UI mounted at "/". Gradio's function table holds only public, read-only actions (chat, citations,
feedback, the document list): upload, delete and re-index are FastAPI routes behind the admin token,
called by the knowledge-base tab's own small form (see SECURITY.md).
All HTML comes from ui.render, which escapes every piece of document text and every question.
"""

from __future__ import annotations

import logging
import queue
import re
import sys
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from corpus.load import SUPPORTED_SUFFIXES
from qa.schema import Answer
from qa.service import InvalidQuestion, PolicyQA
from ui import render
from ui.api import SerialQA, add_api_routes
from ui.feedback import record
from ui.guard import EdgeGuard
from ui.settings import Settings

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
EXAMPLES = [
    "首轮流片补助多少",
    "MEMS中试平台为企业提供服务有什么奖励",
    "上云上平台服务券每年总额多少",
    "郑科贷的利率怎么定",
]
UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)
VIEW_CLEAN, VIEW_ORIGINAL = "清理后文本", "原始文本"
STREAM_STEP, STREAM_DELAY_S = 6, 0.015
Turns = list[tuple[str, Answer]]

# Clicks on [n] markers / citation cards become a `click` event carrying {cite, turn}.
CITE_CLICK_JS = """
const fire = (e) => {
  const el = e.target.closest('[data-cite]');
  if (!el || !element.contains(el)) return;
  e.preventDefault();
  trigger('click', {cite: Number(el.dataset.cite), turn: Number(el.dataset.turn)});
};
element.addEventListener('click', fire);
element.addEventListener('keydown', (e) => { if (e.key === 'Enter') fire(e); });
"""
# After the viewer re-renders, bring the highlighted clause into view.
SCROLL_TO_MARK_JS = """
const go = () => {
  const m = element.querySelector('#hl-start');
  if (!m) return;
  const box = m.closest('.pq-doc-body');
  if (box) box.scrollTop += m.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  m.scrollIntoView({block: 'nearest'});
};
watch('value', go);
go();
"""


# The knowledge-base form: calls the token-checked /api/admin routes with fetch(); nothing goes through Gradio.
ADMIN_JS = """
const $ = (id) => element.querySelector('#' + id);
const say = (text, kind) => {
  const box = $('pq-kb-status'); box.textContent = '';
  const div = document.createElement('div'); div.className = 'pq-status pq-status-' + kind;
  div.textContent = text; box.appendChild(div);
};
const fillDocs = async () => {
  const docs = await (await fetch('api/documents')).json();
  const sel = $('pq-doc-select'); sel.textContent = '';
  for (const d of docs) { const o = document.createElement('option'); o.value = o.textContent = d.doc_id; sel.appendChild(o); }
};
const call = async (method, url, body) => {
  const token = $('pq-token-input').value;
  if (!token) { say('请先输入管理令牌。', 'err'); return null; }
  const r = await fetch(url, {method, body, headers: {'Authorization': 'Bearer ' + token}});
  let data = {}; try { data = await r.json(); } catch (e) {}
  if (!r.ok) { say(data.error || ('请求失败：HTTP ' + r.status), 'err'); return null; }
  await fillDocs();
  const refresh = document.querySelector('#pq-kb-refresh'); if (refresh) refresh.click();
  return data;
};
const describe = (rep) => rep && rep.added ? `：新增 ${rep.added.length}，更新 ${rep.changed.length}，删除 ${rep.removed.length}，嵌入 ${rep.chunks_embedded} 个分块` : '';
$('pq-upload-btn').addEventListener('click', async () => {
  const files = [...$('pq-file').files];
  if (!files.length) { say('请先选择要上传的文件。', 'info'); return; }
  const replace = $('pq-replace').checked ? '?replace=true' : '';
  for (const f of files) {
    say('正在上传并索引 ' + f.name + ' …（问答照常可用）', 'info');
    const data = await call('PUT', 'api/admin/documents/' + encodeURIComponent(f.name) + replace, f);
    if (!data) return;
    say('上传完成：' + f.name + describe(data.report), 'ok');
  }
});
$('pq-delete-btn').addEventListener('click', async () => {
  const id = $('pq-doc-select').value;
  if (!id) { say('请先选择要删除的文档。', 'info'); return; }
  const data = await call('DELETE', 'api/admin/documents/' + encodeURIComponent(id));
  if (data) say('删除完成：' + id + describe(data.report), 'ok');
});
$('pq-reindex-btn').addEventListener('click', async () => {
  say('正在重新索引…（问答照常可用）', 'info');
  const data = await call('POST', 'api/admin/reindex');
  if (data) say('重新索引完成' + describe(data.report), 'ok');
});
fillDocs();
"""


def _stream_pieces(text: str) -> Iterator[str]:
    """Progressively longer prefixes of `text`, never cutting a [n] marker in half."""
    tokens = re.findall(r"\[\d{1,3}\]|.", text, flags=re.S)
    for i in range(STREAM_STEP, len(tokens), STREAM_STEP):
        yield "".join(tokens[:i])
    yield text


def _short(question: str, limit: int = 200) -> str:
    return question if len(question) <= limit else question[:limit] + "…"


class WebApp:
    """The event handlers behind the Blocks UI, bound to one SerialQA and the settings."""

    def __init__(self, qa: SerialQA, settings: Settings) -> None:
        self.qa = qa
        self.settings = settings

    # ----- chat -----
    def _docs_for(self, answer: Answer) -> dict[str, Any]:
        docs = {}
        for c in answer.citations:
            if c.source not in docs and (doc := self.qa.document(c.source)) is not None:
                docs[c.source] = doc
        return docs

    def _ask_llm(self, question: str, turns: Turns, n: int) -> Generator[tuple, None, Answer]:
        """Issue #10 (llm): ask in mode="llm" on a worker thread, showing the model's draft token by token;
        returns the guarded answer (or the extractive fallback) that replaces the draft."""
        tokens: queue.Queue[str | None] = queue.Queue()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["answer"] = self.qa.ask(question, turns, mode="llm", on_token=tokens.put)
            except Exception as exc:  # re-raised below, in the handler's thread
                box["error"] = exc
            finally:
                tokens.put(None)

        threading.Thread(target=work, daemon=True).start()
        draft, shown = "", 0.0
        placeholder = Answer(question=question, answer="", answerable=True)
        while (token := tokens.get()) is not None:
            draft += token
            if time.monotonic() - shown >= STREAM_DELAY_S * 5:
                shown = time.monotonic()
                html = render.turn_html(n, question, placeholder, f"（模型生成中，完成后逐句核对引用）\n{draft}")
                yield render.transcript(turns, html), gr.skip(), "", turns, gr.skip()
        if "error" in box:
            raise box["error"]
        return box["answer"]

    def chat(self, question: str, turns: Turns, generative: bool = False) -> Iterator[tuple]:
        """Answer `question` (a follow-up of `turns`), streaming the text; yields all outputs.
        `generative` (the switch shown when a model is configured) asks the model, issue #10."""
        question = question or ""
        turns = list(turns or [])
        n = len(turns)
        try:
            self.qa.check_question(question)
            problem = ""
        except InvalidQuestion as exc:
            problem = str(exc)
        if problem:
            yield render.transcript(turns, render.error_html(_short(question), problem)), gr.skip(), question, turns, {"error": problem}
            return
        yield render.transcript(turns, render.turn_html(n, question, None)), gr.skip(), "", turns, gr.skip()
        try:
            if generative:  # issue #10 (llm)
                answer = yield from self._ask_llm(question, turns, n)
            else:
                answer = self.qa.ask(question, turns)
        except InvalidQuestion as exc:
            yield render.transcript(turns, render.error_html(_short(question), str(exc))), gr.skip(), question, turns, {"error": str(exc)}
            return
        except Exception:
            log.exception("ask failed")
            msg = "检索服务暂时不可用（search backend unavailable），请稍后重试；如持续出现请联系管理员。"
            yield render.transcript(turns, render.error_html(_short(question), msg)), gr.skip(), question, turns, {"error": msg}
            return
        for partial in _stream_pieces(answer.answer) if not generative else ():
            yield render.transcript(turns, render.turn_html(n, question, answer, partial)), gr.skip(), "", turns, gr.skip()
            time.sleep(STREAM_DELAY_S)
        turns.append((question, answer))
        panel = render.citation_panel(answer, self._docs_for(answer), n)
        yield render.transcript(turns), panel, "", turns, answer.to_dict()

    def open_citation(self, turns: Turns, view: str, evt: gr.EventData) -> tuple:
        """A click on a citation: show its document with the clause highlighted."""
        data = getattr(evt, "_data", None) or {}
        try:
            turn, cid = int(data.get("turn", len(turns) - 1)), int(data["cite"])
            answer = turns[turn][1]
            cite = next(c for c in answer.citations if c.id == cid)
        except (KeyError, ValueError, TypeError, IndexError, StopIteration):
            return gr.skip(), gr.skip(), gr.skip()
        docs = self._docs_for(answer)
        doc = docs.get(cite.source)
        if doc is None:
            viewer = render.status(f"文档 {cite.source} 已从知识库删除。", "err")
        else:
            viewer = render.source_view(doc, cite.start, cite.end, original=view == VIEW_ORIGINAL)
        return viewer, (turn, cid), render.citation_panel(answer, docs, turn)

    def toggle_view(self, turns: Turns, selected: tuple[int, int] | None, view: str) -> str | Any:
        """Switch the source viewer between cleaned and original text, keeping the highlight."""
        if not selected:
            return gr.skip()
        turn, cid = selected
        try:
            cite = next(c for c in turns[turn][1].citations if c.id == cid)
        except (IndexError, StopIteration):
            return gr.skip()
        doc = self.qa.document(cite.source)
        if doc is None:
            return render.status(f"文档 {cite.source} 已从知识库删除。", "err")
        return render.source_view(doc, cite.start, cite.end, original=view == VIEW_ORIGINAL)

    def feedback(self, turns: Turns, comment: str, rating: int) -> tuple[str, str]:
        """Store 👍 (+1) / 👎 (-1) with the optional comment for the latest answer."""
        if not turns:
            return render.status("请先提问，再评价回答。", "info"), comment
        try:
            record(self.settings.feedback_db, turns[-1][1], rating, comment or "")
        except Exception as exc:  # a read-only home must not break the chat
            log.exception("feedback failed")
            return render.status(f"反馈保存失败：{exc}", "err"), comment
        return render.status("已记录反馈，谢谢！", "ok"), ""

    # ----- knowledge base -----
    @property
    def admin_enabled(self) -> bool:
        return bool(self.settings.admin_token)

    def doc_rows(self) -> list[list[Any]]:
        rows = []
        for d in self.qa.documents():
            m = d.meta
            rows.append([
                d.doc_id, m.title, m.issuer, m.date.isoformat() if m.date else "", m.region, m.doc_type,
                m.valid_until.isoformat() if m.valid_until else "", len(self.qa.chunks(d.doc_id)), len(d.flags),
            ])
        return rows


def build_blocks(qa: SerialQA, settings: Settings) -> gr.Blocks:
    """The Gradio UI: chat tab (transcript, citations, source viewer, feedback) and knowledge-base tab."""
    app = WebApp(qa, settings)
    with gr.Blocks(title="PolicyQA 产业政策问答") as demo:
        turns = gr.State([])
        selected = gr.State(None)
        gr.Markdown("## PolicyQA 产业政策问答\n回答均引用政策原文，点击引用可查看原文并核对。")
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5):
                        chat_html = gr.HTML(
                            render.transcript([]), elem_id="pq-transcript", js_on_load=CITE_CLICK_JS,
                            autoscroll=True, max_height=620, container=True, padding=True,
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="输入问题，例如：首轮流片补助多少", show_label=False, lines=1,
                                elem_id="pq-question", scale=6, autofocus=True,
                            )
                            send = gr.Button("提问", variant="primary", elem_id="pq-send", scale=1, min_width=80)
                        # issue #10 (llm): the switch exists only when a model server is configured
                        generative = gr.Checkbox(
                            value=False, visible=qa.llm_configured, elem_id="pq-generative",
                            label="生成式回答（由模型撰写，逐句核对引用；未通过核对时给出原文摘录）",
                        )
                        gr.Examples(EXAMPLES, inputs=question, label="示例问题")
                        with gr.Row():
                            comment = gr.Textbox(placeholder="对最近一条回答的意见（可选）", show_label=False, scale=4)
                            up = gr.Button("👍 有帮助", elem_id="pq-up", scale=1, min_width=90)
                            down = gr.Button("👎 有问题", elem_id="pq-down", scale=1, min_width=90)
                        fb_status = gr.HTML("", elem_id="pq-feedback-status")
                        new_chat = gr.Button("开始新对话", size="sm", elem_id="pq-new")
                    with gr.Column(scale=4):
                        gr.Markdown("### 引用")
                        cites_html = gr.HTML(
                            render.citation_panel(None, {}), elem_id="pq-citations", js_on_load=CITE_CLICK_JS,
                            max_height=420,
                        )
                        gr.Markdown("### 原文查看")
                        view = gr.Radio([VIEW_CLEAN, VIEW_ORIGINAL], value=VIEW_CLEAN, show_label=False, elem_id="pq-view")
                        source_html = gr.HTML(render.source_view(None), elem_id="pq-source", js_on_load=SCROLL_TO_MARK_JS)
                answer_json = gr.JSON(visible=False)
            with gr.Tab("知识库", id="kb"):
                _kb_tab(app)

        outs = [chat_html, cites_html, question, turns, answer_json]
        send.click(app.chat, [question, turns, generative], outs, api_name="ask", concurrency_limit=8)
        question.submit(app.chat, [question, turns, generative], outs, api_visibility="private", concurrency_limit=8)
        chat_html.click(app.open_citation, [turns, view], [source_html, selected, cites_html], api_visibility="private")
        cites_html.click(app.open_citation, [turns, view], [source_html, selected, cites_html], api_visibility="private")
        view.change(app.toggle_view, [turns, selected, view], source_html, api_visibility="private")
        up.click(lambda t, c: app.feedback(t, c, 1), [turns, comment], [fb_status, comment], api_visibility="private")
        down.click(lambda t, c: app.feedback(t, c, -1), [turns, comment], [fb_status, comment], api_visibility="private")
        new_chat.click(
            lambda: (render.transcript([]), render.citation_panel(None, {}), render.source_view(None), [], None, ""),
            None, [chat_html, cites_html, source_html, turns, selected, fb_status], api_visibility="private",
        )
    return demo


def _admin_form() -> str:
    """The staff form (static HTML; the token stays in the page and goes out only as a request header)."""
    accept = ",".join(UPLOAD_TYPES)
    return f"""
<div class="pq-admin">
  <label>管理令牌 <input type="password" id="pq-token-input" autocomplete="off"></label>
  <div><input type="file" id="pq-file" multiple accept="{accept}">
    <label><input type="checkbox" id="pq-replace"> 替换同名文档</label>
    <button type="button" id="pq-upload-btn" class="lg primary">上传并索引</button></div>
  <div><select id="pq-doc-select" aria-label="选择文档"></select>
    <button type="button" id="pq-delete-btn" class="lg stop">删除所选文档</button>
    <button type="button" id="pq-reindex-btn" class="lg secondary">重新索引</button></div>
  <div id="pq-kb-status" role="status"></div>
</div>"""


def _kb_tab(app: WebApp) -> None:
    enabled = app.admin_enabled
    note = (
        "上传、删除和重新索引需要管理令牌；问答功能在操作期间照常可用。同名文档须勾选“替换同名文档”才会被替换。"
        if enabled
        else "⚠ 管理功能已停用：服务器未配置环境变量 `POLICYQA_ADMIN_TOKEN`。设置后重启服务即可上传、删除和重新索引文档。"
    )
    gr.Markdown(note)
    headers = ["文件", "标题", "发文机关", "日期", "地区", "类型", "有效期至", "分块数", "标记"]
    table = gr.Dataframe(value=app.doc_rows(), headers=headers, interactive=False, wrap=True, elem_id="pq-docs")
    refresh = gr.Button("刷新列表", size="sm", elem_id="pq-kb-refresh")
    refresh.click(app.doc_rows, None, table, api_visibility="private")
    if enabled:
        gr.HTML(_admin_form(), elem_id="pq-admin", js_on_load=ADMIN_JS)


def theme() -> gr.themes.Base:
    cjk = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Sans Pro", "sans-serif"]
    return gr.themes.Default(font=cjk, font_mono=["Noto Sans Mono CJK SC", "monospace"])


def build_app(qa: PolicyQA | SerialQA, settings: Settings) -> EdgeGuard:
    """The JSON API under /api and the Gradio UI at "/" (sharing one PolicyQA), behind EdgeGuard."""
    sqa = qa if isinstance(qa, SerialQA) else SerialQA(qa, cache_size=settings.answer_cache)
    api = add_api_routes(
        FastAPI(title="PolicyQA", docs_url="/api/docs", openapi_url="/api/openapi.json"), sqa,
        admin_token=settings.admin_token, max_history_turns=settings.max_history_turns,
        max_question_chars=settings.max_question_chars,
    )
    demo = build_blocks(sqa, settings)
    demo.queue(default_concurrency_limit=4)
    app = gr.mount_gradio_app(
        api, demo, path="/", theme=theme(), css_paths=[STATIC / "policyqa.css"], footer_links=["api"],
    )
    # Mounted apps are never `launch`ed, which turns off Gradio's own "a file input must have been
    # uploaded to the cache" check; say it was launched so that check holds too (EdgeGuard is the first line).
    demo.has_launched = True
    return EdgeGuard(app, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_document_bytes)


def open_qa(settings: Settings, *, progress: bool = True) -> PolicyQA:
    """Construct and open the PolicyQA described by `settings` (builds the index on first run)."""
    return PolicyQA.from_settings(settings).open(progress=progress, warm_up=True)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Open the corpus and index (with progress on the console), then serve the UI and API until stopped."""
    import uvicorn

    print(f"PolicyQA: 加载语料 {settings.corpus_dir}（首次运行会建立索引，请稍候）…", file=sys.stderr, flush=True)
    qa = open_qa(settings, progress=True)
    for warning in qa.warnings:
        print(f"注意：{warning}", file=sys.stderr, flush=True)
    app = build_app(qa, settings)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    print(f"PolicyQA 已就绪：{url}  （JSON API：POST {url}api/ask）", flush=True)
    if not settings.admin_token:
        print("提示：未设置 POLICYQA_ADMIN_TOKEN，知识库管理功能已停用。", file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
