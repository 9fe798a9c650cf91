"""A run that died unfinished (kill -9, a lost machine): marked failed in the home's instance, its pool slots freed
(else every later run waits for the `warehouse` slot forever), its audit row rewritten, and any process it left
writing the warehouse (an orphaned dbt) ended, so the next run starts on a home as an uninterrupted run left it."""
from __future__ import annotations

from pathlib import Path

from .audit import record_run
from .home_lock import Holder, end_processes, processes_with_open

LAUNCH_TAG = "kinerja/launch"
LAUNCH_PREFIX = "kinerja-run-"


def holder_finished(instance, run_id: str) -> bool | None:
    """True / False for a run of this instance or a `kinerja run` launch; None when the instance knows neither."""
    runs = _runs_of(instance, run_id)
    if not runs:
        return None
    return all(run.is_finished for run in runs) if not run_id.startswith(LAUNCH_PREFIX) else None


def _runs_of(instance, run_id: str) -> list:
    import dagster as dg
    if run_id.startswith(LAUNCH_PREFIX):
        return list(instance.get_runs(dg.RunsFilter(tags={LAUNCH_TAG: run_id[len(LAUNCH_PREFIX):]})))
    run = instance.get_run_by_id(run_id)
    return [run] if run is not None else []


def retire(instance, holder: Holder, home: Path) -> list[str]:
    """Retire the dead holder's unfinished runs; returns their ids."""
    retired = []
    for run in _runs_of(instance, holder.run_id):
        if not run.is_finished:
            instance.report_run_failed(run, f"its process {holder.pid} ended without finishing the run (killed?); "
                                            f"found when the next run claimed the home")
            retired.append(run.run_id)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    end_processes(processes_with_open(Path(home) / "warehouse.duckdb"))
    for run_id in retired:
        record_run(instance, run_id, home)
    return retired
