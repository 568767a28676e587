"""Ask latency as the index grows: a base corpus replicated (distinct file paths, so distinct doc and chunk ids)
up to 1k, 10k, 100k chunks, on embedded Chroma and on a `chroma run` server.

Copies reuse the base's vectors: the embeddings object used to build a point looks a passage's vector up by
its text before calling the model, so 100k chunks cost the base's embeddings once. PolicyQA then opens the
built index with its own, unmodified embedder and finds nothing to embed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from corpus.metadata import MANIFEST_NAMES
from ui.bench.common import corpus_files, free_port, peak_rss_mib, stop, wait_http
from ui.bench.speed import warm_ask


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port; yields its URL, stops it afterwards."""
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).is_file():
        raise FileNotFoundError("the `chroma` command (from the chromadb package) is not installed")
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    log = open(path.parent / "chroma-server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        if not wait_http(f"{url}/api/v2/heartbeat", 60, alive=lambda: proc.poll() is None):
            raise RuntimeError(f"`chroma run` did not come up on port {port} (see {log.name})")
        yield url
    finally:
        stop(proc)
        log.close()


class VectorTable:
    """text -> vector; installed on an embeddings object so known texts are not embedded again."""

    def __init__(self) -> None:
        self.vectors: dict[str, list[float]] = {}
        self.misses = 0

    def fill_from_index(self, db_dir: Path, qa, embeddings) -> int:
        """Read the vectors of an index PolicyQA built, keyed by the text that was embedded for each chunk."""
        from index.store import PolicyIndex
        from index.sync import PROBE_TEXT, embedded_text

        self.vectors[PROBE_TEXT] = embeddings.embed_documents([PROBE_TEXT])[0]  # the index version's probe, no passage

        index = PolicyIndex(db_dir, embeddings)
        try:
            store = index.vectorstore()
            if store is None:
                return 0
            got = store.get(include=["embeddings"])
            for cid, vector in zip(got["ids"], got["embeddings"], strict=True):
                chunk = index.get_chunk(cid)
                doc = qa.document(chunk.doc_id) if chunk else None
                if doc is not None:
                    self.vectors[embedded_text(chunk, doc.meta)] = [float(x) for x in vector]
        finally:
            index.close()
        return len(self.vectors) - 1

    @contextlib.contextmanager
    def installed(self, embeddings) -> Iterator[None]:
        """Patch `embeddings.embed_documents` on this instance only (its class, name and query side are
        untouched, so the index records the same embedder version PolicyQA's own embedder has)."""
        model = embeddings.embed_documents

        def embed_documents(texts: list[str]) -> list[list[float]]:
            missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
            if missing:
                self.misses += len(missing)
                self.vectors.update(zip(missing, model(missing), strict=True))
            return [self.vectors[t] for t in texts]

        object.__setattr__(embeddings, "embed_documents", embed_documents)
        try:
            yield
        finally:
            with contextlib.suppress(AttributeError, KeyError):
                del embeddings.__dict__["embed_documents"]


def replicate(base: Path, chunks_per_file: dict[str, int], target: int, out: Path) -> int:
    """Fill `out` with copies `r0000/<file>`, `r0001/<file>` … of the base files until `target` chunks;
    returns the chunk count. Files are hard-linked where possible (same bytes, no extra disk)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in MANIFEST_NAMES:
        if (base / name).is_file():
            shutil.copy(base / name, out / name)
    files = [p for p in corpus_files(base) if chunks_per_file.get(p.relative_to(base).as_posix())]
    total, copy = 0, 0
    while total < target and files:
        for path in files:
            rel = path.relative_to(base).as_posix()
            dest = out / f"r{copy:04d}" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, dest)
            except OSError:
                shutil.copy(path, dest)
            total += chunks_per_file[rel]
            if total >= target:
                break
        copy += 1
    return total


def measure_point(corpus_dir: Path, db_dir: Path, settings, embeddings, table: VectorTable,
                  questions: list[str], *, chroma_url: str = "", backend: str = "embedded") -> dict:
    """Build the index of `corpus_dir` reusing vectors, open PolicyQA on it, time warm asks."""
    from corpus.pipeline import chunk_document, load_corpus
    from index.store import PolicyIndex
    from qa.service import PolicyQA

    t0 = time.perf_counter()
    docs, _ = load_corpus(corpus_dir)
    chunks = {d.doc_id: chunk_document(d) for d in docs}
    with table.installed(embeddings), PolicyIndex(db_dir, embeddings, chroma_url=chroma_url) as index:
        index.sync(docs, chunks, progress=True)
    build = time.perf_counter() - t0
    del docs, chunks
    t0 = time.perf_counter()
    qa = PolicyQA(corpus_dir, db_dir, settings.model_dir, embedder=settings.embedder, chroma_url=chroma_url,
                  max_question_chars=settings.max_question_chars).open(progress=False)
    opened = time.perf_counter() - t0
    del qa
    gc.collect()
    t0 = time.perf_counter()  # again, now that the corpus cache is warm: what every later start costs
    qa = PolicyQA(corpus_dir, db_dir, settings.model_dir, embedder=settings.embedder, chroma_url=chroma_url,
                  max_question_chars=settings.max_question_chars).open(progress=False)
    reopened = time.perf_counter() - t0
    n_chunks = sum(len(qa.chunks(d.doc_id)) for d in qa.documents())
    lat = warm_ask(qa, questions, label=f"ask @ {n_chunks} chunks ({backend})")
    row = {
        "backend": backend, "chunks": n_chunks, "documents": len(qa.documents()),
        "build_reusing_vectors_s": round(build, 1), "open_s": round(opened, 2), "reopen_unchanged_s": round(reopened, 2),
        "open_chunks_embedded": qa.last_sync.chunks_embedded if qa.last_sync else 0,
        "ask_p50_ms": lat["p50_ms"], "ask_p95_ms": lat["p95_ms"], "asks": lat["n"], "peak_rss_mib": peak_rss_mib(),
    }
    del qa
    gc.collect()
    return row


def scale_curve(base: Path, base_qa, base_db: Path, settings, points: list[int], questions: list[str],
                work: Path, *, server: bool = True, on_row: Callable[[list[dict]], None] | None = None) -> dict:
    """Rows (backend, chunks, ask p50/p95) for every point on embedded Chroma and, if asked, a server."""
    from index.embed import ensure_model, make_embeddings

    embeddings = make_embeddings(settings.embedder, ensure_model(settings.model_dir))
    table = VectorTable()
    prefilled = 0
    try:
        prefilled = table.fill_from_index(base_db, base_qa, embeddings)
    except Exception as exc:  # the index layout changed: copies are then embedded once each, which is slower
        print(f"bench: could not read the base index's vectors ({exc}); embedding the base again",
              file=sys.stderr)
    per_file = {d.doc_id: len(base_qa.chunks(d.doc_id)) for d in base_qa.documents()}
    rows, notes = [], []
    with contextlib.ExitStack() as stack:
        urls = {"embedded": ""}
        if server:
            try:
                urls["server"] = stack.enter_context(chroma_server(work / "chroma-server"))
            except (OSError, RuntimeError) as exc:
                notes.append(f"server: skipped ({exc})")
        # size first, backend second: a run cut short still compares both backends at the sizes it reached
        for target in tqdm(points, desc="scale", unit="point"):
            folder = work / f"corpus-{target}"
            replicate(base, per_file, target, folder)
            for backend, url in urls.items():
                db = work / f"db-{backend}-{target}"
                rows.append(measure_point(folder, db, settings, embeddings, table, questions,
                                          chroma_url=url, backend=backend))
                shutil.rmtree(db, ignore_errors=True)
                if on_row:
                    on_row(rows)
            shutil.rmtree(folder, ignore_errors=True)
    return {"rows": rows, "base_vectors_reused": prefilled, "passages_embedded": table.misses, "notes": notes}
