"""The demo city's cases of the rest of the rulebook (DOMAIN.md sections 9 and 10), a few people each: disciplinary
sanctions from SIASN and from BKPSDM (one running six months, two overlapping, one annulled), working-hour findings
(Bontang's 15% cut from November 2025), acting officials (a Plt of a higher post, one at the same level who starts
mid-month) and position changes with their start dates (tmt_jabatan).

People are picked without the generator's random stream, so adding these cases leaves every other draw as it was.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

WORKING_HOUR_CUT_FROM = dt.date(2025, 11, 1)   # only where the demo's months reach it


@dataclass(frozen=True)
class Sanction:
    nip: str
    jenis_hukuman_id: str
    tingkat: str
    tmt: dt.date
    sk_nomor: str
    sk_tanggal: dt.date
    masa_bulan: int
    annulled_by: str = ""       # skPembatalanNomor
    in_siasn: bool = True       # else only in BKPSDM's file of the month of sk_tanggal


def _shift(m: dt.date, k: int) -> dt.date:
    y, mo = divmod(m.month - 1 + k, 12)
    return dt.date(m.year + y, mo + 1, 1)


class RulebookCases:
    def __init__(self, gen):
        self.gen, self.months = gen, gen.months
        steady = [p for p in gen.people
                  if p.jenis == "PNS" and p.kelas <= 12 and p.first_month is None and p.last_month is None
                  and len(set(p.kelas_by_month.values())) == 1 and len(set(p.opd_by_month.values())) == 1
                  and set(p.kedudukan_by_month.values()) == {"AKTIF"} and p.skp_group == "early"]
        steady.sort(key=lambda p: p.nip[::-1])   # a fixed order that is not the roster's
        self.people = steady[:6]
        self.sanctions: list[Sanction] = []
        self.violations: dict[dt.date, list[tuple[str, dt.date, str]]] = {}
        self.acting: dict[dt.date, list[list]] = {}
        if len(self.months) < 4 or len(self.people) < 6:
            return
        m1, m2, m3 = self.months[1], self.months[2], self.months[3]
        a, b, c, d, e, f = self.people
        # a: sedang, 25% for 6 months from the second month (SIASN)
        self.sanctions.append(Sanction(a.nip, "04", "S", m1.replace(day=10), "800/HD-01/BKPSDM", m1.replace(day=1) - dt.timedelta(days=5), 6))
        # b: a written warning from BKPSDM's file (20%, 2 months) and a 9-month sedang in SIASN overlapping it
        self.sanctions.append(Sanction(b.nip, "02", "R", m2.replace(day=3), "800/HD-02/BKPSDM", m2.replace(day=1), 2,
                                       in_siasn=False))
        self.sanctions.append(Sanction(b.nip, "05", "S", m3.replace(day=1), "800/HD-03/BKPSDM", m2.replace(day=14), 9))
        # c: a sanction annulled (skPembatalanNomor): it cuts nothing
        self.sanctions.append(Sanction(c.nip, "04", "S", m1.replace(day=20), "800/HD-04/BKPSDM", m1.replace(day=5), 6,
                                       annulled_by="800/BTL-01/BKPSDM"))
        # d: working-hour findings: one in the second month (no cut before November 2025), two in November
        self.violations.setdefault(m1, []).append((d.nip, m1.replace(day=12), "LHP-JK/001"))
        if WORKING_HOUR_CUT_FROM in self.months:
            self.violations.setdefault(WORKING_HOUR_CUT_FROM, []).extend(
                [(d.nip, dt.date(2025, 11, 5), "LHP-JK/014"), (d.nip, dt.date(2025, 11, 19), "LHP-JK/015")])
        # e: Plt of a post three kelas higher from the 1st of the third month, open-ended
        # f: Plh at its own kelas from the 10th of the second month (that month is not covered whole)
        for m in self.months:
            rows = []
            if m >= m2:
                rows.append([e.nip, "PLT", "Plt. Kepala Bidang", min(17, e.kelas + 3), "1.01", m2.isoformat(), "",
                             "821.2/PLT-01/BKPSDM"])
            if m >= m1 and m <= _shift(m1, 3):
                rows.append([f.nip, "PLH", "Plh. Kepala Seksi", f.kelas, "1.01", m1.replace(day=10).isoformat(),
                             (_shift(m1, 4) - dt.timedelta(days=1)).isoformat(), "821.2/PLH-02/BKPSDM"])
            if rows:
                self.acting[m] = rows

    # ---- files ---------------------------------------------------------------------------------------------
    def sanctions_csv(self, m: dt.date) -> str | None:
        rows = [s for s in self.sanctions if not s.in_siasn and s.sk_tanggal.replace(day=1) == m]
        if not rows:
            return None
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["nip", "jenis_hukuman_id", "tmt_hukuman", "sk_nomor", "sk_tanggal"])
        for s in rows:
            w.writerow([s.nip, s.jenis_hukuman_id, s.tmt.isoformat(), s.sk_nomor, s.sk_tanggal.isoformat()])
        return buf.getvalue()

    def violations_csv(self, m: dt.date) -> str | None:
        rows = self.violations.get(m)
        if not rows:
            return None
        return "nip,tanggal,referensi\n" + "".join(f"{nip},{day.isoformat()},{ref}\n" for nip, day, ref in rows)

    def acting_csv(self, m: dt.date) -> str | None:
        rows = self.acting.get(m)
        if not rows:
            return None
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["nip", "jenis_plt", "jabatan", "kelas_jabatan", "opd_kode", "tmt_mulai", "tmt_selesai", "sk_nomor"])
        w.writerows(rows)
        return buf.getvalue()

    def hukdis_records(self, nip: str, fetch_at: dt.datetime) -> list[str]:
        """SIASN's hukdis records of a person as a fetch at `fetch_at` sees them (a decree shows once dated)."""
        out = []
        for s in self.sanctions:
            if s.nip != nip or not s.in_siasn or s.sk_tanggal > fetch_at.date():
                continue
            out.append(json.dumps({
                "id": f"hukdis-{s.sk_nomor}", "jenisHukumanId": s.jenis_hukuman_id, "jenisTingkatHukumanId": s.tingkat,
                "hukumanTanggal": f"{s.tmt:%d-%m-%Y}",
                "akhirHukumanTanggal": f"{_shift(s.tmt.replace(day=1), s.masa_bulan) - dt.timedelta(days=1):%d-%m-%Y}",
                "masaBulan": str(s.masa_bulan), "masaTahun": "0", "skNomor": s.sk_nomor,
                "skTanggal": f"{s.sk_tanggal:%d-%m-%Y}", "skPembatalanNomor": s.annulled_by or None,
                "kedudukanHukumId": "01"}, separators=(",", ":")))
        return out


def tmt_jabatan(p, m: dt.date) -> str:
    """When the position the roster row of month `m` shows began: the month of a transfer or kelas change decides
    it (on the 10th, or the 20th of the month before for every other such person: the position held on the 15th
    decides a month); empty for everyone else."""
    changed = [k for k in sorted(p.opd_by_month) if k <= m and k != min(p.opd_by_month)
               and (p.opd_by_month[k] != p.opd_by_month[_shift(k, -1)] or p.kelas_by_month[k] != p.kelas_by_month[_shift(k, -1)])]
    if not changed:
        return ""
    start = changed[-1]
    if int(p.nip[-3:]) % 2:
        return (start - dt.timedelta(days=1)).replace(day=20).isoformat()
    return start.replace(day=10).isoformat()
