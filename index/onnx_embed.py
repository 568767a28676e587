"""e5-small on ONNX Runtime in int8: the default embedder, about twice as fast as torch fp32 on CPU.

Same model, prompts (``passage: `` / ``query: ``), mean pooling and normalisation as the
sentence-transformers folder it was exported from (``index.onnx_export``). Texts are tokenised
with the model's fast tokenizer, sorted by length and batched so that little padding is embedded.
Runs are parallel single-threaded streams, one per core: on these short sequences that is about a
third faster than one run split over the cores by ONNX Runtime's intra-op threads. By default each run
embeds one text: dynamic int8 quantisation scales activations over the whole batch, so in a batch a
text's vector would depend on its batch-mates; alone, a passage always gets the same vector (and the
speed is the same on 2 cores, with no padding to embed).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.onnx_export import EXPORT_VERSION, ONNX_FILE, TOKENIZER_FILE

PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_TOKENS = 512


def cpu_threads() -> int:
    """Cores this process may use (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxE5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over the int8 ONNX export of multilingual-e5-small."""

    def __init__(
        self, onnx_dir: Path, *, threads: int | None = None, batch_size: int = 1, batch_tokens: int = 2048
    ) -> None:
        """`threads` parallel streams (default: one per core), each batch at most `batch_size` texts and
        about `batch_tokens` padded tokens."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_dir = Path(onnx_dir)
        self.model_name = "multilingual-e5-small"
        self.version = EXPORT_VERSION
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.streams = threads or cpu_threads()
        self._pool: ThreadPoolExecutor | None = None
        self._tokenizer = Tokenizer.from_file(str(onnx_dir / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id("<pad>") or 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallelism comes from the streams
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared CPUs: block, don't spin
        self._session = ort.InferenceSession(
            str(onnx_dir / ONNX_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def _batches(self, lengths: Sequence[int]) -> list[list[int]]:
        """Indices grouped by similar length: at most `batch_size` texts and about `batch_tokens` padded tokens."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            longest = lengths[i]  # sorted ascending: the newest text is the longest so far
            if current and (len(current) >= self.batch_size or longest * (len(current) + 1) > self.batch_tokens):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def encode(self, texts: Sequence[str], prompt: str = "") -> np.ndarray:
        """Unit-length embeddings (float32, one row per text) of `prompt + text`."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        lengths = [len(e.ids) for e in encodings]

        def run(batch: list[int]) -> np.ndarray:
            width = max(lengths[i] for i in batch)
            ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

        batches = self._batches(lengths)
        if len(batches) == 1 or self.streams == 1:
            results = map(run, batches)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.streams, thread_name_prefix="onnx-embed")
            results = self._pool.map(run, batches)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for batch, vectors in zip(batches, results, strict=True):
            out[batch] = vectors
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (``passage: `` prompt)."""
        return self.encode(texts, PROMPTS["passage"]).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (``query: `` prompt)."""
        return self.encode([text], PROMPTS["query"])[0].tolist()
