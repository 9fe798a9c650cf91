"""The facts on the small generated city: dbt unit tests, invariants, and as-of-cutoff stability."""
import os
import shutil
import subprocess
from pathlib import Path

from conftest import DBT_DIR, dbt_bin, query


def test_dbt_unit_tests_pass(small_home, tmp_path):
    """Every hand-computed dbt unit test (models/**/*.yml) runs and passes: none skipped, none lost (on a copy of
    the warehouse: dbt opens it for writing)."""
    import yaml
    defined = sum(len(yaml.safe_load(p.read_text()).get("unit_tests") or [])
                  for p in (DBT_DIR.parent / "models").rglob("*.yml"))
    home = _warehouse_copy(small_home, tmp_path)
    r = subprocess.run([dbt_bin(), "test", "--select", "test_type:unit", "--target-path", str(tmp_path / "target"),
                        "--profiles-dir", ".", "--project-dir", "."],
                       cwd=DBT_DIR, capture_output=True, text=True, env={**os.environ, "KINERJA_HOME": str(home)})
    assert r.returncode == 0, r.stdout[-4000:]
    hooks = len(yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text()).get("on-run-start") or [])
    assert defined >= 19 and f"PASS={defined + hooks} " in r.stdout and "ERROR=0" in r.stdout   # dbt counts hooks


def test_april_deferred_and_later_released(small_home):
    ledger = query(small_home, """select status, release_period, count(*), sum(deferred_amount)
        from marts.fct_tpp_deferral_ledger group by all order by all""")
    assert {r[0] for r in ledger} <= {"OPEN", "RELEASED"} and ledger
    deferred = query(small_home, "select sum(deferred_amount) from marts.fct_tpp_entitlement")[0][0]
    released = query(small_home, "select sum(released_amount) from marts.fct_tpp_entitlement")[0][0]
    open_ = query(small_home, "select sum(open_amount) from marts.fct_tpp_deferral_ledger")[0][0]
    assert deferred == released + open_
    months = query(small_home, "select distinct period from marts.fct_tpp_entitlement where deferred_amount > 0")
    assert [str(m[0]) for m in months] == ["2025-04-01"]


def test_run_prints_monthly_figures(small_home):
    out = (small_home / "run_stdout.txt").read_text()
    assert "TPP per month" in out and "inconsistent" in out
    april = next(l for l in out.splitlines() if l.strip().startswith("2025-04"))
    assert len(april.split()) == 15   # month, people, paid, gross, cuts (n), deferred (n), released (n), corrections (n), ..., net


def test_same_april_after_more_data_lands(small_home, small_landing, tmp_path):
    """A SIASN fetch made after April's cutoff (here: everyone rated SANGAT KURANG, and every annual SKP
    finished) lands later; re-running gives the same April, to the rupiah."""
    import json
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    for endpoint in ("rw-kinerjaperiodik", "rw-skp22"):
        src = sorted((landing / "siasn" / endpoint).glob("*.jsonl"))[-1]
        lines = []
        for line in src.read_text().splitlines():
            obj = json.loads(line)
            obj["fetched_at"] = "2025-09-01T08:00:00+08:00"
            data = obj["body"]["data"]
            recs = data["data"] if isinstance(data, dict) else (data or [])
            for rec in recs:
                for k in ("hasilKinerjaNilai", "perilakuKerjaNilai", "PerilakuKerjaNilai"):
                    if k in rec:
                        rec[k] = "3"
                for k in ("kuadranKinerjaNilai", "KuadranKinerjaNilai"):
                    if k in rec:
                        rec[k] = "5"
            lines.append(json.dumps(obj))
        (landing / "siasn" / endpoint / "2025-09-01T0800.jsonl").write_text("\n".join(lines) + "\n")
    home = tmp_path / "home"
    kinerja = str(Path(dbt_bin()).parent / "kinerja")
    r = subprocess.run([kinerja, "run", "--landing", str(landing), "--home", str(home), "--from", "2025-01",
                        "--to", "2025-06", "--no-docs"], capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})
    assert r.returncode == 0, r.stdout + r.stderr
    sql = """select nip, period, predikat_code, gross_amount, deferred_amount, released_amount, payable_amount
             from marts.fct_tpp_entitlement where period <= '2025-06-01' order by nip, period"""
    assert query(home, sql) == query(small_home, sql)


def test_bench_reference_query_agrees_with_the_pipeline(small_home):
    """The plain DuckDB statement `make bench` times against computes the same April, to the rupiah."""
    import datetime as dt
    import duckdb
    from orchestration.bench.reference_query import mart_totals, reference_totals
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    try:
        april = dt.date(2025, 4, 1)
        reference = reference_totals(con, small_home / "raw", april)
        assert reference == mart_totals(con, april)
        assert reference["deferred"] > 0 and reference["people"] > 0
    finally:
        con.close()


