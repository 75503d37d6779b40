# Two commands matter: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint typecheck check-format format lock clean setup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/tend compilemessages --ignore=.venv -v 0 2>/dev/null || true
	$(BIN)/tend migrate --no-input -v 0

run: setup
	$(BIN)/tend demo
	$(BIN)/tend run

test: setup lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check tend tests e2e bench conftest.py
	$(BIN)/ruff check tend tests e2e bench conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy tend

format: $(STAMP)
	$(BIN)/ruff format tend tests e2e bench conftest.py
	$(BIN)/ruff check --fix tend tests e2e bench conftest.py

# make bench BENCH_ARGS="--n 100000" for the full dispatch run.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# Regenerate the pinned lock files after changing pyproject.toml: requirements.lock (with the
# dev extras: tests, linters) and requirements-prod.lock (what runs Tend, for the container),
# the second held to the first's versions.
lock:
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.13 -o requirements.lock -q
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.13 -c requirements.lock -o requirements-prod.lock -q

clean:
	rm -rf $(VENV) *.sqlite3*
