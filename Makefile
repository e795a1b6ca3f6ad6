# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GX_ANALYTICS_ENABLED := False
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint eval clean-output setup bench bench-quick

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/qingyang run seeds/ --output output

test: $(STAMP)
	command -v chromium >/dev/null || (apt-get install -y chromium >/dev/null 2>&1 || echo "chromium not installable: browser test will skip")
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/qingyang eval --gold tests/gold

lint: $(STAMP)
	$(BIN)/ruff check .

clean-output:
	rm -rf output/pages output/articles output/reports output/quarantine

# Benchmarks (bench/, BENCHMARKS.md): `make bench` is the full run (200 MB corpus, built once
# into bench/corpus/, ~10 min on 2 cores); `make bench-quick` the same on 20 MB (~4 min);
# `make bench ARGS="--memory-mb 50,500"` adds the 500 MB memory run (~25 min in all).
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run $(ARGS)

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --quick $(ARGS)
