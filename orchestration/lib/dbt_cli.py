"""Where dbt is, and each warehouse home's dbt parse state. Importing this module is cheap (no dagster-dbt)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PARTIAL_PARSE = "partial_parse.msgpack"


def dbt_executable() -> str:
    """dbt from this venv, so it works when the venv is not on PATH (make, CI, cron, `dagster dev`'s code
    server, whose sys.executable may be the resolved base interpreter rather than the venv's)."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin", DBT_PROJECT_DIR.parent / ".venv" / "bin"):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


def kept_partial_parse(home: Path) -> Path:
    """dbt's partial-parse state, kept per warehouse home: dbt re-parses the whole project when the profile (which
    holds the warehouse path) differs from the one the state was written with."""
    return home / "dbt" / PARTIAL_PARSE


def restore_partial_parse(home: Path, target_path: Path) -> None:
    """Put the home's parse state where a dbt command with this target path looks for it."""
    kept = kept_partial_parse(home)
    if kept.exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target_path / PARTIAL_PARSE)


def keep_partial_parse(home: Path, target_path: Path) -> None:
    """Keep the parse state a dbt command wrote into this target path as the home's."""
    written, kept = target_path / PARTIAL_PARSE, kept_partial_parse(home)
    if written.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, kept)
