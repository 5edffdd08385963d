# Set-up and everyday commands. Every target creates the virtualenv it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILDDIR := _build
SPHINXOPTS ?=
SPHINXBUILD := $(BIN)/sphinx-build -W -n --keep-going -d $(BUILDDIR)/doctrees $(SPHINXOPTS)
# Warnings of the last strict build: while it holds any, the next build reads every page
# again, so a failed build cannot turn green on a plain rerun.
WARNINGS := $(BUILDDIR)/html-warnings.txt
ACE := tools/ace/node_modules/.bin/ace-puppeteer

.PHONY: html check test lint spelling linkcheck cards-diff new-section new-week bench bench-check livehtml clean distclean browser-deps screenshots audit

# The virtualenv counts as made only once pip is ready in it, so a failed attempt is redone.
$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "This project needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
		echo "Run make again with PYTHON=python3.11 (or a newer python)."; exit 1; }
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.docs: pyproject.toml | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet --group docs
	@touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet --group test
	@touch $@

$(VENV)/.live: pyproject.toml | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet --group live
	@touch $@

html: $(VENV)/.docs
	@mkdir -p $(BUILDDIR)
	@fresh=$$(test -s $(WARNINGS) && echo -E); \
	if [ -n "$$fresh" ]; then echo "The last build had warnings: reading every page again."; fi; \
	$(SPHINXBUILD) $$fresh -w $(WARNINGS) -b html . $(BUILDDIR)/html
	@echo "Open $(BUILDDIR)/html/index.html in a browser."

# The quick loop for content edits: strict build with the course's shape rules, then
# whitespace, YAML/TOML, spelling and lint through the pre-commit hooks.
check: html $(VENV)/.test
	@$(BIN)/pre-commit run --all-files

test: check $(ACE)
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

# New pages with every text to write marked [WRITE: …]; see CONTRIBUTING.
new-section: $(VENV)/.docs
	@test -n "$(WEEK)" -a -n "$(TITLE)" || { echo 'usage: make new-section WEEK=7 TITLE="Resting together"'; exit 2; }
	@$(BIN)/python tools/scaffold.py section --week "$(WEEK)" --title "$(TITLE)"

new-week: $(VENV)/.docs
	@test -n "$(WEEK)" -a -n "$(TITLE)" || { echo 'usage: make new-week WEEK=8 TITLE="Staying close" [SECTION="Introduction"]'; exit 2; }
	@$(BIN)/python tools/scaffold.py week --week "$(WEEK)" --title "$(TITLE)" $(if $(SECTION),--first-section "$(SECTION)")

# Build-time benchmark: 1, 13 and 52 weeks, five clean builds per variant (about 30 minutes).
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

# Ace by DAISY checks the e-books' accessibility (tests/test_epub.py). Its install scripts
# would download a browser; it runs with Debian's Chromium instead.
$(ACE): tools/ace/package-lock.json
	cd tools/ace && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

tools/audit/node_modules/.bin/lighthouse: tools/audit/package-lock.json
	cd tools/audit && npm ci --no-audit --no-fund
	touch $@

audit: html browser-deps tools/audit/node_modules/.bin/lighthouse
	$(BIN)/python tools/audit/audit.py $(BUILDDIR)/html $(BUILDDIR)/audit

livehtml: $(VENV)/.live
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 -W -n -D content_security_live_preview=1 . $(BUILDDIR)/live

clean:
	rm -rf $(BUILDDIR)

# Also the virtualenv, broken or not: the next command makes a fresh one.
distclean: clean
	rm -rf $(VENV)
