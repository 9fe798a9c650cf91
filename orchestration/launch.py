"""`kinerja run`: launches the Dagster job `monthly_tpp` over a range of months, the way a backfill of it runs.

There is no list of steps here: the runs come from the job's asset graph, as an asset backfill of it would make them.
One run over the range holds the job's unpartitioned assets (the SIASN ingest, dbt's inputs) and its partitioned
ones, whose backfill policy is a single run: the fetch and payroll ingest, the month facts (one dbt build from the
first month), the quality gate and the payout (each one step for the range's months); then the job `dbt_docs`. The
issued months before the range get their ingest again first, a run each. When a month's gate blocks, Dagster skips
the range's payout step: a run of the payout alone then writes the months before the first blocked one (a later
month's releases depend on it). Then `ipasn_yearly` for each SKP year whose deadline has passed, read from the rules
the months' run built (rules.rule_skp_gate in effect on the day after the last month).
Each is an ordinary run of the job in the home's Dagster instance, recorded in audit.pipeline_runs.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from orchestration.lib.home_instance import open_instance
from orchestration.lib.audit import LAUNCH_TAG, RANGE_TAGS, user_error_line
from orchestration.lib.home_lock import HomeBusy, release
from orchestration.lib.months import month_key, month_range, next_month, parse_month
from orchestration.lib.skp_gates import RulesUnavailable, skp_deadlines
from orchestration.lib.stale_runs import LAUNCH_PREFIX, claim_home

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}   # the progress lines are the output
EXECUTORS = ("in_process", "multiprocess")
DBT_STEPS = {"dbt_models": "dbt build (rules, staging, dimensions, tests)",
             "dbt_month_facts": "dbt build (month facts, reports, tests)"}
STEP_KIND = {"siasn": "ingest", "ingest": "ingest", "quality": "quality gate", "reports": "report",
             "payout_report": "report", "fetch_siasn": "ingest"}


@dataclass
class PlannedRun:
    job: str
    keys: list
    partition: str | None = None
    run_config: dict = field(default_factory=dict)
    partition_range: tuple[str, str] | None = None   # one run over these months (a single-run backfill)

    def tags(self) -> dict:
        if self.partition_range:
            return dict(zip(RANGE_TAGS, self.partition_range))
        return {"dagster/partition": self.partition} if self.partition else {}


def plan_runs(months: list, docs: bool, full_refresh: bool, issued: list | None = None) -> list[PlannedRun]:
    """The runs of an asset backfill of monthly_tpp over the months: one run over the range for the unpartitioned
    assets (SIASN ingest, dbt's inputs) and the single-run partitioned ones (fetch, payroll ingest, the month facts,
    gate, payout: each one step for the range); a partitioned asset without that policy would run month by month,
    before or after it. issued: the home's issued months before the range; their payroll files are ingested again (a
    re-delivery after the issue becomes a correction; an unchanged file is skipped by its hash)."""
    import dagster as dg
    from orchestration.definitions import defs
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def("monthly_tpp")
    keys = set(job.asset_layer.selected_asset_keys)
    partitioned = {k for k in keys if graph.get(k).partitions_def is not None}
    ranged = {k for k in partitioned if graph.get(k).backfill_policy == dg.BackfillPolicy.single_run()}
    before = (partitioned - ranged) & dg.AssetSelection.assets(*ranged).upstream().resolve(graph)
    after = partitioned - ranged - before
    once = keys - partitioned
    build = {"full_refresh": full_refresh}
    dbt_config = {"ops": {"dbt_models": {"config": build},
                          "dbt_month_facts": {"config": {**build, "period_from": month_key(months[0])}}}}
    # the ingest (the partitioned assets dbt's inputs read) of the issued months before the range, a run each
    ingest = partitioned & dg.AssetSelection.assets(*once).upstream().resolve(graph)
    runs = [PlannedRun("monthly_tpp", sorted(ingest), month_key(m)) for m in sorted(issued or []) if m < months[0]]
    runs += [PlannedRun("monthly_tpp", sorted(before), month_key(m)) for m in months] if before else []
    runs.append(PlannedRun("monthly_tpp", sorted(once | ranged), None, dbt_config,
                           (month_key(months[0]), month_key(months[-1]))))
    runs += [PlannedRun("dbt_docs_job", [])] if docs else []
    runs += [PlannedRun("monthly_tpp", sorted(after), month_key(m)) for m in months] if after else []
    return runs


def ipasn_runs(home: Path, last_month) -> tuple[list[PlannedRun], str]:
    """An ipasn_yearly run for each SKP year whose deadline falls on or before the end of the last month run, by the
    warehouse's rules in effect the day after it (planned once the months' runs have built them), and a line that
    says so."""
    on = next_month(last_month)
    try:
        deadlines = skp_deadlines(home, on)
    except RulesUnavailable as why:
        return [], f"no IPASN year planned: {why}"
    due = {year: deadline for deadline, year in sorted(deadlines.items()) if deadline < on}
    said = ", ".join(f"{year} (deadline {deadline})" for year, deadline in sorted(due.items())) or "none"
    return ([PlannedRun("ipasn_yearly", [], str(year)) for year in sorted(due)],
            f"SKP years due by {on} (rules.rule_skp_gate in effect that day): {said}")


def run_pipeline(landing: Path, home: Path, start, end, echo: Callable[[str], None] = print, docs: bool = True,
                 documents: str = "all", full_refresh: bool = False, executor: str = "in_process") -> bool:
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS}")
    months = month_range(start, end)
    home.mkdir(parents=True, exist_ok=True)
    # the code location reads its resources from these, as under `dagster dev`, the daemon or `dagster job execute`
    os.environ.update(KINERJA_LANDING=str(landing), KINERJA_HOME=str(home), KINERJA_DOCUMENTS=documents)
    claimed = _claim(home, echo)
    if claimed is None:
        return False
    instance, launch, holder, log_path = claimed
    echo(f"kinerja run {month_key(months[0])}..{month_key(months[-1])}: landing={landing} home={home} "
         f"(Dagster instance {home / 'dagster'}, launch {launch})")
    from orchestration.lib.landing_files import ignored_files
    for rel, reason in ignored_files(landing):   # also in the SIASN ingest's metadata and the audit row
        echo(f"    ignored {rel}: {reason}")
    try:
        ok = _launch_all(instance, home, months, docs, full_refresh, executor, launch, echo, log_path)
    finally:
        release(home, holder)
    if ok:
        from orchestration.lib.summary import print_summary
        print_summary(home, months, echo)
    echo(f"runs recorded in audit.pipeline_runs (`kinerja runs --home {home}`)")
    return ok


def _claim(home: Path, echo: Callable[[str], None]):
    """The home's instance and a new launch that holds the home for all of its runs (None: the home is busy, said
    why), and the log its runs write to."""
    instance = open_instance(home)
    launch = uuid.uuid4().hex[:12]
    holder = f"{LAUNCH_PREFIX}{launch}"
    try:
        claim_home(instance, home, [holder])
    except HomeBusy as busy:
        echo(str(busy))
        return None
    log_path = home / "logs" / "run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return instance, launch, holder, log_path


def issue(home: Path, month: str, echo: Callable[[str], None] = print) -> bool:
    """`kinerja issue`: the job issue_month on the month's partition, in the home's Dagster instance (the same job
    the UI launches)."""
    import dagster as dg
    from orchestration import definitions
    from orchestration.lib.audit import record_run
    from orchestration.lib.issued import month_dir, refusal
    why = refusal(home, month)   # before a run is launched: the asset refuses the same way under every launcher
    if why:
        echo(why)
        return False
    os.environ["KINERJA_HOME"] = str(home)   # the code location reads its resources from it
    claimed = _claim(home, echo)
    if claimed is None:
        return False
    instance, launch, holder, log_path = claimed
    try:
        with open(log_path, "a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            result = dg.execute_job(dg.reconstructable(definitions.issue_month), instance,
                                    run_config={**QUIET, "execution": {"config": {"in_process": {}}}},
                                    tags={LAUNCH_TAG: launch, "dagster/partition": month})
        record_run(instance, result.run_id, home)
    finally:
        release(home, holder)
    failures, _ = _check_outcomes(result)
    if not result.success:
        for f in failures or [f"run {result.run_id} failed (see its event log)"]:
            echo(f)
        return False
    from orchestration.lib.issued import issued_record
    record = issued_record(home, month)
    echo(f"{month} issued by run {result.run_id[:8]}: {record['lines']} lines, payable Rp {record['payable_amount']:,} "
         f"(corrections Rp {record['correction_amount']:,}); locked. Record and file hashes: {month_dir(home, month)}")
    return True


def _launch_all(instance, home, months, docs, full_refresh, executor, launch, echo, log_path) -> bool:
    import dagster as dg
    from orchestration import definitions
    from orchestration.defs.reports.assets import PAYOUT_KEY
    from orchestration.lib.audit import record_run
    from orchestration.lib.issued import issued_months
    runs = plan_runs(months, docs, full_refresh, [parse_month(m) for m in issued_months(home)])
    progress = _Progress(instance, sum(_step_count(r) for r in runs))
    execution = {"execution": {"config": {executor: {}}}}
    gate_blocked = []   # months a run's gate blocked: the facts were built, only their payout is held

    def launched(planned: PlannedRun) -> bool:
        job = dg.reconstructable(getattr(definitions, planned.job))
        tags = {LAUNCH_TAG: launch, **planned.tags()}
        with open(log_path, "a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            with progress.watching(launch):
                result = dg.execute_job(job, instance, run_config={**QUIET, **execution, **planned.run_config},
                                        tags=tags, asset_selection=planned.keys or None)
        record_run(instance, result.run_id, home)   # the final row, now that the run has ended
        failures, warnings = _check_outcomes(result)
        for w in warnings:
            echo(f"    {w}")
        if result.success and not failures:
            return True
        for f in failures or ["run failed (see the run in the Dagster UI or its event log)"]:
            echo(f"    {f}")
        blocked = blocked_months(result)
        gate_blocked.extend(blocked)
        for month in blocked if any("evidence_complete" in f for f in failures) else []:
            for line in _evidence_fixes(home, month):
                echo(f"    {month}: {line}")
        if blocked and PAYOUT_KEY in planned.keys:
            echo(f"    no payout file written for {blocked[0]} or the months after it (their releases depend on it)")
        echo(f"    run {result.run_id} failed; dbt and step logs: {log_path}")
        earlier = [m for m in months if month_key(m) < blocked[0]] if blocked and PAYOUT_KEY in planned.keys else []
        if earlier:   # what the blocked gate's step kept from being written: the months that passed before it
            before = PlannedRun("monthly_tpp", [PAYOUT_KEY], partition_range=(month_key(earlier[0]),
                                                                              month_key(earlier[-1])))
            progress.total += _step_count(before)
            echo(f"    the payout of {before.partition_range[0]}..{before.partition_range[1]}, whose gates passed:")
            launched(before)
        return False

    for i, planned in enumerate(runs):
        if not launched(planned):
            if gate_blocked:   # the dbt docs still describe the facts the gate read
                for later in runs[i + 1:]:
                    if later.job == "dbt_docs_job":
                        launched(later)
            return False
    yearly, said = ipasn_runs(home, months[-1])
    echo(f"    {said}")
    progress.total += sum(_step_count(r) for r in yearly)
    return all(launched(planned) for planned in yearly)


def blocked_months(result) -> list[str]:
    """The months whose critical (blocking) gate checks failed in the run, in order."""
    import dagster as dg
    return sorted({ev.partition for ev in result.get_asset_check_evaluations()
                   if not ev.passed and ev.blocking and ev.severity == dg.AssetCheckSeverity.ERROR and ev.partition})


def _evidence_fixes(home: Path, partition: str) -> list[str]:
    """What to do about the month's evidence issues, once per kind (marts.fct_evidence_issue holds each row)."""
    import duckdb
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select issue_code, count(*), any_value(fix) from marts.fct_evidence_issue "
                           "where strftime(period, '%Y-%m') = ? group by issue_code order by issue_code",
                           [partition]).fetchall()
    finally:
        con.close()
    landing = os.environ.get("KINERJA_LANDING", "<landing>")
    return [f"{n} x {code}: {fix.replace('kinerja fetch ', f'kinerja fetch --landing {landing} ').replace('<home>', str(home))}"
            for code, n, fix in rows] + [f"every row: marts.fct_evidence_issue where period = '{partition}-01'"]


