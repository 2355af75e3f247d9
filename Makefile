# The two commands that do everything on a fresh machine:
#   make run      create .venv, install glassnet with every window (explorer, scikit-learn,
#                 sweeps), train on the built-in digits, print the test accuracy and what next
#   make test     create .venv, install with dev extras and what the tests need, run every test
# and one more:
#   make explore  the web explorer on http://127.0.0.1:8000/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run explore test lint bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What a user's first session needs: the explorer, the estimator and sweeps.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web,sklearn,cluster]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/glassnet train
	@echo
	@echo "Next, from this folder (or run 'source $(BIN)/activate' once, then type just 'glassnet ...'):"
	@echo "  $(BIN)/glassnet predict runs/model-1.npz examples/digit-7.png --show"
	@echo "  $(BIN)/glassnet tour          how a neural network works, in nine steps"
	@echo "  make explore                      the web explorer: draw a digit, watch every neuron"
	@echo "  $(BIN)/glassnet --help        every command"

explore: $(VENV)/.installed
	$(BIN)/glassnet explore

# Debian packages the browser tests need (chromium); installs them when run as root.
system-deps:
	bash scripts/install-system-deps.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(wildcard src tests bench scripts)
	$(BIN)/lint-imports

test: $(VENV)/.installed-dev system-deps lint
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
