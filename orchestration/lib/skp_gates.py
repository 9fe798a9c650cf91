"""The SKP deadlines as the home's warehouse holds them (rules.rule_skp_gate, built by dbt from its seed): the rows
in effect on the day asked about, so a deadline moved by a later rule row replaces the old one from its
effective_from. The yearly schedule and `kinerja run` decide from these which IPASN years are due."""
from __future__ import annotations

import datetime as dt
from pathlib import Path


class RulesUnavailable(RuntimeError):
    """The warehouse cannot be read for its rules: not built yet, or held by a run that is writing it."""


def skp_deadlines(home: Path, on: dt.date) -> dict[dt.date, int]:
    """Deadline day -> SKP year, of the rule rows in effect on `on`."""
    import duckdb
    warehouse = Path(home) / "warehouse.duckdb"
    if not warehouse.exists():
        raise RulesUnavailable(f"home {home} has no warehouse yet: run a month (monthly_tpp) first")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as held:
        raise RulesUnavailable(f"the warehouse of home {home} is held by another process: {held}") from held
    try:
        rows = con.execute("select deadline_date, skp_year from rules.rule_skp_gate "
                           "where effective_from <= ? and ? < effective_to", [on, on]).fetchall()
    except duckdb.CatalogException as missing:
        raise RulesUnavailable(f"home {home} has no rules.rule_skp_gate yet: run a month (monthly_tpp) first") \
            from missing
    finally:
        con.close()
    return {deadline: int(year) for deadline, year in rows}
