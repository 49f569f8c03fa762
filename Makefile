# Vigil: `make demo` and `make test` do all their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo test lint bench clean help

help:
	@echo "make demo   - install, start the sample markets, crawl, extract, index into ./data, summarise"
	@echo "make test   - install and run the whole test suite (lint included)"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make lint   - ruff"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/vigil demo run

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) data .pytest_cache
