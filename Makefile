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

# Chromium from Debian and axe-core from npm, for the browser tests. As root (CI) the
# Debian packages are installed when missing; otherwise it says what to install.
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null || [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Chromium from Debian..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }
	@test -f node_modules/axe-core/axe.min.js || { echo "node_modules/axe-core is missing: run npm ci"; exit 1; }

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# The demo: SQLite in var/, demo data once, the web server and a task worker (e-mails
# such as invitations go to this console). Ctrl+C stops both.
demo: setup
	$(PY) manage.py migrate --verbosity 0
	DEMO_MODE=1 $(PY) manage.py demo_data --scale small --seed $(SEED) --if-empty
	@echo
	@echo "  digibank demo: http://127.0.0.1:$(PORT)/"
	@DEMO_MODE=1 $(PY) manage.py demo_data --print-logins
	@echo
	@trap 'kill 0' EXIT INT TERM; \
	DEMO_MODE=1 $(PY) manage.py db_worker & \
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, browser tests included, on two xdist workers (each with its own test
# database, live server and Chromium). DATABASE_URL=postgres://... runs it on PostgreSQL.
# Exit status 5 (no tests collected) fails like any other.
test: setup-dev browser-deps
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest -n 2 --dist loadgroup -q -rfE $(PYTEST_ARGS)

# Everything but the browser tests, in one process: the quick loop while developing.
test-fast: setup-dev
	$(PY) -m pytest -q -rfE -m "not browser" $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy digibank benchmarks tests conftest.py

bench: setup-dev
	$(PY) -m benchmarks.run --scale $(SCALE) --seed $(SEED)

messages: setup-dev
	$(PY) manage.py makemessages --locale nl --locale fr --locale en --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) node_modules var
