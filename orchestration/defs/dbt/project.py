"""The one DbtProject, its CLI resource and the arguments we pass to dbt."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()   # acts only under `dagster dev`; `make` and the test fixture build the manifest


def dbt_executable() -> str:
    """dbt from this venv, so it works when the venv is not on PATH (make, CI, cron, `dagster dev`'s code
    server, whose sys.executable may be the resolved base interpreter rather than the venv's)."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin", DBT_PROJECT_DIR.parent / ".venv" / "bin"):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def dbt_build_args(full_refresh: bool = False, exclude_unit_tests: bool = True) -> list[str]:
    """`dbt build` over everything; unit tests run in `make test`, not in every pipeline run."""
    args = ["build"]
    if exclude_unit_tests:
        args += ["--exclude", "test_type:unit"]
    if full_refresh:
        args.append("--full-refresh")
    return args


def dbt_docs_args(target_path) -> list[str]:
    """Static dbt docs (one HTML file) into the warehouse home's reports."""
    return ["docs", "generate", "--static", "--target-path", str(target_path)]
