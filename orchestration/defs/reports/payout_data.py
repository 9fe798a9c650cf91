"""What the payout documents of a month show, read from the warehouse (never from raw files)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

LINE_COLUMNS = ["line_no", "nip", "nama", "jabatan", "golongan", "kelas_jabatan", "basis_amount", "predikat_nama",
                "productivity_pct", "productivity_amount", "discipline_deduction_pct", "discipline_amount",
                "gross_amount", "deferred_amount", "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
                "corrected_periods", "payable_amount", "rekening", "reasons"]
TOTAL_COLUMNS = ["basis_amount", "productivity_amount", "discipline_amount", "gross_amount", "deferred_amount",
                 "released_amount", "kurang_bayar_amount", "lebih_bayar_amount", "payable_amount"]


@dataclass
class OpdPayout:
    opd_kode: str
    opd_nama: str
    lines: list[dict]

    def total(self, column: str) -> int:
        return sum(int(line[column]) for line in self.lines)


@dataclass
class MonthPayout:
    period: dt.date
    cutoff_at: dt.datetime
    opds: list[OpdPayout]
    warnings: list[str]

    def total(self, column: str) -> int:
        return sum(o.total(column) for o in self.opds)

    @property
    def people(self) -> int:
        return sum(len(o.lines) for o in self.opds)


def load_month(con, period: dt.date, gate_file: Path | None = None) -> MonthPayout:
    rows = con.execute(f"""
        select opd_kode, opd_nama, {', '.join(LINE_COLUMNS)} from marts.rpt_tpp_payout
        where period = ? order by opd_kode, line_no""", [period]).fetchall()
    opds: dict[str, OpdPayout] = {}
    for opd_kode, opd_nama, *values in rows:
        opds.setdefault(opd_kode, OpdPayout(opd_kode, opd_nama, [])).lines.append(dict(zip(LINE_COLUMNS, values)))
    cutoff = con.execute("select cutoff_at from intermediate.int_payroll_months where period = ?", [period]).fetchone()[0]
    warnings = []
    if gate_file is not None and gate_file.exists():
        verdict = json.loads(gate_file.read_text())
        warnings = [f"{s['suite']}: {f}" for s in verdict["suites"] if s["severity"] == "warning" for f in s["failures"]]
    return MonthPayout(period, cutoff, list(opds.values()), warnings)


def mask_account(rekening: str | None) -> str:
    """Bank accounts leave the warehouse in full only in the bank-transfer CSV."""
    if not rekening:
        return ""
    return "*" * max(0, len(rekening) - 4) + rekening[-4:]
