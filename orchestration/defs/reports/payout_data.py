"""What the payout documents of a month show, read from the warehouse (never from raw files)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

LINE_COLUMNS = ["line_no", "nip", "nama", "jabatan", "golongan", "kelas_jabatan", "basis_amount", "predikat_nama",
                "productivity_pct", "productivity_amount", "discipline_deduction_pct", "discipline_amount",
                "acting_amount", "gross_amount", "sanction_cut_amount", "working_hour_cut_amount", "cut_amount",
                "deferred_amount", "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
                "correction_amount", "corrected_periods", "payable_amount", "pph21_amount", "pph21_borne_by", "pph21_withheld_amount",
                "pph21_government_amount", "bpjs_employee_amount", "bpjs_employer_amount", "net_amount", "rekening",
                "reasons", "keterangan"]
TOTAL_COLUMNS = ["basis_amount", "productivity_amount", "discipline_amount", "acting_amount", "gross_amount",
                 "sanction_cut_amount", "working_hour_cut_amount", "cut_amount", "deferred_amount",
                 "released_amount", "kurang_bayar_amount", "lebih_bayar_amount", "payable_amount", "pph21_amount",
                 "pph21_withheld_amount", "pph21_government_amount", "bpjs_employee_amount", "bpjs_employer_amount",
                 "net_amount"]
BORNE_BY = {"government": "Pemerintah", "employee": "Pegawai"}   # who bears PPh 21, as printed


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")


def tanggal(day: dt.date) -> str:
    """A date as written on an Indonesian document: 5 Mei 2025."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def bulan(period: dt.date) -> str:
    return f"{MONTHS_ID[period.month - 1]} {period.year}"


@dataclass
class Signatory:
    role: str
    jabatan: str
    nama: str | None
    nip: str | None


@dataclass
class OpdPayout:
    opd_kode: str
    opd_nama: str
    lines: list[dict]
    signatories: tuple[Signatory, Signatory] | None = None

    def total(self, column: str) -> int:
        return sum(int(line[column]) for line in self.lines)


@dataclass
class MonthPayout:
    period: dt.date
    cutoff_at: dt.datetime
    opds: list[OpdPayout]
    warnings: list[str]
    signatories: tuple[Signatory, Signatory] | None = None   # the Ringkasan's
    place: str = ""

    @property
    def signed_on(self) -> str:
        """Place and date of the documents: the month's cutoff day ("Bontang, 5 Mei 2025"), never the clock."""
        day = self.cutoff_at.date() if isinstance(self.cutoff_at, dt.datetime) else self.period
        return f"{self.place}, {tanggal(day)}" if self.place else tanggal(day)

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
    cutoff = con.execute("select cutoff_at at time zone 'Asia/Makassar' from intermediate.int_payroll_months "
                         "where period = ?", [period]).fetchone()[0]
    signed: dict[str, dict[str, Signatory]] = {}
    place = ""
    for opd_kode, role, jabatan, nama, nip, tempat in con.execute(
            "select opd_kode, role, jabatan, nama, nip, tempat from marts.rpt_payout_signatory where period = ?",
            [period]).fetchall():
        signed.setdefault(opd_kode, {})[role] = Signatory(role, jabatan or "", nama, nip)
        place = place or (tempat or "")
    for opd in opds.values():
        found = signed.get(opd.opd_kode, {})
        opd.signatories = (found.get("KEPALA_OPD") or Signatory("KEPALA_OPD", f"Kepala {opd.opd_nama}", None, None),
                           found.get("BENDAHARA") or Signatory("BENDAHARA", "Bendahara Pengeluaran", None, None))
    city = signed.get("KOTA", {})
    warnings = []
    if gate_file is not None and gate_file.exists():
        verdict = json.loads(gate_file.read_text())
        warnings = [note for s in verdict["suites"] if s["severity"] == "warning" and not s["success"]
                    for note in [plain_warning(s["suite"], len(s["failures"]))]]
    return MonthPayout(period, cutoff, list(opds.values()), warnings,
                       (city.get("MENGETAHUI") or Signatory("MENGETAHUI", "", None, None),
                        city.get("DISUSUN") or Signatory("DISUSUN", "", None, None)), place)


# What each warning means for the person signing, and what to check (the suites' own wording is for the data team).
WARNING_TEXT = {
    "attendance_not_rostered": "Ada data kehadiran untuk pegawai yang tidak ada di daftar gaji bulan ini. Periksa "
                               "apakah daftar gaji lengkap.",
    "inconsistent_predikat_share": "Predikat sejumlah pegawai tidak sesuai matriks hasil kerja x perilaku kerja lebih "
                                   "dari batas. Mintakan pemeriksaan ke BKPSDM sebelum ditandatangani.",
    "distribution_curve": "Sebaran predikat sebuah OPD melampaui kurva distribusi. Tidak mengubah pembayaran; "
                          "laporkan ke BKPSDM.",
    "published_figures": "Angka e-Kinerja tidak cocok dengan angka yang dipublikasikan. Tidak mengubah pembayaran.",
    "opd_month_change": "Jumlah TPP sebuah OPD berubah lebih dari batas dibanding bulan lalu. Periksa mutasi dan "
                        "penundaan di OPD tersebut.",
    "corrections_within_threshold": "Koreksi bulan yang sudah dibayar (kurang/lebih bayar) melebihi batas. Periksa "
                                    "`kinerja diff` bersama BPKAD.",
    "ter_category_mid_year": "Status PTKP sejumlah pegawai berganti kategori TER di tengah tahun. Kategori awal tahun "
                             "tetap dipakai sampai perhitungan ulang Desember; periksa data keluarga di SIMGAJI.",
    "signatories_present": "Penandatangan sebuah dokumen belum tercatat (rule_signatory). Lengkapi sebelum dicetak.",
}


def plain_warning(suite: str, count: int) -> str:
    return f"{WARNING_TEXT.get(suite, suite)} ({count} temuan; rinciannya di laporan pemeriksaan data, Data Docs)"
