"""A failed dbt build in one line a person can act on: which model, DuckDB's own words, and what to do."""
from __future__ import annotations

import json
import re
from pathlib import Path

_CORRUPT = re.compile(r"(?:No magic bytes found at end of file|too small to be a Parquet file|Invalid Parquet file)"
                      r"[^']*'([^']+\.parquet)'")


def _what_to_do(message: str) -> str:
    corrupt = _CORRUPT.search(message)
    if corrupt:
        path = Path(corrupt.group(1))
        manifest = path.parent.parent / "landed_file" / path.name
        return (f"raw file {path} is corrupt (cut off or overwritten): delete it and {manifest}, then run again; "
                "its landing file is ingested anew")
    if "schemas on this incremental model are out of sync" in message:
        return ("This version of the pipeline changed the model's columns, and the warehouse was built by an earlier "
                "one: run once with --full-refresh (in the UI: the dbt_models and dbt_month_facts op config full_refresh: true)")
    if "Could not set lock on file" in message:
        pid = re.search(r"PID (\d+)", message)
        holder = f" (process {pid.group(1)})" if pid else ""
        return (f"the warehouse is open in another program{holder}, e.g. a DuckDB shell or a notebook: close it "
                "and run again")
    return ""


def warehouse_busy(warehouse: Path) -> str | None:
    """Why dbt could not write the warehouse now (another process holds DuckDB's lock), or None."""
    import duckdb
    if not Path(warehouse).exists():
        return None
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.IOException as exc:
        if "Could not set lock" in str(exc):
            return f"{warehouse}: {_what_to_do(str(exc))}"
        raise
    return None


def explain_dbt_failure(target_path: Path, error_text: str = "") -> str | None:
    """From the build's run_results.json: the first node that errored and its message, with a hint when the cause
    is known; else a known cause in dagster-dbt's error text; None when neither tells."""
    results = Path(target_path) / "run_results.json"
    if not results.exists():
        hint = _what_to_do(error_text)
        return f"dbt failed: {hint}" if hint else None
    for result in json.loads(results.read_text()).get("results", []):
        if result.get("status") in ("error", "fail"):
            message = (result.get("message") or "").strip()
            node = result.get("unique_id", "").split(".")[-1]
            first = next((line.strip() for line in message.splitlines()
                          if re.search(r"(Error|error):", line)), message.splitlines()[0] if message else "")
            hint = _what_to_do(message)
            return f"dbt failed in {node}: {first}" + (f". {hint}" if hint else "")
    return None
