"""The one DbtProject, its CLI resource and the arguments we pass to dbt."""
from __future__ import annotations

import contextlib
import importlib.metadata
import os
import subprocess
from functools import cached_property

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import DbtProjectPreparer
from packaging import version

from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, dbt_executable
from orchestration.lib.months import parse_month

PERIOD_FROM_ENV = "KINERJA_PERIOD_FROM"
HOME_ENV = "KINERJA_HOME"


class VenvDbtPreparer(DbtProjectPreparer):
    """Under `dagster dev`, parse the project (the manifest the assets are built from) with this venv's dbt.
    dagster-dbt's own preparer runs the `dbt` on PATH, so `.venv/bin/dagster dev` without the venv activated could
    not load the code location. Elsewhere it does nothing: `make` and the test fixture build the manifest."""

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev():
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        subprocess.run([dbt_executable(), "parse", "--quiet", "--target-path", str(project.target_path),
                        "--profiles-dir", str(project.profiles_dir), "--project-dir", str(project.project_dir)],
                       cwd=project.project_dir, check=True)


PREPARER = VenvDbtPreparer()
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
PREPARER.prepare_if_dev(dbt_project)


class WarehouseDbtResource(DbtCliResource):
    """dagster-dbt's resource without its two start-up costs we never use (8 s of a 25 s city dbt step):
    it runs `dbt --version` in a subprocess on every invocation, and it loads a read-only dbt adapter in-process
    (all of dbt's macros) only to fetch column metadata or row counts, which our assets do not ask for. The
    dbt that runs is this venv's (dbt_executable), so the installed dbt-core is its version."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def dbt_build_args(full_refresh: bool = False) -> list[str]:
    """`dbt build` of the asset's selection (dagster-dbt adds it). Unit tests run in `make test`, not in every
    pipeline run; excluded here, because a subset of an asset (a few models picked in the UI) is selected by name
    and the asset's own `exclude` is then not passed (dbt adds up repeated --exclude flags).
    No debug log file: dagster-dbt points dbt's log at the build's own target folder, which is removed after the
    build (the home keeps only the parse state), and writing it (4 MB a build of the inputs, every SQL statement)
    took about a tenth of the build. What the build says is in the step's log and the run's log file."""
    return ["build", "--exclude", "test_type:unit", "--log-level-file", "none",
            *(["--full-refresh"] if full_refresh else [])]


@contextlib.contextmanager
def facts_from(period_from: str, home=None):
    """dbt builds started inside rebuild the per-month facts from this month (YYYY-MM) on, and keep earlier months
    as built (dbt_project/macros/run_months.sql); '' rebuilds every month. With `home`, they build that warehouse
    home (profiles.yml reads KINERJA_HOME), whatever the launcher's environment says."""
    names = {PERIOD_FROM_ENV: f"{parse_month(period_from):%Y-%m-%d}" if period_from else None,
             HOME_ENV: str(home) if home is not None else os.environ.get(HOME_ENV)}
    previous = {name: os.environ.pop(name, None) for name in names}
    os.environ.update({name: value for name, value in names.items() if value is not None})
    try:
        yield
    finally:
        for name, value in previous.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def dbt_docs_args(target_path) -> list[str]:
    """Static dbt docs (one HTML file) into the warehouse home's reports."""
    return ["docs", "generate", "--static", "--target-path", str(target_path)]
