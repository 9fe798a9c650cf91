"""Shared fixtures: the dbt manifest (built once, before definitions load) and a small generated city."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
SMALL_ASN, SMALL_FROM, SMALL_TO = 200, "2025-01", "2025-06"


def dbt_bin() -> str:
    return str(Path(sys.executable).parent / "dbt")


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    """The manifest must exist before anything imports orchestration.definitions."""
    env = {**os.environ, "KINERJA_HOME": os.environ.get("KINERJA_HOME", str(REPO / ".demo" / "home"))}
    subprocess.run([dbt_bin(), "parse", "--quiet", "--profiles-dir", ".", "--project-dir", "."], cwd=DBT_DIR,
                   env=env, check=True)
    return DBT_DIR / "target" / "manifest.json"


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory) -> Path:
    from orchestration.demo.generator import generate_city
    from orchestration.lib.months import parse_month
    landing = tmp_path_factory.mktemp("landing")
    generate_city(landing, SMALL_ASN, parse_month(SMALL_FROM), parse_month(SMALL_TO), seed=7)
    return landing


@pytest.fixture(scope="session")
def small_home(small_landing, tmp_path_factory) -> Path:
    """`kinerja run` on the small city, once for the session; tests read its warehouse read-only."""
    home = tmp_path_factory.mktemp("home")
    result = subprocess.run([str(Path(sys.executable).parent / "kinerja"), "run", "--landing", str(small_landing),
                             "--home", str(home), "--from", SMALL_FROM, "--to", SMALL_TO],
                            capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    (home / "run_stdout.txt").write_text(result.stdout)
    return home


def query(home: Path, sql: str, params=None) -> list[tuple]:
    import duckdb
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
