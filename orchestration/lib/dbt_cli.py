"""Where dbt is, and a fresh warehouse home's first dbt parse started ahead of its build.

Importing this module is cheap (no dagster-dbt), so `kinerja run` can start the parse before its heavy imports.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PARTIAL_PARSE = "partial_parse.msgpack"

_first_parse: dict[Path, subprocess.Popen] = {}


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


def _first_parse_dir(home: Path) -> Path:
    return home / "dbt" / "first_parse"


def start_first_parse(home: Path) -> None:
    """A home with no partial-parse state yet: run `dbt parse` now, in the background, with the environment the
    build will have, so the build finds the project parsed (a full parse is about 5 s of a city's dbt step)."""
    if kept_partial_parse(home).exists() or home in _first_parse:
        return
    target = _first_parse_dir(home)
    target.mkdir(parents=True, exist_ok=True)
    log = open(home / "dbt" / "first_parse.log", "w", encoding="utf-8")
    _first_parse[home] = subprocess.Popen(
        [dbt_executable(), "parse", "--target-path", str(target), "--profiles-dir", ".", "--project-dir", "."],
        cwd=DBT_PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "KINERJA_HOME": str(home)})
    log.close()   # the child has its own copy


def finish_first_parse(home: Path) -> None:
    """Wait for the home's first parse, if one was started, and keep its state. If it failed, the build parses
    the project itself and reports what is wrong."""
    proc = _first_parse.pop(home, None)
    if proc is None:
        return
    if proc.wait() == 0 and not kept_partial_parse(home).exists():
        keep_partial_parse(home, _first_parse_dir(home))
    shutil.rmtree(_first_parse_dir(home), ignore_errors=True)
