"""The GX file context rooted at expectations/: one pandas dataframe asset, suite, validation definition and
checkpoint per suite. `kinerja gx-init` writes them from suites.py; the JSON is committed and a test checks
it still matches the code."""
from __future__ import annotations

import os
from pathlib import Path

import great_expectations as gx
from great_expectations.checkpoint import UpdateDataDocsAction

from .suites import SUITES, Suite

EXPECTATIONS_DIR = Path(__file__).resolve().parents[3] / "expectations"
DATASOURCE = "warehouse_batches"
BATCH = "month"
DATA_DOCS_ENV = "KINERJA_DATA_DOCS_DIR"   # great_expectations.yml puts the Data Docs site here
RESULTS_ENV = "KINERJA_GX_RESULTS_DIR"    # ... and the validation results of each warehouse home here
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 5}


def checkpoint_name(suite: Suite) -> str:
    return f"gate_{suite.name}"


def get_context(data_docs_dir: Path | None = None, results_dir: Path | None = None):
    os.environ[DATA_DOCS_ENV] = str(data_docs_dir or (EXPECTATIONS_DIR / "uncommitted" / "data_docs"))
    os.environ[RESULTS_ENV] = str(results_dir or (EXPECTATIONS_DIR / "uncommitted" / "validations"))
    return gx.get_context(mode="file", context_root_dir=str(EXPECTATIONS_DIR))


def point_data_docs_at_home() -> None:
    """Data Docs and validation results go to the warehouse home of each run, not into the repo."""
    config = EXPECTATIONS_DIR / "great_expectations.yml"
    text = config.read_text()
    text = text.replace("base_directory: uncommitted/data_docs/local_site/", "base_directory: ${" + DATA_DOCS_ENV + "}")
    text = text.replace("base_directory: uncommitted/validations/", "base_directory: ${" + RESULTS_ENV + "}")
    if "progress_bars:" not in text:   # progress bars would flood `kinerja run` and the logs
        text += "progress_bars:\n  globally: false\n  metric_calculations: false\n"
    config.write_text(text)


def write_gx_project(ctx) -> None:
    datasource = ctx.data_sources.add_or_update_pandas(DATASOURCE)
    for suite in SUITES:
        names = [a.name for a in datasource.assets]
        asset = datasource.get_asset(suite.name) if suite.name in names else datasource.add_dataframe_asset(suite.name)
        batch = (asset.get_batch_definition(BATCH) if BATCH in [b.name for b in asset.batch_definitions]
                 else asset.add_batch_definition_whole_dataframe(BATCH))
        expectation_suite = ctx.suites.add_or_update(gx.ExpectationSuite(
            name=suite.name, expectations=suite.build(),
            meta={"gates": suite.gates, "severity": suite.severity, "key_column": suite.key_column}))
        definition = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite))
        ctx.checkpoints.add_or_update(gx.Checkpoint(
            name=checkpoint_name(suite), validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="update_data_docs")], result_format=RESULT_FORMAT))