def _step_count(planned: PlannedRun) -> int:
    from orchestration import definitions
    job = getattr(definitions, planned.job)()
    if planned.keys:
        job = job.get_subset(asset_selection=set(planned.keys))
    return len(job.nodes)


def _partitioned_steps() -> set[str]:
    """The steps of partitioned assets: in a run over a range, the ones that work on its months."""
    from orchestration.definitions import defs
    graph = defs.resolve_asset_graph()
    nodes = [graph.get(k) for k in graph.get_all_asset_keys()]
    return {n.assets_def.node_def.name for n in nodes
            if n.is_executable and n.partitions_def is not None and n.assets_def.node_def is not None}


def _check_lines(evaluation) -> list[str]:
    detail = evaluation.metadata.get("failed_expectations")
    text = detail.value if detail is not None else ""
    return [f"        {line[2:]}" for line in str(text).splitlines() if line.startswith("- ")]


def _check_outcomes(result) -> tuple[list[str], list[str]]:
    import dagster as dg
    failures, warnings = [], []
    for ev in result.get_asset_check_evaluations():
        if ev.passed:
            continue
        key = "/".join(ev.asset_key.path)
        month = f" {ev.partition}" if ev.partition else ""
        line = (f"check {key}:{ev.check_name} failed{month}" if ev.severity == dg.AssetCheckSeverity.ERROR
                else f"warning {ev.check_name}{month}") + (f" ({ev.description})" if ev.description else "")
        (failures if ev.severity == dg.AssetCheckSeverity.ERROR else warnings).extend([line, *_check_lines(ev)])
    for ev in result.get_step_failure_events():
        message = user_error_line(ev.event_specific_data.error if ev.event_specific_data else None)
        failures.append(f"step {ev.step_key} failed: {message}")
    return failures, warnings


