# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve data test check lint format clean bench loadtest

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# The browser-quality tests' tools (axe-core, the Nu HTML Checker's jar), pinned in
# package-lock.json; without npm `make run` still works and those tests say what is missing.
# No install scripts: vnu-jar's would fetch a Java (the tests need the system's Java 8+).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: install Node.js for the browser-quality tests"; fi

install: $(VENV)/.installed node_modules/.package-lock.json

## Migrate, load the dataset and serve on 127.0.0.1:8000.
run: data
	$(PY) manage.py runserver $(HOST):$(PORT)

data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_scholarship fixtures/stalinism.json
	$(PY) manage.py loaddata fixtures/redirects.json
	$(PY) manage.py load_demo --site http://$(HOST):$(PORT)

## The whole test suite (SQLite unless DATABASE_URL is set).
test: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

## Ruff (lint and format) and djhtml (template indentation): check, or rewrite.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(find templates -name '*.html')

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml $$(find templates -name '*.html')

check: install lint
	$(PY) manage.py check
	python3 ../shared/tools/verify_quotes.py fixtures/*.json --field words --field passage

## The production server under wrk, page by page (README, "Performance and capacity").
## PostgreSQL and Redis on 127.0.0.1; BENCH_DATABASE_URL, BENCH_REDIS_URL to change them.
bench: $(VENV)/.installed
	timeout 1800 $(PY) bench/run.py

## 60 s at 32 connections with students saving drafts; restarts PostgreSQL half-way.
loadtest: $(VENV)/.installed
	timeout 900 $(PY) bench/loadtest.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules screenshots
