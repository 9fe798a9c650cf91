"""All payout files of a month: the payroll CSV and the bank CSV, and for people to sign (documents="all")
the XLSX workbook and a PDF per OPD.

The signable documents cost about a millisecond a line in Python (reportlab, xlsxwriter): fine for a city or a
province, an hour for a national month. So a national platform runs with documents="csv" and each pemda renders
its own signable files (`make bench` measures both).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from concurrent.futures import Executor
from dataclasses import dataclass, field

from .payout_csv import write_payout_csvs
from .payout_data import load_month
from .payout_pdf import write_opd_pdf
from .payout_xlsx import write_payout_xlsx

DOCUMENTS = ("all", "csv")


def write_payout_files(con, period: dt.date, out_dir: Path, gate_file: Path | None, documents: str = "all",
                       pool: Executor | None = None) -> list[Path]:
    return render_months([plan_payout_files(con, period, out_dir, gate_file, documents)], pool)[0]


@dataclass(frozen=True)
class MonthFiles:
    """A month's payout files: the CSVs, already written, and the signable documents still to render."""
    csvs: list[Path]
    jobs: list[tuple] = field(default_factory=list)


def plan_payout_files(con, period: dt.date, out_dir: Path, gate_file: Path | None, documents: str = "all") -> MonthFiles:
    """Write the month's CSVs and read what its documents show (the warehouse is read here, never in a worker)."""
    if documents not in DOCUMENTS:
        raise ValueError(f"documents must be one of {DOCUMENTS}, got {documents!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    csvs = write_payout_csvs(con, period, out_dir)
    if documents == "csv":
        return MonthFiles(csvs)
    month = load_month(con, period, gate_file)
    key = f"{period:%Y-%m}"
    pdf_dir = out_dir / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    jobs = [(write_payout_xlsx, month, out_dir / f"payout_{key}.xlsx")]
    jobs += [(write_opd_pdf, period, opd, pdf_dir / f"payout_{key}_{opd.opd_kode}.pdf", month.signed_on)
             for opd in month.opds]
    return MonthFiles(csvs, jobs)


def render_months(months: list[MonthFiles], pool: Executor | None = None) -> list[list[Path]]:
    """Render the documents of all the months on every core at once, so one month's long workbook overlaps the next
    month's PDFs (each file's bytes do not depend on where or when it was rendered). Each month's files are listed
    as before: the workbook, the CSVs, the PDFs."""
    jobs = [job for month in months for job in month.jobs]
    rendered = iter(list(pool.map(_render, jobs) if pool else map(_render, jobs)))
    listed = []
    for month in months:
        documents = [next(rendered) for _ in month.jobs]
        listed.append([*documents[:1], *month.csvs, *documents[1:]])
    return listed


def _render(job: tuple) -> Path:
    render, *args = job
    return render(*args)
