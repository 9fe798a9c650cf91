"""Deterministic demo city: landing files exactly per the contract (shared/ARCHITECTURE.md).

Same seed and arguments, same bytes. Nothing here is read by production code; it only writes a
landing folder that looks like what SIASN and the payroll office deliver.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orchestration.lib.contract import ATTENDANCE_COLUMNS, ROSTER_COLUMNS
from orchestration.lib.months import month_range, next_month
from .city_names import FAMILY_NAMES, GIVEN_NAMES, JABATAN, OPDS

WITA = dt.timezone(dt.timedelta(hours=8))
SNAPSHOT_AT = dt.datetime(2025, 3, 11, 10, 0, tzinfo=WITA)    # the published e-Kinerja pull
DEADLINE_FETCH_AT = dt.datetime(2025, 3, 31, 20, 0, tzinfo=WITA)
SNAPSHOT_ASN, SNAPSHOT_NOT_FINISHED = 3532, 76
SKP_YEAR = 2024
# Of the people not finished on 11 March: when they finish (fetch that first shows it).
LATE_GROUPS = (("before_deadline", 0.40), ("april", 0.25), ("may", 0.15), ("never", 0.20))
# "may": finished at the end of May, synced to SIASN after the 3 June pull, so first seen on 3 July.
LATE_FIRST_SEEN = {"before_deadline": DEADLINE_FETCH_AT, "april": dt.datetime(2025, 5, 3, 8, tzinfo=WITA),
                   "may": dt.datetime(2025, 6, 4, 8, tzinfo=WITA), "never": None}
RATING_LABEL = {1: "DIATAS EKSPEKTASI", 2: "SESUAI EKSPEKTASI", 3: "DIBAWAH EKSPEKTASI"}
PREDIKAT_LABEL = {1: "SANGAT BAIK", 2: "BAIK", 3: "BUTUH PERBAIKAN", 4: "KURANG", 5: "SANGAT KURANG"}
# (hasil, perilaku) mix: mostly sesuai/sesuai (BAIK)
RATING_PAIRS = [(2, 2), (1, 1), (1, 2), (2, 1), (3, 2), (3, 1), (2, 3), (1, 3), (3, 3)]
RATING_WEIGHTS = [0.79, 0.06, 0.04, 0.04, 0.03, 0.01, 0.02, 0.005, 0.005]


def matrix_predikat(hasil: int, perilaku: int) -> int:
    """The generator's own copy of the 3x3 matrix, to write realistic stored values (the pipeline reads a seed)."""
    if perilaku == 3:
        return 5 if hasil == 3 else 4
    if hasil == 3:
        return 3
    return 1 if (hasil, perilaku) == (1, 1) else 2


@dataclass
class Person:
    idx: int
    nip: str
    nama: str
    gender: int
    jenis: str
    tmt: dt.date
    kelas: int
    jenis_jabatan: str
    jabatan: str
    golongan: str
    opd: int
    rekening: str
    quarterly: bool
    skp_group: str = "early"            # early | by_snapshot | one of LATE_GROUPS
    first_month: dt.date | None = None   # joins the roster (new CPNS)
    last_month: dt.date | None = None    # last month on the roster (retirement)
    opd_by_month: dict = field(default_factory=dict)
    kelas_by_month: dict = field(default_factory=dict)
    kedudukan_by_month: dict = field(default_factory=dict)


