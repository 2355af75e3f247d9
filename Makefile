# The two commands that do everything on a fresh machine:
#   make run    create .venv, install glassnet, train on the built-in digits, print test accuracy
#   make test   create .venv, install with dev extras and what the tests need, run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/glassnet train

# Debian packages the browser tests need (chromium); installs them when run as root.
system-deps:
	bash scripts/install-system-deps.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(wildcard src tests bench scripts)

test: $(VENV)/.installed-dev system-deps lint
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
