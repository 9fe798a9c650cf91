# Two commands for a new user: `make demo` and `make test`. Everything else is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LANDING ?= .demo/landing
DEMO_HOME ?= .demo/home
FROM ?= 2025-01
TO ?= 2025-06
SCALE ?= default
THROUGH ?=
export KINERJA_HOME ?= $(CURDIR)/$(DEMO_HOME)

.PHONY: install manifest demo test ui bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The dbt manifest is built before anything loads the Dagster definitions.
manifest: install
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --project-dir .

demo: install manifest
	$(BIN)/kinerja generate --landing $(DEMO_LANDING)
	$(BIN)/kinerja run --landing $(DEMO_LANDING) --home $(DEMO_HOME) --from $(FROM) --to $(TO)

test: install manifest
	$(BIN)/python -m pytest -q

# The UI (and the daemon: schedule, sensors, backfills) on the demo home's own Dagster instance, <home>/dagster.
ui: install manifest
	PATH=$(CURDIR)/$(BIN):$$PATH KINERJA_LANDING=$(CURDIR)/$(DEMO_LANDING) \
	  DAGSTER_HOME=$$($(BIN)/kinerja instance --home $(DEMO_HOME)) $(BIN)/dagster dev

# Scale runs: never part of `make test`. SCALE=default (city + province), city, province or national;
# THROUGH=2025-04 stops the monthly runs after April.
bench: install manifest
	$(BIN)/python -m orchestration.bench --scale $(SCALE) $(if $(THROUGH),--through $(THROUGH))

clean:
	rm -rf .demo .bench dbt_project/target