class _Progress:
    """One line when each step starts and ends, read from the run's event log as it is written (so it is the same
    for the in-process and the multiprocess executor)."""

    def __init__(self, instance, total: int):
        self.instance, self.total, self.done, self.runs = instance, total, 0, set()
        self.out = sys.stdout   # the terminal, before the run's own output is redirected to the log
        self.partitioned = _partitioned_steps()

    @contextlib.contextmanager
    def watching(self, launch: str):
        stop = threading.Event()
        thread = threading.Thread(target=self._follow, args=(launch, stop), name="kinerja-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _print(self, line: str) -> None:
        # straight to the terminal stream: redirecting sys.stdout from this thread would swap it under the run
        self.out.write(line + "\n")
        self.out.flush()

    def _follow(self, launch: str, stop: threading.Event) -> None:
        import dagster as dg
        run_id, partition, ranged, cursor, started, models, checks = None, "", False, None, {}, {}, {}
        while True:
            stopping = stop.is_set()   # read before the last poll, so the run's final events are printed
            if run_id is None:
                runs = self.instance.get_runs(dg.RunsFilter(tags={"kinerja/launch": launch}), limit=5)
                fresh = [r for r in runs if r.run_id not in self.runs]
                if fresh:
                    tags = fresh[0].tags
                    run_id, partition = fresh[0].run_id, tags.get("dagster/partition", "")
                    ranged = RANGE_TAGS[0] in tags
                    if ranged:
                        partition = "..".join(dict.fromkeys(tags[t] for t in RANGE_TAGS))
                    self.runs.add(run_id)
            if run_id is not None:
                conn = self.instance.get_records_for_run(run_id, cursor=cursor)
                cursor = conn.cursor
                for record in conn.records:
                    self._event(record.event_log_entry, partition, ranged, started, models, checks)
            if stopping:
                return
            time.sleep(0.1)

    def _event(self, entry, partition: str, ranged: bool, started: dict, models: dict, checks: dict) -> None:
        from dagster import DagsterEventType
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return
        step = event.step_key
        # a run over a range of months: its unpartitioned steps (SIASN ingest, dbt's inputs) are not the range's
        label = self._label(step, partition if not ranged or step in self.partitioned else "")
        if event.event_type == DagsterEventType.STEP_START:
            started[step], models[step] = entry.timestamp, set()
            self.done += 1
            self._print(f"[{self.done}/{self.total}] {label} ...")
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            models.setdefault(step, set()).add(event.asset_key)   # once per model, not per month
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION and ranged and step in self.partitioned \
                and event.event_specific_data.partition:   # a month's check (dbt's tests have none)
            evaluation = event.event_specific_data
            blocked = checks.setdefault(step, {}).setdefault(evaluation.partition, [])
            if not evaluation.passed and evaluation.blocking:
                blocked.append(evaluation.check_name)
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            seconds = entry.timestamp - started.get(step, entry.timestamp)
            state = "ok in" if event.event_type == DagsterEventType.STEP_SUCCESS else "FAILED after"
            built = f" ({len(models.get(step, ()))} dbt models and seeds built)" if step in DBT_STEPS else ""
            self._print(f"[{self.done}/{self.total}] {label}: {state} {seconds:.1f}s{built}")
            for month, blocked in sorted(checks.pop(step, {}).items()):   # a gate over a range: each month's verdict
                verdict = f"FAILED ({', '.join(blocked)})" if blocked else "ok"
                self._print(f"    {self._label(step, month)}: {verdict}")
        elif event.event_type == DagsterEventType.STEP_SKIPPED:
            self._print(f"[{self.done}/{self.total}] {label}: skipped (an upstream check or step failed)")

    @staticmethod
    def _label(step: str, partition: str) -> str:
        if step in DBT_STEPS:
            return f"{DBT_STEPS[step]} {partition}".strip()
        group, _, name = step.partition("__")
        kind = STEP_KIND.get(group, "ingest" if step.startswith("raw") else group)
        return " ".join(x for x in (kind, "" if group == "quality" else name or step, partition) if x)
