# teacherapp: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
# Both set themselves up on a fresh machine with Python 3.11+ and are fast the second time.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app teacherapp
HOST ?= 127.0.0.1
PORT ?= 5000
# Two pytest-xdist workers: the machine's two cores (each gets its own PostgreSQL database).
TEST_WORKERS ?= 2

.PHONY: run test test-postgres setup setup-dev chromium pdf-libs db demo lint translations-missing clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

run: pdf-libs demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# WeasyPrint draws the attests with Pango and HarfBuzz from Debian.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libharfbuzz-subset.so.0 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; fi; }

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

test: setup-dev chromium pdf-libs
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

test-postgres: setup-dev chromium pdf-libs
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: setup-dev
	$(BIN)/ruff check teacherapp tests bench

translations-missing: setup
	$(FLASK) i18n-missing

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
