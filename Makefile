# Set-up and everyday commands. Every target creates the virtualenv it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILDDIR := _build
SPHINXBUILD := $(BIN)/sphinx-build -W -n --keep-going -d $(BUILDDIR)/doctrees

.PHONY: html test lint spelling linkcheck cards-diff bench bench-check livehtml clean browser-deps screenshots audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --group docs
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --group test
	touch $@

$(VENV)/.live: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --group live
	touch $@

html: $(VENV)/.docs
	$(SPHINXBUILD) -b html . $(BUILDDIR)/html
	@echo "Open $(BUILDDIR)/html/index.html in a browser."

test: lint spelling
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check _ext tests tools conf.py
	$(BIN)/ruff format --check _ext tests tools conf.py

spelling: $(VENV)/.test
	$(BIN)/codespell

linkcheck: $(VENV)/.docs
	$(SPHINXBUILD) -b linkcheck . $(BUILDDIR)/linkcheck

# Metaphors and prompts added, changed and removed since BASE (default: main).
BASE ?= main
cards-diff: $(VENV)/.docs
	@$(BIN)/python tools/cards_diff.py $(BASE)

# Build-time benchmark: 1, 13 and 52 weeks, five clean builds per variant (about 15 minutes).
bench: $(VENV)/.test
	$(BIN)/python tools/bench/bench.py

bench-check: $(VENV)/.test
	$(BIN)/python tools/bench/bench.py --check

# Debian's Chromium, pdftotext and EPUBCheck, for the browser and e-book tests
# (Playwright's own browser download does not work here). Needs root or sudo; does
# nothing when all three are present.
browser-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && [ -f /usr/bin/epubcheck ]; then \
		echo "chromium, pdftotext and epubcheck are installed."; \
	else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils epubcheck; \
	fi

screenshots: html $(VENV)/.test browser-deps
	$(BIN)/python tools/screenshots.py $(BUILDDIR)/html $(BUILDDIR)/screenshots

tools/audit/node_modules/.bin/lighthouse: tools/audit/package-lock.json
	cd tools/audit && npm ci --no-audit --no-fund
	touch $@

audit: html browser-deps tools/audit/node_modules/.bin/lighthouse
	$(BIN)/python tools/audit/audit.py $(BUILDDIR)/html $(BUILDDIR)/audit

livehtml: $(VENV)/.live
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 -W -n -D content_security_live_preview=1 . $(BUILDDIR)/live

clean:
	rm -rf $(BUILDDIR)
