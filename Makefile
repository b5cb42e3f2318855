# Two commands for a fresh clone: `make report` and `make test`.
# Only Python 3.11+ and make are needed; everything else is installed into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?= latest
RAW ?= data/raw
PROCESSED ?= data/processed
REGION ?= config/alak.toml
# Demo seed: an illustrative draw whose impact estimate is typical of the generator
# (tests/test_impact.py checks recovery over many seeds).
DEMO_SEED ?= 8
PYTEST_ARGS ?=

.PHONY: venv system-deps report demo ingest test lab bench clean-venv

# The venv is rebuilt only when the files that define it change.
$(STAMP): pyproject.toml environment.yml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name mutasi-analysis --display-name "Python (mutasi-analysis)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

# Chromium, poppler and Pango for the PDF and browser tests (apt-get, when root and missing).
system-deps:
	@bash tools/install-system-deps.sh

demo: $(STAMP)
	$(BIN)/mutasi demo-data --seed $(DEMO_SEED) --out $(RAW)

ingest: $(STAMP)
	$(BIN)/mutasi ingest --raw $(RAW) --out $(PROCESSED) --region $(REGION)

# Demo data -> ingestion -> the report of the demo's last complete period.
report: system-deps demo ingest
	$(BIN)/mutasi report --period $(PERIOD) --region $(REGION) --processed $(PROCESSED) --jobs 2
	@echo "Open reports/index.html (all periods) or reports/<period>/ for this period's report."

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed and coverage studies (figures in benchmarks/README.md); the 100x ingestion and the
# 2,000-replication coverage study take minutes: run them by hand as that README shows.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_att_gt.py
	$(BIN)/python benchmarks/bench_wildboot.py
	$(BIN)/python benchmarks/bench_report.py --repeat 1
	$(BIN)/python benchmarks/coverage_study.py --reps 20

# JupyterLab on notebooks/ with the mutasi-analysis kernel (root, e.g. in a container, needs --allow-root).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean-venv:
	rm -rf $(VENV)
