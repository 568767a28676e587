# Two commands on a fresh machine: `make run` (set up, then the web chat) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup model browser toolchain lint bench eval clean

run: setup
	$(BIN)/policyqa serve

test: setup browser $(VENV)/.local-llm
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	$(BIN)/policyqa bench --quick

setup: $(STAMP) model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU build of torch; a plain `torch` would pull several GB of CUDA
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# the local-llm extra for the generative-answer tests: llama.cpp builds from source (~6 min on 2 cores,
# then pip's wheel cache); a portable build, so a cached wheel runs on any x86-64 with AVX2
$(VENV)/.local-llm: $(STAMP) | toolchain
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install -q -e '.[local-llm]'
	touch $@

# a C/C++ compiler and cmake to build llama.cpp
toolchain:
	@if ! command -v g++ >/dev/null || ! command -v cmake >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq g++ cmake >/dev/null; \
	fi

# converts the packaged multilingual-e5-small weights once (offline, no download)
model: $(STAMP)
	$(BIN)/policyqa setup

# Debian's Chromium and CJK fonts for the browser test (Playwright's own browser download fails offline)
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || ! fc-list 2>/dev/null | grep -qi 'Noto Color Emoji'; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

eval: setup
	$(BIN)/policyqa eval tests/questions.jsonl

# quality vs baselines, speed, scale curve, HTTP load -> bench-report.json + bench-report.png
bench: setup
	$(BIN)/policyqa bench --questions ../shared/corpora/policies-dev/questions.jsonl --corpus ../shared/corpora/policies-dev

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
