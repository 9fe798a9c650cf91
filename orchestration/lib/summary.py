"""The one-screen summary printed after a run: people, months, rows per table, quarantined rows."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import duckdb

from .money import thousands


def warehouse_path(home: Path) -> Path:
    return Path(home) / "warehouse.duckdb"


def print_summary(home: Path, months: list[dt.date], echo: Callable[[str], None]) -> None:
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        tables = con.execute("""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema in ('staging', 'intermediate', 'marts') order by 1""").fetchall()
        echo("")
        echo(f"warehouse   {warehouse_path(home)}")
        echo(f"raw layer   {Path(home) / 'raw'}")
        echo(f"quarantine  {Path(home) / 'raw' / 'quarantine'} (table staging.stg_ingest__quarantine)")
        echo(f"reports     {Path(home) / 'reports'}")
        people = con.execute("select count(distinct nip) from staging.stg_payroll__roster").fetchone()[0]
        echo(f"people on the roster: {people} over {len(months)} months "
             f"({months[0]:%Y-%m}..{months[-1]:%Y-%m})")
        echo("rows per table:")
        for (name,) in tables:
            n = con.execute(f"select count(*) from {name}").fetchone()[0]
            echo(f"  {name:<48} {n:>10,}")
        rows = con.execute("""
            select source_name, count(distinct (source_file, source_line, record_index)) filter (where source_line > 0),
                   count(*) filter (where source_line = 0)
            from staging.stg_ingest__quarantine group by 1 order by 1""").fetchall()
        print_monthly_figures(con, months, echo)
        total = sum(r[1] for r in rows)
        echo(f"quarantined rows: {total}" + ("" if not rows else " (" + ", ".join(
            f"{s}: {n}" + (f" + {f} whole file" if f else "") for s, n, f in rows) + ")"))
    finally:
        con.close()


MONTHLY_SQL = """
    select strftime(period, '%Y-%m') as month,
           count(*) as rostered,
           count(*) filter (where payable_amount > 0) as paid,
           sum(gross_amount),
           coalesce(sum(cut_amount), 0),
           count(*) filter (where cut_amount > 0),
           sum(deferred_amount),
           count(*) filter (where deferred_amount > 0),
           sum(released_amount),
           count(*) filter (where released_amount > 0),
           sum(kurang_bayar_amount - lebih_bayar_amount),
           count(*) filter (where correction_amount <> 0),
           sum(payable_amount),
           count(*) filter (where list_contains(reasons, 'PREDIKAT_INCONSISTENT')),
           sum(net_amount)
    from marts.fct_tpp_entitlement
    where period between ? and ?
    group by period order by period"""


def print_monthly_figures(con, months: list[dt.date], echo: Callable[[str], None]) -> None:
    rows = con.execute(MONTHLY_SQL, [months[0], months[-1]]).fetchall()
    echo("TPP per month (Rp; people paid = payable > 0; cuts = sanctions + working hours; "
         "net = payable - PPh 21 withheld - BPJS 1%, transferred):")
    echo(f"  {'month':<8} {'people':>6} {'paid':>6} {'gross':>16} {'cuts':>12} {'(n)':>4} {'deferred':>14} {'(n)':>4} "
         f"{'released':>14} {'(n)':>4} {'corrections':>12} {'(n)':>4} {'payable':>16} {'inconsistent':>12} {'net':>16}")
    for (m, rostered, paid, gross, cuts, n_cut, deferred, n_def, released, n_rel, corr, n_corr, payable, inconsistent,
         net) in rows:
        echo(f"  {m:<8} {rostered:>6} {paid:>6} {thousands(gross):>16} {thousands(cuts):>12} {n_cut:>4} "
             f"{thousands(deferred):>14} {n_def:>4} "
             f"{thousands(released):>14} {n_rel:>4} {thousands(corr):>12} {n_corr:>4} {thousands(payable):>16} "
             f"{inconsistent:>12} {thousands(net) if net is not None else '-':>16}")
