"""The resources every launcher gets the same way: where the landing folder and the warehouse home are (from
KINERJA_LANDING / KINERJA_HOME), the home's one-run-at-a-time claim, and the worker pool for CPU-bound steps."""
from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from orchestration.lib.audit import LAUNCH_TAG, RANGE_TAGS, ensure_audit_layout
from orchestration.lib.raw_store import RawStore
from orchestration.lib.stale_runs import LAUNCH_PREFIX, claim_home



REPO = Path(__file__).resolve().parents[2]


class KinerjaPaths(dg.ConfigurableResource):
    """Empty fields are read from KINERJA_LANDING / KINERJA_HOME / KINERJA_DOCUMENTS when used, in the process that
    runs the step (not when the definitions were imported), so every launcher's environment decides alike."""
    landing: str = ""
    home: str = ""
    documents: str = ""     # payout files: "all" (CSVs, XLSX, PDFs) or "csv" (national scale)

    @property
    def landing_dir(self) -> Path:
        return Path(self.landing or os.environ.get("KINERJA_LANDING", str(REPO / ".demo" / "landing")))

    @property
    def home_dir(self) -> Path:
        return Path(self.home or os.environ.get("KINERJA_HOME", str(REPO / ".demo" / "home")))

    @property
    def payout_documents(self) -> str:
        return self.documents or os.environ.get("KINERJA_DOCUMENTS", "all")

    @property
    def warehouse(self) -> Path:
        return self.home_dir / "warehouse.duckdb"

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """In a run (not a sensor): a fresh home gets its layout, and the run claims the home or is refused."""
        run = context.dagster_run
        if run is None:
            return
        RawStore(self.home_dir).ensure_layout()
        ensure_audit_layout(self.home_dir)
        launch = LAUNCH_PREFIX + run.tags[LAUNCH_TAG] if LAUNCH_TAG in run.tags else ""
        claim_home(context.instance, self.home_dir, [run.run_id, launch],
                   warn=context.log.warning if context.log else None)


def steps_share_process(run: dg.DagsterRun) -> bool:
    """The run's steps execute in this one process (the in-process executor, as `kinerja run` launches it)."""
    return "in_process" in ((run.run_config.get("execution") or {}).get("config") or {})


PAYOUT_RENDERERS = ["orchestration.defs.reports.payout_pdf", "orchestration.defs.reports.payout_xlsx"]


class WorkerPool(dg.ConfigurableResource):
    """Worker processes on the other cores (the payout documents), started on first use
    and shut down, with their workers waited for, when the step (or the in-process run) ends. Forkserver workers
    start from a small clean process (no Dagster threads to inherit) with `preload` imported once."""
    preload: list[str] = PAYOUT_RENDERERS
    # Start the forkserver (and its imports) when the run starts, so they load while the steps before run: in a run
    # over several months, or one whose steps share this process (`kinerja run`, in-process), where the resource
    # lives from the first step on. A one-month run under the multiprocess executor (the schedule) never starts it:
    # its resource starts with the step that uses it. A process has one forkserver: the first pool to start it
    # decides what it preloads for every pool of that process.
    start_early: bool = False
    _pool: ProcessPoolExecutor | None = PrivateAttr(default=None)
    _started_early: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        tags = run.tags if run else {}
        start, end = (tags.get(t, "") for t in RANGE_TAGS)
        several = start != end
        if self.start_early and (several or (run is not None and steps_share_process(run))) \
                and self.executor() is not None:
            forkserver.ensure_running()   # returns at once: the server imports `preload`, then takes the first worker
            self._started_early = True

    @property
    def started_early(self) -> bool:
        """The pool's imports were loaded beside the run's earlier steps: worth using for a single task too."""
        return self._started_early

    def executor(self) -> Executor | None:
        """The pool, or None on a one-core machine (the caller then works in-process)."""
        if (os.cpu_count() or 1) < 2:
            return None
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([*self.preload, "orchestration.lib.forkserver_heap"])
            self._pool = ProcessPoolExecutor(os.cpu_count(), mp_context=context)
        return self._pool

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._started_early = False
