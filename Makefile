# The two commands: `make run` (try it) and `make test` (check it). `make install` is the .venv part.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres lint

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/kefu migrate --noinput
	$(BIN)/kefu demo
	$(BIN)/kefu serve

# The whole suite on SQLite (with the browser and multi-process tests), then again on
# PostgreSQL. Tests needing a missing service skip with a reason, or fail when
# KEFU_REQUIRE_SERVICES=1. Both include tests/api/test_openapi_conformance.py: schemathesis
# (a dev extra) over every operation of /api/openapi.json, with a token and without.
test: install test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest

test-postgres:
	KEFU_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest -m "not browser and not multiprocess"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kefu tests bench
