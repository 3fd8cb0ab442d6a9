# Comptoir: `make run` starts the app on demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test lint format bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo shop, in its own file: demo accounts exist only there.
# A checkout keeps its data folder in var/ (an install: ~/.local/share/comptoir).
run: $(STAMP)
	COMPTOIR_HOME="$${COMPTOIR_HOME:-var}" COMPTOIR_DB="$${COMPTOIR_DB:-var/demo.duckdb}" \
	COMPTOIR_DEMO_CUSTOMERS="$${COMPTOIR_DEMO_CUSTOMERS:-2000}" \
	$(BIN)/python serve.py --server.address 127.0.0.1 --server.port 8501

# A real shop: var/comptoir.duckdb (or COMPTOIR_DB); the first start asks for the administrator.
serve: $(STAMP)
	COMPTOIR_HOME="$${COMPTOIR_HOME:-var}" \
	$(BIN)/python serve.py --server.address 127.0.0.1 --server.port 8501

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench search
	$(BIN)/python -m bench accounts
	$(BIN)/python -m bench sales
	$(BIN)/python -m bench products_import
	$(BIN)/python -m bench sign_in
	$(BIN)/python -m bench ui
	$(BIN)/python -m bench xlsx_upload

demo: $(STAMP)
	$(BIN)/python -m comptoir.data.demo --customers 2000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
