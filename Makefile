# rnn-lecture
#
#   make lecture   set up everything, then render the whole lecture into out/
#   make test      set up everything, then ruff + pytest
#
# Set-up is idempotent and quick once done (stamp files): Debian packages (apt-get,
# only those missing), a virtual environment .venv with the pinned requirements.lock,
# and a local copy of reveal.js so that the HTML decks work offline.
#
# Variables: PYTHON (the interpreter for the venv, default python3),
#            ARGS (extra options for render.py lecture, e.g. ARGS="-q high --jobs 2").

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUFF := $(VENV)/bin/ruff
ARGS ?=
# Test files run in parallel, one file per worker (module-scoped scene builds stay on one).
PYTEST_ARGS ?= -n auto --dist loadfile

# Kept in step with manim-slides 5.7.0's default reveal_version (render.REVEAL_VERSION).
REVEAL_VERSION := 6.0.1
REVEAL := build/reveal.js-$(REVEAL_VERSION)
TORCH := torch==2.13.0

# cairo/pango headers for pycairo and manimpango (built from source), LaTeX for MathTex.
APT_PACKAGES := build-essential libcairo2-dev libpango1.0-dev pkg-config \
	texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm cm-super-minimal
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system venv reveal torch lecture test lint format bench clean distclean

help:
	@echo "make lecture   render every scene: out/videos/*.mp4, out/lecture.{html,pptx,pdf}"
	@echo "make test      ruff check, ruff format --check, pytest"
	@echo "make lint | format | bench | clean | distclean"

# --- set-up -------------------------------------------------------------------------

setup: system venv reveal

system: build/.stamp-system
venv: $(VENV)/.stamp-deps
reveal: $(REVEAL)/dist/reveal.js

# Debian packages: install only the missing ones (dpkg -s), with sudo when not root.
build/.stamp-system: Makefile
	@if command -v dpkg >/dev/null; then \
	  pkgs="$(APT_PACKAGES)"; \
	  if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then pkgs="$$pkgs python3-venv"; fi; \
	  if ! $(PYTHON) -c 'import os, sysconfig as s; \
	      assert os.path.exists(os.path.join(s.get_paths()["include"], "Python.h"))' 2>/dev/null; \
	  then pkgs="$$pkgs python3-dev"; fi; \
	  if ! command -v npm >/dev/null; then pkgs="$$pkgs npm"; fi; \
	  missing=$$(for p in $$pkgs; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else \
	  echo "note: no dpkg here; install by hand: $(APT_PACKAGES)"; \
	fi
	@mkdir -p build && touch $@

$(VENV)/bin/python: | build/.stamp-system
	$(PYTHON) -m venv $(VENV)

# The pinned dependency set (torch is optional and not in it).
$(VENV)/.stamp-deps: requirements.lock | $(VENV)/bin/python
	$(PIP) install -q -r requirements.lock
	@touch $@

# reveal.js for offline HTML decks, from the npm registry; without npm the decks use a CDN.
$(REVEAL)/dist/reveal.js: | build/.stamp-system
	@mkdir -p build/tmp-reveal
	@if (cd build/tmp-reveal && npm pack --silent reveal.js@$(REVEAL_VERSION) >/dev/null) && \
	    mkdir -p $(REVEAL) && tar -xzf build/tmp-reveal/reveal.js-$(REVEAL_VERSION).tgz \
	      -C $(REVEAL) --strip-components=1; then \
	  echo "reveal.js $(REVEAL_VERSION) in $(REVEAL)"; \
	else \
	  echo "warning: could not fetch reveal.js with npm; HTML decks will load it from a CDN"; \
	fi
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
