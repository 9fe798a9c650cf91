"""`make bench`: time every stage of the pipeline at city / province / national scale against one plain
DuckDB statement over the same raw Parquet, check both give the same April, write <home>/bench/results.md.

Never part of `make test`. Landing data is generated once per scale and kept under .bench/<scale>/.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import typer

from orchestration.lib.months import month_range, parse_month
from orchestration.lib.reference_query import mart_totals, reference_totals

REPO = Path(__file__).resolve().parents[1]
SCALES = {  # name: (ASN, first month, last month)
    "city": (3532, "2025-01", "2025-06"),
    "province": (100_000, "2025-03", "2025-05"),
    "national": (5_600_000, "2025-03", "2025-05"),
}
APRIL = dt.date(2025, 4, 1)
STEP = re.compile(r"^\[\d+/\d+\] (?P<label>.+?): ok in (?P<seconds>[\d.]+)s")

app = typer.Typer(add_completion=False)


def _kinerja() -> str:
    return str(Path(sys.executable).parent / "kinerja")


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    t0 = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.monotonic() - t0, done.stdout


def bench_scale(name: str, root: Path) -> dict:
    asn, start, end = SCALES[name]
    landing, home = root / name / "landing", root / name / "home"
    marker = landing / ".generated"
    gen_seconds = None
    if not marker.exists():
        gen_seconds, _ = _timed([_kinerja(), "generate", "--landing", str(landing), "--asn", str(asn),
                                 "--from", start, "--to", end])
        marker.write_text(f"{asn} {start} {end}\n")
    subprocess.run(["rm", "-rf", str(home)], check=True)
    total, out = _timed([_kinerja(), "run", "--landing", str(landing), "--home", str(home), "--from", start,
                         "--to", end, "--no-docs"], env={"DAGSTER_HOME": ""})
    peak_rss_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    stages = {"ingest": 0.0, "dbt": 0.0, "checks + reports": 0.0}
    for line in out.splitlines():
        m = STEP.match(line)
        if not m:
            continue
        label, seconds = m["label"], float(m["seconds"])
        key = "ingest" if label.startswith("ingest") else "dbt" if label.startswith("dbt") else "checks + reports"
        stages[key] += seconds
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        t0 = time.monotonic()
        plain = reference_totals(con, home / "raw", APRIL)
        plain_seconds = time.monotonic() - t0
        pipeline = mart_totals(con, APRIL)
    finally:
        con.close()
    months = len(month_range(parse_month(start), parse_month(end)))
    return {"scale": name, "asn": asn, "months": months, "generate_s": gen_seconds, "total_s": total,
            "stages": stages, "plain_s": plain_seconds, "agree": plain == pipeline, "april": pipeline,
            "peak_rss_gib": peak_rss_gib}


def render(results: list[dict]) -> str:
    lines = ["| scale | ASN | months | stage | seconds | ratio to plain query |", "|---|---|---|---|---|---|"]
    for r in results:
        rows = [*r["stages"].items(), ("whole `kinerja run`", r["total_s"]), ("plain DuckDB query (April)", r["plain_s"])]
        for stage, seconds in rows:
            ratio = seconds / r["plain_s"] if r["plain_s"] else float("nan")
            lines.append(f"| {r['scale']} | {r['asn']:,} | {r['months']} | {stage} | {seconds:.1f} | {ratio:,.0f}x |")
        generated = "cached" if r["generate_s"] is None else f"{r['generate_s']:.0f} s"
        lines.append(f"| {r['scale']} | | | peak RSS {r['peak_rss_gib']:.2f} GiB; generate {generated}; April totals agree: "
                     f"{'yes' if r['agree'] else 'NO'} (payable Rp {r['april']['payable']:,}) | | |")
    return "\n".join(lines) + "\n"


@app.command()
def main(scale: str = typer.Option("default", help="default (city + province), city, province or national"),
         root: Path = typer.Option(REPO / ".bench")):
    names = ["city", "province"] if scale == "default" else [scale]
    results = []
    for name in names:
        typer.echo(f"bench {name}: {SCALES[name][0]:,} ASN ...")
        results.append(bench_scale(name, root))
        typer.echo(render(results[-1:]))
    table = render(results)
    out = root / names[-1] / "home" / "bench" / "results.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# kinerja-tpp bench ({dt.date.today()})\n\n{table}")
    typer.echo(table + f"\nwritten to {out}")
    if not all(r["agree"] for r in results):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
