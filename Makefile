# One command each: `make site` sets up and builds the repository's own site; `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: site test serve bench clean

site: $(VENV)/.installed
	$(BIN)/sitegen build

test: $(VENV)/.installed-test
	bash scripts/install-system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: $(VENV)/.installed
	$(BIN)/sitegen serve

bench: $(VENV)/.installed-test
	bash bench/setup
	$(BIN)/python bench/run.py --write docs/benchmarks.md

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf build build.* .sitegen-cache .pytest_cache
