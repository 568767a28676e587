"""The one object the surfaces talk to: a corpus folder, its index, and question answering over it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from corpus.load import SUPPORTED_SUFFIXES, LoadFailure
from corpus.pipeline import load_document
from corpus.schema import Chunk, Document, LoadError
from index.corpus_cache import CORPUS_CACHE, load_corpus_cached
from index.embed import ensure_model, make_embeddings
from index.store import PolicyIndex, SyncReport
from qa.answer import compose, compose_about_document, refusal, uncovered_message
from qa.followup import rewrite
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
        corpus_dir: Path | None,
        db_dir: Path,
        model_dir: Path,
        *,
        embedder: str = "e5-small",
        chroma_url: str = "",
        max_question_chars: int = 500,
        today: date | None = None,
    ) -> None:
        self.corpus_dir = Path(corpus_dir) if corpus_dir is not None else None  # None: a stateless reader
        self.db_dir = Path(db_dir)
        self.model_dir = Path(model_dir)
        self.embedder = embedder
        self.chroma_url = chroma_url
        self.max_question_chars = max_question_chars
        self.today = today
        self.refusal_model = RefusalModel.load()
        self.load_errors: list[LoadError] = []
        self.last_sync: SyncReport | None = None
        self._docs: dict[str, Document] = {}
        self._index: PolicyIndex | None = None
        self._retriever: Retriever | None = None
        self._terms: TermWeights | None = None
        self._view_gen: str | None = None  # the index generation `_docs`/`_terms`/`_retriever` were built for
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings) -> PolicyQA:
        return cls(settings.corpus_dir, settings.db_dir, settings.model_dir, embedder=settings.embedder,
                   chroma_url=settings.chroma_url, max_question_chars=settings.max_question_chars)

    def open(self, *, progress: bool = True) -> PolicyQA:
        """Load the model and the index; sync the corpus folder into it, or (reader) just read it."""
        if self.corpus_dir is None and not self.chroma_url:
            raise ValueError("a worker without a corpus folder reads the index from a Chroma server: "
                             "set POLICYQA_CHROMA_URL (or pass --corpus DIR)")
        if self.corpus_dir is not None and not self.corpus_dir.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {self.corpus_dir} (pass --corpus DIR)")
        embeddings = make_embeddings(self.embedder, ensure_model(self.model_dir))
        self._index = PolicyIndex(self.db_dir, embeddings, chroma_url=self.chroma_url)
        if self.corpus_dir is None:
            self._follow_index()
        else:
            self.reindex(progress=progress)
        threading.Thread(target=self._index.warm_up, name="policyqa-warm-up", daemon=True).start()
        return self

    def reindex(self, *, progress: bool = False) -> SyncReport:
        """Reload the corpus folder and bring the index in line with it (only changed documents are embedded)."""
        with self._lock:
            if self.corpus_dir is None:
                raise InvalidDocument("this worker has no corpus folder: re-index through one that has")
            docs, chunks, errors = self._load_corpus(progress=progress)
            index = self._require_index()
            self.last_sync = index.sync(docs, chunks, progress=progress)
            self.load_errors = errors
            self._build_view(docs, chunks, index.generation)
            return self.last_sync

    def _build_view(self, docs: list[Document], chunks: dict[str, list[Chunk]], generation: str | None) -> None:
        """The documents, term weights and retriever that answer questions, for one index generation."""
        self._docs = {d.doc_id: d for d in docs}
        self._terms = TermWeights(
            (d.doc_id, f"{d.meta.title} {c.heading} {c.search_text}") for d in docs for c in chunks[d.doc_id])
        self._retriever = Retriever(self._require_index(), self._docs, self._terms)
        self._view_gen = generation

    def _follow_index(self) -> None:
        """With a Chroma server, rebuild the view when any worker has published a new generation."""
        index = self._require_index()
        if not self.chroma_url or index.generation == self._view_gen:
            return
        with self._lock:
            generation = index.generation
            if generation != self._view_gen:
                docs = sorted(index.documents().values(), key=lambda d: d.doc_id)
                self._build_view(docs, {d.doc_id: index.chunks(d.doc_id) for d in docs}, generation)

    def _load_corpus(self, *, progress: bool = False) -> tuple[list[Document], dict[str, list[Chunk]], list[LoadError]]:
        """The corpus folder's documents and chunks; unchanged files come from the cache in the index folder."""
        assert self.corpus_dir is not None
        loaded = load_corpus_cached(self.corpus_dir, self.db_dir / CORPUS_CACHE, progress=progress)
        return loaded.docs, loaded.chunks, loaded.errors

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

    def ask(self, question: str, history: Sequence[tuple[str, Answer]] = ()) -> Answer:
        """Answer `question`; `history` holds earlier (question, answer) turns for follow-ups.

        Raises InvalidQuestion for an empty or over-long question.
        """
        question = self.check_question(question)
        self._follow_index()
        t0 = time.perf_counter()
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
        answer.timings_ms = {"retrieve": round((t1 - t0) * 1000, 1),
                             "total": round((time.perf_counter() - t0) * 1000, 1)}
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
        self._follow_index()
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
