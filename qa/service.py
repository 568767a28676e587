"""The one object the surfaces talk to: a corpus folder, its index, and question answering over it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES, LoadFailure
from corpus.pipeline import chunk_document, load_corpus, load_document
from corpus.schema import Chunk, Document, LoadError
from index.embed import ensure_model, make_embeddings
from index.store import PolicyIndex, SyncReport
from qa.answer import compose, compose_about_document, refusal, uncovered_message
from qa.followup import rewrite
from qa.llm import LLMConfig, generate, passages_from
from qa.query import parse_query
from qa.refusal import RefusalModel, features
from qa.retrieve import Candidate, Retriever, Scope
from qa.schema import Answer
from qa.terms import TermWeights


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
        llm: LLMConfig | None = None,
    ) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.db_dir = Path(db_dir)
        self.model_dir = Path(model_dir)
        self.embedder = embedder
        self.chroma_url = chroma_url
        self.max_question_chars = max_question_chars
        self.today = today
        self.llm = llm  # a model server for mode="llm"; None: extractive only
        self.refusal_model = RefusalModel.load()
        self.load_errors: list[LoadError] = []
        self.last_sync: SyncReport | None = None
        self._docs: dict[str, Document] = {}
        self._index: PolicyIndex | None = None
        self._retriever: Retriever | None = None
        self._terms: TermWeights | None = None
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings) -> PolicyQA:
        return cls(settings.corpus_dir, settings.db_dir, settings.model_dir, embedder=settings.embedder,
                   chroma_url=settings.chroma_url, max_question_chars=settings.max_question_chars,
                   llm=settings.llm)

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
            self._terms = TermWeights(
                (d.doc_id, f"{d.meta.title} {c.heading} {c.search_text}") for d in docs for c in chunks[d.doc_id])
            self._retriever = Retriever(self._require_index(), self._docs, self._terms)
            return self.last_sync

    def _require_index(self) -> PolicyIndex:
        if self._index is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._index

    def _require_retriever(self) -> Retriever:
        if self._retriever is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._retriever

    # --- questions -------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InvalidQuestion("问题为空：请输入一个关于政策的问题，例如“首轮流片补助多少”。")
        if len(question) > self.max_question_chars:
            raise InvalidQuestion(
                f"问题太长（{len(question)} 字，上限 {self.max_question_chars} 字）：请只保留要问的内容。")
        return question

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = (), mode: str = "extractive",
            on_token: Callable[[str], None] | None = None) -> Answer:
        """Answer `question`; `history` holds earlier (question, answer) turns for follow-ups.
        mode="llm" has the configured model write the answer from the retrieved clauses (streamed to
        `on_token`), guarded against its citations; it falls back to the extractive answer.

        Raises InvalidQuestion for an empty or over-long question.
        """
        question = self.check_question(question)
        t0 = time.perf_counter()
        cands: list[Candidate] = []
        previous = history[-1][1].rewritten_question or history[-1][0] if history else ""
        standalone = rewrite(question, previous) if previous else question
        with self._lock:
            retriever, terms = self._require_retriever(), self.terms
            query = parse_query(standalone)
            scope = retriever.scope(query)
            t1 = time.perf_counter()
            if scope.uncovered and scope.doc_ids is None:
                regions = sorted({d.meta.region for d in self._docs.values() if d.meta.region})
                answer = refusal(question, uncovered_message(scope, regions),
                                 [f"知识库未覆盖的地区：{'、'.join(scope.uncovered)}"])
            else:
                cands = retriever.retrieve(query, scope)
                t1 = time.perf_counter()
                if cands and self.refusal_model.answerable(features(cands, query, scope, terms), query):
                    answer = (compose_about_document(question, query, cands, self.chunks)
                              or compose(question, query, cands, terms, self.today or date.today()))
                else:
                    answer = refusal(question, "知识库中没有找到能回答这个问题的政策条款。"
                                     "可以换个说法，或写明地区和政策名称再问。")
                if scope.uncovered:
                    answer.warnings.insert(0, f"知识库未覆盖的地区：{'、'.join(scope.uncovered)}，以下仅为已覆盖地区的规定。")
        if standalone != question:
            answer.rewritten_question = standalone
        answer.timings_ms = {"retrieve": round((t1 - t0) * 1000, 1)}
        # --- generative answer (issue #10): only for an answerable question, guarded, falls back to `answer` ---
        if mode == "llm" and self.llm is None:
            answer.warnings.append("未配置模型服务（POLICYQA_LLM_BASE_URL），以下为原文摘录的回答。")
        elif mode == "llm" and answer.answerable and cands:
            answer = generate(standalone, passages_from(cands), answer, self.llm, on_token)
        # --- end generative answer ---
        answer.timings_ms["total"] = round((time.perf_counter() - t0) * 1000, 1)
        return answer

    @property
    def terms(self) -> TermWeights:
        if self._terms is None:
            raise RuntimeError("PolicyQA.open() must be called first")
        return self._terms

    def scope(self, question: str) -> Scope:
        """The places a question names and the documents they select."""
        return self._require_retriever().scope(parse_query(question))

    def search(self, question: str, k: int = 8) -> list[Candidate]:
        """Ranked candidate passages for a question (what `ask` composes from), for evaluation."""
        query = parse_query(question)
        with self._lock:
            retriever = self._require_retriever()
            return retriever.retrieve(query, retriever.scope(query), k=k)

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
