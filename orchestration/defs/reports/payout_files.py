"""All payout files of a month: XLSX workbook, a PDF per OPD, the payroll CSV and the bank CSV."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .payout_csv import write_payout_csvs
from .payout_data import load_month
from .payout_pdf import write_opd_pdf
from .payout_xlsx import write_payout_xlsx


def write_payout_files(con, period: dt.date, out_dir: Path, gate_file: Path | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    month = load_month(con, period, gate_file)
    key = f"{period:%Y-%m}"
    files = [write_payout_xlsx(month, out_dir / f"payout_{key}.xlsx"), *write_payout_csvs(month, out_dir)]
    pdf_dir = out_dir / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    for opd in month.opds:
        files.append(write_opd_pdf(month, opd, pdf_dir / f"payout_{key}_{opd.opd_kode}.pdf"))
    return files
