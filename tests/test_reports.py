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


def _total_row(ws) -> tuple:
    return next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[2] == "Jumlah" or r[1] == "Jumlah kota")


def test_xlsx_totals_are_formulas_whose_cached_values_equal_the_mart_and_one_sheet_per_opd(small_home):
    path = small_home / "reports" / "2025-04" / "payout_2025-04.xlsx"
    values, formulas = openpyxl.load_workbook(path, data_only=True), openpyxl.load_workbook(path)
    opds = query(small_home, """select opd_kode, count(*), sum(gross_amount), sum(cut_amount), sum(deferred_amount),
                                       sum(released_amount), sum(kurang_bayar_amount), sum(lebih_bayar_amount),
                                       sum(payable_amount)
                                from marts.fct_tpp_entitlement where period = '2025-04-01' group by 1 order by 1""")
    assert len(values.sheetnames) == 2 + len(opds)               # Ringkasan, one per OPD, Catatan
    summary = [r for r in values["Ringkasan"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[0], *r[2:10]) for r in summary] == [tuple(o) for o in opds]
    city = _total_row(values["Ringkasan"])
    assert city[2:10] == tuple(sum(o[i] for o in opds) for i in range(1, 9))
    city_formulas = _total_row(formulas["Ringkasan"])
    assert all(str(f).startswith("=SUM(") for f in city_formulas[2:10])
    money = ("Bruto (Rp)", "Potongan hukdis / jam kerja (Rp)", "Ditunda (Rp)", "Rapel (Rp)", "Koreksi kurang bayar (Rp)", "Koreksi lebih bayar (Rp)",
             "Dibayar (Rp)")
    for (kode, people, *amounts), name in zip(opds, values.sheetnames[1:-1]):
        assert name.startswith(kode)
        header = next(values[name].iter_rows(min_row=3, max_row=3, values_only=True))
        at = [header.index(h) for h in money]
        total = _total_row(values[name])
        assert tuple(total[i] for i in at) == tuple(amounts)
        column = openpyxl.utils.get_column_letter(at[-1] + 1)
        assert str(_total_row(formulas[name])[at[-1]]) == f"=SUM({column}4:{column}{3 + people})"   # every line, no more
        # separators are the workbook's (Indonesian), not the reader's locale
        cells = next(r for r in formulas[name].iter_rows(min_row=4) if r[2].value == "Jumlah")
        assert {cells[i].number_format for i in at} == {"[$-421]#,##0"}


