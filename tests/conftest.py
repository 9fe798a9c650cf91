"""Shared fixtures: the dbt manifest (built once, before definitions load) and a small generated city, built once
for all test workers."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
SMALL_ASN, SMALL_FROM, SMALL_TO = 200, "2025-01", "2025-06"


def dbt_bin() -> str:
    return str(Path(sys.executable).parent / "dbt")


def pytest_configure(config):
    """The manifest must exist before anything imports orchestration.definitions: parsed once, by the controller
    before its workers start (`make test` runs pytest-xdist), or by a plain pytest run."""
    if hasattr(config, "workerinput"):
        return
    env = {**os.environ, "KINERJA_HOME": os.environ.get("KINERJA_HOME", str(REPO / ".demo" / "home"))}
    subprocess.run([dbt_bin(), "parse", "--quiet", "--profiles-dir", ".", "--project-dir", "."], cwd=DBT_DIR,
                   env=env, check=True)


@contextlib.contextmanager
def built_once(tmp_path_factory, name: str):
    """A folder every test worker shares: the first to ask builds it (the body runs only when it is missing), the
    others wait for it. Under xdist each worker has its own basetemp under one session folder."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if done.exists():
            yield path, False
            return
        shutil.rmtree(path, ignore_errors=True)   # what a failed build left
        path.mkdir(parents=True)
        yield path, True
        done.touch()


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory) -> Path:
    from orchestration.demo.generator import generate_city
    from orchestration.lib.months import parse_month
    with built_once(tmp_path_factory, "small_landing") as (landing, build):
        if build:
            generate_city(landing, SMALL_ASN, parse_month(SMALL_FROM), parse_month(SMALL_TO), seed=7)
    return landing


@pytest.fixture(scope="session")
def small_home(small_landing, tmp_path_factory) -> Path:
    """`kinerja run` on the small city, once for the session (and for every worker); tests only read it: one that
    writes a warehouse, runs dbt or validates works on a copy."""
    with built_once(tmp_path_factory, "small_home") as (home, build):
        if build:
            result = subprocess.run([str(Path(sys.executable).parent / "kinerja"), "run", "--landing",
                                     str(small_landing), "--home", str(home), "--from", SMALL_FROM, "--to", SMALL_TO],
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
