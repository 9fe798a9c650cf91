"""The signable payout workbook: a summary per OPD, one daftar nominatif sheet per OPD, and the notes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from .payout_data import TOTAL_COLUMNS, MonthPayout, mask_account

SHEET_COLUMNS = [  # (header, key, width, kind)
    ("No", "line_no", 5, "int"), ("NIP", "nip", 20, "text"), ("Nama", "nama", 24, "text"),
    ("Jabatan", "jabatan", 30, "text"), ("Golongan", "golongan", 9, "text"), ("Kelas", "kelas_jabatan", 6, "int"),
    ("Rekening", "rekening", 14, "account"), ("Basis (Rp)", "basis_amount", 14, "rp"),
    ("Predikat", "predikat_nama", 16, "text"), ("Produktivitas %", "productivity_pct", 9, "pct"),
    ("Produktivitas (Rp)", "productivity_amount", 14, "rp"), ("Potongan disiplin %", "discipline_deduction_pct", 9, "pct"),
    ("Disiplin (Rp)", "discipline_amount", 14, "rp"), ("Bruto (Rp)", "gross_amount", 14, "rp"),
    ("Ditunda (Rp)", "deferred_amount", 14, "rp"), ("Rapel (Rp)", "released_amount", 14, "rp"),
    ("Koreksi kurang bayar (Rp)", "kurang_bayar_amount", 14, "rp"),
    ("Koreksi lebih bayar (Rp)", "lebih_bayar_amount", 14, "rp"), ("Koreksi bulan", "corrected_periods", 12, "text"),
    ("Dibayar (Rp)", "payable_amount", 15, "rp"), ("Keterangan", "reasons", 28, "text"),
]
SUMMARY_COLUMNS = [("Kode", 8), ("OPD", 50), ("Pegawai", 9), ("Bruto (Rp)", 16), ("Ditunda (Rp)", 15),
                   ("Rapel (Rp)", 15), ("Koreksi kurang bayar (Rp)", 15), ("Koreksi lebih bayar (Rp)", 15),
                   ("Dibayar (Rp)", 16)]
SUMMARY_TOTALS = ("gross_amount", "deferred_amount", "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
                  "payable_amount")


def sheet_name(opd_kode: str, opd_nama: str) -> str:
    # Excel: at most 31 characters, no []:*?/\
    clean = "".join(ch for ch in f"{opd_kode} {opd_nama}" if ch not in "[]:*?/\\")
    return clean[:31]


def write_payout_xlsx(month: MonthPayout, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    # fixed document time (the month's cutoff) so the same facts give the same bytes
    wb.set_properties({"title": f"Daftar nominatif TPP {month.period:%Y-%m}", "author": "kinerja-tpp",
                       "created": month.cutoff_at.replace(tzinfo=None) if isinstance(month.cutoff_at, dt.datetime)
                       else dt.datetime(month.period.year, month.period.month, 1)})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    rp = wb.add_format({"num_format": "#,##0"})
    rp_bold = wb.add_format({"num_format": "#,##0", "bold": True, "top": 1})
    pct = wb.add_format({"num_format": "0.00"})

    summary = wb.add_worksheet("Ringkasan")
    summary.write(0, 0, f"Rekapitulasi TPP bulan {month.period:%m/%Y}", bold)
    for c, (title, width) in enumerate(SUMMARY_COLUMNS):
        summary.write(2, c, title, head)
        summary.set_column(c, c, width)
    row = 3
    for opd in month.opds:
        summary.write_row(row, 0, [opd.opd_kode, opd.opd_nama, len(opd.lines)])
        for c, col in enumerate(SUMMARY_TOTALS, start=3):
            summary.write_number(row, c, opd.total(col), rp)
        row += 1
    summary.write(row, 1, "Jumlah kota", bold)
    summary.write_number(row, 2, month.people, rp_bold)
    for c, col in enumerate(SUMMARY_TOTALS, start=3):
        summary.write_number(row, c, month.total(col), rp_bold)
    summary.freeze_panes(3, 0)

    for opd in month.opds:
        ws = wb.add_worksheet(sheet_name(opd.opd_kode, opd.opd_nama))
        ws.write(0, 0, f"Daftar nominatif TPP {month.period:%m/%Y} - {opd.opd_kode} {opd.opd_nama}", bold)
        for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
            ws.write(2, c, title, head)
            ws.set_column(c, c, width)
        for r, line in enumerate(opd.lines, start=3):
            for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
                value = line[key]
                if kind == "rp":
                    ws.write_number(r, c, int(value), rp)
                elif kind == "pct":
                    ws.write_number(r, c, float(value), pct)
                elif kind == "int":
                    ws.write_number(r, c, int(value))
                elif kind == "account":
                    ws.write_string(r, c, mask_account(value))
                else:
                    ws.write_string(r, c, "" if value is None else str(value))
        total_row = 3 + len(opd.lines)
        ws.write(total_row, 2, "Jumlah", bold)
        for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
            if key in TOTAL_COLUMNS:
                ws.write_number(total_row, c, opd.total(key), rp_bold)
        ws.freeze_panes(3, 3)

    notes = wb.add_worksheet("Catatan")
    notes.set_column(0, 0, 140)
    notes.write(0, 0, "Peringatan pemeriksaan kualitas data (tidak memblokir pembayaran)", bold)
    for r, warning in enumerate(month.warnings or ["Tidak ada peringatan."], start=2):
        notes.write_string(r, 0, warning)
    notes.write(len(month.warnings or [0]) + 3, 0,
                "Ketentuan: Perwali Bontang 20/2023; setiap angka dapat ditelusuri dengan `kinerja explain`.")
    wb.close()
    return path