def test_bench_floor_copies_the_months_marts_rows_and_leaves_no_scratch(small_home, tmp_path):
    """`make bench`'s floor under the dbt stage copies April's rows of every marts table (whole tables where
    there is no month), all of them, and removes its scratch file."""
    import datetime as dt
    from orchestration.bench import copy_marts_month
    home = _warehouse_copy(small_home, tmp_path)
    april = dt.date(2025, 4, 1)
    seconds, rows = copy_marts_month(home, april)
    by_month = ["fct_tpp_entitlement", "rpt_tpp_payout", "fct_performance_rating", "rpt_distribution_curve",
                "rpt_opd_month_change", "rpt_month_plausibility", "rpt_payout_signatory", "rpt_tpp_remittance"]
    # fct_evidence_issue: no rows in a clean city; fct_tpp_correction: none before a month is issued
    whole = ["dim_employee", "dim_opd", "fct_skp_arrears", "fct_tpp_deferral_ledger", "rpt_ipasn_opd",
             "rpt_ipasn_person", "rpt_published_reconciliation", "fct_tpp_correction"]
    april_rows = [query(home, f"select count(*) from marts.{t} where period = ?", [april])[0][0] for t in by_month]
    other_rows = [query(home, f"select count(*) from marts.{t} where period <> ?", [april])[0][0] for t in by_month]
    whole_rows = [query(home, f"select count(*) from marts.{t}")[0][0] for t in whole]
    assert min(april_rows) > 0 and min(other_rows) > 0   # the other months are there, and left out
    assert rows == sum(april_rows) + sum(whole_rows)
    assert seconds > 0
    assert list((home / "bench").iterdir()) == []


def _warehouse_copy(small_home: Path, tmp_path: Path) -> Path:
    """The warehouse with the files its views read: a dbt run points them at its own home's (main.home_parquet)."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(small_home / "warehouse.duckdb", home / "warehouse.duckdb")
    for folder in ("raw", "audit"):
        shutil.copytree(small_home / folder, home / folder)
    return home


def _failing_test(home: Path, tmp_path: Path, select: str, stored_as: str) -> tuple[str, str]:
    """Run one dbt data test on the home, storing its failing rows: (dbt's output, the failures table)."""
    r = subprocess.run([dbt_bin(), "test", "--select", select, "--store-failures", "--target-path",
                        str(tmp_path / "target"), "--profiles-dir", ".", "--project-dir", "."],
                       cwd=DBT_DIR, capture_output=True, text=True, env={**os.environ, "KINERJA_HOME": str(home)})
    assert r.returncode == 1, r.stdout[-4000:]
    [(failures,)] = query(home, "select table_schema || '.' || table_name from information_schema.tables "
                                f"where table_name like '{stored_as}%'")
    return r.stdout, failures


def test_unique_combination_fails_on_a_duplicated_key(small_home, tmp_path):
    """The generic key test (dbt_project/macros/test_unique_combination.sql) on a copy of the warehouse where
    one person's SKP-year row is there twice: exactly that key fails."""
    import duckdb
    home = _warehouse_copy(small_home, tmp_path)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    # the SKP arrears are computed (and tested) in intermediate; marts.fct_skp_arrears is a view of them
    nip, year = con.execute("select nip, skp_year from intermediate.int_skp_arrears order by all limit 1").fetchone()
    con.execute("insert into intermediate.int_skp_arrears select * from intermediate.int_skp_arrears "
                "where nip = ? and skp_year = ?", [nip, year])
    con.close()
    out, failures = _failing_test(home, tmp_path, "int_skp_arrears,test_name:unique_combination",
                                  "unique_combination_int_skp_arrears")
    assert "FAIL 1 unique_combination_int_skp_arrears_nip__skp_year" in out
    assert query(home, f"select nip, skp_year, n from {failures}") == [(nip, year, 2)]
    assert query(home, "select count(*) from marts.fct_skp_arrears where nip = ? and skp_year = ?", [nip, year]) == [(2,)]


def test_not_null_columns_names_each_column_that_holds_nulls(small_home, tmp_path):
    """The generic never-null test (dbt_project/macros/test_not_null_columns.sql) on a copy of the warehouse where
    two payout lines lost their OPD and one its payable amount: one failure row per column, with its count."""
    import duckdb
    home = _warehouse_copy(small_home, tmp_path)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    lines = con.execute("select nip, period from marts.fct_tpp_entitlement order by all limit 3").fetchall()
    for nip, period in lines[:2]:
        con.execute("update marts.fct_tpp_entitlement set opd_kode = null where nip = ? and period = ?", [nip, period])
    con.execute("update marts.fct_tpp_entitlement set payable_amount = null where nip = ? and period = ?", list(lines[2]))
    con.close()
    out, failures = _failing_test(home, tmp_path, "fct_tpp_entitlement,test_name:not_null_columns",
                                  "not_null_columns_fct_tpp")
    assert "FAIL 2 not_null_columns_fct_tpp_entitlement" in out
    assert query(home, f"select column_name, null_rows from {failures} order by all") == [("opd_kode", 2),
                                                                                         ("payable_amount", 1)]
