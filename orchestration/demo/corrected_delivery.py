"""A corrected re-delivery of a month's roster, as payroll sends after the month was paid: one person's kelas
raised (kurang bayar), one lowered by four classes (a lebih bayar larger than one month's offset limit), one
person who should not have been on the roll (a full lebih bayar). Deterministic: the people are chosen by NIP."""
from __future__ import annotations

import csv
import io
from pathlib import Path

RAISED, LOWERED, REMOVED = "raised", "lowered", "removed"


def corrected_roster(text: str) -> tuple[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0].keys())
    candidates = sorted((r for r in rows if r["kedudukan"] == "AKTIF" and r["jenis_pegawai"] == "PNS"
                         and 8 <= int(r["kelas_jabatan"]) <= 12), key=lambda r: r["nip"])
    chosen = {RAISED: candidates[-1]["nip"], LOWERED: candidates[1]["nip"], REMOVED: candidates[2]["nip"]}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        if r["nip"] == chosen[REMOVED]:
            continue
        if r["nip"] == chosen[RAISED]:
            r = {**r, "kelas_jabatan": str(int(r["kelas_jabatan"]) + 1)}
        if r["nip"] == chosen[LOWERED]:
            r = {**r, "kelas_jabatan": str(int(r["kelas_jabatan"]) - 4)}
        writer.writerow(r)
    return out.getvalue(), chosen


def write_corrected_delivery(landing: Path, month: str) -> dict[str, str]:
    path = Path(landing) / "payroll" / "roster" / f"{month}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: generate the city first")
    text, chosen = corrected_roster(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return chosen
