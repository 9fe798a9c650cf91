"""Check results of a step over a range of months: one evaluation per month, on the month's partition (Dagster
records an AssetCheckResult on the run's partition, and a run over a range has none)."""
from __future__ import annotations

from typing import Iterator

import dagster as dg


def month_evaluation(asset_key: dg.AssetKey, check_name: str, month: str, passed: bool, blocking: bool,
                     description: str, metadata: dict,
                     severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckEvaluation:
    # yielded by the step (not logged), so that Dagster fails the step after a blocking one that failed
    return dg.AssetCheckEvaluation(asset_key=asset_key, check_name=check_name, passed=passed, partition=month,
                                   blocking=blocking, severity=severity, description=description, metadata=metadata)


def check_outputs(context: dg.AssetExecutionContext) -> Iterator[dg.Output]:
    """The step's check outputs, after their evaluations: what Dagster expects of a step with checks."""
    for key in sorted(context.selected_asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        yield dg.Output(None, output_name=context.assets_def.get_output_name_for_asset_check_key(key))
