"""Monthly runs on a landing that grows as files are delivered end with the warehouse one run over all the
files gives: the incremental SIASN dedupe (the annual staging table, the periodic view's list of repeated copies)
keeps the rows a full build keeps, and the facts of months already paid do not move when later fetches land."""
import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import REPO, dbt_bin, query
from orchestration.bench import stage_delivered
from orchestration.lib.months import parse_month

KINERJA = str(Path(sys.executable).parent / "kinerja")
COMPARED_SCHEMAS = ("staging", "intermediate", "marts")


def _run(staged: Path, home: Path, first: str, last: str, *extra: str) -> None:
    r = subprocess.run([KINERJA, "run", "--landing", str(staged), "--home", str(home), "--from", first, "--to", last,
                        "--no-docs", "--documents", "csv", *extra],
                       capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})
    assert r.returncode == 0, r.stdout + r.stderr


def _home_copy(small_home: Path, tmp_path: Path) -> Path:
    """A writable copy of the session's built home (its reports left out)."""
    home = tmp_path / "home"
    shutil.copytree(small_home, home, ignore=shutil.ignore_patterns("reports"))
    return home


def _link_all(landing: Path, staged: Path) -> None:
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        target = staged / path.relative_to(landing)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)


def _differences(home_a: Path, home_b: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, rows only in a, rows only in b), as multisets."""
    con = duckdb.connect()
    con.execute(f"attach '{home_a / 'warehouse.duckdb'}' as a (read_only)")
    con.execute(f"attach '{home_b / 'warehouse.duckdb'}' as b (read_only)")
    tables = con.execute("select table_schema, table_name from information_schema.tables where table_catalog = 'a' "
                         f"and table_schema in {COMPARED_SCHEMAS} order by all").fetchall()
    out = {}
    for schema, table in tables:
        a, b = f"a.{schema}.{table}", f"b.{schema}.{table}"
        out[f"{schema}.{table}"] = tuple(con.execute(
            f"select (select count(*) from {a}), (select count(*) from (from {a} except all from {b})), "
            f"(select count(*) from (from {b} except all from {a}))").fetchone())
    return out


def test_monthly_runs_equal_one_run_over_all_files(small_landing, small_home, tmp_path):
    staged, home = tmp_path / "landing", tmp_path / "home"
    stage_delivered(small_landing, staged, parse_month("2025-03"))     # what the April 6th run had
    _run(staged, home, "2025-01", "2025-03")
    before = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    q1 = before.execute("select * from marts.fct_tpp_entitlement order by nip, period").fetchall()
    files_seen = before.execute("select count(distinct source_file) from staging.stg_siasn__kinerja_periodik").fetchone()[0]
    before.close()
    _link_all(small_landing, staged)                                   # every later delivery
    _run(staged, home, "2025-04", "2025-06")

    differences = _differences(small_home, home)
    assert {"staging.stg_siasn__kinerja_periodik", "staging.stg_siasn__skp_tahunan",
            "marts.fct_tpp_entitlement"} <= set(differences)
    assert {t: d for t, d in differences.items() if d[1] or d[2]} == {}
    assert differences["staging.stg_siasn__kinerja_periodik"][0] > 1000
    # the second build really was incremental over new fetch files, and the first quarter's facts did not move
    after = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    assert after.execute("select count(distinct source_file) from staging.stg_siasn__kinerja_periodik").fetchone()[0] > files_seen
    assert after.execute("select * from marts.fct_tpp_entitlement where period < '2025-04-01' "
                         "order by nip, period").fetchall() == q1
    after.close()


def test_removed_raw_files_leave_the_periodic_view_at_once_and_the_annual_table_on_full_refresh(small_landing, small_home, tmp_path):
    """Raw files are append-only; after removing one, the periodic staging view (over the raw Parquet) no longer
    shows its records from the next build on (the copied home's views still read the original home's raw until a
    build re-creates them), and the annual staging table keeps them until --full-refresh rebuilds it."""
    home = _home_copy(small_home, tmp_path)
    counts = {}
    for table, raw_name in (("stg_siasn__kinerja_periodik", "kinerja_periodik"), ("stg_siasn__skp_tahunan", "skp_tahunan")):
        raw = sorted((home / "raw" / raw_name).glob("[!_]*.parquet"))
        removed = duckdb.connect().execute(f"select count(*) from read_parquet('{raw[-1]}')").fetchone()[0]
        assert removed > 0
        counts[table] = (query(home, f"select count(*) from staging.{table}")[0][0], removed)
        raw[-1].unlink()
    # May, not June: without its last pull June has no evaluation at all, and the gate's plausibility stops it
    _run(small_landing, home, "2025-05", "2025-05")
    periodic_total, periodic_removed = counts["stg_siasn__kinerja_periodik"]
    assert query(home, "select count(*) from staging.stg_siasn__kinerja_periodik")[0][0] == periodic_total - periodic_removed
    annual_total = counts["stg_siasn__skp_tahunan"][0]
    assert query(home, "select count(*) from staging.stg_siasn__skp_tahunan")[0][0] == annual_total
    _run(small_landing, home, "2025-05", "2025-05", "--full-refresh")
    assert query(home, "select count(*) from staging.stg_siasn__skp_tahunan")[0][0] < annual_total


def test_a_fetch_file_sent_again_keeps_the_rows_a_full_build_keeps(small_landing, small_home, tmp_path):
    """The last fetch file of each endpoint delivered again under another name. A full build keeps the copy of
    each record from the file that sorts first: the periodic copy sorts before the original ('-' < '.'), so
    every row of that fetch must move to it; the annual copy sorts after ('_' > '.'), so no row may move. No
    row is added either way."""
    home, staged = _home_copy(small_home, tmp_path), tmp_path / "landing"
    _link_all(small_landing, staged)
    copies = {"rw-kinerjaperiodik": ("staging.stg_siasn__kinerja_periodik", "-again", True),
              "rw-skp22": ("staging.stg_siasn__skp_tahunan", "_again", False)}
    moved = {}
    for endpoint, (table, suffix, sorts_first) in copies.items():
        original = sorted((small_landing / "siasn" / endpoint).glob("*.jsonl"))[-1]
        again = staged / "siasn" / endpoint / f"{original.stem}{suffix}.jsonl"
        shutil.copyfile(original, again)
        if sorts_first:
            moved[original.relative_to(small_landing).as_posix()] = again.relative_to(staged).as_posix()

    def rows(table: str) -> list[tuple]:
        return sorted(query(home, f"select columns(* exclude (source_file)), source_file from {table}"))

    before = {table: rows(table) for table, _, _ in copies.values()}
    _run(staged, home, "2025-06", "2025-06")
    for table, _, sorts_first in copies.values():
        expected = sorted(row[:-1] + (moved.get(row[-1], row[-1]),) for row in before[table])
        assert (expected != before[table]) == sorts_first
        assert rows(table) == expected


def test_a_run_rebuilds_the_facts_from_its_first_month_on_and_keeps_earlier_months(small_landing, small_home, tmp_path):
    """The per-month facts are incremental by month: a June run rebuilds June and keeps January as it was built.
    A name changed by hand in the warehouse shows which rows the run rebuilt (a full build would restore both)."""
    home = _home_copy(small_home, tmp_path)
    marked = "changed by the test"
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(f"update marts.rpt_tpp_payout set nama = '{marked}' where period in ('2025-01-01', '2025-06-01')")
    con.close()
    _run(small_landing, home, "2025-06", "2025-06")
    still_marked = query(home, f"select period, count(*) from marts.rpt_tpp_payout where nama = '{marked}' group by all")
    january = query(home, "select period, count(*) from staging.stg_payroll__roster where period = '2025-01-01' group by all")
    assert still_marked == january and january[0][1] > 0
    total = "select count(*), sum(payable_amount) from marts.rpt_tpp_payout"
    assert query(home, total) == query(small_home, total)


def test_a_rule_check_failing_in_an_incremental_run_leaves_the_months_it_would_rebuild_as_built(small_home, tmp_path):
    """An incremental month model deletes the run's months (pre-hook) and inserts them again in one transaction,
    straight from its query (dbt_project/macros/materializations/incremental.sql): when a rule check in that query
    raises, the delete is rolled back and June keeps the rows the last good run built. A copy of the project whose
    basic-TPP rule for a kelas rostered in June is gone makes the check raise."""
    home, project = _home_copy(small_home, tmp_path), tmp_path / "project"
    shutil.copytree(REPO / "dbt_project", project / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copytree(REPO / "models", project / "models")
    kelas = query(home, "select min(kelas_jabatan) from staging.stg_payroll__roster where period = '2025-06-01'")[0][0]
    seed = project / "dbt_project" / "seeds" / "values" / "rule_basic_tpp_values.csv"
    rows = list(csv.DictReader(io.StringIO(seed.read_text())))
    kept = [row for row in rows if row["kelas_jabatan"] != str(kelas)]
    assert len(kept) == len(rows) - 1
    with seed.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    june = "select count(*), sum(gross_amount) from intermediate.int_tpp_gross where period = '2025-06-01'"
    before = query(home, june)
    assert before[0][0] > 0
    r = subprocess.run([dbt_bin(), "build", "--select", "rule_basic_tpp_values", "rule_basic_tpp", "int_tpp_gross", "--exclude", "test_type:unit",
                        "--profiles-dir", ".", "--project-dir", "."], cwd=project / "dbt_project",
                       capture_output=True, text=True,
                       env={**os.environ, "KINERJA_HOME": str(home), "KINERJA_PERIOD_FROM": "2025-06-01"})
    assert r.returncode != 0 and f"no basic TPP for kelas {kelas} in 2025-06-01" in r.stdout, r.stdout[-3000:]
    assert query(home, june) == before
