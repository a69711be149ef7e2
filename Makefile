# rnn-lecture
#
#   make lecture   set up everything, then render the whole lecture into out/
#   make test      set up everything, then ruff + pytest
#   make lock      regenerate requirements.lock after changing pyproject.toml's dependencies
#
# Set-up is idempotent and quick once done (stamp files): Debian packages (apt-get,
# only those missing: tools/setup_system.sh), a virtual environment .venv with the pinned
# requirements.lock, and a local copy of reveal.js so that the HTML decks work offline.
# Each step that uses the network runs once more after a failure and then stops with one
# line (tools/retry.sh); its output is in /tmp/rnn-lecture-logs/setup-*.log.
#
# Variables: PYTHON (the interpreter for the venv, default python3),
#            ARGS (extra options for render.py lecture, e.g. ARGS="-q high --jobs 2"),
#            APT_LOCK_TIMEOUT (seconds to wait for another apt/dpkg, default 300),
#            LOCK_ARGS (extra options for uv pip compile, e.g. LOCK_ARGS=--upgrade).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUFF := $(VENV)/bin/ruff
ARGS ?=
# Tests run in parallel: each module (or test class) on one worker, so module-scoped
# scene builds are made once; the lesson-space tests are one class per lesson.
PYTEST_ARGS ?= -n auto --dist loadscope

# Kept in step with manim-slides 5.7.0's default reveal_version (render.REVEAL_VERSION).
REVEAL_VERSION := 6.0.1
REVEAL := build/reveal.js-$(REVEAL_VERSION)
TORCH := torch==2.13.0
# The resolver behind `make lock` (pinned: another uv may write the same pins differently).
UV := uv==0.13.9

# cairo/pango headers for pycairo and manimpango (built from source), LaTeX for MathTex,
# a CJK font so that Japanese text draws as glyphs (Pango finds it through fontconfig),
# chromium for the browser test of the HTML deck (driven by playwright's Python package,
# which cannot download a browser of its own here: tests/test_browser.py).
APT_PACKAGES := build-essential libcairo2-dev libpango1.0-dev pkg-config \
	texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm cm-super-minimal \
	fonts-noto-cjk chromium

.PHONY: help setup system venv reveal torch lecture test lint format bench lock clean distclean

help:
	@echo "make lecture   render every scene: out/videos/*.mp4, out/lecture.{html,pptx,pdf}"
	@echo "make test      ruff check, ruff format --check, pytest"
	@echo "make lint | format | bench | lock | clean | distclean"

# --- set-up -------------------------------------------------------------------------

setup: system venv reveal

system: build/.stamp-system
venv: $(VENV)/.stamp-deps $(VENV)/.stamp-cli
reveal: $(REVEAL)/dist/reveal.js

# Debian packages: only the missing ones, with sudo when not root; waits for another
# apt/dpkg and retries once (tools/setup_system.sh says how).
build/.stamp-system: Makefile tools/setup_system.sh
	@PYTHON=$(PYTHON) tools/setup_system.sh $(APT_PACKAGES)
	@mkdir -p build && touch $@

$(VENV)/bin/python: | build/.stamp-system
	@$(PYTHON) -m venv $(VENV)

# The pinned dependency set (torch is optional and not in it). The lock is resolved for
# every Python from 3.11.0 on (`make lock`), so pip installs it as it is.
$(VENV)/.stamp-deps: requirements.lock | $(VENV)/bin/python
	@echo "installing requirements.lock into $(VENV) (minutes the first time: pycairo and manimpango build)"
	@tools/retry.sh "pip install -r requirements.lock" \
	  "check the network; if it is fine, see 'Regenerating the lock' in README.md" \
	  $(PIP) install -q -r requirements.lock
	@touch $@

# The project itself, editable and without dependencies (the lock has them): the
# rnn-lecture console script in $(VENV)/bin, the same command as python render.py.
$(VENV)/.stamp-cli: pyproject.toml | $(VENV)/.stamp-deps
	@tools/retry.sh "pip install -e ." "check the network, then run make again" \
	  $(PIP) install -q --no-deps -e .
	@touch $@

# reveal.js for offline HTML decks, from the npm registry. Not fatal: without it the decks
# load reveal.js from a CDN, and the next make tries again (no file, no stamp).
$(REVEAL)/dist/reveal.js: | build/.stamp-system
	@rm -rf build/tmp-reveal && mkdir -p build/tmp-reveal
	@tools/retry.sh --warn "npm pack reveal.js@$(REVEAL_VERSION)" \
	    "HTML decks will load reveal.js from a CDN; 'make reveal' tries again" \
	    npm pack --loglevel=error --pack-destination build/tmp-reveal reveal.js@$(REVEAL_VERSION) && \
	  mkdir -p $(REVEAL) && \
	  tar -xzf build/tmp-reveal/reveal.js-$(REVEAL_VERSION).tgz -C $(REVEAL) --strip-components=1 && \
	  echo "reveal.js $(REVEAL_VERSION) in $(REVEAL)" || true
	@rm -rf build/tmp-reveal

# PyTorch (CPU) for the parity tests, if pip can get it; never fatal.
torch: $(VENV)/.stamp-torch
$(VENV)/.stamp-torch: | $(VENV)/.stamp-deps
	@$(PY) -c 'import torch' 2>/dev/null || \
	  $(PIP) install -q --only-binary=:all: $(TORCH) || \
	  echo "note: $(TORCH) not installed; the PyTorch parity tests are skipped"
	@touch $@

# --- the two commands ---------------------------------------------------------------

lecture: setup
	$(PY) render.py lecture $(ARGS)

test: setup torch
	$(RUFF) check .
	$(RUFF) format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

# --- the rest -----------------------------------------------------------------------

# Regenerate requirements.lock from pyproject.toml: one universal lock for every Python
# from 3.11.0 on, checked for 3.11.2, 3.12 and 3.13 (tools/lock.sh). Installs uv into .venv.
lock: $(VENV)/bin/python
	@tools/retry.sh "pip install $(UV)" "check the network, then run make lock again" \
	  $(PIP) install -q $(UV)
	@UV=$(VENV)/bin/uv tools/lock.sh $(LOCK_ARGS)

lint: venv
	$(RUFF) check .
	$(RUFF) format --check .

format: venv
	$(RUFF) format .
	$(RUFF) check --fix .

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf out media slides .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf build $(VENV)
