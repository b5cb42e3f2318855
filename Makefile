# Two commands for a fresh clone: `make report` and `make test`.
# Python 3.11+ and make are needed; everything else is installed into .venv, at exactly the
# versions of requirements-lock.txt (tools/install-env.sh: uv when it can be had, pip otherwise).
# The PDF also needs Pango (report-deps installs it as root on Debian; without it the report is
# written without its PDF, with one line saying so).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements-lock.txt
PERIOD ?= latest
# The project's paths (region config, raw, processed, reports, notebooks) are written once, in
# pyproject.toml [tool.mutasi]; every `mutasi` command finds them there. Set RAW, PROCESSED or
# REGION only to point one run elsewhere: `make report REGION=config/other.toml`.
opt = $(if $(2),$(1) $(2),)
# Demo seed, by a rule fixed before looking at any estimate: the first seed, counting from 1,
# whose demo data pass ingestion with no rejected row (seed 1 does; it is also the default of
# `mutasi demo-data`). Its estimate is one draw and may sit a standard error or two from the
# planted effect; tests/test_recovery.py checks recovery over many seeds.
DEMO_SEED ?= 1
PYTEST_ARGS ?=

.PHONY: venv hooks lock doctor system-deps report-deps report batch demo ingest test lab bench golden api-docs clean-venv

# The venv is synced to the lock only when the lock (or the project's metadata) changes.
# tools/git-setup.sh then sets this checkout's git for the notebooks (nbstripout, nbdime, hook).
$(STAMP): $(LOCK) pyproject.toml tools/install-env.sh tools/git-setup.sh
	@PYTHON=$(PYTHON) bash tools/install-env.sh $(VENV) $(LOCK)
	@bash tools/git-setup.sh $(VENV)
	@touch $(STAMP)

venv: $(STAMP)

# Notebooks in git (again): outputs stripped on `git add`, nbdime diff/merge, pre-commit hook.
hooks: $(STAMP)
	@bash tools/git-setup.sh $(VENV)

# Resolve pyproject.toml's ranges again into the lock (and environment.yml from it). Deliberate:
# review the diff, run `make test` (golden results), commit them together.
lock: $(STAMP)
	$(BIN)/python tools/lock.py $(if $(UPGRADE),--upgrade,)

# Does the environment match the lock (packages, kernel, PDF libraries)? It installs nothing,
# so that it shows the drift rather than repairing it (`make venv` repairs).
doctor:
	@test -x $(BIN)/mutasi || { echo "no $(VENV): run \`make venv\`"; exit 1; }
	$(BIN)/mutasi doctor

# Debian packages (apt-get, when root and missing; tools/install-system-deps.sh lists them).
# report-deps: what the report needs, Pango and the DejaVu fonts for the PDF (make report, golden).
# system-deps: those and the test tools, Chromium, poppler-utils and LibreOffice Calc (make test).
report-deps:
	@bash tools/install-system-deps.sh --report

system-deps:
	@bash tools/install-system-deps.sh

demo: $(STAMP)
	$(BIN)/mutasi demo-data --seed $(DEMO_SEED) $(call opt,--out,$(RAW)) $(call opt,--region,$(REGION))

ingest: $(STAMP)
	$(BIN)/mutasi ingest $(call opt,--raw,$(RAW)) $(call opt,--out,$(PROCESSED)) $(call opt,--region,$(REGION))

# Demo data -> ingestion -> the report of the demo's last complete period.
report: report-deps demo ingest
	$(BIN)/mutasi report --period $(PERIOD) $(call opt,--region,$(REGION)) $(call opt,--processed,$(PROCESSED)) --jobs 2
	@echo "Open reports/index.html (all periods) or reports/<period>/ for this period's report."

# Many regions: six demo kecamatan of Kota Kupang in a project of their own under
# build/kota-kupang (git-ignored; it renders this checkout's notebooks), each region's report
# and the pooled one rendered by `mutasi batch` on a local Dask cluster of WORKERS processes.
MANY := build/kota-kupang
WORKERS ?= 2
batch: report-deps $(STAMP)
	@mkdir -p $(MANY)
	@printf '[tool.mutasi]\nregion = "config/regions/alak.toml"\nraw = "data/raw"\nprocessed = "data/processed"\nreports = "reports"\nrestricted = "restricted"\nnotebooks = "%s/notebooks"\n' "$(CURDIR)" > $(MANY)/pyproject.toml
	cd $(MANY) && $(CURDIR)/$(BIN)/mutasi demo-data --regions 6 --seed $(DEMO_SEED) --region $(CURDIR)/config/alak.toml
	cd $(MANY) && $(CURDIR)/$(BIN)/mutasi batch --period $(PERIOD) --workers $(WORKERS)
	@echo "Open $(MANY)/reports/<region>/<period>/ for a region, $(MANY)/reports/_gabungan/<period>/ for the pooled report."

# Two workers, one test file each (module fixtures such as the demo render are built once);
# about 12 minutes of tests on the 2-core reference machine. PYTEST_ARGS="-n 0" runs serially.
# Files are handed out in collection order, the long ones first (tests/conftest.py LONG_FILES);
# xdist's default reorder (by number of tests) would start the few-test long files last.
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Speed and coverage studies (figures in benchmarks/README.md); the 100x ingestion and the
# 2,000-replication coverage study take minutes: run them by hand as that README shows.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_att_gt.py
	$(BIN)/python benchmarks/bench_wildboot.py
	$(BIN)/python benchmarks/bench_report.py --repeat 1
	$(BIN)/python benchmarks/coverage_study.py --reps 20

# Rewrite tests/golden/ from a fresh render of the demo period, after an intended change to a
# published number; commit the golden files with the reason in the message.
golden: $(STAMP) report-deps
	MUTASI_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/reporting/test_report_notebooks.py -k golden -rs

# Rewrite the API table of docs/*/api.md from the code (tests/test_docs.py fails while it is stale).
api-docs: $(STAMP)
	$(BIN)/python -m mutasi_analysis.did._api --write

# JupyterLab on notebooks/ with the mutasi-analysis kernel (root, e.g. in a container, needs --allow-root).
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean-venv:
	rm -rf $(VENV)
