"""One run at a time on a warehouse home (DuckDB has one writer per file), and no home left locked by a dead run.

The first step of a run claims the home: <home>/.run_lock.json names the run and the process that orchestrates it
(its pid and start time, so a reused pid is not taken for the dead one). Another run's claim is refused at once
with who holds the home and since when, while that run is unfinished and its process lives. A holder whose process
died unfinished (kill -9, a lost machine) is stale: `on_stale` marks its run failed and frees its pool slots, and
any process it left writing the warehouse (an orphaned dbt) is ended, before the new run takes the home.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import multiprocessing
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable


class HomeBusy(RuntimeError):
    pass


@dataclass(frozen=True)
class Holder:
    run_id: str
    pid: int
    pid_started: str   # /proc/<pid>/stat start time: tells a reused pid from the holder
    since: str


def lock_path(home: Path) -> Path:
    return Path(home) / ".run_lock.json"


def orchestrator_pid() -> int:
    """The process that runs the whole run: this one in-process, the parent of a step process under Dagster's
    multiprocess executor."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else os.getpid()


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat[stat.rindex(")") + 2:].split()
    return "" if fields[0] == "Z" else fields[19]   # a zombie has exited


def alive(pid: int, started: str) -> bool:
    now = _start_time(pid)
    return bool(now) and now == started


def read_holder(home: Path) -> Holder | None:
    try:
        return Holder(**json.loads(lock_path(home).read_text()))
    except (OSError, ValueError, TypeError):
        return None


@contextlib.contextmanager
def _guard(home: Path):
    with open(Path(home) / ".run_lock.guard", "a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        yield


def claim(home: Path, run_ids: Iterable[str], run_finished: Callable[[str], bool | None],
          on_stale: Callable[[Holder], None]) -> Holder:
    """Claim the home for the first of `run_ids` (the others are launches this run belongs to, which may hold it
    already). `run_finished(run_id)`: True / False, or None when this instance does not know the run."""
    run_ids = [r for r in run_ids if r]
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    me = orchestrator_pid()
    with _guard(home):
        holder = read_holder(home)
        if holder is not None and holder.run_id in run_ids:
            return holder
        if holder is not None and holder.pid != me:
            finished = run_finished(holder.run_id)
            if finished is not True and alive(holder.pid, holder.pid_started):
                raise HomeBusy(f"home {home} is held by run {holder.run_id} since {holder.since} "
                               f"(process {holder.pid}); try again when it has finished")
            if finished is not True:
                on_stale(holder)
        mine = Holder(run_ids[0], me, _start_time(me), dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        lock_path(home).write_text(json.dumps(asdict(mine)) + "\n")
        return mine


def release(home: Path, run_id: str) -> None:
    with _guard(home):
        holder = read_holder(home)
        if holder is not None and holder.run_id == run_id:
            lock_path(home).unlink(missing_ok=True)


def processes_with_open(path: Path) -> list[int]:
    """Other processes that have `path` open (a dbt left running by a killed run keeps the warehouse open)."""
    target, found = str(Path(path).resolve()), []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd.path) == target for fd in os.scandir(f"{entry.path}/fd")):
                found.append(int(entry.name))
    return found


def dbt_processes_of(home: Path) -> list[int]:
    """dbt processes started for this home (their environment names it): a dbt a killed run had just started may
    not have opened the warehouse yet, and would open it under the next run."""
    wanted = {f"KINERJA_HOME={h}".encode() for h in (Path(home), Path(home).resolve())}
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            cmdline = Path(entry.path, "cmdline").read_bytes().split(b"\0")
            if any(part.endswith(b"/dbt") or part == b"dbt" for part in cmdline[:2]) and \
                    wanted & set(Path(entry.path, "environ").read_bytes().split(b"\0")):
                found.append(int(entry.name))
    return found


def end_processes(pids: list[int], grace_seconds: float = 10.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline and any(_start_time(p) for p in pids):
            time.sleep(0.1)
        pids = [p for p in pids if _start_time(p)]
        if not pids:
            return
