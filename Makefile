# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GX_ANALYTICS_ENABLED := False
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint eval clean-output setup bench bench-quick faults

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr]'
	touch $(STAMP)

setup: $(STAMP)

# The run judges rows in its workers by the suites' rules (no Great Expectations process);
# `qingyang validate` then runs both whole suites in Great Expectations, with its Data Docs.
run: $(STAMP)
	$(BIN)/qingyang run seeds/ --output output
	$(BIN)/qingyang validate output

# pyspark for the Spark reader test, in its own folder (see pyproject's `spark` extra); only
# when Java 17 or later runs (Spark 4 needs it), else that test skips and says why.
SPARK := $(VENV)/spark
$(SPARK)/.installed: pyproject.toml
	if java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
	  $(BIN)/python -m pip install --quiet --target $(SPARK) 'pyspark>=4.0,<5' && touch $@; \
	else echo "no Java 17 or later: the Spark reader test will skip"; fi

test: $(STAMP) $(SPARK)/.installed
	command -v chromium >/dev/null || (apt-get install -y chromium >/dev/null 2>&1 || echo "chromium not installable: browser test will skip")
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/qingyang eval --gold tests/gold

lint: $(STAMP)
	$(BIN)/ruff check .

clean-output:
	rm -rf output/pages output/articles output/reports output/quarantine

# The fault suite (tests/faults/): the fast cases run in `make test`; `make faults` runs
# them all, the slow ones too (kill -9 at four points, two runs at once, read-only output,
# disk full on a tmpfs), prints the table (case, outcome, pages lost, time), then fuzzes the
# decoder and the JSONL reader with atheris for FUZZ_RUNS inputs (at most FUZZ_SECONDS s).
FAULTS_STAMP := $(VENV)/.faults-installed
FUZZ_RUNS ?= 20000
FUZZ_SECONDS ?= 120

$(FAULTS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,faults]'
	touch $(FAULTS_STAMP)

faults: $(FAULTS_STAMP)
	QINGYANG_FAULT_TABLE=1 $(BIN)/python -m pytest -q -m "faults or not faults" tests/faults
	rm -rf $(VENV)/fuzz-corpus && mkdir -p $(VENV)/fuzz-corpus && cp seeds/*.txt $(VENV)/fuzz-corpus/
	cd $(VENV) && $(CURDIR)/$(BIN)/python $(CURDIR)/tests/faults/fuzz_decoder.py \
		-runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 fuzz-corpus \
		> fuzz.log 2>&1; status=$$?; \
		grep -E "DONE|Done [0-9]+ runs|ERROR|Error|crash-" fuzz.log; \
		echo "atheris: exit $$status (full log: $(VENV)/fuzz.log)"; exit $$status

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
