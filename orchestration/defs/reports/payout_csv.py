"""The month's payout lines as CSV: one for payroll systems (account masked), one for the bank transfer (the net
amount, after PPh 21 and BPJS Kesehatan), its control file, and per OPD the PPh 21 and BPJS Kesehatan to remit.

Written by DuckDB straight from the mart (COPY), so a national month streams to disk without passing
through Python objects.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .payout_data import LINE_COLUMNS

PAYROLL_COLUMNS = ["period", "opd_kode", "opd_nama", *LINE_COLUMNS]
BANK_COLUMNS = ["period", "opd_kode", "line_no", "nip", "nama", "rekening", "net_amount"]
REMITTANCE_COLUMNS = ["period", "opd_kode", "opd_nama", "lines", "payable_amount", "pph21_withheld_amount",
                      "pph21_government_amount", "pph21_amount", "bpjs_employee_amount", "bpjs_employer_amount",
                      "bpjs_due_amount", "net_amount"]
# Bank accounts leave the warehouse in full only in the bank-transfer CSV; elsewhere rpt_tpp_payout.rekening_masked.


def _copy(con, period: dt.date, columns: list[str], path: Path, where: str = "true") -> Path:
    masked = path.name == f"payout_{period:%Y-%m}.csv"
    # nullif: DuckDB quotes an empty string ("") to tell it from NULL; the files write both as nothing.
    select = ", ".join(f"nullif(({'strftime(period, ' + repr('%Y-%m') + ')' if c == 'period' else 'rekening_masked' if c == 'rekening' and masked else c})::varchar, '') as {c}"
                       for c in columns)
    con.execute(f"copy (select {select} from (select *, opd_kode as _opd, line_no as _line from marts.rpt_tpp_payout "
                f"where period = date '{period}' and {where}) order by _opd, _line) to '{path}' (format csv, header true)")
    return path


def _bank_control(con, period: dt.date, path: Path) -> Path:
    """What the bank checks the transfer file against: the month, its lines and their total, and the fingerprint
    of the facts the gate passed (the same facts give the same file; a run id would not)."""
    from orchestration.lib.fingerprint import month_fingerprint
    lines, total = con.execute("select count(*), coalesce(sum(net_amount), 0) from marts.rpt_tpp_payout "
                               "where period = ? and net_amount > 0", [period]).fetchone()
    path.write_text("period,lines,total_amount,facts_fingerprint\n"
                    f"{period:%Y-%m},{lines},{total},{month_fingerprint(con, period)}\n")
    return path


def _remittance(con, period: dt.date, path: Path) -> Path:
    """Per OPD: the PPh 21 to report and remit (withheld, and borne by the government) and the BPJS Kesehatan due
    (the employees' 1% withheld plus the pemda's 4%), from marts.rpt_tpp_remittance."""
    con.execute(f"copy (select strftime(period, '%Y-%m') as period, {', '.join(REMITTANCE_COLUMNS[1:])} "
                f"from marts.rpt_tpp_remittance where period = date '{period}' order by opd_kode) "
                f"to '{path}' (format csv, header true)")
    return path


def write_payout_csvs(con, period: dt.date, out_dir: Path) -> list[Path]:
    key = f"{period:%Y-%m}"
    # the bank file transfers the net: a line without an amount is no transfer (it stays in the payroll CSV)
    return [_copy(con, period, PAYROLL_COLUMNS, out_dir / f"payout_{key}.csv"),
            _copy(con, period, BANK_COLUMNS, out_dir / f"payout_{key}_bank.csv", "net_amount > 0"),
            _bank_control(con, period, out_dir / f"payout_{key}_bank_control.csv"),
            _remittance(con, period, out_dir / f"payout_{key}_pajak_bpjs.csv")]
