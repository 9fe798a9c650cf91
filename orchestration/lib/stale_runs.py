"""A run that died unfinished (kill -9, a lost machine): marked failed in the home's instance, its pool slots freed
(else every later run waits for the `warehouse` slot forever), its audit row rewritten, and any process it left
writing the warehouse (an orphaned dbt) ended, so the next run starts on a home as an uninterrupted run left it."""
from __future__ import annotations

from pathlib import Path

from .audit import LAUNCH_TAG, record_run, refresh_ended
from .home_lock import Holder, claim, dbt_processes_of, end_processes, processes_with_open, read_holder

LAUNCH_PREFIX = "kinerja-run-"   # a `kinerja run` holds the home for all its runs under this id


def claim_home(instance, home: Path, run_ids: list[str], warn=None) -> Holder:
    """Claim the home for a run (or a launch), retiring a dead holder; raises HomeBusy for a live one. On a new
    claim, the rows of runs that ended after their last hook are written with their final status."""
    held_already = (read_holder(home) or Holder("", 0, "", "")).run_id in run_ids

    def stale(holder: Holder) -> None:
        retired = retire(instance, holder, home)
        if warn and retired:
            warn(f"runs {', '.join(retired)} on this home had died unfinished: marked failed, their pool slots freed")

    holder = claim(home, run_ids, lambda run_id: _finished(instance, run_id), stale)
    if not held_already:
        refresh_ended(instance, home)
    return holder


def _finished(instance, run_id: str) -> bool | None:
    """Whether a run of this instance has ended; None for a launch or a run this instance does not know (then the
    holder's process alone tells whether it still holds the home)."""
    run = None if run_id.startswith(LAUNCH_PREFIX) else instance.get_run_by_id(run_id)
    return None if run is None else run.is_finished


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
    end_processes(sorted(set(processes_with_open(Path(home) / "warehouse.duckdb")) | set(dbt_processes_of(home))))
    for run_id in retired:
        record_run(instance, run_id, home)
    return retired
