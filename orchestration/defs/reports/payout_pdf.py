"""One printable PDF per OPD: the daftar nominatif, its totals and the signature block.
The totals row and the signature block stay on one page with the table's last rows; each page carries
"Halaman x dari y"; a page the table runs over ends with the running totals ("Jumlah dipindahkan") and the next
begins with them ("Jumlah pindahan"); the fonts (Bitstream Vera, shipped with reportlab) are embedded; the same
facts give the same bytes. Printed on F4 landscape: the TPP columns and PPh 21, BPJS and the net."""
from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestration.lib.money import thousands

from .payout_data import OpdPayout, bulan

HEADERS = ["No", "NIP", "Nama", "Gol", "Kelas", "Predikat", "Bruto", "Potongan", "Ditunda", "Rapel", "Koreksi",
           "Dibayar", "PPh 21", "BPJS 1%", "Netto", "Keterangan"]
MONEY = ("gross_amount", "cut_amount", "deferred_amount", "released_amount", "correction_amount", "payable_amount",
         "pph21_amount", "bpjs_employee_amount", "net_amount")
PAGE = landscape((215 * mm, 330 * mm))   # F4 (folio), the paper of Indonesian government offices
WIDTHS = [9 * mm, 31 * mm, 31 * mm, 9 * mm, 9 * mm, 22 * mm, *[18 * mm] * len(MONEY), 27 * mm]
GOVERNMENT_MARK = "*"   # after a PPh 21 the government bears (not withheld from the TPP)
MONEY_PAD_LEFT, MONEY_PAD_RIGHT = 2, 3   # points: room for a billion in a money column
KEEP_LAST_ROWS = 3   # table rows printed on the page of the totals and the signatures
MONEY_AT = HEADERS.index("Bruto")   # the first money column; MONEY follow it in order
NAMA_AT, PREDIKAT_AT = HEADERS.index("Nama"), HEADERS.index("Predikat")
CELL_PADDING = 6     # points: reportlab's default left and right padding of a table cell
LEFT, TOP, BOTTOM = 12 * mm, 12 * mm, 14 * mm
BAND = 5 * mm        # the carried-forward band, drawn in the top and bottom margins (outside the frame)
FONT, BOLD = "Vera", "VeraBd"
_FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, os.path.join(_FONTS, "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, os.path.join(_FONTS, "VeraBd.ttf")))


class _RunningTotals(Flowable):
    """Takes no room; drawn with its row, it leaves the totals up to and including that row on the canvas, so the
    page's footer knows what is carried forward from exactly the rows that page printed."""

    def __init__(self, totals: tuple[int, ...]):
        super().__init__()
        self.totals = totals

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.canv._carried = self.totals


def _lines(opd: OpdPayout) -> list[list]:
    rows, running = [], [0] * len(MONEY)
    for line in opd.lines:
        running = [t + int(line[c]) for t, c in zip(running, MONEY)]
        note = line["keterangan"] or ""
        if line["corrected_periods"]:
            note = f"{note} ({line['corrected_periods']})"
        amounts = [thousands(line[c]) for c in MONEY]
        if line["pph21_borne_by"] == "government":
            amounts[MONEY.index("pph21_amount")] += GOVERNMENT_MARK
        rows.append([line["line_no"], line["nip"], _wrapped(line["nama"] or "", NAMA_AT), line["golongan"],
                     line["kelas_jabatan"], _wrapped(line["predikat_nama"] or "-", PREDIKAT_AT), *amounts,
                     [Paragraph(note, _NOTE), _RunningTotals(tuple(running))] if note
                     else [_RunningTotals(tuple(running))]])
    return rows


def _wrapped(text: str, column: int):
    """Names and predikat wrap inside their column ("BUTUH PERBAIKAN" is wider than it): a Paragraph where the text
    is wider than the column, the plain text (drawn the same, a tenth of the cost) where it fits."""
    if pdfmetrics.stringWidth(text, FONT, _CELL.fontSize) <= WIDTHS[column] - 2 * CELL_PADDING:
        return text
    return Paragraph(escape(text), _CELL)


def money_font_size(texts: list[str], font: str = BOLD, size: float = 7) -> float:
    """The largest size up to `size` at which every text fits a money column (an OPD's totals run to billions)."""
    room = WIDTHS[MONEY_AT] - MONEY_PAD_LEFT - MONEY_PAD_RIGHT
    widest = max((pdfmetrics.stringWidth(t, font, size) for t in texts), default=0)
    return size if widest <= room else math.floor(size * room / widest * 10) / 10


def _table(rows: list[list], header: bool, total: bool) -> Table:
    table = Table(rows, repeatRows=1 if header else 0, colWidths=WIDTHS)
    style = [("FONT", (0, 0), (-1, -1), FONT, 7), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
             ("ALIGN", (MONEY_AT, 0), (MONEY_AT + len(MONEY) - 1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("LEFTPADDING", (MONEY_AT, 0), (MONEY_AT + len(MONEY) - 1, -1), MONEY_PAD_LEFT),
             ("RIGHTPADDING", (MONEY_AT, 0), (MONEY_AT + len(MONEY) - 1, -1), MONEY_PAD_RIGHT)]
    if header:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 7), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7"))]
    if total:
        style += [("FONT", (0, -1), (-1, -1), BOLD, money_font_size(rows[-1][MONEY_AT:MONEY_AT + len(MONEY)]))]
    table.setStyle(TableStyle(style))
    return table


def _signature(opd: OpdPayout, signed_on: str) -> Table:
    head, treasurer = opd.signatories

    def name(s):
        return s.nama or "(................................)"

    def nip(s):
        return f"NIP. {s.nip}" if s.nip else "NIP. ............................"

    block = Table([["", "", signed_on], ["Mengetahui,", "", "Dibuat oleh,"], [head.jabatan, "", treasurer.jabatan],
                   ["", "", ""], ["", "", ""], ["", "", ""], [name(head), "", name(treasurer)],
                   [nip(head), "", nip(treasurer)]], colWidths=[95 * mm, 60 * mm, 95 * mm])
    block.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 6), (-1, 6), BOLD, 8),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return block


