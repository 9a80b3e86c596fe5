# Two commands matter: `make serve` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build install install-test system-packages node-packages lint \
        test-unit test-integration test-e2e mutation bench clean

## Set-up ------------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-app
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed-app

install-test: $(VENV)/.installed-test system-packages node-packages

system-packages:
	@./deploy/install-system-packages.sh

# axe-core (accessibility checks in the browser tests), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-packages: node_modules/.installed

## Site and service ---------------------------------------------------------------------------

# The site, then a Brotli and a gzip copy of each text file beside it, which `make serve`
# sends to the browsers that accept them (forms_service/web/static_site.py).
build: install
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m whitenoise.compress --quiet site

# Builds the site, then serves it with the application service on http://$(HOST):$(PORT).
serve: build
	PORT=$(PORT) HOST=$(HOST) BIN=$(BIN) ./deploy/serve.sh

## Tests --------------------------------------------------------------------------------------

# ruff, and the import rules (contracts in pyproject.toml: layers, no cycles, a Flask-free site).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: install-test lint
	$(BIN)/python -m pytest

test-unit: install-test
	$(BIN)/python -m pytest tests/unit

test-integration: install-test
	$(BIN)/python -m pytest tests/integration

test-e2e: install-test
	$(BIN)/python -m pytest tests/e2e

# Mutation testing, not part of `make test`: mutmut mutates forms_service/domain/ and the mail
# retry policy in a copy under mutants/ ([tool.mutmut] in pyproject.toml), runs the unit tests
# against each mutant, and lists the mutants no test killed (README, "Mutation testing").
mutation: $(VENV)/.installed-test
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

## Benchmarks ---------------------------------------------------------------------------------

# Lighthouse, pinned in benchmarks/package-lock.json; it runs Debian's Chromium (no download).
benchmarks/node_modules/.installed: benchmarks/package.json benchmarks/package-lock.json
	cd benchmarks && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Site build, page weight, Lighthouse and service load against the budgets:
# writes benchmarks/results.json and benchmarks/RESULTS.md; then the information sessions
# (50 simultaneous bookings, the public list) and the workspace at 100,000 applications,
# each into its *_results.json and its own section at the end of RESULTS.md.
bench: install-test benchmarks/node_modules/.installed
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/sessions.py
	$(BIN)/python benchmarks/workspace.py

clean:
	rm -rf site instance .pytest_cache
