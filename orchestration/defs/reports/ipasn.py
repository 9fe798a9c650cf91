"""IPASN performance-dimension report for SKP year Y: per OPD and for the city, XLSX, CSV and PNG charts."""
from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from orchestration.lib.money import XLSX_DECIMAL, XLSX_INTEGER

PREDIKAT = [("n_sangat_baik", "Sangat baik"), ("n_baik", "Baik"), ("n_butuh_perbaikan", "Butuh perbaikan"),
            ("n_kurang", "Kurang"), ("n_sangat_kurang", "Sangat kurang")]
COLORS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]


def load_ipasn(con, year: int) -> list[dict]:
    rows = con.execute("""select o.*, coalesce(d.opd_nama, 'Kota Bontang') as opd_nama
                          from marts.rpt_ipasn_opd o left join marts.dim_opd d using (opd_kode)
                          where skp_year = ? order by opd_kode = 'KOTA', opd_kode""", [year]).fetchall()
    names = [d[0] for d in con.description]
    out = []
    for row in rows:
        r = dict(zip(names, row))
        # shares and coverage as the model computed them (marts.rpt_ipasn_opd: to 0.01%, adding to 100.00)
        r["shares"] = [float(r[f"share_{k[2:]}_pct"]) for k, _ in PREDIKAT]
        r["coverage_pct"] = float(r["coverage_pct"])
        out.append(r)
    return out


CSV_HEADER = ["skp_year", "opd_kode", "opd_nama", "n_asn", "n_with_skp", "coverage_pct",
              *[k for k, _ in PREDIKAT], *[f"share_{k[2:]}_pct" for k, _ in PREDIKAT],
              "avg_kinerja_points", "avg_weighted_points", "curve_breaches"]


def write_ipasn_reports(con, year: int, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = load_ipasn(con, year)
    csv_path = out_dir / f"ipasn_kinerja_{year}.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for r in rows:
            w.writerow([year, r["opd_kode"], r["opd_nama"], r["n_asn"], r["n_with_skp"], f"{r['coverage_pct']:.2f}",
                        *[r[k] for k, _ in PREDIKAT], *[f"{s:.2f}" for s in r["shares"]],
                        r["avg_kinerja_points"], r["avg_weighted_points"], "|".join(r["curve_breaches"])])
    xlsx_path = _workbook(rows, year, out_dir / f"ipasn_kinerja_{year}.xlsx")
    png_path = out_dir / f"ipasn_predikat_mix_{year}.png"
    _chart(rows, year, png_path)
    return [xlsx_path, csv_path, png_path]


# The workbook's columns: (Indonesian header, width, kind); the CSV keeps the machine names of CSV_HEADER.
SHEET = [("Tahun SKP", 6, "int"), ("Kode", 6, "text"), ("Perangkat daerah", 34, "wrap"), ("Jumlah ASN", 8, "int"),
         ("ASN dengan SKP tahunan", 9, "int"), ("Cakupan %", 8, "pct"),
         *[(f"Jumlah {name.lower()}", 9, "int") for _, name in PREDIKAT],
         *[(f"Porsi {name.lower()} %", 9, "pct") for _, name in PREDIKAT],
         ("Rata-rata poin kinerja", 9, "dec"), ("Rata-rata poin berbobot", 9, "dec"),
         ("Melampaui kurva distribusi", 24, "wrap")]


def _workbook(rows: list[dict], year: int, path: Path) -> Path:
    import datetime as dt
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": f"IPASN dimensi kinerja {year}", "author": "kinerja-tpp",
                       "created": dt.datetime(year + 1, 1, 1)})

    def add(**props):
        return wb.add_format({"font_size": 8, "valign": "top", "border": 1, **props})
    fmt = {"int": add(num_format=XLSX_INTEGER), "pct": add(num_format=XLSX_DECIMAL),
           "dec": add(num_format=XLSX_DECIMAL),
           "text": add(), "wrap": add(text_wrap=True), "head": add(bold=True, bg_color="#DDEBF7", text_wrap=True),
           "title": wb.add_format({"bold": True, "font_size": 12})}
    ws = wb.add_worksheet("Per OPD")
    ws.write(0, 0, f"Indeks Profesionalitas ASN - dimensi kinerja, SKP tahun {year} (predikat kinerja tahunan)",
             fmt["title"])
    ws.write(1, 0, "Porsi = persen dari ASN dengan SKP tahunan (jumlahnya tepat 100,00). Poin: rule_ipasn_points "
                   "(asumsi); bobot: rule_ipasn_weight.", wb.add_format({"font_size": 8, "italic": True}))
    for c, (title, width, kind) in enumerate(SHEET):
        ws.write(3, c, title, fmt["head"])
        ws.set_column(c, c, width)
    ws.set_row(3, 45)
    for r_i, r in enumerate(rows, start=4):
        values = [year, r["opd_kode"], r["opd_nama"], r["n_asn"], r["n_with_skp"], r["coverage_pct"],
                  *[r[k] for k, _ in PREDIKAT], *r["shares"], float(r["avg_kinerja_points"] or 0),
                  float(r["avg_weighted_points"] or 0), ", ".join(r["curve_breaches"])]
        for c, ((_, _, kind), value) in enumerate(zip(SHEET, values)):
            ws.write(r_i, c, value, fmt[kind])
    ws.freeze_panes(4, 3)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
    ws.set_header(f"&L&8IPASN dimensi kinerja&R&8SKP tahun {year}")
    ws.set_footer("&C&8Halaman &P dari &N")
    wb.close()
    return path


CHART_MAX_BARS = 40    # a readable chart; a province or the country has thousands of OPDs (all in the XLSX/CSV)


def chart_library():
    """matplotlib's pyplot, drawing to files only. Imported here, not with the module: matplotlib is half a second
    of every `kinerja` command's and every Dagster definitions load's start-up, and only this chart uses it
    (`kinerja run` imports it while dbt builds)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _chart(rows: list[dict], year: int, path: Path) -> None:
    title = f"Predikat kinerja tahunan {year} per perangkat daerah (IPASN dimensi kinerja)"
    if len(rows) > CHART_MAX_BARS:
        total, opds = rows[-1], sorted(rows[:-1], key=lambda r: (-r["n_asn"], r["opd_kode"]))[: CHART_MAX_BARS - 1]
        title += (f"\n{len(opds)} terbesar dari {len(rows) - 1:,} perangkat daerah dan jumlah kota; semuanya ada di "
                  f"XLSX dan CSV")
        rows = [*sorted(opds, key=lambda r: r["opd_kode"]), total]
    plt = chart_library()
    import textwrap
    fig, ax = plt.subplots(figsize=(11, 9), dpi=100)
    # the full name, wrapped (a cut name is another OPD to a reader)
    labels = ["\n".join(textwrap.wrap(f"{r['opd_kode']} {r['opd_nama']}", 46)) for r in rows]
    left = [0.0] * len(rows)
    for i, (_, name) in enumerate(PREDIKAT):
        values = [r["shares"][i] for r in rows]
        ax.barh(labels, values, left=left, color=COLORS[i], label=name)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% dari ASN dengan SKP tahunan")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=6)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})   # no version string: same data, same bytes
    plt.close(fig)
