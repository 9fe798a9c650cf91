# Two commands for a new user: `make demo` and `make test`. Everything else is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LANDING ?= .demo/landing
DEMO_HOME ?= .demo/home
FROM ?= 2025-01
TO ?= 2025-11
ISSUE ?= 2025-04
CORRECT_IN ?= 2025-05
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

# The demo pays January to April, issues April (finance has paid it), then payroll re-delivers April's roster
# corrected: May onwards pay the kurang bayar and recover the lebih bayar (`kinerja diff --month 2025-04`). It runs
# to November 2025, the first month of Bontang's 15% working-hour cut.
demo: install manifest
	$(BIN)/kinerja generate --landing $(DEMO_LANDING) --from $(FROM) --to $(TO)
	$(BIN)/kinerja run --landing $(DEMO_LANDING) --home $(DEMO_HOME) --from $(FROM) --to $(ISSUE)
	test -f $(DEMO_HOME)/audit/issued/$(ISSUE)/months.parquet || $(BIN)/kinerja issue --home $(DEMO_HOME) --month $(ISSUE)
	$(BIN)/kinerja generate --landing $(DEMO_LANDING) --corrected-delivery $(ISSUE)
	$(BIN)/kinerja run --landing $(DEMO_LANDING) --home $(DEMO_HOME) --from $(CORRECT_IN) --to $(TO)
	$(BIN)/kinerja diff --home $(DEMO_HOME) --month $(ISSUE)

# Two workers, one test file each at a time (a file's module fixtures stay in one worker); TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= 2
test: install manifest
	$(BIN)/python -m pytest -q --durations=15 $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

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
