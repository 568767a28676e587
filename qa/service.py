"""The one object the surfaces talk to: a corpus folder, its index, and question answering over it.

Readers never wait for writers: an answer reads one immutable `_State` (documents, term weights,
retriever); a write (upload, delete, re-index) builds the next state aside and swaps it in under
`_lock`, which is held only for that assignment. `_write_lock` only orders writers among themselves.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES, LoadFailure
from corpus.pipeline import chunk_document, load_document
from corpus.schema import Chunk, Document, LoadError
from index.corpus_cache import CORPUS_CACHE, load_corpus_cached
from index.embed import ensure_model, make_embeddings
from index.store import PolicyIndex, SyncReport
from qa.config import AnswerConfig
from qa.followup import rewrite
from qa.gate import GateModel
from qa.llm import LLMConfig, generate, passages_from
from qa.pipeline import AnswerPipeline, Trace
from qa.retriever import Candidate
from qa.schema import Answer
from qa.screen import screen_question

log = logging.getLogger(__name__)


class InvalidQuestion(ValueError):
    """An empty, over-long or nonsense question; the message says what to do."""


class InvalidDocument(ValueError):
    """An upload that cannot become part of the corpus; the message says why."""


class DocumentExists(InvalidDocument):
    """An upload whose name is already in the corpus, sent without `replace`."""


class ReadOnlyIndex(RuntimeError):
    """A write asked of an index folder this process may not write."""


@dataclass(frozen=True)
class _State:
    """What answering reads: built whole, never changed, replaced by the next one."""

    docs: dict[str, Document] = field(default_factory=dict)
    pipeline: AnswerPipeline | None = None
    load_errors: list[LoadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    generation: str | None = None  # the index generation this state was built for


class PolicyQA:
    """Loads the corpus, keeps the index in sync with it and answers questions.

    Construction is cheap; `open()` loads the corpus, the embedding model and the
    index, syncing the index incrementally with the corpus folder (`sync=False`: serve the
    index as it is). A read-only index folder is served as it is, with a warning.
    """

    def __init__(
        self,
        corpus_dir: Path | None,
        db_dir: Path,
        model_dir: Path,
        *,
        embedder: str = "e5-small",
        chroma_url: str = "",
        max_question_chars: int = 500,
        max_document_bytes: int = 20 * 1024 * 1024,
        max_document_chunks: int = 5000,
        today: date | None = None,
        config: AnswerConfig | None = None,
        llm: LLMConfig | None = None,
    ) -> None:
        self.corpus_dir = Path(corpus_dir) if corpus_dir is not None else None  # None: a stateless reader
        self.db_dir = Path(db_dir)
        self.model_dir = Path(model_dir)
        self.embedder = embedder
        self.chroma_url = chroma_url
        self.max_question_chars = max_question_chars
        self.max_document_bytes = max_document_bytes
        self.max_document_chunks = max_document_chunks
        self.today = today
        self.config = config or AnswerConfig.with_overrides(dict(os.environ))  # POLICYQA_QA_<FIELD> tunes a desk
        self.llm = llm  # a model server for mode="llm"; None: extractive only
        self.last_sync: SyncReport | None = None
        self.read_only = False
        self._index: PolicyIndex | None = None
        self._state = _State()
        self._lock = threading.Lock()  # held only to swap `_state`
        self._write_lock = threading.Lock()  # one writer at a time (readers never take it)

    @classmethod
    def from_settings(cls, settings) -> PolicyQA:
        return cls(settings.corpus_dir, settings.db_dir, settings.model_dir, embedder=settings.embedder,
                   chroma_url=settings.chroma_url, max_question_chars=settings.max_question_chars,
                   max_document_bytes=settings.max_document_bytes,
                   max_document_chunks=settings.max_document_chunks,
                   llm=settings.llm)

    def open(self, *, progress: bool = True, sync: bool = True, warm_up: bool = False) -> PolicyQA:
        """Load model, index and corpus; sync the index first unless `sync=False` (or it is read-only).

        Without a corpus folder (a stateless worker) everything is read from the Chroma server.
        """
        if self.corpus_dir is None and not self.chroma_url:
            raise ValueError("a worker without a corpus folder reads the index from a Chroma server: "
                             "set POLICYQA_CHROMA_URL (or pass --corpus DIR)")
        if self.corpus_dir is not None and not self.corpus_dir.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {self.corpus_dir} (pass --corpus DIR)")
        embeddings = make_embeddings(self.embedder, ensure_model(self.model_dir))
        self._index = PolicyIndex(self.db_dir, embeddings, chroma_url=self.chroma_url)
        # a server warms its models in the background so the first question is not slow; a short-lived command
        # must not (a daemon thread still inside native code at exit aborts the process)
        warm = threading.Thread(target=self._index.warm_up if warm_up else (lambda: None), name="policyqa-warm-up",
                                daemon=True)
        if self.corpus_dir is None:
            self._follow_index()
            warm.start()
            return self
        self.read_only = not _writable(self.db_dir)
        if not self.read_only and (sync or self._index.generation is None):
            try:
                self.reindex(progress=progress)
                warm.start()
                return self
            except OSError as exc:  # a folder that looked writable but is not (permissions, read-only mount)
                if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                log.debug("sync refused: %s", exc)
                self.read_only = True
        if self._index.generation is None:
            raise ReadOnlyIndex(f"no index in {self.db_dir} and the folder is not writable; "
                                "run `policyqa index` where it can be written")
        state = self._build_state(sync=False, progress=progress)
        if self.read_only:
            state.warnings.insert(0, f"索引文件夹 {self.db_dir} 只读：按现有索引回答，上传、删除和重新索引已停用。")
            log.warning("index folder %s is read-only: serving the existing index without syncing", self.db_dir)
        self._swap_in(state)
        warm.start()
        return self

    @property
    def load_errors(self) -> list[LoadError]:
        return self._state.load_errors

    @property
    def warnings(self) -> list[str]:
        """Things an operator should know about the served index (read-only, stale documents)."""
        return self._state.warnings

    def reindex(self, *, progress: bool = False) -> SyncReport:
        """Reload the corpus folder and bring the index in line with it (only changed documents are embedded).

        Answers keep coming from the current state while the new one is built.
        """
        if self.corpus_dir is None:
            raise InvalidDocument("this worker has no corpus folder: re-index through one that has")
        self._require_writable()
        with self._write_lock:
            state = self._build_state(sync=True, progress=progress)
            self._swap_in(state)
            return self.last_sync  # type: ignore[return-value]

    def _build_state(self, *, sync: bool, progress: bool) -> _State:
        """Load the corpus and (with `sync`) bring the index up to date; touches no served state but the index."""
        index = self._require_index()
        docs, chunks, errors = self._load_corpus(progress=progress)
        warnings: list[str] = []
        if sync:
            docs, chunks, errors = self._within_caps(docs, chunks, errors)
            self.last_sync = index.sync(docs, chunks, progress=progress)
        else:  # serve what is indexed: documents whose file changed since wait for the next sync
            indexed = index.doc_hashes()
            stale = sorted(d.doc_id for d in docs if indexed.get(d.doc_id) != d.content_hash)
            if stale:
                warnings.append(f"{len(stale)} 个文档在上次索引后有改动，暂不参与回答（运行 policyqa index 更新）："
                                + _names(stale))
            chunks = {d.doc_id: index.chunks(d.doc_id) for d in docs if d.doc_id not in stale}
            # an index written by another PolicyQA version may hold clauses cut from a differently cleaned text
            outdated = sorted(d.doc_id for d in docs if d.doc_id in chunks and not chunks_fit(d, chunks[d.doc_id]))
            if outdated:
                warnings.append(f"{len(outdated)} 个文档的索引由另一版本的 PolicyQA 建立，与现在读出的原文不一致，"
                                "暂不参与回答（运行 policyqa index 更新）：" + _names(outdated))
            docs = [d for d in docs if d.doc_id in chunks and d.doc_id not in outdated]
            chunks = {d.doc_id: chunks[d.doc_id] for d in docs}
        return self._state_for(docs, chunks, errors, warnings, index.generation)

    def _state_for(self, docs: list[Document], chunks: dict[str, list[Chunk]], errors: list[LoadError],
                   warnings: list[str], generation: str | None) -> _State:
        by_id = {d.doc_id: d for d in docs}
        pipeline = AnswerPipeline(self._require_index(), by_id, lambda doc_id: chunks.get(doc_id, []),
                                  GateModel.load(self.db_dir), self.config, self.today)
        return _State(by_id, pipeline, errors, warnings, generation)

    def _within_caps(
        self, docs: list[Document], chunks: dict[str, list[Chunk]], errors: list[LoadError]
    ) -> tuple[list[Document], dict[str, list[Chunk]], list[LoadError]]:
        """Leave out documents over the size or chunk caps (reported by name, like unreadable files)."""
        kept, errors = [], list(errors)
        for d in docs:
            if problem := self._cap_problem(d.doc_id, _size(d.path), len(chunks[d.doc_id])):
                errors.append(LoadError(d.path, problem))
                del chunks[d.doc_id]
            else:
                kept.append(d)
        return kept, chunks, errors

    def _cap_problem(self, name: str, size: int, n_chunks: int | None) -> str:
        if size > self.max_document_bytes:
            return (f"{name} 太大（{size / 1e6:.1f} MB，上限 {self.max_document_bytes / 1e6:.1f} MB，"
                    "POLICYQA_MAX_DOCUMENT_BYTES）：请拆分后再上传")
        if n_chunks is not None and n_chunks > self.max_document_chunks:
            return (f"{name} 切分出 {n_chunks} 个条款，超过上限 {self.max_document_chunks}"
                    "（POLICYQA_MAX_DOCUMENT_CHUNKS）：请拆分后再上传")
        return ""

    def _swap_in(self, state: _State) -> None:
        with self._lock:
            self._state = state

    @property
    def version(self) -> tuple[int, str | None]:
        """Changes whenever answers could change (a new state here, or a generation published elsewhere)."""
        return id(self._state), self._require_index().generation

    @contextmanager
    def _read(self) -> Iterator[_State]:
        """The state one answer reads from start to end (no lock: states are immutable)."""
        yield self._state

    def _follow_index(self) -> None:
        """With a Chroma server, rebuild the served state when any worker has published a new generation."""
        index = self._require_index()
        if not self.chroma_url or index.generation == self._state.generation:
            return
        if not self._write_lock.acquire(blocking=False):
            return  # a write here is building the next state: keep answering from the current one
        try:
            generation = index.generation
            if generation != self._state.generation:
                docs = sorted(index.documents().values(), key=lambda d: d.doc_id)
                chunks = {d.doc_id: index.chunks(d.doc_id) for d in docs}
                self._swap_in(self._state_for(docs, chunks, [], [], generation))
        finally:
            self._write_lock.release()

    def _load_corpus(self, *, progress: bool = False) -> tuple[list[Document], dict[str, list[Chunk]], list[LoadError]]:
        """The corpus folder's documents and chunks; unchanged files come from the cache in the index folder."""
        assert self.corpus_dir is not None
        loaded = load_corpus_cached(self.corpus_dir, self.db_dir / CORPUS_CACHE, progress=progress)
        return loaded.docs, loaded.chunks, loaded.errors

    def _require_index(self) -> PolicyIndex:
        if self._index is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._index

    @property
    def pipeline(self) -> AnswerPipeline:
        """The answer pipeline of the state being served (parse → places → retrieve → gate → compose)."""
        if self._state.pipeline is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._state.pipeline

    def _require_writable(self) -> None:
        if self.corpus_dir is None:
            raise ReadOnlyIndex("这个服务进程没有语料文件夹（只读工作进程）：请通过有语料文件夹的进程上传、删除或重新索引。")
        if self.read_only:
            raise ReadOnlyIndex(f"索引文件夹 {self.db_dir} 只读：不能上传、删除或重新索引。")

    # --- questions -------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InvalidQuestion("问题为空：请输入一个关于政策的问题，例如“首轮流片补助多少”。")
        if len(question) > self.max_question_chars:
            raise InvalidQuestion(
                f"问题太长（{len(question)} 字，上限 {self.max_question_chars} 字）：请只保留要问的内容。")
        if problem := screen_question(question):
            raise InvalidQuestion(problem)
        return question

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = (), mode: str = "extractive",
            on_token: Callable[[str], None] | None = None) -> Answer:
        """Answer `question`; `history` holds earlier (question, answer) turns for follow-ups.
        mode="llm" has the configured model write the answer from the retrieved clauses (streamed to
        `on_token`), guarded against its citations; it falls back to the extractive answer.

        Raises InvalidQuestion for an empty, over-long or nonsense question.
        """
        question = self.check_question(question)
        self._follow_index()
        previous = history[-1][1].rewritten_question or history[-1][0] if history else ""
        standalone = rewrite(question, previous) if previous else question
        with self._read() as state:
            if state.pipeline is None:
                raise RuntimeError("PolicyQA.open() must be called first")
            answer, trace = state.pipeline.run_traced(standalone)
        answer.question = question
        if standalone != question:
            answer.rewritten_question = standalone
        # the generative path (issue #10): only for an answerable question, guarded, falls back to `answer`
        if mode == "llm" and self.llm is None:
            answer.warnings.append("未配置模型服务（POLICYQA_LLM_BASE_URL），以下为原文摘录的回答。")
        elif mode == "llm" and answer.answerable and trace.found and trace.found.candidates:
            total = answer.timings_ms.get("total", 0.0)
            t0 = time.perf_counter()
            answer = generate(standalone, passages_from(trace.found.candidates), answer, self.llm, on_token)
            answer.timings_ms["total"] = round(total + (time.perf_counter() - t0) * 1000, 1)
        return answer

    def trace(self, question: str) -> Trace:
        """Everything the pipeline sees before deciding (evaluation and calibration use it)."""
        return self.pipeline.prepare(question)

    def search(self, question: str) -> list[Candidate]:
        """Ranked candidate passages for a question (what `ask` composes from), for evaluation."""
        self._follow_index()
        found = self.trace(question).found
        return found.candidates if found else []

    # --- documents -------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return list(self._state.docs.values())

    def document(self, doc_id: str) -> Document | None:
        return self._state.docs.get(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return self._require_index().chunks(doc_id)

    def add_file(self, filename: str, data: bytes, *, replace: bool = False) -> SyncReport:
        """Validate an uploaded document, store it in the corpus folder and re-index.

        A name already in the corpus is refused unless `replace`; the old file comes back if
        indexing the new one fails, and answers cite the old version until the new one is live.
        """
        name = Path(filename).name
        if not re.fullmatch(r"[^/\\\x00-\x1f]{1,200}", name) or name.startswith(".") or name != filename:
            raise InvalidDocument(f"文件名不可用：{filename[:100]!r}")
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InvalidDocument(f"不支持的文件类型：{name}（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
        if problem := self._cap_problem(name, len(data), None):
            raise InvalidDocument(problem)
        self._require_writable()
        target = self.corpus_dir / name
        with self._write_lock:
            if target.exists() and not replace:
                raise DocumentExists(f"知识库中已有 {name}：如要用新文件替换它，请勾选“替换同名文档”后再上传。")
            staging = self.corpus_dir / f".upload-{os.getpid()}-{threading.get_ident()}-{name}"
            staging.write_bytes(data)
            try:
                try:
                    doc = load_document(staging, None, doc_id=name)
                except LoadFailure as exc:
                    raise InvalidDocument(f"{name}：{exc}") from exc
                if problem := self._cap_problem(name, len(data), len(chunk_document(doc))):
                    raise InvalidDocument(problem)
                with _restored_on_failure(target):
                    staging.replace(target)
                    return self._reindex_locked()
            finally:
                staging.unlink(missing_ok=True)

    def delete_document(self, doc_id: str) -> SyncReport:
        """Remove a document from the corpus folder and the index; it is never cited again."""
        self._require_writable()
        with self._write_lock:
            doc = self._state.docs.get(doc_id)
            path = Path(doc.path) if doc is not None else None
            if path is None or not path.is_file() or self.corpus_dir.resolve() not in path.resolve().parents:
                raise InvalidDocument(f"没有这个文档：{doc_id}")
            with _restored_on_failure(path):
                path.unlink()
                return self._reindex_locked()

    def _reindex_locked(self) -> SyncReport:
        state = self._build_state(sync=True, progress=False)
        self._swap_in(state)
        return self.last_sync  # type: ignore[return-value]


@contextmanager
def _restored_on_failure(path: Path) -> Iterator[None]:
    """Keep a copy of `path` for the block: if the block fails, the file is as it was before."""
    backup = path.with_name(f".restore-{os.getpid()}-{path.name}")
    had = path.is_file()
    if had:
        shutil.copy2(path, backup)
    try:
        yield
    except BaseException:
        if had:
            os.replace(backup, path)
        else:
            path.unlink(missing_ok=True)
        raise
    else:
        backup.unlink(missing_ok=True)


def _writable(db_dir: Path) -> bool:
    """Whether this process could write the index folder (or create it)."""
    folder = db_dir
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK) and (not (db_dir / ".lock").exists()
                                                     or os.access(db_dir / ".lock", os.W_OK))


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def chunks_fit(doc: Document, chunks: list[Chunk]) -> bool:
    """Are `chunks` (as indexed) still pieces of `doc`'s text (as read now)? Citations quote by offset."""
    return all(c.end <= len(doc.text) and doc.text[c.start:c.end] == c.display_text for c in chunks)


def _names(doc_ids: list[str]) -> str:
    return "、".join(doc_ids[:5]) + ("…" if len(doc_ids) > 5 else "")
