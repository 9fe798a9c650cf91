"""The signable payout workbook: a summary per OPD, one daftar nominatif sheet per OPD, and the notes.
Every sheet prints on A4 landscape, one page wide, with the header rows repeated, the city, OPD and month in the
header and "Halaman x dari y" in the footer; totals are SUM formulas with their value cached; each signable sheet
ends with its signature block."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from orchestration.lib.money import XLSX_DECIMAL, XLSX_INTEGER

from .payout_data import BORNE_BY, TOTAL_COLUMNS, MonthPayout, Signatory, bulan

SHEET_COLUMNS = [  # (header, key, width, kind): narrow, in an 8-point font, so a sheet prints one A4 page wide
    ("No", "line_no", 4, "int"), ("NIP", "nip", 16, "text"), ("Nama", "nama", 17, "wrap"),
    ("Jabatan", "jabatan", 19, "wrap"), ("Gol", "golongan", 5, "text"), ("Kelas", "kelas_jabatan", 5, "int"),
    ("Basis (Rp)", "basis_amount", 10, "rp"), ("Predikat", "predikat_nama", 12, "wrap"),
    ("Produk-tivitas %", "productivity_pct", 6, "pct"), ("Produktivitas (Rp)", "productivity_amount", 10, "rp"),
    ("Potongan disiplin %", "discipline_deduction_pct", 6, "pct"), ("Disiplin (Rp)", "discipline_amount", 10, "rp"),
    ("Tambahan Plt/Plh (Rp)", "acting_amount", 10, "rp"),
    ("Bruto (Rp)", "gross_amount", 10, "rp"),
    ("Potongan hukdis / jam kerja (Rp)", "cut_amount", 10, "rp"),   # which one: Keterangan; both: the CSV
    ("Ditunda (Rp)", "deferred_amount", 10, "rp"),
    ("Rapel (Rp)", "released_amount", 10, "rp"), ("Koreksi kurang bayar (Rp)", "kurang_bayar_amount", 10, "rp"),
    ("Koreksi lebih bayar (Rp)", "lebih_bayar_amount", 10, "rp"), ("Dibayar (Rp)", "payable_amount", 11, "rp"),
    ("PPh 21 (Rp)", "pph21_amount", 10, "rp"), ("PPh 21 ditanggung", "pph21_borne_by", 9, "borne"),
    ("BPJS Kes 1% pegawai (Rp)", "bpjs_employee_amount", 9, "rp"),
    ("BPJS Kes 4% pemda (Rp)", "bpjs_employer_amount", 9, "rp"),
    ("Netto ditransfer (Rp)", "net_amount", 11, "rp"),
    ("Keterangan", "keterangan", 22, "note"),
]
SUMMARY_COLUMNS = [("Kode", 8), ("OPD", 36), ("Pegawai", 9), ("Bruto (Rp)", 16), ("Potongan (Rp)", 14), ("Ditunda (Rp)", 15),
                   ("Rapel (Rp)", 15), ("Koreksi kurang bayar (Rp)", 15), ("Koreksi lebih bayar (Rp)", 15),
                   ("Dibayar (Rp)", 16), ("PPh 21 dipotong (Rp)", 14), ("PPh 21 ditanggung pemerintah (Rp)", 14),
                   ("BPJS Kes 1% pegawai (Rp)", 13), ("BPJS Kes 4% pemda (Rp)", 13), ("Netto ditransfer (Rp)", 16)]
SUMMARY_TOTALS = ("gross_amount", "cut_amount", "deferred_amount", "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
                  "payable_amount", "pph21_withheld_amount", "pph21_government_amount", "bpjs_employee_amount",
                  "bpjs_employer_amount", "net_amount")
HEAD_ROW = 2   # rows 0-1: title; row 2: column headers (repeated on every printed page)
RUPIAH, PERCENT = XLSX_INTEGER, XLSX_DECIMAL


def sheet_name(opd_kode: str, opd_nama: str) -> str:
    # Excel: at most 31 characters, no []:*?/\
    clean = "".join(ch for ch in f"{opd_kode} {opd_nama}" if ch not in "[]:*?/\\")
    return clean[:31]


def _page_setup(ws, place: str, title: str, month: MonthPayout, last_col: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)                        # A4
    ws.fit_to_pages(1, 0)                  # one page wide, as many long as needed
    ws.repeat_rows(0, HEAD_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    # "&8" sets 8 points: the text after it must not start with a digit ("&81.01 ..." would be 81 points)
    ws.set_header(f"&L&8Pemerintah Kota {place}&C&8OPD {title.replace('&', '&&')}&R&8TPP {bulan(month.period)}"
                  if title[:1].isdigit() else
                  f"&L&8Pemerintah Kota {place}&C&8{title.replace('&', '&&')}&R&8TPP {bulan(month.period)}")
    ws.set_footer("&L&8kinerja-tpp&C&8Halaman &P dari &N")
    ws.print_area(0, 0, ws.dim_rowmax if ws.dim_rowmax is not None else HEAD_ROW, last_col)


def _signature(ws, row: int, left_col: int, right_col: int, signed_on: str, pair: tuple[Signatory, Signatory],
               labels: tuple[str, str], fmt) -> int:
    """Mengetahui / the preparer, names and NIPs from rule_signatory; a missing one stays a blank line."""
    left, right = pair
    ws.write(row, right_col, signed_on, fmt["text"])
    lines = [(labels[0], labels[1]), (left.jabatan, right.jabatan), ("", ""), ("", ""), ("", ""),
             (left.nama or "(................................)", right.nama or "(................................)"),
             (f"NIP. {left.nip}" if left.nip else "NIP. ....................",
              f"NIP. {right.nip}" if right.nip else "NIP. ....................")]
    for i, (a, b) in enumerate(lines, start=1):
        style = fmt["name"] if i == 6 else fmt["text"]
        ws.write(row + i, left_col, a, style)
        ws.write(row + i, right_col, b, style)
    return row + len(lines) + 1


def write_payout_xlsx(month: MonthPayout, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    # fixed document time (the month's cutoff) so the same facts give the same bytes
    wb.set_properties({"title": f"Daftar nominatif TPP {month.period:%Y-%m}", "author": "kinerja-tpp",
                       "created": month.cutoff_at.replace(tzinfo=None) if isinstance(month.cutoff_at, dt.datetime)
                       else dt.datetime(month.period.year, month.period.month, 1)})
    def add(**props):
        return wb.add_format({"font_size": 8, "valign": "top", **props})
    fmt = {"bold": add(bold=True, font_size=11),
           "head": add(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True),
           "rp": add(num_format=RUPIAH, border=1),
           "rp_total": add(num_format=RUPIAH, bold=True, border=1, top=2),
           "pct": add(num_format=PERCENT, border=1),
           "cell": add(border=1),
           "wrap": add(border=1, text_wrap=True),
           "total_label": add(bold=True, border=1, top=2),
           "text": add(align="center"),
           "name": add(align="center", bold=True, underline=1)}
    place = month.place or "....."

    summary = wb.add_worksheet("Ringkasan")
    summary.write(0, 0, f"Rekapitulasi Tambahan Penghasilan Pegawai bulan {bulan(month.period)}", fmt["bold"])
    for c, (title, width) in enumerate(SUMMARY_COLUMNS):
        summary.write(HEAD_ROW, c, title, fmt["head"])
        summary.set_column(c, c, width)
    summary.set_row(HEAD_ROW, 34)   # the long money headers wrap over three lines
    first = row = HEAD_ROW + 1
    for opd in month.opds:
        summary.set_row(row, 11 * math.ceil(len(opd.opd_nama) / (SUMMARY_COLUMNS[1][1] * 1.4)))   # as _row_height
        summary.write(row, 0, opd.opd_kode, fmt["cell"])
        summary.write(row, 1, opd.opd_nama, fmt["wrap"])
        summary.write_number(row, 2, len(opd.lines), fmt["rp"])
        for c, col in enumerate(SUMMARY_TOTALS, start=3):
            summary.write_number(row, c, opd.total(col), fmt["rp"])
        row += 1
    summary.write(row, 0, "", fmt["total_label"])
    summary.write(row, 1, "Jumlah kota", fmt["total_label"])
    for c, value in [(2, month.people)] + [(c, month.total(col)) for c, col in enumerate(SUMMARY_TOTALS, start=3)]:
        summary.write_formula(row, c, _sum(first, row - 1, c), fmt["rp_total"], value)
    _signature(summary, row + 2, 1, len(SUMMARY_COLUMNS) - 4, month.signed_on, month.signatories,
               ("Mengetahui,", "Disusun oleh,"), fmt)
    summary.freeze_panes(HEAD_ROW + 1, 0)
    _page_setup(summary, place, "Rekapitulasi TPP", month, len(SUMMARY_COLUMNS) - 1)

    for opd in month.opds:
        ws = wb.add_worksheet(sheet_name(opd.opd_kode, opd.opd_nama))
        ws.write(0, 0, f"Daftar nominatif TPP {bulan(month.period)} - {opd.opd_kode} {opd.opd_nama}", fmt["bold"])
        for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
            ws.write(HEAD_ROW, c, title, fmt["head"])
            ws.set_column(c, c, width)
        ws.set_row(HEAD_ROW, 34)
        first = HEAD_ROW + 1
        for r, line in enumerate(opd.lines, start=first):
            ws.set_row(r, _row_height(line))
            for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
                value = line[key]
                if kind == "rp":
                    ws.write_number(r, c, int(value), fmt["rp"])
                elif kind == "pct":
                    ws.write_number(r, c, float(value), fmt["pct"])
                elif kind == "int":
                    ws.write_number(r, c, int(value), fmt["cell"])
                elif kind == "borne":
                    ws.write_string(r, c, BORNE_BY.get(value, value or ""), fmt["cell"])
                elif kind == "note":   # the reasons, and which issued months a correction corrects
                    months = f" ({line['corrected_periods']})" if line["corrected_periods"] else ""
                    ws.write_string(r, c, f"{value or ''}{months}", fmt["wrap"])
                else:
                    ws.write_string(r, c, "" if value is None else str(value),
                                    fmt["wrap"] if kind == "wrap" else fmt["cell"])
        total_row = first + len(opd.lines)
        for c, (title, key, width, kind) in enumerate(SHEET_COLUMNS):
            if key in TOTAL_COLUMNS:
                ws.write_formula(total_row, c, _sum(first, total_row - 1, c), fmt["rp_total"], opd.total(key))
            else:
                ws.write(total_row, c, "Jumlah" if c == 2 else "", fmt["total_label"])
        _signature(ws, total_row + 2, 2, len(SHEET_COLUMNS) - 6, month.signed_on, opd.signatories,
                   ("Mengetahui,", "Dibuat oleh,"), fmt)
        ws.freeze_panes(HEAD_ROW + 1, 3)
        _page_setup(ws, place, f"{opd.opd_kode} {opd.opd_nama}", month, len(SHEET_COLUMNS) - 1)

    notes = wb.add_worksheet("Catatan")
    notes.set_column(0, 0, 140)
    notes.write(0, 0, "Catatan pemeriksaan kualitas data (peringatan; tidak menahan pembayaran)", fmt["bold"])
    for r, warning in enumerate(month.warnings or ["Tidak ada peringatan."], start=2):
        notes.write_string(r, 0, warning)
    notes.write(len(month.warnings or [0]) + 3, 0,
                "Dasar: Perwali Bontang 20/2023; setiap angka dapat ditelusuri ke data sumber dan pasal aturannya "
                "dengan `kinerja explain`.")
    _page_setup(notes, place, "Catatan", month, 0)
    wb.close()
    return path


def _row_height(line: dict) -> float:
    """Wrapped cells do not grow their row by themselves in every viewer: a line of 8-point text is 11 points, and
    an 8-point character about 0.7 of a column unit."""
    lines = 1
    for title, key, width, kind in SHEET_COLUMNS:
        if kind in ("wrap", "note"):
            text = str(line[key] or "") + (f" ({line['corrected_periods']})" if kind == "note" and
                                           line["corrected_periods"] else "")
            lines = max(lines, math.ceil(len(text) / (width * 1.4)) if text else 1)
    return 11 * lines


def _sum(first_row: int, last_row: int, col: int) -> str:
    return f"=SUM({xl_rowcol_to_cell(first_row, col)}:{xl_rowcol_to_cell(last_row, col)})"
