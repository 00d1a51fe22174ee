# silkfeed — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv run up down test lint bench clean compose-env test-compose

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	@test -n "$(PYTHON)" || { echo "silkfeed: Python 3.11 or newer is required (apt-get install python3 python3-venv)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "silkfeed: $(PYTHON) is older than 3.11"; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "silkfeed: the venv module is missing (apt-get install python3-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# (The compile is left to the rule below, which builds in parallel.)
	SILKFEED_PURE_PYTHON=1 $(BIN)/python -m pip install --quiet -e '.[test,bench,compile]'
	@touch $(STAMP)

# The parser's compiled modules (setup.py), built again whenever a source of
# theirs changes, and tried again at every run until all are built (the stamp
# is set only then). Without a C compiler the parser runs them as plain
# Python, slower, and this says so; under CI that is an error.
PARSER_SOURCES := $(wildcard services/ingest/parsing/*.py)
COMPILED_STAMP := $(VENV)/.compiled

$(COMPILED_STAMP): $(STAMP) setup.py $(PARSER_SOURCES)
	@$(BIN)/silkfeed ensure-tools --for compile >/dev/null
	@$(BIN)/python setup.py --quiet build_ext --inplace --parallel 2 >$(VENV)/compile.log 2>&1 \
		|| { tail -5 $(VENV)/compile.log; true; }
	@if $(BIN)/python services/ingest/parsing/compiled.py --check; then touch $@; else \
		echo "silkfeed: those run as plain Python, slower ($(VENV)/compile.log says why); a C compiler and Python's headers compile them (apt-get install gcc python3-dev), then make venv"; \
		test "$$CI" != true; fi

venv: $(STAMP) $(COMPILED_STAMP) ## Create .venv and install silkfeed with its dependencies
	@# Built modules deleted, or a source changed with an older time: built again.
	@$(BIN)/python services/ingest/parsing/compiled.py --check >/dev/null \
		|| { rm -f $(COMPILED_STAMP); $(MAKE) --no-print-directory $(COMPILED_STAMP); }

run: venv ## Set up and run the whole stack in the foreground (Ctrl-C stops it)
	$(BIN)/silkfeed stack run

up: venv ## Start the stack in the background; returns when every service is healthy
	$(BIN)/silkfeed stack up

down: venv ## Stop the stack that `make up` started
	$(BIN)/silkfeed stack down

# Test processes: most tests wait on live services rather than compute, so
# more processes than cores shorten the run; tests sharing a module's stack of
# live processes stay in one process (tests/conftest.py). TEST_PROCESSES=0 runs
# them all in this one. Tests that bound a duration (marked `alone`) run after
# them, one at a time with nothing beside them: run among the others, each
# would first wait for the longest running test to end.
TEST_PROCESSES ?= 3

test: venv ## Set up and run every test (and the linter)
	$(BIN)/silkfeed ensure-tools --for test
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadgroup -m "not alone"
	$(BIN)/pytest -m alone

compose-env: ## Write .env for docker compose (generated database password and ingest token)
	@$(PYTHON) deploy/compose_env.py

test-compose: ## Build and run the docker compose stack for real and put it through its paces (root, Docker)
	tests/compose/run.sh

lint: venv ## Run ruff
	$(BIN)/ruff check .

bench: venv ## Run the benchmarks and print their report
	$(BIN)/silkfeed ensure-tools --for bench
	$(BIN)/python bench/run.py

clean: ## Remove the virtualenv, the data directory and the compiled modules
	rm -rf $(VENV) var .pytest_cache .ruff_cache build services/ingest/parsing/*.so services/ingest/parsing/compiled.json
