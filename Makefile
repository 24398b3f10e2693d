# Twoway: `make run` serves the demo, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install lock run test test-fast lint format bench bench-full backup restore clean

# Installs exactly what requirements/dev.txt pins, every file checked against its hash.
$(STAMP): requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

# After changing pyproject.toml's dependencies: re-pin both lock files (uv resolves in seconds).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.5,<1'
	$(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 pyproject.toml -o requirements/prod.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 --extra dev pyproject.toml -o requirements/dev.txt

run: install
	bin/run

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $$(find templates -name '*.html')
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	DEBUG=1 $(BIN)/python -m bench

# Every figure of the budgets, the opt-in sizes included (the 50k engine case and the 50,000-
# person dashboard): about 15 minutes more. Use DATABASE_URL/REDIS_URL as for `make bench`.
bench-full: install
	BENCH_FULL=1 DEBUG=1 $(BIN)/python -m bench

# `make backup [FILE=path]` (default var/backups/twoway-<timestamp>.dump);
# `make restore FILE=path [YES=1]` replaces the database's contents (it asks unless YES=1).
# Both read DATABASE_URL: pg_dump -Fc / pg_restore --clean for PostgreSQL, a copy for SQLite.
backup: install
	bin/backup $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "make restore FILE=path/to/backup.dump"; exit 2; }
	bin/restore "$(FILE)" $(if $(YES),--yes)

clean:
	rm -rf $(VENV) var db.sqlite3
