"""IPASN performance-dimension report for SKP year Y: per OPD and for the city, XLSX, CSV and PNG charts."""
from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

PREDIKAT = [("n_sangat_baik", "Sangat baik"), ("n_baik", "Baik"), ("n_butuh_perbaikan", "Butuh perbaikan"),
            ("n_kurang", "Kurang"), ("n_sangat_kurang", "Sangat kurang")]
COLORS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]


def shares_to_100(counts: list[int]) -> list[float]:
    """Percent shares to 0.01 that add to exactly 100.00 (largest remainder), or all 0 when there is nobody."""
    total = sum(counts)
    if total == 0:
        return [0.0] * len(counts)
    raw = [c * 10000 / total for c in counts]              # in hundredths of a percent
    floors = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: 10000 - sum(floors)]:
        floors[i] += 1
    return [f / 100 for f in floors]


def load_ipasn(con, year: int) -> list[dict]:
    rows = con.execute("""select o.*, coalesce(d.opd_nama, 'Kota Bontang') as opd_nama
                          from marts.rpt_ipasn_opd o left join marts.dim_opd d using (opd_kode)
                          where skp_year = ? order by opd_kode = 'KOTA', opd_kode""", [year]).fetchall()
    names = [d[0] for d in con.description]
    out = []
    for row in rows:
        r = dict(zip(names, row))
        r["shares"] = shares_to_100([r[k] for k, _ in PREDIKAT])
        r["coverage_pct"] = round(100 * r["n_with_skp"] / r["n_asn"], 2) if r["n_asn"] else 0.0
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
    xlsx_path = out_dir / f"ipasn_kinerja_{year}.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx_path))
    import datetime as dt
    wb.set_properties({"title": f"IPASN dimensi kinerja {year}", "author": "kinerja-tpp",
                       "created": dt.datetime(year + 1, 1, 1)})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    ws = wb.add_worksheet("Per OPD")
    for c, title in enumerate(CSV_HEADER):
        ws.write(0, c, title, head)
    for r_i, r in enumerate(rows, start=1):
        values = [year, r["opd_kode"], r["opd_nama"], r["n_asn"], r["n_with_skp"], r["coverage_pct"],
                  *[r[k] for k, _ in PREDIKAT], *r["shares"], float(r["avg_kinerja_points"] or 0),
                  float(r["avg_weighted_points"] or 0), ", ".join(r["curve_breaches"])]
        ws.write_row(r_i, 0, values)
    ws.freeze_panes(1, 3)
    ws.set_column(2, 2, 45)
    wb.close()
    png_path = out_dir / f"ipasn_predikat_mix_{year}.png"
    _chart(rows, year, png_path)
    return [xlsx_path, csv_path, png_path]


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
    title = f"Predikat kinerja tahunan {year} per OPD (IPASN dimensi kinerja)"
    if len(rows) > CHART_MAX_BARS:
        total, opds = rows[-1], sorted(rows[:-1], key=lambda r: (-r["n_asn"], r["opd_kode"]))[: CHART_MAX_BARS - 1]
        title += f"\n{len(opds)} largest of {len(rows) - 1:,} OPDs and the total; every OPD is in the XLSX and CSV"
        rows = [*sorted(opds, key=lambda r: r["opd_kode"]), total]
    plt = chart_library()
    fig, ax = plt.subplots(figsize=(10, 8), dpi=100)
    labels = [f"{r['opd_kode']} {r['opd_nama'][:38]}" for r in rows]
    left = [0.0] * len(rows)
    for i, (_, name) in enumerate(PREDIKAT):
        values = [r["shares"][i] for r in rows]
        ax.barh(labels, values, left=left, color=COLORS[i], label=name)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of ASN with an annual SKP")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})   # no version string: same data, same bytes
    plt.close(fig)
