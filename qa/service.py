"""The one object the surfaces talk to: a corpus folder, its index, and question answering over it."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES, LoadFailure
from corpus.pipeline import chunk_document, load_corpus, load_document
from corpus.schema import Chunk, Document, LoadError
from index.embed import ensure_model, make_embeddings
from index.store import PolicyIndex, SyncReport
from qa.config import AnswerConfig
from qa.followup import rewrite
from qa.gate import GateModel
from qa.pipeline import AnswerPipeline, Trace
from qa.retriever import Candidate
from qa.schema import Answer


class InvalidQuestion(ValueError):
    """An empty or over-long question; the message says what to do."""


class InvalidDocument(ValueError):
    """An upload that cannot become part of the corpus; the message says why."""


class PolicyQA:
    """Loads the corpus, keeps the index in sync with it and answers questions.

    Construction is cheap; `open()` loads the corpus, the embedding model and the
    index, syncing the index incrementally with the corpus folder.
    """

    def __init__(
        self,
        corpus_dir: Path,
        db_dir: Path,
        model_dir: Path,
        *,
        embedder: str = "e5-small",
        chroma_url: str = "",
        max_question_chars: int = 500,
        today: date | None = None,
        config: AnswerConfig | None = None,
    ) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.db_dir = Path(db_dir)
        self.model_dir = Path(model_dir)
        self.embedder = embedder
        self.chroma_url = chroma_url
        self.max_question_chars = max_question_chars
        self.today = today
        self.config = config or AnswerConfig()
        self.load_errors: list[LoadError] = []
        self.last_sync: SyncReport | None = None
        self._docs: dict[str, Document] = {}
        self._index: PolicyIndex | None = None
        self._pipeline: AnswerPipeline | None = None
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings) -> PolicyQA:
        return cls(settings.corpus_dir, settings.db_dir, settings.model_dir, embedder=settings.embedder,
                   chroma_url=settings.chroma_url, max_question_chars=settings.max_question_chars)

    def open(self, *, progress: bool = True) -> PolicyQA:
        if not self.corpus_dir.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {self.corpus_dir} (pass --corpus DIR)")
        embeddings = make_embeddings(self.embedder, ensure_model(self.model_dir))
        self._index = PolicyIndex(self.db_dir, embeddings, chroma_url=self.chroma_url)
        self.reindex(progress=progress)
        return self

    def reindex(self, *, progress: bool = False) -> SyncReport:
        """Reload the corpus folder and bring the index in line with it (only changed documents are embedded)."""
        with self._lock:
            docs, errors = load_corpus(self.corpus_dir)
            chunks = {d.doc_id: chunk_document(d) for d in docs}
            self.last_sync = self._require_index().sync(docs, chunks, progress=progress)
            self.load_errors = errors
            self._docs = {d.doc_id: d for d in docs}
            self._pipeline = AnswerPipeline(self._require_index(), self._docs, self.chunks,
                                            GateModel.load(self.db_dir), self.config, self.today)
            return self.last_sync

    def _require_index(self) -> PolicyIndex:
        if self._index is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._index

    @property
    def pipeline(self) -> AnswerPipeline:
        if self._pipeline is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._pipeline

    # --- questions -------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InvalidQuestion("问题为空：请输入一个关于政策的问题，例如“首轮流片补助多少”。")
        if len(question) > self.max_question_chars:
            raise InvalidQuestion(
                f"问题太长（{len(question)} 字，上限 {self.max_question_chars} 字）：请只保留要问的内容。")
        return question

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = ()) -> Answer:
        """Answer `question`; `history` holds earlier (question, answer) turns for follow-ups.

        Raises InvalidQuestion for an empty or over-long question.
        """
        question = self.check_question(question)
        previous = history[-1][1].rewritten_question or history[-1][0] if history else ""
        standalone = rewrite(question, previous) if previous else question
        with self._lock:
            answer = self.pipeline.run(standalone)
        answer.question = question
        if standalone != question:
            answer.rewritten_question = standalone
        return answer

    def trace(self, question: str) -> Trace:
        """Everything the pipeline sees before deciding (evaluation and calibration use it)."""
        with self._lock:
            return self.pipeline.prepare(question)

    def search(self, question: str) -> list[Candidate]:
        """Ranked candidate passages for a question (what `ask` composes from), for evaluation."""
        found = self.trace(question).found
        return found.candidates if found else []

    # --- documents -------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return list(self._docs.values())

    def document(self, doc_id: str) -> Document | None:
        return self._docs.get(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return self._require_index().chunks(doc_id)

    def add_file(self, filename: str, data: bytes) -> SyncReport:
        """Validate and store an uploaded document in the corpus folder, then re-index."""
        name = Path(filename).name
        if not re.fullmatch(r"[^/\\\x00]{1,200}", name) or name.startswith("."):
            raise InvalidDocument(f"文件名不可用：{filename!r}")
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InvalidDocument(f"不支持的文件类型：{name}（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
        staging = self.corpus_dir / f".upload-{name}"
        staging.write_bytes(data)
        try:
            load_document(staging, None, doc_id=name)
        except LoadFailure as exc:
            staging.unlink(missing_ok=True)
            raise InvalidDocument(f"{name}：{exc}") from exc
        staging.replace(self.corpus_dir / name)
        return self.reindex()

    def delete_document(self, doc_id: str) -> SyncReport:
        """Remove a document from the corpus folder and the index; it is never cited again."""
        doc = self._docs.get(doc_id)
        if doc is None or not Path(doc.path).is_file():
            raise InvalidDocument(f"没有这个文档：{doc_id}")
        Path(doc.path).unlink()
        return self.reindex()
