"""dbt models as Dagster assets; dbt tests as asset checks; sources mapped onto the ingest assets."""

import os
import shutil
import subprocess
from typing import Any, Mapping, Optional

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.lib.audit import DBT_INVOCATION_TAG
from orchestration.lib.dbt_errors import explain_dbt_failure, warehouse_busy
from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, dbt_executable, keep_partial_parse, restore_partial_parse

from ..resources import KinerjaPaths
from .project import HOME_ENV, dbt_build_args, dbt_docs_args, dbt_project, facts_from

RANGE_START_TAG = "dagster/asset_partition_range_start"


class KinerjaTranslator(DagsterDbtTranslator):
    """Group by folder (staging / intermediate / marts / rules). Source keys are ["raw", table], the keys
    the ingest assets write, so lineage crosses from ingestion into dbt with no special cases."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] == "seed":
            return "rules"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # a dbt test with no description of its own says what it tests (the UI showed "No description provided")
        described = super().get_description(dbt_resource_props)
        if described or dbt_resource_props["resource_type"] != "test":
            return described
        meta = dbt_resource_props.get("test_metadata") or {}
        kwargs = {k: v for k, v in (meta.get("kwargs") or {}).items() if k != "model"}
        return f"dbt test {meta.get('name', dbt_resource_props['name'])}" + (f" {kwargs}" if kwargs else "")


translator = KinerjaTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True,
                                                                     enable_source_tests_as_checks=True))


class DbtBuildConfig(dg.Config):
    # the incremental staging tables from all raw files again: needed only after raw files were removed
    full_refresh: bool = False
    # YYYY-MM: the per-month facts rebuild this month and later ones, and keep earlier months as built. Empty: the
    # run's month (its partition, or the first month of its partition range), else every month.
    period_from: str = ""


def run_first_month(run: dg.DagsterRun) -> str:
    return run.tags.get("dagster/partition") or run.tags.get(RANGE_START_TAG, "")


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse")
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: KinerjaPaths, config: DbtBuildConfig):
    """One `dbt build`: staging over every delivered file, the per-month facts from the run's first month on
    (each month as of its own cutoff, so earlier months stay as they were paid)."""
    target_path = paths.home_dir / "dbt" / "runs" / context.run.run_id[:8]
    # each warehouse home keeps its own parse state (lib/dbt_cli.py): a build parses only what changed
    restore_partial_parse(paths.home_dir, target_path)
    busy = warehouse_busy(paths.warehouse)   # before dbt: its own error would name only the command that failed
    if busy:
        raise dg.Failure(busy)
    period_from = config.period_from or run_first_month(context.run)
    context.log.info(f"per-month facts rebuilt from {period_from or 'the first month'}")
    try:
        with facts_from(period_from, paths.home_dir):   # dbt.cli starts the dbt process, which takes its environment from here
            invocation = dbt.cli(dbt_build_args(full_refresh=config.full_refresh), context=context,
                                 target_path=target_path)
        try:
            yield from invocation.stream()
        except Exception as exc:   # dagster-dbt's error names the command; the user needs the model and the cause
            explained = explain_dbt_failure(target_path, str(exc))
            if explained is None:
                raise
            raise dg.Failure(explained) from exc
        keep_partial_parse(paths.home_dir, target_path)
        invocation_id = invocation.get_artifact("run_results.json")["metadata"]["invocation_id"]
        context.instance.add_run_tags(context.run.run_id, {DBT_INVOCATION_TAG: invocation_id})
    finally:
        shutil.rmtree(target_path, ignore_errors=True)   # the home keeps the parse state, not a folder per run


@dg.asset(key=dg.AssetKey(["reports", "dbt_docs"]), group_name="reports", pool="warehouse", kinds={"dbt", "html"},
          deps=[dg.AssetKey(["marts", "fct_tpp_entitlement"]), dg.AssetKey(["marts", "rpt_ipasn_opd"])],
          description="Static dbt docs (one HTML page: models, columns, lineage) under <home>/reports/dbt_docs.")
def dbt_docs(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    target = paths.home_dir / "reports" / "dbt_docs"
    restore_partial_parse(paths.home_dir, target)   # the build's parse state: the docs do not parse it again
    done = subprocess.run([dbt_executable(), *dbt_docs_args(target), "--profiles-dir", ".", "--project-dir", "."],
                          cwd=DBT_PROJECT_DIR, capture_output=True, text=True,
                          env={**os.environ, HOME_ENV: str(paths.home_dir)})
    if done.returncode != 0:
        raise dg.Failure("dbt docs generate failed", metadata={"output": dg.MetadataValue.text(done.stdout[-3000:])})
    return dg.MaterializeResult(metadata={"page": dg.MetadataValue.path(str(target / "static_index.html"))})
