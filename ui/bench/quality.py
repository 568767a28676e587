"""Retrieval quality of PolicyQA against the two baselines a user would otherwise build, and its answers.

Baselines: LangChain's `RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)` over the raw files,
then (a) BM25 (rank_bm25) over jieba tokens, (b) dense e5 (our embeddings object) in an in-memory Chroma.

One definition of a hit for every system: a retrieved passage from one of the question's expected sources
that contains its `evidence` or one of its `must_include` facts, both normalised as ../shared/eval/score.py
normalises. Answers are judged exactly as that scorer judges them (`judge`).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from corpus.load import LoadFailure, read_document
from ui.bench.common import corpus_files

TOP_K = 10  # passages ranked per question; MRR is MRR@10, hits are hit@1 and hit@5

# ---- the scorer's normalisation and judgement (../shared/eval/score.py), kept identical ------------------------
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zA-Z\u00c0-\u024f\u0300-\u036f]{1,8}\)")
_TRAD = str.maketrans({"億": "亿", "萬": "万", "個": "个", "條": "条", "餘": "余", "層": "层"})


def norm(text: str) -> str:
    """NFKC, pinyin readings dropped, a few traditional unit characters simplified, no whitespace."""
    text = _PINYIN.sub("", unicodedata.normalize("NFKC", text or "")).translate(_TRAD)
    return re.sub(r"\s+", "", text)


def has(normed_text: str, fact: str) -> bool:
    """A fact ("a|b" = either) occurs in already-normalised text."""
    return any(norm(alt) in normed_text for alt in fact.split("|"))


def judge(item: dict, answer: dict) -> bool:
    """Pass/fail of one answer object, as the scorer decides it."""
    if not item["answerable"]:
        return answer.get("answerable") is False
    if answer.get("answerable") is not True:
        return False
    facts = item.get("must_include") or []
    if not all(has(norm(answer.get("answer", "")), f) for f in facts):
        return False
    cites = answer.get("citations") or []
    if not any(c.get("source") in (item.get("sources") or []) for c in cites):
        return False
    quotes = norm("".join(c.get("quote", "") for c in cites))
    return all(has(quotes, f) for f in facts)


# ---- retrieval hits ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    source: str  # document id (file name, or path relative to the corpus folder)
    text: str


def is_hit(item: dict, passage: Passage) -> bool:
    """From an expected source and containing the evidence or a must_include fact (or, lacking both, any
    passage of an expected source)."""
    if passage.source not in (item.get("sources") or []):
        return False
    evidence, facts = item.get("evidence") or "", item.get("must_include") or []
    if not evidence and not facts:
        return True
    text = norm(passage.text)
    return bool(evidence and norm(evidence) in text) or any(has(text, f) for f in facts)


def first_hit_rank(item: dict, passages: Sequence[Passage]) -> int:
    """1-based rank of the first hit, 0 if none."""
    return next((i for i, p in enumerate(passages, 1) if is_hit(item, p)), 0)


def retrieval_metrics(ranks: list[int]) -> dict[str, float]:
    n = len(ranks)
    return {
        "questions": n,
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4) if n else 0.0,
        "hit@5": round(sum(0 < r <= 5 for r in ranks) / n, 4) if n else 0.0,
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4) if n else 0.0,
    }


def load_items(path: Path) -> list[dict]:
    """Question items (the format of tests/dev.jsonl); a bad line is reported with its number."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not a JSON object ({exc})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or "answerable" not in item:
            raise ValueError(f"{path}:{n}: needs at least \"question\" and \"answerable\"")
        items.append(item)
    return items