def _band(c: canvas.Canvas, y: float, label: str, totals: tuple[int, ...]) -> None:
    """One table-wide row outside the frame: the label under Nama, each running total under its money column."""
    # where platypus puts the table: centred in the frame, inside the frame's 6 pt padding
    edges = [LEFT + 6 + (PAGE[0] - 2 * LEFT - 12 - sum(WIDTHS)) / 2]
    for w in WIDTHS:
        edges.append(edges[-1] + w)
    c.setLineWidth(0.25)
    c.setStrokeColor(colors.grey)
    c.rect(edges[0], y, edges[-1] - edges[0], BAND)
    for x in edges[MONEY_AT:MONEY_AT + len(MONEY) + 1]:
        c.line(x, y, x, y + BAND)
    c.setFont(BOLD, 7)
    c.drawString(edges[2] + 3, y + 1.6 * mm, label)
    texts = [thousands(t) for t in totals]
    c.setFont(BOLD, money_font_size(texts))
    for i, text in enumerate(texts):
        c.drawRightString(edges[MONEY_AT + i + 1] - MONEY_PAD_RIGHT, y + 1.6 * mm, text)


class _NumberedCanvas(canvas.Canvas):
    """Writes "Halaman x dari y" once the page count is known (two passes over the saved pages), and the running
    totals a page carries forward to the next."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []
        self._carried = None

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        carried = [state["_carried"] for state in self._pages]
        height = PAGE[1]
        for i, state in enumerate(self._pages):
            self.__dict__.update(state)
            if i > 0 and carried[i - 1]:
                _band(self, height - TOP + 1 * mm, "Jumlah pindahan", carried[i - 1])
            if i < total - 1 and carried[i]:
                _band(self, BOTTOM - BAND - 1 * mm, "Jumlah dipindahkan", carried[i])
            self.setFont(FONT, 7)
            self.drawRightString(PAGE[0] - 12 * mm, 5 * mm, f"Halaman {self._pageNumber} dari {total}")
            self.drawString(12 * mm, 5 * mm, self._doc_title)
            super().showPage()
        super().save()


def write_opd_pdf(period: dt.date, opd: OpdPayout, path: Path, signed_on: str = "") -> Path:
    _register_fonts()
    styles = getSampleStyleSheet()
    title = styles["Title"].clone("title", fontName=BOLD, fontSize=13)
    normal = styles["Normal"].clone("normal", fontName=FONT, fontSize=8)
    # invariant=1: no creation time or random document id, so the same facts give the same bytes
    # pageCompression=0 keeps the text greppable, so a test can prove accounts never appear in it
    doc = SimpleDocTemplate(str(path), pagesize=PAGE, invariant=1, pageCompression=0, leftMargin=LEFT,
                            rightMargin=LEFT, topMargin=TOP, bottomMargin=BOTTOM,
                            title=f"TPP {period:%Y-%m} {opd.opd_kode}", author="kinerja-tpp", creator="kinerja-tpp",
                            initialFontName=FONT)   # no reference to an unembedded base font
    lines = _lines(opd)
    totals = ["", "", "JUMLAH", "", "", "", *(thousands(opd.total(c)) for c in MONEY), ""]
    body, tail = lines[:-KEEP_LAST_ROWS], lines[-KEEP_LAST_ROWS:]
    story = [Paragraph(f"DAFTAR NOMINATIF TAMBAHAN PENGHASILAN PEGAWAI (TPP) BULAN {bulan(period).upper()}", title),
             Paragraph(f"{opd.opd_kode} {opd.opd_nama} &nbsp;&middot;&nbsp; {len(opd.lines)} pegawai &nbsp;&middot;&nbsp; "
                       f"dibayar Rp {thousands(opd.total('payable_amount'))}", normal), Spacer(1, 4 * mm)]
    if body:
        story.append(_table([HEADERS, *body], header=True, total=False))
    legend = Paragraph(f"Bruto termasuk tambahan Plt/Plh; Potongan: hukuman disiplin dan jam kerja. "
                       f"Dibayar = Bruto - Potongan - Ditunda + Rapel + Koreksi. Netto (ditransfer) = Dibayar - PPh 21 yang "
                       f"dipotong - BPJS Kesehatan 1% pegawai. {GOVERNMENT_MARK} PPh 21 ditanggung pemerintah (tidak "
                       f"dipotong). BPJS Kesehatan 4% pemda: Rp {thousands(opd.total('bpjs_employer_amount'))} "
                       f"(dibayar pemda, tidak dipotong).", _NOTE)
    end = [_table(([] if body else [HEADERS]) + tail + [totals], header=not body, total=True), Spacer(1, 2 * mm),
           legend, Spacer(1, 4 * mm), _signature(opd, signed_on)]
    story.append(KeepTogether(end))
    label = f"TPP {bulan(period)} - {opd.opd_kode} {opd.opd_nama}"
    doc.build(story, canvasmaker=lambda *a, **k: _titled_canvas(label, *a, **k))
    return path


def _titled_canvas(label: str, *args, **kwargs):
    c = _NumberedCanvas(*args, **kwargs)
    c._doc_title = label
    return c


_NOTE = getSampleStyleSheet()["Normal"].clone("note", fontName=FONT, fontSize=6, leading=7)
_CELL = getSampleStyleSheet()["Normal"].clone("cell", fontName=FONT, fontSize=7, leading=8)
