# Aduan Ledger. `make run` serves the API on SQLite; `make test` installs what is missing
# (virtualenv, PostgreSQL, a local Kafka broker) and runs every test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run demo test lint postgres kafka kafka-stop bench clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

DEMO_DB := sqlite:///var/demo.db

run: $(INSTALLED)
	@mkdir -p var
ifdef DEMO
	@test -f var/demo.db || ADUAN_DATABASE_URL=$(DEMO_DB) $(BIN)/aduan simulate
	ADUAN_DATABASE_URL=$(DEMO_DB) $(BIN)/aduan serve
else
	$(BIN)/aduan serve
endif

demo:
	@$(MAKE) --no-print-directory run DEMO=1

postgres:
	@bash infra/scripts/postgres.sh

kafka:
	@bash infra/scripts/kafka.sh start

kafka-stop:
	@bash infra/scripts/kafka.sh stop

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(INSTALLED) postgres kafka lint
	$(BIN)/pytest

bench: $(INSTALLED) postgres kafka
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/read_models.py
	$(BIN)/python bench/relay.py
	$(BIN)/python bench/notify_latency.py
	$(BIN)/python bench/ledger.py

clean: kafka-stop
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
