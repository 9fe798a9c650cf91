"""The SKP gate rule rows, read from the seed file (for scheduling decisions made before dbt has run)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

SKP_GATE_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "rule_skp_gate.csv"


def skp_deadlines() -> dict[dt.date, int]:
    """Deadline day -> SKP year."""
    with open(SKP_GATE_SEED, newline="") as f:
        return {dt.date.fromisoformat(r["deadline_date"]): int(r["skp_year"]) for r in csv.DictReader(f)}