def test_every_sheet_prints_a4_landscape_one_page_wide_with_titles_and_page_numbers(small_home):
    wb = openpyxl.load_workbook(small_home / "reports" / "2025-04" / "payout_2025-04.xlsx")
    signatories = {(r[0], r[1]): r[2] for r in query(small_home, "select opd_kode, role, nama from rules.rule_signatory")}
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title
        # one page wide (OOXML's default width 1 is left out of the file), as many pages long as needed
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1 \
            and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$1:$3", ws.title
        assert "Halaman &P dari &N" in ws.oddFooter.center.text, ws.title
        if ws.title == "Catatan":
            continue
        texts = {c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
        kode = "KOTA" if ws.title == "Ringkasan" else ws.title.split()[0]
        roles = ("MENGETAHUI", "DISUSUN") if kode == "KOTA" else ("KEPALA_OPD", "BENDAHARA")
        assert all(signatories[(kode, role)] in texts for role in roles), ws.title
        assert any(t.startswith("Bontang, ") and t.endswith(" Mei 2025") for t in texts), ws.title


def test_each_pdf_ends_with_its_totals_and_both_signatories_and_numbers_its_pages(small_home):
    """Every OPD's PDF of every month of the test city, read as text the way a reader sees it."""
    import pypdf
    signatories = {(r[0], r[1]): r[2] for r in query(small_home, "select opd_kode, role, nama from rules.rule_signatory")}
    people = {(f"{p:%Y-%m}", k): n for p, k, n in query(
        small_home, "select period, opd_kode, count(*) from marts.fct_tpp_entitlement group by all")}
    pdfs = sorted((small_home / "reports").glob("20??-??/pdf/*.pdf"))
    assert len(pdfs) == len(people)
    amounts: dict = {}
    for p, k, nip, *money in query(small_home, """
            select period, opd_kode, nip, gross_amount, cut_amount, deferred_amount, released_amount, correction_amount,
                   payable_amount, pph21_amount, bpjs_employee_amount, net_amount from marts.rpt_tpp_payout"""):
        amounts.setdefault((f"{p:%Y-%m}", k), {})[nip] = tuple(money)
    long_pdfs = 0
    for path in pdfs:
        month, kode = path.parts[-3], path.stem.rsplit("_", 1)[1]
        pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
        assert "JUMLAH" in pages[-1] and "JUMLAH" not in "".join(pages[:-1]), path.name
        assert signatories[(kode, "KEPALA_OPD")] in pages[-1] and signatories[(kode, "BENDAHARA")] in pages[-1]
        assert all(f"Halaman {i} dari {len(pages)}" in text for i, text in enumerate(pages, start=1)), path.name
        # about 30 lines a page; the signature block takes about 12 lines' height with the last rows and the totals
        assert len(pages) <= 1 + (people[(month, kode)] + 12) // 30, path.name
        if len(pages) > 1:
            long_pdfs += 1
            _assert_carried_forward(path, amounts[month, kode])
    assert long_pdfs, "the test city has an OPD whose PDF runs over a page"


def _carried(text: str, label: str) -> list[int] | None:
    """The nine running totals printed after a band's label (Bruto .. Netto), or None when the page has none."""
    found = text.splitlines()
    if label not in found:
        return None
    at = found.index(label)
    return [int(v.replace(".", "")) for v in found[at + 1:at + 10]]


def _assert_carried_forward(path: Path, amounts: dict[str, tuple[int, ...]]) -> int:
    """Each page that the table runs over ends with the totals of every line printed so far, and the next page starts
    with the same figures; returns the page count. `amounts`: NIP -> its nine money columns."""
    import re
    import pypdf
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    running, printed = [0] * 9, set()
    for i, text in enumerate(pages):
        nips = set(re.findall(r"(?<![0-9])[0-9]{18}(?![0-9])", text)) & set(amounts)
        assert not nips & printed, (path.name, i)
        printed |= nips
        brought = _carried(text, "Jumlah pindahan")
        assert brought == (running if i else None), (path.name, i)
        running = [r + sum(amounts[n][k] for n in nips) for k, r in enumerate(running)]
        assert _carried(text, "Jumlah dipindahkan") == (running if i < len(pages) - 1 else None), (path.name, i)
    assert printed == set(amounts), path.name
    return len(pages)


def test_a_long_pdf_carries_its_running_totals_from_page_to_page(tmp_path):
    """75 lines (every seventh deferred, every fifth with a two-line note, every third's PPh 21 borne by the
    government) run over several pages; the totals carried from each page are the sums of the lines printed up to
    it, computed here from the lines."""
    from orchestration.defs.reports.payout_data import OpdPayout, Signatory
    from orchestration.defs.reports.payout_pdf import write_opd_pdf
    lines = []
    for i in range(1, 76):
        deferred, cut = 1_000 * (i % 7 == 0), 100 * (i % 11 == 0)
        payable = 3_000_000 + i - cut - deferred + 500 * (i == 40)
        lines.append(dict(line_no=i, nip=f"19800101200501{i:04d}", nama=f"PEGAWAI {i}", golongan="III/a",
                          kelas_jabatan=7, predikat_nama="Baik", gross_amount=3_000_000 + i, deferred_amount=deferred,
                          released_amount=500 * (i == 40), correction_amount=0, payable_amount=payable,
                          cut_amount=cut,
                          pph21_amount=150_000, pph21_borne_by="government" if i % 3 == 0 else "employee",
                          bpjs_employee_amount=30_000, bpjs_employer_amount=120_000,
                          net_amount=payable - 30_000 - (0 if i % 3 == 0 else 150_000), corrected_periods=None,
                          keterangan="Ditunda karena SKP tahunan belum selesai dinilai" if i % 5 == 0 else "Penuh"))
    opd = OpdPayout("D01", "Dinas Contoh", lines, (Signatory("KEPALA_OPD", "Kepala Dinas", "BUDI", None),
                                                    Signatory("BENDAHARA", "Bendahara", "SITI", None)))
    path = write_opd_pdf(APRIL, opd, tmp_path / "d01.pdf", "Bontang, 5 Mei 2025")
    money = ("gross_amount", "cut_amount", "deferred_amount", "released_amount", "correction_amount", "payable_amount",
             "pph21_amount", "bpjs_employee_amount", "net_amount")
    assert _assert_carried_forward(path, {l["nip"]: tuple(l[c] for c in money) for l in lines}) >= 3
    # by hand: gross 75 x 3,000,000 + (1 + .. + 75); six lines cut 100 (11, 22, .., 66); ten lines deferred
    # (7, 14, .., 70); line 40 releases 500;
    # PPh 21 150,000 each, withheld from the 50 lines whose number is not a multiple of 3; BPJS 30,000 each
    import pypdf
    last = pypdf.PdfReader(path).pages[-1].extract_text().splitlines()
    at = last.index("JUMLAH")
    payable = 225_002_850 - 600 - 10_000 + 500
    assert [int(v.replace(".", "")) for v in last[at + 1:at + 10]] == \
        [225_002_850, 600, 10_000, 500, 0, payable, 75 * 150_000, 75 * 30_000, payable - 50 * 150_000 - 75 * 30_000]
    assert "150.000*" in pypdf.PdfReader(path).pages[0].extract_text()     # line 3: borne by the government


def test_the_bank_file_transfers_only_amounts_and_its_control_total_is_the_payable(small_home):
    folder = small_home / "reports" / "2025-04"
    bank = list(csv.DictReader(io.StringIO((folder / "payout_2025-04_bank.csv").read_text())))
    assert bank and all(int(r["net_amount"]) > 0 for r in bank)
    control = next(csv.DictReader(io.StringIO((folder / "payout_2025-04_bank_control.csv").read_text())))
    paid, lines = query(small_home, "select sum(net_amount), count(*) filter (where net_amount > 0) "
                                    "from marts.fct_tpp_entitlement where period = '2025-04-01'")[0]
    assert (int(control["total_amount"]), int(control["lines"])) == (paid, lines) == \
        (sum(int(r["net_amount"]) for r in bank), len(bank))
    # the bank transfers the net: payable less PPh 21 withheld and the employee's BPJS Kesehatan
    (payable, withheld, bpjs), = query(small_home, "select sum(payable_amount), sum(pph21_withheld_amount), "
                                       "sum(bpjs_employee_amount) from marts.fct_tpp_entitlement "
                                       "where period = '2025-04-01' and net_amount > 0")
    assert paid == payable - withheld - bpjs and bpjs > 0
    assert control["period"] == "2025-04"


def test_the_runs_that_wrote_a_bank_file_are_found_from_its_bytes(small_home, tmp_path):
    """The bank file carries the month, not a run id (the same facts give the same bytes); the audit log names the
    run that wrote it, and refuses a file altered since."""
    bank = small_home / "reports" / "2025-04" / "payout_2025-04_bank.csv"
    found = subprocess.run([KINERJA, "runs", "--home", str(small_home), "--file", str(bank)],
                           capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    expected = {r[0] for r in query(small_home, "select run_id from audit.pipeline_runs where report_files like "
                                                "'%reports/2025-04/payout_2025-04_bank.csv%'")}
    assert expected and {line.split()[0] for line in found.stdout.splitlines()} == expected
    altered = tmp_path / bank.name
    altered.write_bytes(bank.read_bytes().replace(b"\n", b"\r\n", 1))
    refused = subprocess.run([KINERJA, "runs", "--home", str(small_home), "--file", str(altered)],
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "no recorded run" in refused.stderr


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


def test_months_rendered_together_on_a_pool_list_and_match_each_month_rendered_alone(small_home, tmp_path):
    """The range's payout step renders all its months' documents in one pool: each month keeps its own list
    (workbook, CSVs, PDFs) and the bytes the range run wrote."""
    from orchestration.defs.reports.payout_files import plan_payout_files, render_months
    from orchestration.defs.resources import WorkerPool
    months = [dt.date(2025, 3, 1), APRIL]
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    pool = WorkerPool()
    try:
        planned = [plan_payout_files(con, m, tmp_path / f"{m:%Y-%m}", small_home / "quality" / f"{m:%Y-%m}" / "gate.json")
                   for m in months]
        listed = render_months(planned, pool.executor())
    finally:
        con.close()
        pool.teardown_after_execution(None)
    for month, files in zip(months, listed):
        key = f"{month:%Y-%m}"
        assert files[0].name == f"payout_{key}.xlsx" and files[1].name == f"payout_{key}.csv"
        assert [f.parent.name for f in files[-3:]] == ["pdf"] * 3
        for path in files:
            assert path.read_bytes() == (small_home / "reports" / path.relative_to(tmp_path)).read_bytes(), path.name


def test_csv_only_documents_write_the_same_two_csvs(small_home, tmp_path):
    """`--documents csv` (national runs): the payroll and bank CSVs only, the same bytes as a full run's."""
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    try:
        files = write_payout_files(con, APRIL, tmp_path, None, documents="csv")
        with pytest.raises(ValueError):
            write_payout_files(con, APRIL, tmp_path, None, documents="pdf")
    finally:
        con.close()
    names = ["payout_2025-04.csv", "payout_2025-04_bank.csv", "payout_2025-04_bank_control.csv",
             "payout_2025-04_pajak_bpjs.csv"]
    assert sorted(p.name for p in files) == names
    assert sorted(p.name for p in tmp_path.rglob("*")) == names
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
        if path.suffix == ".pdf":   # the text a reader sees (the embedded fonts encode it)
            import pypdf
            blobs = [page.extract_text().encode() for page in pypdf.PdfReader(path).pages]
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
    # one run over the range (ingest, dbt, the gate and payout of the six months), dbt docs, IPASN
    assert r.returncode == 0 and len(lines) == 1 + 1 + 1
    assert all(" succeeded kinerja run " in line for line in lines)
    assert files.count(": gate passed, 6 current (payout_") == 6     # each month's files are the ones in force
    rows = query(small_home, "select months, succeeded, dbt_invocation_id, report_files, job from audit.pipeline_runs "
                             "order by started_at")
    assert all(ok for _, ok, _, _, _ in rows)
    # the one run with the dbt builds (the inputs, then the six months' facts in one build)
    assert [[len(i) for i in dbt.split()] for months, _, dbt, _, _ in rows if dbt] == [[36, 36]]
    # the range run wrote every month's files, April's among them
    april = [(months, dbt) for months, _, dbt, reports, job in rows if "reports/2025-04/payout_2025-04.xlsx" in reports]
    assert len(april) == 1 and april[0][0] == "2025-01..2025-06" and april[0][1]


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


def test_the_ipasn_workbook_is_titled_in_indonesian_and_prints_one_page_wide(small_home):
    wb = openpyxl.load_workbook(small_home / "reports" / "ipasn" / "2024" / "ipasn_kinerja_2024.xlsx")
    ws = wb["Per OPD"]
    assert ws["A1"].value.startswith("Indeks Profesionalitas ASN - dimensi kinerja, SKP tahun 2024")
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Tahun SKP", "Kode", "Perangkat daerah", "Jumlah ASN"] and "Cakupan %" in header
    assert not any("_" in h for h in header)                      # no snake_case left for a reader
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0 and ws.print_title_rows
    names = dict(query(small_home, "select opd_kode, opd_nama from marts.dim_opd"))
    assert all(row[2].value == names[row[1].value] for row in ws.iter_rows(min_row=5) if row[1].value != "KOTA")


def test_data_docs_work_offline_and_show_the_month_s_cutoff(small_home):
    """No page asks the network for anything (no CDN, no logo beacon); the index lists every validation in HTML."""
    docs = small_home / "reports" / "data_docs"
    pages = list(docs.rglob("*.html"))
    assert pages
    remote = [p for p in pages if "http://" in p.read_text() or "https://" in p.read_text()]
    assert not remote, f"{len(remote)} pages refer to the network, e.g. {remote[0]}"
    index = (docs / "index.html").read_text()
    assert index.count("<a href=\"validations/") == len(list((docs / "validations").rglob("*.html")))
    runs = {p.relative_to(docs / "validations").parts[2] for p in (docs / "validations").rglob("*.html")}
    assert "20000101T000000.000000Z" not in runs and any(r.startswith("20250505") for r in runs)   # April's cutoff


def test_a_name_or_predikat_wider_than_its_column_wraps_inside_it_and_a_short_one_is_plain_text():
    """Only text wider than its column is laid out as a paragraph (a tenth of the cost of the plain text, per cell):
    "BUTUH PERBAIKAN" and a long name wrap onto more lines within their column."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph
    from orchestration.defs.reports.payout_pdf import NAMA_AT, PREDIKAT_AT, WIDTHS, _register_fonts, _wrapped
    _register_fonts()
    assert _wrapped("BAIK", PREDIKAT_AT) == "BAIK" and _wrapped("Sari Lubis", NAMA_AT) == "Sari Lubis"
    for text, column in (("BUTUH PERBAIKAN", PREDIKAT_AT), ("Rahmawati Purnamasari Wijayakusuma", NAMA_AT)):
        cell = _wrapped(text, column)
        assert isinstance(cell, Paragraph)
        cell.wrap(WIDTHS[column] - 12, 100 * mm)
        lines = cell.blPara.lines
        assert len(lines) >= 2 and all(width <= WIDTHS[column] - 12 for width, _ in lines)
