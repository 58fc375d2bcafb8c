# Anxin — the two commands are `make run` and `make test`; everything else is what they are made of.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate messages compilemessages seed lint typecheck pytest worker bench clean

run: install compilemessages migrate seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Serving Anxin at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install compilemessages lint typecheck pytest

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

seed: install
	$(BIN)/python manage.py seed_demo

# Rebuild the catalogues from the code (then translate the new zh_Hans entries).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete

compilemessages: install
	$(BIN)/python manage.py compile_catalogues

# Style, then the import rules of docs/architecture.md: import-linter's contracts (pyproject.toml) and no
# import circle between any two of our modules.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/import_cycles.py

typecheck: install
	$(BIN)/mypy

# Three pytest-xdist workers on this 2-core machine (each with its own test database, cache prefix and
# browser): much of the suite waits on PostgreSQL, Chromium and live servers, and with two workers the CI
# run used 1.1 cores on average (user+sys 15.5 CPU-minutes in 13.75 minutes). Modules that share state
# across their tests are kept on one worker (xdist_group). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 3
pytest: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && echo "no tests ran" && exit 1; exit $$rc

worker: install
	$(BIN)/celery -A config worker --loglevel INFO

bench: install migrate
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
