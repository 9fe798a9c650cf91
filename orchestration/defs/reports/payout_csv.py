"""The payout lines of a month as CSV for payroll systems (the bank-transfer file: account in full)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

PAYOUT_COLUMNS = ["period", "opd_kode", "opd_nama", "line_no", "nip", "nama", "jabatan", "golongan", "kelas_jabatan",
                  "rekening", "basis_amount", "predikat_nama", "productivity_pct", "productivity_amount",
                  "discipline_deduction_pct", "discipline_amount", "gross_amount", "deferred_amount",
                  "released_amount", "payable_amount", "reasons"]


def payout_rows(con, period: dt.date) -> list[tuple]:
    return con.execute(f"select {', '.join(PAYOUT_COLUMNS)} from marts.rpt_tpp_payout where period = ? "
                       "order by opd_kode, line_no", [period]).fetchall()


def write_payout_csv(con, period: dt.date, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"payout_{period:%Y-%m}_bank.csv"
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(PAYOUT_COLUMNS)
        for row in payout_rows(con, period):
            writer.writerow(["" if v is None else v for v in row])
    return [target]
