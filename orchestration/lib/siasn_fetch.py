"""A fetch run: every NIP on a month's roster, per endpoint, into landing JSONL exactly per the contract.

Resumable: lines go to `<name>.jsonl.part` as they arrive; a rerun fetches only the NIPs without a 200 line,
and the file becomes `<name>.jsonl` (and visible to ingestion) only when the run is complete.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .siasn_client import SiasnClient


@dataclass
class FetchResult:
    endpoint: str
    path: Path
    fetched: int
    skipped: int
    complete: bool


def roster_nips(landing: Path, month: dt.date) -> list[str]:
    path = Path(landing) / "payroll" / "roster" / f"{month:%Y-%m}.csv"
    if not path.exists():
        raise FileNotFoundError(f"payroll/roster/{month:%Y-%m}.csv has not been delivered: it says whom to fetch")
    text = path.read_bytes().decode("utf-8", errors="replace")
    return sorted({row["nip"].strip() for row in csv.DictReader(io.StringIO(text)) if row.get("nip")})


def evidence_gap_nips(home: Path, month: dt.date) -> list[str]:
    """The NIPs whose rejected SIASN responses block `month` in the home's gate (read-only)."""
    import duckdb
    con = duckdb.connect(str(Path(home) / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select distinct nip from marts.fct_evidence_issue where period = ? and nip is not null "
                           "order by nip", [month]).fetchall()
    finally:
        con.close()
    return [nip for (nip,) in rows]


def run_name(month: dt.date) -> str:
    return f"month-{month:%Y-%m}"


def _done_nips(part: Path) -> set[str]:
    if not part.exists():
        return set()
    data = part.read_bytes()
    if data and not data.endswith(b"\n"):              # the interrupted run died mid-line: drop the tail
        data = data[: data.rfind(b"\n") + 1]
        part.write_bytes(data)
    done = set()
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if obj.get("http_status") == 200:
            done.add(obj["nip"])
    return done


def fetch_endpoint(client: SiasnClient, landing: Path, endpoint: str, name: str, nips: list[str],
                   show_progress: bool = True, stop_after: int | None = None) -> FetchResult:
    folder = Path(landing) / "siasn" / endpoint
    folder.mkdir(parents=True, exist_ok=True)
    final, part = folder / f"{name}.jsonl", folder / f"{name}.jsonl.part"
    if final.exists():
        return FetchResult(endpoint, final, 0, len(nips), True)
    done = _done_nips(part)
    todo = [n for n in nips if n not in done]
    lock = threading.Lock()
    written = 0

    def one(nip: str) -> None:
        nonlocal written
        status, raw, fetched_at = client.get(endpoint, nip)
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            body = raw        # kept as received; ingestion quarantines it with its line
        line = json.dumps({"nip": nip, "endpoint": endpoint, "fetched_at": fetched_at.isoformat(),
                           "http_status": status, "body": body}, separators=(",", ":")) + "\n"
        with lock:
            if stop_after is not None and written >= stop_after:
                raise KeyboardInterrupt("simulated interruption")
            with open(part, "a", encoding="utf-8") as f:
                f.write(line)
            written += 1

    columns = [TextColumn(f"{endpoint:<20}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:>6.1f}/s"), TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        task = progress.add_task(endpoint, total=len(todo), rate=0.0)
        started = dt.datetime.now()
        with ThreadPoolExecutor(max_workers=client.s.concurrency) as pool:
            for future in [pool.submit(one, nip) for nip in todo]:
                future.result()
                elapsed = max((dt.datetime.now() - started).total_seconds(), 1e-6)
                progress.update(task, advance=1, rate=written / elapsed)
    part.replace(final) if part.exists() else final.write_bytes(b"")
    return FetchResult(endpoint, final, written, len(done), True)
