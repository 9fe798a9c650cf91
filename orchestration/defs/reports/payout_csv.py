"""The month's payout lines as CSV: one for payroll systems (account masked), one for the bank transfer."""
from __future__ import annotations

import csv
from pathlib import Path

from .payout_data import LINE_COLUMNS, MonthPayout, mask_account

PAYROLL_COLUMNS = ["period", "opd_kode", "opd_nama", *LINE_COLUMNS]
BANK_COLUMNS = ["period", "opd_kode", "line_no", "nip", "nama", "rekening", "payable_amount"]


def _write(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_payout_csvs(month: MonthPayout, out_dir: Path) -> list[Path]:
    key = f"{month.period:%Y-%m}"
    payroll, bank = [], []
    for opd in month.opds:
        for line in opd.lines:
            values = {**line, "period": key, "opd_kode": opd.opd_kode, "opd_nama": opd.opd_nama}
            payroll.append([("" if values[c] is None else values[c]) if c != "rekening" else mask_account(values[c])
                            for c in PAYROLL_COLUMNS])
            bank.append([values[c] for c in BANK_COLUMNS])
    return [_write(out_dir / f"payout_{key}.csv", PAYROLL_COLUMNS, payroll),
            _write(out_dir / f"payout_{key}_bank.csv", BANK_COLUMNS, bank)]