def _uuid(*parts) -> str:
    h = hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class CityGenerator:
    def __init__(self, asn: int, months: list[dt.date], seed: int):
        self.asn, self.months, self.rng = asn, months, np.random.default_rng(seed)
        self.people: list[Person] = []
        self._seq: dict[str, int] = {}
        self._record_json: dict[tuple, str] = {}

    # ---- people -------------------------------------------------------------------------------
    def _nip(self, birth: dt.date, tmt_part: str, gender: int) -> str:
        prefix = f"{birth:%Y%m%d}{tmt_part}{gender}"
        self._seq[prefix] = self._seq.get(prefix, 0) + 1
        return f"{prefix}{self._seq[prefix]:03d}"

    def _golongan(self, jenis: str, kelas: int) -> str:
        if jenis == "PPPK":
            return ["V", "VII", "IX", "X", "XI"][min(4, max(0, (kelas - 5) // 2))]
        if jenis == "CPNS":
            return "III/a" if kelas >= 7 else "II/a"
        ladder = ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d"]
        step = int(self.rng.integers(-1, 2))
        return ladder[min(len(ladder) - 1, max(0, kelas - 4 + step))]

    def _make_person(self, jenis: str, opd: int, kelas: int, tmt: dt.date, birth: dt.date) -> Person:
        rng = self.rng
        gender = int(rng.integers(1, 3))
        tmt_part = f"{tmt.year}21" if jenis == "PPPK" else f"{tmt:%Y%m}"
        nip = self._nip(birth, tmt_part, gender)
        if kelas >= 8 and jenis == "PNS" and rng.random() < 0.5:
            jenis_jabatan = "STRUKTURAL"
            jabatan = JABATAN["STRUKTURAL"].get(kelas, "Kepala Seksi")
        else:
            jenis_jabatan = "FUNGSIONAL" if rng.random() < 0.55 else "PELAKSANA"
            pool = JABATAN[jenis_jabatan]
            jabatan = pool[int(rng.integers(len(pool)))]
            if jenis_jabatan == "PELAKSANA":
                kelas = min(kelas, 9)
        names = GIVEN_NAMES[gender]
        nama = f"{names[int(rng.integers(len(names)))]} {FAMILY_NAMES[int(rng.integers(len(FAMILY_NAMES)))]}"
        return Person(idx=len(self.people), nip=nip, nama=nama, gender=gender, jenis=jenis, tmt=tmt, kelas=kelas,
                      jenis_jabatan=jenis_jabatan, jabatan=jabatan, golongan=self._golongan(jenis, kelas), opd=opd,
                      rekening=f"{int(rng.integers(10**9, 10**10)):010d}", quarterly=bool(rng.random() < 0.05))

    def build_people(self) -> None:
        rng, n = self.rng, self.asn
        weights = np.array([w for _, _, w in OPDS], dtype=float)
        opd_of = rng.choice(len(OPDS), size=n, p=weights / weights.sum())
        kelas_of = rng.binomial(16, 0.42, size=n) + 1                    # 1..17, weighted to the middle
        jenis_of = rng.choice(["PNS", "PPPK", "CPNS"], size=n, p=[0.78, 0.19, 0.03])
        for i in range(n):
            jenis = str(jenis_of[i])
            if jenis == "CPNS":
                tmt = dt.date(2024, int(rng.choice([3, 6])), 1)
            elif jenis == "PPPK":
                tmt = dt.date(int(rng.choice([2022, 2023, 2024])), int(rng.choice([1, 3])), 1)
            else:
                tmt = dt.date(int(rng.integers(1990, 2023)), int(rng.integers(1, 13)), 1)
            age_at_tmt = int(rng.integers(22, 36))
            birth = dt.date(min(tmt.year - age_at_tmt, 2001), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
            if birth.year < 1968:   # keep the base population working through mid-2025
                birth = birth.replace(year=1968)
            self.people.append(self._make_person(jenis, int(opd_of[i]), int(kelas_of[i]), tmt, birth))
        self._assign_heads()
        self._assign_skp_groups()

    def _assign_heads(self) -> None:
        """The highest kelas of each OPD is its head (and the raters' rater); the city's highest is the Sekda."""
        self.head_of: dict[int, int] = {}
        for p in self.people:
            h = self.head_of.get(p.opd)
            if h is None or (p.kelas, -p.idx) > (self.people[h].kelas, -h):
                self.head_of[p.opd] = p.idx
        self.sekda = max(self.head_of.values(), key=lambda i: (self.people[i].kelas, -i))
        # The Sekda is rated by the head of BKPSDM (never by themself).
        bkpsdm = next(i for i, o in enumerate(OPDS) if o[0] == "1.06")
        self.sekda_rater = self.head_of.get(bkpsdm, self.sekda)
        if self.sekda_rater == self.sekda:
            self.sekda_rater = next(p.idx for p in self.people if p.idx != self.sekda)

    def _assign_skp_groups(self) -> None:
        n_late = round(self.asn * SNAPSHOT_NOT_FINISHED / SNAPSHOT_ASN)
        order = self.rng.permutation(self.asn)
        late, rest = order[:n_late], order[n_late:]
        bounds, start = [], 0
        for i, (name, share) in enumerate(LATE_GROUPS):
            size = n_late - start if i == len(LATE_GROUPS) - 1 else round(n_late * share)
            bounds.append((name, late[start:start + size]))
            start += size
        for name, idxs in bounds:
            for i in idxs:
                self.people[int(i)].skp_group = name
        for j, i in enumerate(rest):
            self.people[int(i)].skp_group = "early" if j < 0.7 * len(rest) else "by_snapshot"

    # ---- movement -----------------------------------------------------------------------------
    def build_movement(self) -> None:
        rng, months, n = self.rng, self.months, self.asn
        first = months[0]
        later = [m for m in months if m >= dt.date(2025, 4, 1)]   # after the 11 March snapshot
        protected = {self.sekda, self.sekda_rater, *self.head_of.values()}
        movable = [p for p in self.people if p.idx not in protected]
        pick = lambda k: [movable[int(i)] for i in rng.choice(len(movable), size=min(k, len(movable)), replace=False)]
        for p in self.people:
            p.opd_by_month = {m: p.opd for m in months}
            p.kelas_by_month = {m: p.kelas for m in months}
            p.kedudukan_by_month = {m: "AKTIF" for m in months}
        k_transfer, k_kelas, k_retire = max(3, n // 300), max(2, n // 700), max(3, n // 350)
        k_status = {"CLTN": max(2, n // 1500), "TUGAS_BELAJAR": max(2, n // 900), "DIBERHENTIKAN_SEMENTARA": max(1, n // 3000)}
        it = iter(pick(k_transfer + k_kelas + k_retire + sum(k_status.values())))
        # Transfers between OPDs, effective from a later month (mid-year transfer).
        for p in list(itertools.islice(it, k_transfer)):
            if len(months) > 1:
                m0 = months[int(rng.integers(1, len(months)))]
                new_opd = int((p.opd + 1 + rng.integers(len(OPDS) - 1)) % len(OPDS))
                for m in months:
                    if m >= m0:
                        p.opd_by_month[m] = new_opd
        # A kelas change (promotion).
        for p in list(itertools.islice(it, k_kelas)):
            if len(months) > 1:
                m0 = months[int(rng.integers(1, len(months)))]
                for m in months:
                    if m >= m0:
                        p.kelas_by_month[m] = min(17, p.kelas + 1)
        # CLTN, tugas belajar, suspension: some months of the range.
        for status, k in k_status.items():
            for p in list(itertools.islice(it, k)):
                m0 = months[int(rng.integers(0, len(months)))]
                for m in months:
                    if m >= m0:
                        p.kedudukan_by_month[m] = status
        # Retirements: MPP (masa persiapan pensiun) for a month, then off the roster (only after the snapshot).
        if later:
            for p in list(itertools.islice(it, k_retire)):
                if p.jenis != "PNS":
                    continue
                last = later[int(rng.integers(0, len(later)))]
                p.last_month = last
                p.kedudukan_by_month[last] = "MPP"
            # New CPNS joining: TMT in 2025, so no SKP 2024 is required of them.
            join = later[0]
            weights = np.array([w for _, _, w in OPDS], dtype=float)
            for _ in range(max(3, n // 150)):
                opd = int(rng.choice(len(OPDS), p=weights / weights.sum()))
                kelas = int(rng.choice([6, 7, 8]))
                birth = dt.date(int(rng.integers(1994, 2002)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
                p = self._make_person("CPNS", opd, kelas, join, birth)
                p.quarterly, p.skp_group, p.first_month = False, "not_required", join
                p.opd_by_month = {m: opd for m in months}
                p.kelas_by_month = {m: p.kelas for m in months}
                p.kedudukan_by_month = {m: "AKTIF" for m in months}
                self.people.append(p)

    def on_roster(self, p: Person, m: dt.date) -> bool:
        return (p.first_month is None or m >= p.first_month) and (p.last_month is None or m <= p.last_month)

    # ---- files --------------------------------------------------------------------------------
    def roster_csv(self, m: dt.date) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(ROSTER_COLUMNS)
        for p in self.people:
            if self.on_roster(p, m):
                code, name, _ = OPDS[p.opd_by_month[m]]
                w.writerow([p.nip, p.nama, p.jenis, p.kedudukan_by_month[m], p.golongan, p.jabatan, p.jenis_jabatan,
                            p.kelas_by_month[m], code, name, p.tmt.isoformat(), p.rekening,
                            self.tmt_jabatan(p, m)])
        return buf.getvalue()

    @staticmethod
    def tmt_jabatan(p: Person, m: dt.date) -> str:
        from .rulebook_cases import tmt_jabatan
        return tmt_jabatan(p, m)

    def attendance_csv(self, m: dt.date) -> str:
        rng = self.rng
        days = calendar.monthrange(m.year, m.month)[1]
        hari_kerja = sum(dt.date(m.year, m.month, d).weekday() < 5 for d in range(1, days + 1))
        rostered = [p for p in self.people if self.on_roster(p, m)]
        lam = np.array([1.2, 0.4, 0.15, 0.1, 0.5, 0.2, 0.08, 0.05, 0.08])
        counts = rng.poisson(lam, size=(len(rostered), len(lam)))
        heavy = rng.random(len(rostered)) < 0.004
        counts[heavy, 8] += rng.integers(5, 15, size=int(heavy.sum()))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(ATTENDANCE_COLUMNS)
        for i, p in enumerate(rostered):
            row = np.minimum(counts[i], hari_kerja)
            if p.kedudukan_by_month[m] != "AKTIF":
                row = row * 0
            w.writerow([p.nip, hari_kerja, *row.tolist()])
        return buf.getvalue()

    def salary_csv(self, m: dt.date) -> str:
        from .salaries import salary_csv
        return salary_csv([(p.nip, p.jenis, p.golongan, p.jenis_jabatan, p.tmt) for p in self.people
                           if self.on_roster(p, m)], m)

    def build_ratings(self) -> None:
        """Periodic ratings per person and month (or quarter), with gaps, the max() bug and revisions."""
        rng = self.rng
        self.periodic: dict[int, list[dict]] = {}
        for p in self.people:
            recs = []
            months = [m for m in self.months if self.on_roster(p, m)]
            spans = []
            if p.quarterly:
                for q in range(4):
                    qm = [m for m in months if (m.month - 1) // 3 == q]
                    if len(qm) == 3:
                        spans.append((qm[0], qm[-1]))
            else:
                spans = [(m, m) for m in months]
            for start, end in spans:
                if rng.random() < 0.02:
                    continue    # never evaluated for this period
                h, b = RATING_PAIRS[int(rng.choice(len(RATING_PAIRS), p=RATING_WEIGHTS))]
                stored = matrix_predikat(h, b)
                if b == 3 and rng.random() < 0.3:
                    stored = max(h, b)   # the public client's max(hasil, perilaku) bug, stored as official
                revised = None
                if rng.random() < 0.005:
                    revised = (2, 2, 2)  # corrected in SIASN a month later
                ready = next_month(end)
                recs.append({"start": start, "end": end, "hasil": h, "perilaku": b, "predikat": stored,
                             "revised": revised, "id": _uuid("periodik", p.nip, start, end),
                             "ready_at": dt.datetime(ready.year, ready.month, 1, tzinfo=WITA),
                             "revised_at": dt.datetime(next_month(ready).year, next_month(ready).month, 1, tzinfo=WITA)})
            self.periodic[p.idx] = recs
        self.annual_rating = {p.idx: RATING_PAIRS[int(rng.choice(len(RATING_PAIRS), p=RATING_WEIGHTS))]
                              for p in self.people}

    def _rater(self, p: Person, m: dt.date) -> Person:
        if p.idx == self.sekda:
            return self.people[self.sekda_rater]
        head = self.head_of.get(p.opd_by_month.get(m, p.opd))
        if head is None or head == p.idx:
            return self.people[self.sekda]
        return self.people[head]

    def _json(self, key: tuple, build) -> str:
        """Records repeat in every later fetch run: serialise each one once (the bulk of the generator's time)."""
        cached = self._record_json.get(key)
        if cached is None:
            cached = self._record_json[key] = json.dumps(build(), separators=(",", ":"))
        return cached

    def periodic_records(self, p: Person, fetch_at: dt.datetime) -> list[str]:
        visible = []
        for r in self.periodic[p.idx]:
            if r["ready_at"] > fetch_at:
                continue
            revised = bool(r["revised"]) and fetch_at >= r["revised_at"]
            visible.append(self._json(("periodik", r["id"], revised), lambda: self._periodic_record(p, r, revised)))
        return visible

    def _periodic_record(self, p: Person, r: dict, revised: bool) -> dict:
        h, b, k = r["revised"] if revised else (r["hasil"], r["perilaku"], r["predikat"])
        rater = self._rater(p, r["start"])
        code, name, _ = OPDS[p.opd_by_month.get(r["start"], p.opd)]
        return {
            "id": r["id"], "tahun": str(r["start"].year), "nip": p.nip,
            "hasilKinerjaNilai": str(h), "perilakuKerjaNilai": str(b), "kuadranKinerjaNilai": str(k),
            "periodikId": _uuid("periode", r["start"], r["end"]),
            "periodikNama": "TRIWULAN" if p.quarterly else "BULANAN",
            "bulanMulaiPenilaian": str(r["start"].month), "bulanSelesaiPenilaian": str(r["end"].month),
            "tahunMulaiPenilaian": str(r["start"].year), "tahunSelesaiPenilaian": str(r["end"].year),
            "penilaiNipNrp": rater.nip, "unorId": _uuid("unor", code), "unorNama": name,
            "koefisenId": "1",
        }

    def annual_records(self, p: Person, fetch_at: dt.datetime) -> list[str]:
        recs = []
        if p.tmt.year <= 2022:
            recs.append(self._json(("skp22", p.idx, 2023), lambda: self._annual_record(p, 2023, (2, 2))))
        group = p.skp_group
        seen_at = {"early": dt.datetime(2025, 2, 1, tzinfo=WITA), "by_snapshot": SNAPSHOT_AT}.get(group)
        if group in LATE_FIRST_SEEN:
            seen_at = LATE_FIRST_SEEN[group]
        if seen_at is not None and fetch_at >= seen_at:
            recs.append(self._json(("skp22", p.idx, SKP_YEAR),
                                   lambda: self._annual_record(p, SKP_YEAR, self.annual_rating[p.idx])))
        return recs

    def _annual_record(self, p: Person, year: int, rating: tuple[int, int]) -> dict:
        h, b = rating
        k = matrix_predikat(h, b)
        rater = self._rater(p, self.months[0])
        return {"id": _uuid("skp22", p.nip, year), "tahun": str(year),
                "hasilKinerja": RATING_LABEL[h], "hasilKinerjaNilai": str(h),
                "perilakuKerja": RATING_LABEL[b], "PerilakuKerjaNilai": str(b),
                "kuadranKinerja": PREDIKAT_LABEL[k], "KuadranKinerjaNilai": str(k),
                "nipNrpPenilai": rater.nip, "namaPenilai": rater.nama, "penilaiJabatanNm": rater.jabatan,
                "penilaiUnorNm": OPDS[rater.opd][1], "pnsDinilaiId": _uuid("pns", p.nip), "statusPenilai": "ASN"}

    @staticmethod
    def _envelope(p: Person, recs: list[str]) -> str:
        if not recs:
            return '{"code":1,"data":null}'
        # Both envelopes the real API uses, chosen per person so every file has both.
        joined = ",".join(recs)
        return f'{{"code":1,"data":{{"data":[{joined}]}}}}' if int(p.nip[-1]) % 2 else f'{{"code":1,"data":[{joined}]}}'

    def fetch_jsonl(self, endpoint: str, fetch_at: dt.datetime, roster_month: dt.date, cases=None) -> str:
        lines = []
        records_of = {"rw-kinerjaperiodik": self.periodic_records, "rw-skp22": self.annual_records,
                      "rw-hukdis": lambda p, at: cases.hukdis_records(p.nip, at)}[endpoint]
        for i, p in enumerate(q for q in self.people if self.on_roster(q, roster_month)):
            at = fetch_at + dt.timedelta(seconds=i // 4)   # about four calls a second
            lines.append(f'{{"nip":"{p.nip}","endpoint":"{endpoint}","fetched_at":"{at.isoformat()}",'
                         f'"http_status":200,"body":{self._envelope(p, records_of(p, at))}}}')
        return "\n".join(lines) + "\n"

    def fetch_runs(self) -> list[tuple[dt.datetime, dt.date]]:
        """(fetch time, roster month whose NIPs are fetched): the 3rd of each month for the month before,
        plus the 11 March snapshot and a fetch on the deadline day."""
        runs = [(dt.datetime(*next_month(m).timetuple()[:3], tzinfo=WITA).replace(day=3, hour=8), m)
                for m in self.months]
        march = dt.date(2025, 3, 1)
        if march in self.months:
            runs += [(SNAPSHOT_AT, march), (DEADLINE_FETCH_AT, march)]
        return sorted(runs)


def generate_city(landing: Path, asn: int = SNAPSHOT_ASN, start: dt.date = dt.date(2025, 1, 1),
                  end: dt.date = dt.date(2025, 6, 1), seed: int = 20250311, faults: bool = False) -> dict:
    landing = Path(landing)
    months = month_range(start, end)
    gen = CityGenerator(asn, months, seed)
    gen.build_people()
    gen.build_movement()
    gen.build_ratings()
    files: dict[str, bytes] = {}
    from .rulebook_cases import RulebookCases
    cases = RulebookCases(gen)
    for m in months:
        files[f"payroll/roster/{m:%Y-%m}.csv"] = gen.roster_csv(m).encode()
        files[f"payroll/attendance/{m:%Y-%m}.csv"] = gen.attendance_csv(m).encode()
        files[f"payroll/salary/{m:%Y-%m}.csv"] = gen.salary_csv(m).encode()
        for source, text in (("sanctions", cases.sanctions_csv(m)), ("violations", cases.violations_csv(m)),
                             ("acting", cases.acting_csv(m))):
            if text is not None:   # BKPSDM sends a file only when it has cases
                files[f"payroll/{source}/{m:%Y-%m}.csv"] = text.encode()
    for fetch_at, roster_month in gen.fetch_runs():
        stamp = fetch_at.strftime("%Y-%m-%dT%H%M")
        for endpoint in ("rw-kinerjaperiodik", "rw-skp22", "rw-hukdis"):
            if endpoint != "rw-skp22" and fetch_at.day != 3:
                continue   # the extra March pulls are of annual SKP only
            files[f"siasn/{endpoint}/{stamp}.jsonl"] = gen.fetch_jsonl(endpoint, fetch_at, roster_month, cases).encode()
    if faults:
        from .faults import add_faults
        add_faults(files, gen, months)
    for rel, data in sorted(files.items()):
        path = landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return {"files": len(files), "people": len(gen.people), "months": len(months)}
