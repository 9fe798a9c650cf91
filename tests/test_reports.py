"""Reports: totals equal the marts, one sheet per OPD, byte-identical re-runs, masked accounts, IPASN shares."""
import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import query
from orchestration.defs.reports.payout_files import write_payout_files

KINERJA = str(Path(sys.executable).parent / "kinerja")
APRIL = dt.date(2025, 4, 1)


def test_xlsx_totals_equal_mart_totals_and_one_sheet_per_opd(small_home):
    wb = openpyxl.load_workbook(small_home / "reports" / "2025-04" / "payout_2025-04.xlsx", read_only=True)
    opds = query(small_home, """select opd_kode, count(*), sum(gross_amount), sum(deferred_amount),
                                       sum(released_amount), sum(kurang_bayar_amount), sum(lebih_bayar_amount),
                                       sum(payable_amount)
                                from marts.fct_tpp_entitlement where period = '2025-04-01' group by 1 order by 1""")
    assert len(wb.sheetnames) == 2 + len(opds)               # Ringkasan, one per OPD, Catatan
    summary = [r for r in wb["Ringkasan"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[0], *r[2:9]) for r in summary] == [tuple(o) for o in opds]
    city = next(r for r in wb["Ringkasan"].iter_rows(values_only=True) if r[1] == "Jumlah kota")
    assert city[2:9] == tuple(sum(o[i] for o in opds) for i in range(1, 8))
    for (kode, people, gross, deferred, released, kurang, lebih, payable), name in zip(opds, wb.sheetnames[1:-1]):
        assert name.startswith(kode)
        rows = list(wb[name].iter_rows(min_row=4, values_only=True))
        total = rows[-1]
        assert total[2] == "Jumlah" and len(rows) - 1 == people
        assert (total[13], total[14], total[15], total[16], total[17], total[19]) == \
            (gross, deferred, released, kurang, lebih, payable)


def test_rerunning_a_month_gives_byte_identical_files(small_home, tmp_path):
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    try:
        again = write_payout_files(con, APRIL, tmp_path, small_home / "quality" / "2025-04" / "gate.json")
    finally:
        con.close()
    assert len(again) > 4
    for path in again:
        original = small_home / "reports" / "2025-04" / path.relative_to(tmp_path)
        assert original.read_bytes() == path.read_bytes(), path.name


