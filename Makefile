# Vigil: `make demo` and `make test` do all their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install system demo test lint bench clean help

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

# Debian packages the tests need: Java and Maven run and fetch the Elasticsearch and
# OpenSearch nodes; Chromium renders browser-only markets (Playwright cannot download its
# own browser here); redis-server holds the shared frontier of scale-out crawls. Installed only
# when missing, and only as root with apt-get.
SYSTEM_PACKAGES := default-jre-headless maven chromium redis-server
system:
	@command -v java >/dev/null && command -v mvn >/dev/null && command -v chromium >/dev/null && command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	  else echo "make test needs java, mvn, chromium and redis-server: apt-get install $(SYSTEM_PACKAGES)" >&2; exit 1; fi; }

demo: install system
	$(BIN)/vigil demo run

lint: install
	$(BIN)/ruff check .

test: install system lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/recrawl.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/extract_ablation.py
	$(BIN)/python bench/index.py
	$(BIN)/python bench/spool.py
	$(BIN)/python bench/browser.py
	$(BIN)/python bench/tor.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) data .pytest_cache
