"""Configuration in one place: `POLICYQA_*` environment variables and defaults, read once at the edge."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.pipeline import BUNDLED_CORPUS
from index.embed import default_model_dir, policyqa_home
from qa.llm import LLMConfig


@dataclass(frozen=True)
class Settings:
    """Where things live and how the system behaves; every field has an env var."""

    home: Path
    corpus_dir: Path
    db_dir: Path
    model_dir: Path
    embedder: str = "e5-small"
    chroma_url: str = ""
    admin_token: str = ""
    max_question_chars: int = 500
    max_body_bytes: int = 256 * 1024  # any request body except a document upload
    max_document_bytes: int = 20 * 1024 * 1024  # one uploaded or indexed document file
    max_document_chunks: int = 5000  # clauses one document may become
    max_history_turns: int = 20  # earlier turns a follow-up may carry
    answer_cache: int = 0  # answers kept for repeated questions (0: off)
    llm: LLMConfig | None = None  # POLICYQA_LLM_*: a model server for generative answers (issue #10)

    @property
    def feedback_db(self) -> Path:
        return self.home / "feedback.sqlite3"


def default_db_for(home: Path, corpus_dir: Path) -> Path:
    """The working corpus keeps `db/`; any other folder gets its own index beside it."""
    if corpus_dir.resolve() == (home / "corpus").resolve():
        return home / "db"
    digest = hashlib.sha1(str(corpus_dir.resolve()).encode()).hexdigest()[:10]
    return home / "db-other" / f"{corpus_dir.name}-{digest}"


def seed_working_corpus(home: Path) -> Path:
    """The default corpus is a writable copy of the bundled documents (the web's upload/delete edit it)."""
    target = home / "corpus"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = home / ".corpus-seeding"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(BUNDLED_CORPUS, tmp)
        tmp.rename(target)
    return target


def load_settings(corpus: str | Path | None = None, db: str | Path | None = None) -> Settings:
    """Read the environment once; explicit CLI arguments win over env vars, which win over defaults."""
    home = policyqa_home()
    corpus = corpus or os.environ.get("POLICYQA_CORPUS")
    corpus_dir = Path(corpus).expanduser() if corpus else seed_working_corpus(home)
    db = db or os.environ.get("POLICYQA_DB")
    db_dir = Path(db).expanduser() if db else default_db_for(home, corpus_dir)
    model_dir = Path(os.environ.get("POLICYQA_MODEL_DIR") or default_model_dir())
    return Settings(
        home=home,
        corpus_dir=corpus_dir,
        db_dir=db_dir,
        model_dir=model_dir,
        embedder=os.environ.get("POLICYQA_EMBEDDER", "e5-small"),
        chroma_url=os.environ.get("POLICYQA_CHROMA_URL", ""),
        admin_token=os.environ.get("POLICYQA_ADMIN_TOKEN", ""),
        max_question_chars=_int_env("POLICYQA_MAX_QUESTION_CHARS", Settings.max_question_chars),
        max_body_bytes=_int_env("POLICYQA_MAX_BODY_BYTES", Settings.max_body_bytes),
        max_document_bytes=_int_env("POLICYQA_MAX_DOCUMENT_BYTES", Settings.max_document_bytes),
        max_document_chunks=_int_env("POLICYQA_MAX_DOCUMENT_CHUNKS", Settings.max_document_chunks),
        max_history_turns=_int_env("POLICYQA_MAX_HISTORY_TURNS", Settings.max_history_turns),
        answer_cache=_int_env("POLICYQA_ANSWER_CACHE", Settings.answer_cache, allow_zero=True),
        llm=LLMConfig.from_env(),
    )


def _int_env(name: str, default: int, *, allow_zero: bool = False) -> int:
    """A positive integer from the environment; a bad value is a clear error at start-up."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be positive, got {value}")
    return value
