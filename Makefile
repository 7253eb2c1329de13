# digibank: `make demo` serves a demo, `make test` runs every test. Both set up what
# they need first (a virtual environment, npm packages, Chromium).
SHELL := /bin/bash
PYTHON := $(shell bin/find-python)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= large
SEED ?= 42
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-fast test-browser lint bench messages clean setup setup-dev browser-deps

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# Chromium from Debian and axe-core from npm, for the browser tests.
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

demo: setup
	$(PY) manage.py migrate --verbosity 0
	DEMO_MODE=1 $(PY) manage.py demo_data --scale small --seed $(SEED) --if-empty
	@echo
	@echo "  digibank demo: http://127.0.0.1:$(PORT)/"
	@DEMO_MODE=1 $(PY) manage.py demo_data --print-logins
	@echo
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup-dev browser-deps
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test-fast: setup-dev
	$(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy digibank benchmarks

bench: setup-dev
	$(PY) -m benchmarks.run --scale $(SCALE) --seed $(SEED)

messages: setup-dev
	$(PY) manage.py makemessages --locale nl --locale fr --locale en --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) node_modules var
