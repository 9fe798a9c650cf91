"""`make bench`: time every stage of the pipeline at city / province / national scale against one plain
DuckDB statement over the same raw Parquet, check both give the same April, write <home>/bench/results.md.

Never part of `make test`. Landing data is generated once per scale and kept under .bench/<scale>/.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import typer

from orchestration.lib.months import month_range, next_month, parse_month
from orchestration.bench.reference_query import mart_totals, reference_totals

REPO = Path(__file__).resolve().parents[2]
SCALES = {  # name: (ASN, first month, last month, generator, payout documents, runs)
    # city: one `kinerja run` over the six months (the demo). province / national: one run per month on a landing
    # folder that grows as files are delivered (payroll of the month, fetches before the run on the 6th), as the
    # monthly schedule would; the April run is "the month" of the targets.
    "city": (3532, "2025-01", "2025-06", "demo", "all", "range"),
    "province": (100_000, "2025-03", "2025-05", "bulk", "all", "monthly"),
    "national": (5_600_000, "2025-03", "2025-05", "bulk", "csv", "monthly"),
}
PAGE = os.sysconf("SC_PAGE_SIZE")
RUN_DAY = 6     # the monthly schedule runs on the 6th (defs/schedules.py)
APRIL = dt.date(2025, 4, 1)
STEP = re.compile(r"^\[\d+/\d+\] (?P<label>.+?): ok in (?P<seconds>[\d.]+)s")

app = typer.Typer(add_completion=False)


def _kinerja() -> str:
    return str(Path(sys.executable).parent / "kinerja")


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants now (shared pages counted in each process). The
    worker pool's processes descend from the forkserver, which the run never waits for, so the OS's peak RSS
    of the run's children does not include them."""
    parent, rss = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()   # from field 3 (state) on: ppid is 4, rss (pages) 24
            parent[int(entry.name)], rss[int(entry.name)] = int(fields[1]), int(fields[21]) * PAGE
    tree = {root}
    while grown := {pid for pid, ppid in parent.items() if ppid in tree and pid not in tree}:
        tree |= grown
    return sum(rss.get(pid, 0) for pid in tree)


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, str, float]:
    """(seconds, stdout, peak RSS in GiB: the larger of the OS's peak for the command and its waited-for
    children, and the whole process tree's sum sampled every 0.2 s)."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})
        sampled = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            sampled = max(sampled, _tree_rss_bytes(proc.pid))
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{text[-5000:]}")
    return time.monotonic() - t0, text, max(sampled / 2**30, usage.ru_maxrss / 1024 / 1024)


def stage_delivered(landing: Path, staged: Path, month: dt.date) -> None:
    """Link into `staged` the files delivered by the run for `month`: payroll up to the month, fetches before
    the run day."""
    run_day = next_month(month).replace(day=RUN_DAY)
    for path in sorted(landing.rglob("*")):
        rel = path.relative_to(landing)
        if not path.is_file() or rel.name.startswith("."):
            continue
        if rel.parts[0] == "payroll":
            delivered = parse_month(rel.stem) <= month
        else:
            delivered = dt.datetime.strptime(rel.stem[:15], "%Y-%m-%dT%H%M").date() < run_day
        target = staged / rel
        if delivered and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)


def _stages(out: str) -> dict[str, float]:
    stages = {"ingest": 0.0, "dbt": 0.0, "checks + reports": 0.0}
    for line in out.splitlines():
        m = STEP.match(line)
        if m:
            label = m["label"]
            key = "ingest" if label.startswith("ingest") else "dbt" if label.startswith("dbt") else "checks + reports"
            stages[key] += float(m["seconds"])
    return stages


def bench_scale(name: str, root: Path, through: str | None = None) -> dict:
    asn, start, end, generator, documents, runs = SCALES[name]
    if through and parse_month(through) > parse_month(end):   # a longer year: generate the months up to it too
        end = through
    landing, home = root / name / "landing", root / name / "home"
    marker = landing / ".generated"
    gen_seconds = None
    if not marker.exists() or marker.read_text().split() != [str(asn), start, end, generator]:
        subprocess.run(["rm", "-rf", str(landing)], check=True)
        gen_seconds, _, _ = _timed([_kinerja(), "generate", "--landing", str(landing), "--asn", str(asn),
                                 "--from", start, "--to", end, *(["--bulk"] if generator == "bulk" else [])])
        marker.write_text(f"{asn} {start} {end} {generator}\n")
    staged = root / name / "delivered"
    subprocess.run(["rm", "-rf", str(home), str(staged)], check=True)
    months = month_range(parse_month(start), parse_month(end))
    if through:   # stop the monthly runs after this month (the landing is still generated for the scale's months)
        months = [m for m in months if m <= parse_month(through)]
    ranges = [(start, f"{months[-1]:%Y-%m}")] if runs == "range" else [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]
    per_run = []
    for first, last in ranges:
        stage_delivered(landing, staged, parse_month(last))
        typer.echo(f"  kinerja run {first}..{last} ...")
        seconds, out, rss = _timed([_kinerja(), "run", "--landing", str(staged), "--home", str(home), "--from", first,
                                    "--to", last, "--no-docs", "--documents", documents], env={"DAGSTER_HOME": ""})
        per_run.append({"label": first if first == last else f"{first}..{last}", "total_s": seconds,
                        "stages": _stages(out), "peak_rss_gib": rss})
        typer.echo(f"  ... {seconds:.1f} s, peak RSS {rss:.2f} GiB")
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        t0 = time.monotonic()
        plain = reference_totals(con, home / "raw", APRIL)
        plain_seconds = time.monotonic() - t0
        pipeline = mart_totals(con, APRIL)
    finally:
        con.close()
    floor_seconds, floor_rows = copy_marts_month(home, APRIL)
    return {"scale": name, "asn": asn, "months": len(months), "generate_s": gen_seconds, "runs": per_run,
            "documents": documents, "plain_s": plain_seconds, "agree": plain == pipeline, "april": pipeline,
            "floor_s": floor_seconds, "floor_rows": floor_rows,
            "landing_gib": sum(f.stat().st_size for f in landing.rglob("*") if f.is_file()) / 2**30}


def copy_marts_month(home: Path, month: dt.date) -> tuple[float, int]:
    """Seconds to copy, computing nothing, what the marts hold for `month` (its rows; the whole table where a
    table has no month), and the rows copied. No dbt stage that keeps these marts can take less than writing
    them, so this is the floor under the dbt stage's ratio to the plain query, which writes nothing. Copied to a
    scratch file beside the warehouse (written to disk as the build writes), removed after. A marts view that only
    publishes an intermediate table (`select *`) counts as that table's rows; views that compute are not written."""
    scratch = home / "bench" / "marts_month_copy.duckdb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(scratch))
    try:
        con.execute("attach ? as warehouse (read_only)", [str(home / "warehouse.duckdb")])
        tables = con.execute("""
            select table_name, bool_or(column_name = 'period') as has_month
            from information_schema.columns
            join information_schema.tables using (table_catalog, table_schema, table_name)
            where table_catalog = 'warehouse' and table_schema = 'marts'
              and (table_type = 'BASE TABLE' or table_name in (
                  -- a view that only publishes an intermediate table: its rows are that table's, which the build writes
                  select view_name from duckdb_views() where database_name = 'warehouse' and schema_name = 'marts'
                  and regexp_matches(sql, '^CREATE VIEW \S+ AS SELECT \* FROM intermediate\.\w+;$')))
            group by table_name order by table_name""").fetchall()
        t0 = time.monotonic()
        for table, has_month in tables:
            con.execute(f'create table "{table}" as select * from warehouse.marts."{table}"'
                        + (" where period = ?" if has_month else ""), [month] if has_month else [])
        seconds = time.monotonic() - t0
        rows = sum(con.execute(f'select count(*) from "{table}"').fetchone()[0] for table, _ in tables)
    finally:
        con.close()
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return seconds, rows


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop (one core). This shared machine's speed drifts by half between
    moments of the same day, so each table carries this figure: compare runs by it, or run A and B in turn."""
    t0 = time.process_time()
    total = 0
    for i in range(30_000_000):
        total += i
    return time.process_time() - t0


def _commit() -> str:
    """The code the figures belong to: this machine's timings drift between sessions, so figures are compared
    commit against commit."""
    described = subprocess.run(["git", "describe", "--always", "--dirty= with uncommitted changes"], cwd=REPO,
                               capture_output=True, text=True)
    return described.stdout.strip() or "unknown"


def _ratio(seconds: float, plain_seconds: float) -> str:
    """Times the plain query; one decimal under 10x, where it tells 2.4x from 2.8x."""
    if not plain_seconds:
        return "n/a"
    times = seconds / plain_seconds
    return f"{times:,.1f}x" if times < 10 else f"{times:,.0f}x"


def render(results: list[dict]) -> str:
    lines = ["| scale | ASN | run | stage | seconds | ratio to plain query | peak RSS GiB |", "|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = lambda seconds: _ratio(seconds, r["plain_s"])
        for run in r["runs"]:
            for stage, seconds in [*run["stages"].items(), ("whole `kinerja run`", run["total_s"])]:
                rss = f"{run['peak_rss_gib']:.2f}" if stage.startswith("whole") else ""
                lines.append(f"| {r['scale']} | {r['asn']:,} | {run['label']} | {stage} | {seconds:.1f} | {ratio(seconds)} | {rss} |")
        if len(r["runs"]) > 1:
            total = sum(run["total_s"] for run in r["runs"])
            lines.append(f"| {r['scale']} | {r['asn']:,} | all {len(r['runs'])} runs | whole | {total:.1f} | {ratio(total)} | "
                         f"{max(run['peak_rss_gib'] for run in r['runs']):.2f} |")
        lines.append(f"| {r['scale']} | {r['asn']:,} | | plain DuckDB query (April) | {r['plain_s']:.1f} | 1x | |")
        lines.append(f"| {r['scale']} | {r['asn']:,} | | floor under dbt: copy April's marts rows ({r['floor_rows']:,}), "
                     f"computing nothing | {r['floor_s']:.1f} | {ratio(r['floor_s'])} | |")
        generated = "cached" if r["generate_s"] is None else f"{r['generate_s']:.0f} s"
        lines.append(f"| {r['scale']} | | | landing {r['landing_gib']:.1f} GiB, generate {generated}; payout documents: "
                     f"{r['documents']}; April totals agree: {'yes' if r['agree'] else 'NO'} "
                     f"(payable Rp {r['april']['payable']:,}) | | | |")
    return "\n".join(lines) + "\n"


@app.command()
def main(scale: str = typer.Option("default", help="default (city + province), city, province or national"),
         root: Path = typer.Option(REPO / ".bench"),
         through: str = typer.Option(None, help="last month to run (YYYY-MM, at least 2025-04), e.g. national 2025-03..04 only; "
                                                     "past the scale's last month, the landing is generated up to it")):
    names = ["city", "province"] if scale == "default" else [scale]
    if through and parse_month(through) < APRIL:
        raise typer.BadParameter("the plain query computes April: run through 2025-04 at least", param_hint="--through")
    header = f"kinerja-tpp bench ({dt.date.today()}, commit {_commit()})"   # the code as it was when the bench began
    before = machine_speed()
    results = []
    for name in names:
        typer.echo(f"bench {name}: {SCALES[name][0]:,} ASN ...")
        results.append(bench_scale(name, root, through))
        typer.echo(render(results[-1:]))
    speed = f"machine speed: a fixed Python loop took {before:.2f} s before the runs and {machine_speed():.2f} s after"
    table = render(results) + f"\n{speed}\n"
    out = root / names[-1] / "home" / "bench" / "results.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# {header}\n\n{table}")
    typer.echo(table + f"\n{header}: written to {out}")
    if not all(r["agree"] for r in results):
        raise typer.Exit(1)