def test_csv_only_documents_write_the_same_two_csvs(small_home, tmp_path):
    """`--documents csv` (national runs): the payroll and bank CSVs only, the same bytes as a full run's."""
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    try:
        files = write_payout_files(con, APRIL, tmp_path, None, documents="csv")
        with pytest.raises(ValueError):
            write_payout_files(con, APRIL, tmp_path, None, documents="pdf")
    finally:
        con.close()
    assert sorted(p.name for p in files) == ["payout_2025-04.csv", "payout_2025-04_bank.csv"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["payout_2025-04.csv", "payout_2025-04_bank.csv"]
    for path in files:
        assert path.read_bytes() == (small_home / "reports" / "2025-04" / path.name).read_bytes()


def test_full_accounts_only_in_the_bank_csv(small_home):
    accounts = {r[0] for r in query(small_home, "select distinct rekening from staging.stg_payroll__roster")}
    bank = (small_home / "reports" / "2025-04" / "payout_2025-04_bank.csv").read_text()
    assert sum(a in bank for a in accounts) > 0
    for path in (small_home / "reports").rglob("*"):
        if not path.is_file() or path.name.endswith("_bank.csv"):
            continue
        blobs = [path.read_bytes()]
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                blobs = [z.read(n) for n in z.namelist()]
        for blob in blobs:
            leaked = [a for a in accounts if a.encode() in blob]
            assert not leaked, f"{path} shows a full account number"
    payroll_csv = list(csv.DictReader(io.StringIO((small_home / "reports" / "2025-04" / "payout_2025-04.csv").read_text())))
    assert all(r["rekening"].startswith("*") and len(r["rekening"]) == 10 for r in payroll_csv)


def test_ipasn_shares_add_to_100_per_opd(small_home):
    rows = list(csv.DictReader(open(small_home / "reports" / "ipasn" / "2024" / "ipasn_kinerja_2024.csv")))
    assert rows[-1]["opd_kode"] == "KOTA"
    for r in rows:
        shares = [r[k] for k in r if k.startswith("share_")]
        assert round(sum(float(s) for s in shares), 2) == 100.00, r["opd_kode"]
    assert sum(int(r["n_asn"]) for r in rows[:-1]) == int(rows[-1]["n_asn"])
    assert (small_home / "reports" / "ipasn" / "2024" / "ipasn_predikat_mix_2024.png").stat().st_size > 10_000


def explain(home, nip, month, *extra):
    r = subprocess.run([KINERJA, "explain", "--home", str(home), "--nip", nip, "--month", month, *extra],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def rp(n):
    return "Rp " + f"{n:,}".replace(",", ".")


def test_explain_a_deferral_and_its_release(small_home):
    nip, amount, release = query(small_home, """select nip, deferred_amount, release_period from marts.fct_tpp_deferral_ledger
                                                where status = 'RELEASED' and deferred_amount > 0 order by nip limit 1""")[0]
    april = explain(small_home, nip, "2025-04")
    assert "SKPGATE-2024-APR" in april and f"Deferred {rp(amount)}" in april
    assert f"released in {release:%Y-%m}" in april and "Payable = gross" in april and f"= Rp 0" in april
    later = explain(small_home, nip, f"{release:%Y-%m}")
    assert f"Released {rp(amount)} deferred in 2025-04" in later and "siasn/rw-skp22/" in later


def test_explain_an_inconsistent_predikat(small_home):
    nip, month, stored, matrix = query(small_home, """select nip, strftime(period, '%Y-%m'), predikat_code, matrix_predikat_code
        from marts.fct_tpp_entitlement where list_contains(reasons, 'PREDIKAT_INCONSISTENT') order by nip, period limit 1""")[0]
    text = explain(small_home, nip, month)
    assert f"stored predikat {stored} DISAGREES with the matrix predikat {matrix}" in text
    assert "Paid on the stored predikat" in text and "PREDIKAT_INCONSISTENT" in text


def test_explain_a_cpns_line_recomputes_by_hand(small_home):
    nip, month = query(small_home, """select nip, strftime(period, '%Y-%m') from marts.fct_tpp_entitlement
        where jenis_pegawai = 'CPNS' and kedudukan = 'AKTIF' and predikat_code = 2 order by period, nip limit 1""")[0]
    basis, deduction_pct = query(small_home, f"""select basis_amount, discipline_deduction_pct from marts.fct_tpp_entitlement
                                                where nip = '{nip}' and period = '{month}-01'""")[0]
    # CPNS 80%, productivity share 60% at 100% (BAIK), discipline share 40% less the deduction
    productivity = basis * 80 * 60 * 100 // 1_000_000
    discipline = basis * 80 * 40 * int((100 - deduction_pct) * 100) // 100_000_000
    text = explain(small_home, nip, month)
    assert "STATUS-CPNS-AKTIF" in text and "Status factor 0.8000" in text
    assert f"= {rp(productivity)}" in text and f"= {rp(discipline)}" in text
    assert f"Gross = {rp(productivity)} + {rp(discipline)}" in text
    as_json = json.loads(explain(small_home, nip, month, "--json"))
    assert as_json["productivity"]["amount"] == productivity and as_json["discipline"]["amount"] == discipline
    assert as_json["status_factor"]["rule"]["rule_id"] == "STATUS-CPNS-AKTIF"


def test_runs_are_listed_with_their_audit_record(small_home):
    r = subprocess.run([KINERJA, "runs", "--home", str(small_home)], capture_output=True, text=True)
    runs, _, files = r.stdout.partition("payout files per month")
    lines = runs.splitlines()
    # ingest per month, dbt, dbt docs, gate + payout per month, IPASN
    assert r.returncode == 0 and len(lines) == 6 + 1 + 1 + 6 + 1
    assert all(" succeeded kinerja run " in line for line in lines)
    assert files.count(": gate passed, 4 current (payout_") == 6     # each month's files are the ones in force
    rows = query(small_home, "select months, succeeded, dbt_invocation_id, report_files, job from audit.pipeline_runs "
                             "order by started_at")
    assert all(ok for _, ok, _, _, _ in rows)
    assert [len(dbt) for months, _, dbt, _, _ in rows if dbt] == [36]          # the one run with the dbt build
    april = [reports for months, _, _, reports, job in rows if months == "2025-04" and "xlsx" in reports]
    assert len(april) == 1 and "reports/2025-04/payout_2025-04.xlsx" in april[0]


def test_dbt_docs_and_data_docs_are_written(small_home):
    assert (small_home / "reports" / "dbt_docs" / "static_index.html").stat().st_size > 100_000
    docs = small_home / "reports" / "data_docs"
    # each month's gate renders only its own pages: every month and suite still has its page, linked from the index
    from orchestration.defs.quality.suites import SUITES
    pages = {p.relative_to(docs / "validations").parts[:2] for p in (docs / "validations").rglob("*.html")}
    from conftest import SMALL_FROM, SMALL_TO
    from orchestration.lib.months import month_key, month_range, parse_month
    months = [month_key(m) for m in month_range(parse_month(SMALL_FROM), parse_month(SMALL_TO))]
    assert pages == {(s.name, f"{m} {s.name}") for s in SUITES for m in months}
    assert len(list((docs / "expectations").rglob("*.html"))) == len(SUITES)
    index = (docs / "index.html").read_text()
    assert all(f"{m} {s.name}" in index for s in SUITES for m in months)
