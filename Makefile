# WeGrow: every target installs what it needs, from nothing (venv, pip, npm, Debian Chromium when root).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_312 := $(shell command -v python3.12 2>/dev/null || ls $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | head -n1)
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=
# pytest-xdist processes: the suite mostly waits on loopback servers (Azurite, emulators, the Playground), so three keep 2 cores busy
PYTEST_WORKERS ?= 3
PROPERTY_EXAMPLES ?= 1500

.PHONY: help venv node chromium office deps test test-fast fuzz lint typecheck demo demo-ui bench chaos package package-local clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -n "$(PYTHON_312)" || { echo "Python 3.12 not found: install it (pyenv install 3.12) and retry"; exit 1; }
	@test -x $(PY) || $(PYTHON_312) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

venv: $(PY_STAMP) ## create .venv with runtime and dev dependencies

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

node: $(NODE_STAMP) ## npm packages: azurite, Agents Playground, adaptivecards-templating

chromium: ## Debian Chromium for the browser test (apt, when missing and root)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
	  echo "chromium missing and not root: the browser test will report it"

office: ## LibreOffice Calc and poppler, to render the HR workbook to PNG (apt, when missing and root)
	@{ command -v soffice >/dev/null && command -v pdftoppm >/dev/null; } || { [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends libreoffice-calc poppler-utils >/dev/null; } || \
	  echo "libreoffice/pdftoppm missing and not root: the workbook render will report it"

deps: venv node chromium office ## everything the tests and the demo need

test: deps ## the whole suite: unit, contract, integration, e2e (PYTEST_WORKERS=3 processes)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15 $(PYTEST_ARGS)

test-fast: venv ## unit tests only
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

fuzz: venv ## every unit property test with PROPERTY_EXAMPLES (1500) examples and a new seed (~15 min on 2 cores)
	@seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); echo "hypothesis seed $$seed (again: --hypothesis-seed=$$seed)"; \
	WEGROW_PROPERTY_EXAMPLES=$(PROPERTY_EXAMPLES) $(PY) -m pytest tests/unit -q -n $(PYTEST_WORKERS) \
	  --hypothesis-seed=$$seed $(PYTEST_ARGS)

lint: venv ## ruff (lint and format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv ## mypy (strict on shared/)
	$(VENV)/bin/mypy

demo: deps ## the full cycle on the embedded local stack
	$(PY) -m devstack.demo

demo-ui: deps ## the demo, then the Agents Playground on the bot endpoint
	$(PY) -m devstack.demo --ui

bench: deps ## benchmarks (CPU per unit, ~20 min): docs/performance.md, out/bench.json; BENCH_QUICK=1: out/bench-quick.json
	$(PY) -m tests.bench.run

chaos: deps ## the full fault suite: writes docs/reliability.md
	WEGROW_CHAOS_FULL=1 $(PY) -m pytest tests/integration/test_chaos.py tests/integration/test_chaos_azurite.py \
	  tests/integration/test_chaos_cards_export.py -q $(PYTEST_ARGS)
	$(PY) -m tests.bench.reliability

package: venv ## the Teams app zip for upload: out/wegrow-teams-app.zip (refuses placeholder ids; see docs/deploy.md)
	$(PY) -m devstack.package_app

package-local: venv ## a Teams app zip for the local stack and the Agents Playground (placeholders allowed)
	$(PY) -m devstack.package_app --local

clean: ## remove generated files (keeps .venv and node_modules)
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