# ---- the baselines ----------------------------------------------------------------------------------------------
def split_raw_files(folder: Path) -> list[Passage]:
    """The raw files (decoded, nothing cleaned) split as a LangChain user would: 500 characters, 50 overlap."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    passages = []
    for path in corpus_files(folder):
        try:
            text, _ = read_document(path)
        except LoadFailure:
            continue
        source = path.relative_to(folder).as_posix()
        passages += [Passage(source, piece) for piece in splitter.split_text(text)]
    return passages


def _jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text.lower()) if t.strip()]


class Bm25Baseline:
    """(a) BM25Okapi over jieba tokens of the 500-character splits."""

    name = "bm25-jieba (split 500/50)"

    def __init__(self, passages: list[Passage]) -> None:
        from rank_bm25 import BM25Okapi

        self.passages = passages
        self._bm25 = BM25Okapi([_jieba_tokens(p.text) for p in passages])

    def search(self, question: str, k: int = TOP_K) -> list[Passage]:
        scores = self._bm25.get_scores(_jieba_tokens(question))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [self.passages[i] for i in order]


class DenseBaseline:
    """(b) The same embeddings as PolicyQA (e5) in an in-memory Chroma collection, via LangChain."""

    name = "dense-e5-chroma (split 500/50)"

    def __init__(self, passages: list[Passage], embeddings: Embeddings, batch: int = 64) -> None:
        import chromadb
        from chromadb.config import Settings
        from langchain_chroma import Chroma

        client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
        self._store = Chroma(client=client, collection_name=f"baseline-{uuid.uuid4().hex[:12]}",
                             embedding_function=embeddings, collection_configuration={"hnsw": {"space": "cosine"}})
        for i in tqdm(range(0, len(passages), batch), desc="baseline embeddings", unit="batch", leave=False):
            part = passages[i:i + batch]
            self._store.add_texts([p.text for p in part], metadatas=[{"source": p.source} for p in part])

    def search(self, question: str, k: int = TOP_K) -> list[Passage]:
        return [Passage(d.metadata["source"], d.page_content) for d in self._store.similarity_search(question, k=k)]


def _ranked(qa, question: str) -> list:
    """PolicyQA's ranked candidates, the top TOP_K."""
    return qa.search(question)[:TOP_K]


# ---- one question set -------------------------------------------------------------------------------------------
def evaluate_set(name: str, items: list[dict], qa, baselines: Sequence) -> dict:
    """Retrieval metrics for PolicyQA and each baseline on the answerable items, and PolicyQA's answers judged
    as the scorer judges them (all items). `ask_ms` holds each answer's latency (the index is warm by then)."""
    from qa.service import InvalidQuestion

    answerable = [it for it in items if it.get("answerable")]
    systems: dict[str, dict] = {}
    ranks = []
    for it in tqdm(answerable, desc=f"{name}: PolicyQA retrieval", unit="q", leave=False):
        found = [Passage(c.doc.doc_id, c.chunk.display_text) for c in _ranked(qa, it["question"])]
        ranks.append(first_hit_rank(it, found))
    systems["policyqa"] = retrieval_metrics(ranks)
    for base in baselines:
        ranks = [first_hit_rank(it, base.search(it["question"]))
                 for it in tqdm(answerable, desc=f"{name}: {base.name}", unit="q", leave=False)]
        systems[base.name] = retrieval_metrics(ranks)
    passed = {True: 0, False: 0}
    failures, ask_ms = [], []
    for it in tqdm(items, desc=f"{name}: PolicyQA answers", unit="q", leave=False):
        t0 = time.perf_counter()
        try:
            answer = qa.ask(it["question"]).to_dict()
            ask_ms.append((time.perf_counter() - t0) * 1000)
        except InvalidQuestion as exc:
            answer = {"answer": str(exc), "answerable": False, "citations": []}
        ok = judge(it, answer)
        passed[bool(it["answerable"])] += ok
        if not ok:
            failures.append(it.get("id") or it["question"])
    n_ans = len(answerable)
    n_ref = len(items) - n_ans
    systems["policyqa"].update({
        "answer_accuracy": round((passed[True] + passed[False]) / len(items), 4) if items else 0.0,
        "answerable_passed": f"{passed[True]}/{n_ans}",
        "refusals_passed": f"{passed[False]}/{n_ref}",
        "failed_ids": failures,
    })
    return {"set": name, "questions": len(items), "answerable": n_ans, "systems": systems, "ask_ms": ask_ms}
