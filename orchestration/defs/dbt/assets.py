"""dbt models as Dagster assets; dbt tests as asset checks; sources mapped onto the ingest assets."""

import json
from typing import Any, Mapping, Optional

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, finish_first_parse, keep_partial_parse, restore_partial_parse

from ..resources import KinerjaPaths
from .project import dbt_build_args, dbt_project, facts_from


class KinerjaTranslator(DagsterDbtTranslator):
    """Group by folder (staging / intermediate / marts / rules). Source keys are ["raw", table], the keys
    the ingest assets write, so lineage crosses from ingestion into dbt with no special cases."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] == "seed":
            return "rules"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = KinerjaTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True,
                                                                     enable_source_tests_as_checks=True))


class DbtBuildConfig(dg.Config):
    # the incremental staging tables from all raw files again: needed only after raw files were removed
    full_refresh: bool = False
    # YYYY-MM: the per-month facts rebuild this month and later ones, and keep earlier months as built. Empty: the
    # month of a partitioned run (the monthly job), else every month.
    period_from: str = ""


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse")
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: KinerjaPaths, config: DbtBuildConfig):
    """One `dbt build`: staging over every delivered file, the per-month facts from the run's first month on
    (each month as of its own cutoff, so earlier months stay as they were paid)."""
    target_path = DBT_PROJECT_DIR / "target" / f"dbt_models-{context.run.run_id[:8]}"
    finish_first_parse(paths.home_dir)   # `kinerja run` parses a fresh home's project while it ingests
    # each warehouse home keeps its own parse state (lib/dbt_cli.py): a build parses only what changed
    restore_partial_parse(paths.home_dir, target_path)
    period_from = config.period_from or context.run.tags.get("dagster/partition", "")
    context.log.info(f"per-month facts rebuilt from {period_from or 'the first month'}")
    with facts_from(period_from):   # dbt.cli starts the dbt process, which takes its environment from here
        invocation = dbt.cli(dbt_build_args(full_refresh=config.full_refresh), context=context, target_path=target_path)
    yield from invocation.stream()
    keep_partial_parse(paths.home_dir, target_path)
    # the run audit log records which dbt invocation built the facts
    invocation_id = invocation.get_artifact("run_results.json")["metadata"]["invocation_id"]
    target = paths.home_dir / "audit" / "last_dbt_invocation.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"invocation_id": invocation_id}) + "\n")
