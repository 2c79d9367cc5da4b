# KeyLab: every task a learner or CI needs. `make serve` and `make test` do all set-up.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

# uv: the one on PATH if there is one, otherwise a private copy in .tools/ (bootstrapped with pip).
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin

# Use the machine's Python, never download one; compile bytecode so every later start is fast.
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Material 9.8 prints a notice about MkDocs 2.0 on every build; it is not about this project.
export NO_MKDOCS_2_WARNING := 1
# Tests and builds must not depend on how the caller's shell is set up.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: help install serve build test soak bench live lab notebooks localnet dist dist-smoke live-record linkcheck-external upgrade fork clean

help:
	@echo "make serve     set up, then serve the site at http://$(HOST):$(PORT) with live reload"
	@echo "make test      set up, then run every test (snippets, site build, notebooks, browser)"
	@echo "make soak      the fuzz, concurrency, kill -9 and security tests run $(SOAK)x harder (minutes)"
	@echo "make bench     measure install, build, notebooks, localnet and the site; table + bench/latest.json"
	@echo "make install   create or update .venv from uv.lock (idempotent)"
	@echo "make build     strict build of the site into site/"
	@echo "make notebooks re-run the notebooks and store their outputs (nbval checks them)"
	@echo "make lab       JupyterLab on notebooks/ with the project's kernel"
	@echo "make live      run the notebooks against the real testnets with the keys in .env"
	@echo "make live-record  make live, then record the result per exchange for the Verified page"
	@echo "make linkcheck-external  request every link to another site in site/ (reported, not fatal)"
	@echo "make fork REPO=owner/name  point repo_url and the notebooks' install cells at a fork"
	@echo "make upgrade   move the pinned clients (ccxt, SDKs) and uv.lock to their newest releases"
	@echo "make localnet  run localnet, the local exchange testnet, on the default database"
	@echo "make dist      build the wheel and sdist into dist/ and check what they hold"
	@echo "make dist-smoke install dist/'s wheel into a fresh venv and run localnet from it"
	@echo "make clean     remove .venv, site/ and caches"

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing uv $(UV_VERSION) into .tools/"
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The stamp is newer than the lock once the environment matches it, so a second
# `make install` does nothing at all.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra notebooks --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT) --livereload

build: install
	$(BIN)/mkdocs build --strict --site-dir site

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The stress tests with every loop count multiplied (tests/soak.py) and hypothesis's long profile.
SOAK ?= 20
SOAK_TESTS := tests/localnet/test_fuzz.py tests/localnet/test_limits.py tests/localnet/test_concurrency.py \
	tests/localnet/test_ratelimit_parallel.py tests/localnet/test_durability.py tests/localnet/test_security.py \
	tests/localnet/test_replays.py
soak: install
	KEYLAB_SOAK=$(SOAK) KEYLAB_HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -n 2 --dist loadfile \
		$(wildcard $(SOAK_TESTS)) $(PYTEST_ARGS)

# Figures, never a verdict: a missed target is marked in the table; the exit status is non-zero
# only when a benchmark could not run at all
# (BENCH_ARGS="--only localnet,site" or "--quick" narrows it).
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

live: install
	$(BIN)/python -m pytest --live -n 2 --dist loadfile -rs notebooks $(PYTEST_ARGS)

# The weekly live workflow's step: `make live` writing a junit report, then the result per
# exchange recorded in docs/data/verified.json (the Verified page). Fails when a notebook failed live.
LIVE_JUNIT := .cache/live-junit.xml
live-record: install
	@mkdir -p $(dir $(LIVE_JUNIT)) && rm -f $(LIVE_JUNIT)
	@status=0; $(BIN)/python -m pytest --live -n 2 --dist loadfile -rs notebooks --junitxml=$(LIVE_JUNIT) $(PYTEST_ARGS) \
		|| status=$$?; $(BIN)/python scripts/record_live.py $(LIVE_JUNIT) --pytest-status $$status

# Request every link to another site in site/ (run make build first); dead links are reported, not fatal.
linkcheck-external: install
	$(BIN)/python scripts/check_external_links.py site $(LINK_ARGS)

# The pinned clients, then everything else in uv.lock, to their newest releases; `make test`
# then shows what changed (stored notebook outputs, library tests).
upgrade: install
	$(BIN)/python scripts/upgrade.py --uv $(UV)

# A fork's own addresses: mkdocs.yml's repo_url and every notebook's install cell (stdlib only).
fork:
	@test -n "$(REPO)" || { echo "usage: make fork REPO=owner/name" >&2; exit 2; }
	$(PYTHON) scripts/set_repo.py "$(REPO)"

lab: install
	@# JupyterLab is synced in only for this; the next `make install` returns to the lean test set.
	@rm -f $(VENV)/.installed
	$(UV) run --frozen --extra notebooks --group lab --python $(PYTHON) jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks --ServerApp.ip=127.0.0.1 \
		$(if $(filter 0,$(shell id -u)),--allow-root)

notebooks: install
	$(BIN)/python scripts/run_notebooks.py $(NOTEBOOKS)

localnet: install
	$(BIN)/python -m localnet serve

# The package for bot projects: the sdist, then the wheel built from it (as pip would), then a
# check of what each holds.
dist: | $(UV)
	rm -rf dist
	$(UV) build --out-dir dist --python $(PYTHON)
	$(PYTHON) scripts/check_dist.py dist

# The wheel in dist/ in a fresh venv, offline: `localnet serve` and `localnet keys` from a folder
# outside the checkout, and every library pointed at it (tests/test_package.py, test_own_project.py).
dist-smoke: install
	KEYLAB_DIST=dist $(BIN)/python -m pytest -p no:xdist tests/test_package.py tests/test_own_project.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .tools site .cache .pytest_cache dist
