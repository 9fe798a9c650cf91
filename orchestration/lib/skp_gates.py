"""The SKP gate rule rows, read from the values seed file: the yearly schedule and `kinerja run` decide which IPASN
years are due before dbt has built the rules schema (a fresh home) or while a run holds the warehouse. Each row
names its own deadline, so no in-effect date applies."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

SKP_GATE_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "values" / "rule_skp_gate_values.csv"


def skp_deadlines() -> dict[dt.date, int]:
    """Deadline day -> SKP year."""
    with open(SKP_GATE_SEED, newline="") as f:
        return {dt.date.fromisoformat(r["deadline_date"]): int(r["skp_year"]) for r in csv.DictReader(f)}
