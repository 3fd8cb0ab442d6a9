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
run: $(STAMP)
	COMPTOIR_DB="$${COMPTOIR_DB:-var/demo.duckdb}" \
	COMPTOIR_DEMO_CUSTOMERS="$${COMPTOIR_DEMO_CUSTOMERS:-2000}" \
	$(BIN)/python serve.py --server.address 127.0.0.1 --server.port 8501

# A real shop: var/comptoir.duckdb (or COMPTOIR_DB); the first start asks for the administrator.
serve: $(STAMP)
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
	$(BIN)/python bench/search.py
	$(BIN)/python bench/accounts.py
	$(BIN)/python bench/sales.py
	$(BIN)/python bench/products_import.py
	$(BIN)/python bench/sign_in.py
	$(BIN)/python bench/ui.py
	$(BIN)/python bench/xlsx_upload.py

demo: $(STAMP)
	$(BIN)/python -m data.demo --customers 2000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
