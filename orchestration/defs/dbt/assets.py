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

from ..partitions import monthly
from ..resources import KinerjaPaths
from .project import HOME_ENV, dbt_build_args, dbt_docs_args, dbt_project, facts_from

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


# The per-month facts (tagged `monthly` in their config) and every model built on them: partitioned by month, one
# dbt build for a range of months. Everything they read (rules, staging, dimensions) is the unpartitioned asset.
MONTH_FACTS = "tag:monthly+"


class DbtBuildConfig(dg.Config):
    # the incremental staging tables (and the facts) from all raw files again: needed only after raw files were
    # removed, or when a new version changed a fact's columns
    full_refresh: bool = False


class MonthFactsConfig(DbtBuildConfig):
    # YYYY-MM: rebuild the facts from this month on, and keep earlier months as built. Empty: the first month of the
    # run's partition (range).
    period_from: str = ""


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse",
            exclude=MONTH_FACTS)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: KinerjaPaths, config: DbtBuildConfig):
    """One `dbt build` of the rules (the values seeds, their sources, models/rules), the staging over every delivered file and the dimensions: what the
    per-month facts read. Unpartitioned: it is the state of the landing, not of a month."""
    yield from _dbt_build(context, dbt, paths, config.full_refresh, period_from="")


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse",
            select=MONTH_FACTS, partitions_def=monthly,
            backfill_policy=dg.BackfillPolicy.single_run())
def dbt_month_facts(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: KinerjaPaths,
                    config: MonthFactsConfig):
    """The per-month facts and the reports on them, for the run's month or range of months in one `dbt build`
    (a backfill of many months is one run): the months from the first on are rebuilt, each as of its own cutoff, and
    earlier months stay as they were paid."""
    period_from = config.period_from or context.partition_key_range.start
    context.log.info(f"per-month facts rebuilt from {period_from}")
    yield from _dbt_build(context, dbt, paths, config.full_refresh, period_from)


def _dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: KinerjaPaths, full_refresh: bool,
               period_from: str):
    target_path = paths.home_dir / "dbt" / "runs" / f"{context.run.run_id[:8]}-{context.op_def.name}"
    # each warehouse home keeps its own parse state (lib/dbt_cli.py): a build parses only what changed
    restore_partial_parse(paths.home_dir, target_path)
    busy = warehouse_busy(paths.warehouse)   # before dbt: its own error would name only the command that failed
    if busy:
        raise dg.Failure(busy)
    try:
        with facts_from(period_from, paths.home_dir):   # dbt.cli starts the dbt process, which takes its environment from here
            invocation = dbt.cli(dbt_build_args(full_refresh=full_refresh), context=context, target_path=target_path)
        try:
            yield from invocation.stream()
        except Exception as exc:   # dagster-dbt's error names the command; the user needs the model and the cause
            explained = explain_dbt_failure(target_path, str(exc))
            if explained is None:
                raise
            raise dg.Failure(explained) from exc
        keep_partial_parse(paths.home_dir, target_path)
        invocation_id = invocation.get_artifact("run_results.json")["metadata"]["invocation_id"]
        # the run's record of its dbt builds (two in a month's run: the inputs, then the facts), in build order
        earlier = context.instance.get_run_by_id(context.run.run_id).tags.get(DBT_INVOCATION_TAG, "")
        context.instance.add_run_tags(context.run.run_id,
                                      {DBT_INVOCATION_TAG: " ".join(x for x in (earlier, invocation_id) if x)})
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
