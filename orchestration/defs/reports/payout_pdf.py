"""One printable PDF per OPD: the daftar nominatif with totals and a signature block."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestration.lib.money import thousands

from .payout_data import OpdPayout

HEADERS = ["No", "NIP", "Nama", "Gol", "Kelas", "Predikat", "Bruto", "Ditunda", "Rapel", "Kurang byr", "Lebih byr",
           "Dibayar", "Ket."]
MONEY = ("gross_amount", "deferred_amount", "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
         "payable_amount")


def _rows(opd: OpdPayout) -> list[list]:
    rows = [HEADERS]
    for line in opd.lines:
        corrected = f" {line['corrected_periods']}" if line["corrected_periods"] else ""
        rows.append([line["line_no"], line["nip"], line["nama"], line["golongan"], line["kelas_jabatan"],
                     line["predikat_nama"] or "-", *(thousands(line[c]) for c in MONEY),
                     ((line["reasons"] or "").replace("_", " ").lower() + corrected)[:40]])
    rows.append(["", "", "JUMLAH", "", "", "", *(thousands(opd.total(c)) for c in MONEY), ""])
    return rows


def write_opd_pdf(period: dt.date, opd: OpdPayout, path: Path) -> Path:
    styles = getSampleStyleSheet()
    # invariant=1: no creation time or random document id, so the same facts give the same bytes
    # pageCompression=0 keeps the text greppable, so a test can prove accounts never appear in it
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), invariant=1, pageCompression=0, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=f"TPP {period:%Y-%m} {opd.opd_kode}",
                            author="kinerja-tpp", creator="kinerja-tpp")
    table = Table(_rows(opd), repeatRows=1, colWidths=[8 * mm, 30 * mm, 38 * mm, 10 * mm, 10 * mm, 22 * mm, 22 * mm,
                                                        20 * mm, 20 * mm, 20 * mm, 20 * mm, 22 * mm, 30 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (6, 1), (11, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    signature = Table([["Mengetahui,", "", f"Bontang, ..... {period:%m/%Y}"],
                       ["Kepala OPD", "", "Bendahara Pengeluaran"], ["", "", ""], ["", "", ""], ["", "", ""],
                       ["(................................)", "", "(................................)"],
                       ["NIP. ............................", "", "NIP. ............................"]],
                      colWidths=[80 * mm, 100 * mm, 80 * mm])
    signature.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    story = [Paragraph(f"DAFTAR NOMINATIF TAMBAHAN PENGHASILAN PEGAWAI (TPP) BULAN {period:%m/%Y}", styles["Title"]),
             Paragraph(f"{opd.opd_kode} {opd.opd_nama} &nbsp;&middot;&nbsp; {len(opd.lines)} pegawai &nbsp;&middot;&nbsp; "
                       f"dibayar Rp {thousands(opd.total('payable_amount'))}", styles["Normal"]),
             Spacer(1, 4 * mm), table, Spacer(1, 8 * mm), signature]
    doc.build(story)
    return path
