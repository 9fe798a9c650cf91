"""Landing data at province and national scale: the demo city's population, movement and ratings, drawn with
numpy for everyone at once and written by DuckDB, no Python loop per person.

The country is cut into regions the size of the demo city (3,532 ASN on the snapshot), each with the demo's
OPDs (codes prefixed with the region), its own heads, Sekda and BKPSDM head as raters, and its own SIASN pull
(four calls a second within a region, so a national pull still ends before the payroll cutoff). The shares
are the demo generator's own constants; tests/test_bulk_generator.py compares the two statistically.
Only the scripted demo city (`generator.py`) has fault injection.
"""
from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from orchestration.lib.contract import ATTENDANCE_COLUMNS, PTKP_STATUS, ROSTER_COLUMNS, SALARY_COLUMNS
from orchestration.lib.months import month_range, next_month
from .city_names import FAMILY_NAMES, GIVEN_NAMES, JABATAN, OPDS
from .generator import (DEADLINE_FETCH_AT, LATE_FIRST_SEEN, LATE_GROUPS, PREDIKAT_LABEL, RATING_LABEL, RATING_PAIRS,
                        RATING_WEIGHTS, SKP_YEAR, SNAPSHOT_ASN, SNAPSHOT_AT, SNAPSHOT_NOT_FINISHED, matrix_predikat)

KEDUDUKAN_CODES = ["AKTIF", "CLTN", "DIBERHENTIKAN_SEMENTARA", "MPP", "TUGAS_BELAJAR"]
JENIS = ["PNS", "PPPK", "CPNS"]
JENIS_JABATAN_CODES = ["STRUKTURAL", "FUNGSIONAL", "PELAKSANA"]
GROUPS = ["early", "by_snapshot", *(name for name, _ in LATE_GROUPS), "not_required"]
SLICE = 400_000      # people per DuckDB statement when writing: bounds the memory of one national file
ATTENDANCE_LAMBDA = [1.2, 0.4, 0.15, 0.1, 0.5, 0.2, 0.08, 0.05, 0.08]
PNS_LADDER = ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d"]
PPPK_LADDER = ["V", "VII", "IX", "X", "XI"]


def _naive(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=None)     # all times below are WITA wall-clock


class BulkCountry:
    def __init__(self, asn: int, months: list[dt.date], seed: int):
        self.asn, self.months, self.rng = asn, months, np.random.default_rng(seed)
        self.regions = max(1, round(asn / SNAPSHOT_ASN))
        self.n_opd = len(OPDS)

    # ---- people ---------------------------------------------------------------------------------
    def _draw_people(self, n: int, jenis: np.ndarray, tmt_year, tmt_month, birth_year, region, opd_local, kelas) -> dict:
        rng = self.rng
        gender = rng.integers(1, 3, n)
        struct = (kelas >= 8) & (jenis == 0) & (rng.random(n) < 0.5)
        fung = ~struct & (rng.random(n) < 0.55)
        jenis_jabatan = np.where(struct, 0, np.where(fung, 1, 2))
        kelas = np.where(jenis_jabatan == 2, np.minimum(kelas, 9), kelas)
        names = [*dict.fromkeys([JABATAN["STRUKTURAL"].get(k, "Kepala Seksi") for k in range(18)]
                                + JABATAN["FUNGSIONAL"] + JABATAN["PELAKSANA"])]
        struct_name = np.array([names.index(JABATAN["STRUKTURAL"].get(k, "Kepala Seksi")) for k in range(18)])
        fung_name = np.array([names.index(j) for j in JABATAN["FUNGSIONAL"]])
        pel_name = np.array([names.index(j) for j in JABATAN["PELAKSANA"]])
        jabatan = np.where(jenis_jabatan == 0, struct_name[kelas],
                           np.where(jenis_jabatan == 1, fung_name[rng.integers(len(fung_name), size=n)],
                                    pel_name[rng.integers(len(pel_name), size=n)]))
        step = rng.integers(-1, 2, n)
        golongan_names = PNS_LADDER + PPPK_LADDER
        golongan = np.where(jenis == 1, len(PNS_LADDER) + np.clip((kelas - 5) // 2, 0, 4),
                            np.where(jenis == 2, np.where(kelas >= 7, 4, 0), np.clip(kelas - 4 + step, 0, 11)))
        given = np.where(gender == 1, rng.integers(len(GIVEN_NAMES[1]), size=n),
                         len(GIVEN_NAMES[1]) + rng.integers(len(GIVEN_NAMES[2]), size=n))
        return {"jenis": jenis, "tmt_year": tmt_year, "tmt_month": tmt_month, "birth_year": birth_year,
                "birth_month": rng.integers(1, 13, n), "birth_day": rng.integers(1, 29, n), "gender": gender,
                "region": region, "opd_local": opd_local, "kelas": kelas, "jenis_jabatan": jenis_jabatan,
                "jabatan": jabatan, "golongan": golongan, "given": given,
                "family": rng.integers(len(FAMILY_NAMES), size=n), "rekening": rng.integers(10**9, 10**10, n),
                "quarterly": rng.random(n) < 0.05, "_dicts": {"jabatan": names, "golongan": golongan_names}}

    def build_people(self) -> None:
        rng, n = self.rng, self.asn
        weights = np.array([w for _, _, w in OPDS], dtype=float)
        region = (np.arange(n) * self.regions) // n
        opd_local = rng.choice(self.n_opd, size=n, p=weights / weights.sum())
        kelas = rng.binomial(16, 0.42, size=n) + 1
        jenis = rng.choice(3, size=n, p=[0.78, 0.19, 0.03])
        tmt_year = np.select([jenis == 2, jenis == 1], [np.full(n, 2024), rng.choice([2022, 2023, 2024], n)],
                             rng.integers(1990, 2023, n))
        tmt_month = np.select([jenis == 2, jenis == 1], [rng.choice([3, 6], n), rng.choice([1, 3], n)],
                              rng.integers(1, 13, n))
        birth_year = np.maximum(np.minimum(tmt_year - rng.integers(22, 36, n), 2001), 1968)
        self.p = self._draw_people(n, jenis, tmt_year, tmt_month, birth_year, region, opd_local, kelas)
        self.p["first_m"] = np.zeros(n, dtype=np.int64)
        self.p["last_m"] = np.full(n, len(self.months) - 1)
        self._assign_skp_groups()

    def _assign_skp_groups(self) -> None:
        n = self.asn
        n_late = round(n * SNAPSHOT_NOT_FINISHED / SNAPSHOT_ASN)
        order = self.rng.permutation(n)
        group = np.empty(n, dtype=np.int64)
        rest = order[n_late:]
        group[rest] = np.where(np.arange(len(rest)) < 0.7 * len(rest), 0, 1)
        start = 0
        for k, (name, share) in enumerate(LATE_GROUPS):
            size = n_late - start if k == len(LATE_GROUPS) - 1 else round(n_late * share)
            group[order[start:start + size]] = GROUPS.index(name)
            start += size
        self.p["skp_group"] = group

    def _heads(self) -> None:
        """Per OPD the highest kelas (lowest index on ties); per region the highest head is the Sekda, rated
        by the BKPSDM head (never by themself)."""
        p = self.p
        opd = p["region"] * self.n_opd + p["opd_local"]
        idx = np.arange(len(opd))
        order = np.lexsort((idx, -p["kelas"], opd))
        first = np.r_[True, opd[order][1:] != opd[order][:-1]]
        self.head_of = np.full(self.regions * self.n_opd, -1)
        self.head_of[opd[order][first]] = order[first]
        heads = self.head_of.reshape(self.regions, self.n_opd)
        kel = np.where(heads >= 0, p["kelas"][np.maximum(heads, 0)], -1)
        rank = kel * 10**8 - np.where(heads >= 0, heads, 10**8)
        self.sekda = heads[np.arange(self.regions), rank.argmax(axis=1)]
        bkpsdm = heads[:, next(i for i, o in enumerate(OPDS) if o[0] == "1.06")]
        region_first = np.searchsorted(p["region"], np.arange(self.regions))
        fallback = np.where(region_first == self.sekda, region_first + 1, region_first)
        self.sekda_rater = np.where((bkpsdm >= 0) & (bkpsdm != self.sekda), bkpsdm, fallback)

    # ---- movement -------------------------------------------------------------------------------
    def build_movement(self) -> None:
        rng, n, months = self.rng, self.asn, self.months
        p = self.p
        self._heads()
        M = len(months)
        later = [k for k, m in enumerate(months) if m >= dt.date(2025, 4, 1)]
        protected = np.zeros(n, dtype=bool)
        protected[self.head_of[self.head_of >= 0]] = True
        protected[self.sekda] = protected[self.sekda_rater] = True
        movable = np.flatnonzero(~protected)
        k_transfer, k_kelas, k_retire = max(3, n // 300), max(2, n // 700), max(3, n // 350)
        k_status = {"CLTN": max(2, n // 1500), "TUGAS_BELAJAR": max(2, n // 900), "DIBERHENTIKAN_SEMENTARA": max(1, n // 3000)}
        picks = rng.choice(movable, size=min(len(movable), k_transfer + k_kelas + k_retire + sum(k_status.values())), replace=False)
        self.opd_m = np.tile(p["opd_local"], (M, 1))
        self.kelas_m = np.tile(p["kelas"], (M, 1))
        self.kedudukan_m = np.zeros((M, n), dtype=np.int64)
        month_idx = np.arange(M)[:, None]
        cut = 0

        def take(k):
            nonlocal cut
            out, cut = picks[cut:cut + k], cut + k
            return out
        if M > 1:
            who = take(k_transfer)
            m0 = rng.integers(1, M, len(who))
            new_opd = (p["opd_local"][who] + 1 + rng.integers(self.n_opd - 1, size=len(who))) % self.n_opd
            self.opd_m[:, who] = np.where(month_idx >= m0, new_opd, self.opd_m[:, who])
            who = take(k_kelas)
            m0 = rng.integers(1, M, len(who))
            self.kelas_m[:, who] = np.where(month_idx >= m0, np.minimum(17, p["kelas"][who] + 1), self.kelas_m[:, who])
        for status, k in k_status.items():
            who = take(k)
            m0 = rng.integers(0, M, len(who))
            self.kedudukan_m[:, who] = np.where(month_idx >= m0, KEDUDUKAN_CODES.index(status), self.kedudukan_m[:, who])
        if later:
            who = take(k_retire)
            who = who[p["jenis"][who] == 0]
            last = np.array(later)[rng.integers(0, len(later), len(who))]
            p["last_m"][who] = last
            self.kedudukan_m[last, who] = KEDUDUKAN_CODES.index("MPP")
            self._join_cpns(later[0], max(3, n // 150))

    def _join_cpns(self, join_m: int, k: int) -> None:
        """New CPNS with TMT in the first month after the snapshot: no SKP 2024 is required of them."""
        rng, join = self.rng, self.months[join_m]
        weights = np.array([w for _, _, w in OPDS], dtype=float)
        new = self._draw_people(k, np.full(k, 2), np.full(k, join.year), np.full(k, join.month),
                                rng.integers(1994, 2002, k), np.sort(rng.integers(0, self.regions, k)),
                                rng.choice(self.n_opd, size=k, p=weights / weights.sum()), rng.choice([6, 7, 8], k))
        new["quarterly"][:] = False
        new["first_m"], new["last_m"] = np.full(k, join_m), np.full(k, len(self.months) - 1)
        new["skp_group"] = np.full(k, GROUPS.index("not_required"))
        for key, value in new.items():
            if key != "_dicts":
                self.p[key] = np.concatenate([self.p[key], value])
        M = len(self.months)
        self.opd_m = np.concatenate([self.opd_m, np.tile(new["opd_local"], (M, 1))], axis=1)
        self.kelas_m = np.concatenate([self.kelas_m, np.tile(new["kelas"], (M, 1))], axis=1)
        self.kedudukan_m = np.concatenate([self.kedudukan_m, np.zeros((M, k), dtype=np.int64)], axis=1)

    # ---- ratings --------------------------------------------------------------------------------
    def build_ratings(self) -> None:
        rng, p, months = self.rng, self.p, self.months
        T, M = len(p["jenis"]), len(months)
        on = (np.arange(M)[:, None] >= p["first_m"]) & (np.arange(M)[:, None] <= p["last_m"])
        self.on_roster = on
        spans = []   # (people mask, first month index, last month index)
        for k in range(M):
            spans.append((on[k] & ~p["quarterly"], k, k))
        for q in range(4):
            ks = [k for k, m in enumerate(months) if (m.month - 1) // 3 == q and m.year == months[0].year]
            if len(ks) == 3:
                spans.append((on[ks].all(axis=0) & p["quarterly"], ks[0], ks[-1]))
        parts = []
        pair_h = np.array([h for h, _ in RATING_PAIRS])
        pair_b = np.array([b for _, b in RATING_PAIRS])
        matrix = np.array([[0] * 4] + [[0] + [matrix_predikat(h, b) for b in (1, 2, 3)] for h in (1, 2, 3)])
        for mask, k0, k1 in spans:
            who = np.flatnonzero(mask)
            n = len(who)
            evaluated = rng.random(n) >= 0.02
            pair = rng.choice(len(RATING_PAIRS), size=n, p=RATING_WEIGHTS)
            h, b = pair_h[pair], pair_b[pair]
            stored = matrix[h, b]
            stored = np.where((b == 3) & (rng.random(n) < 0.3), np.maximum(h, b), stored)
            revised = rng.random(n) < 0.005
            parts.append(pa.table({"i": who, "k0": np.full(n, k0), "k1": np.full(n, k1), "h": h, "b": b, "k": stored,
                                   "revised": revised}).filter(pa.array(evaluated)))
        self.periodic = pa.concat_tables(parts)
        pair = rng.choice(len(RATING_PAIRS), size=T, p=RATING_WEIGHTS)
        p["annual_h"], p["annual_b"] = pair_h[pair], pair_b[pair]
        p["annual_k"] = matrix[p["annual_h"], p["annual_b"]]

    # ---- tables for DuckDB ----------------------------------------------------------------------
    def _nip_seq(self) -> np.ndarray:
        p = self.p
        pppk = p["jenis"] == 1
        key = ((((p["birth_year"] * 100 + p["birth_month"]) * 100 + p["birth_day"]) * 10000 + p["tmt_year"]) * 100
               + np.where(pppk, 21, p["tmt_month"])) * 10 + p["gender"]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.r_[0, np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
        seq = np.empty(len(key), dtype=np.int64)
        seq[order] = np.arange(len(key)) - group_start + 1
        assert seq.max() < 1000, "NIP sequence overflow: more people share a birth date and TMT than 999"
        return seq

    def register(self, con: duckdb.DuckDBPyConnection) -> None:
        p, dicts = self.p, self.p["_dicts"]
        T = len(p["jenis"])
        rater_m = []
        for k in range(len(self.months)):
            opd = p["region"] * self.n_opd + self.opd_m[k]
            head = self.head_of[opd]
            region_sekda = self.sekda[p["region"]]
            rater = np.where((head < 0) | (head == np.arange(T)), region_sekda, head)
            rater_m.append(np.where(np.arange(T) == region_sekda, self.sekda_rater[p["region"]], rater))
        region_codes = [f"{7100 + r:04d}" for r in range(self.regions)] if self.regions > 1 else None
        opd_kode = [f"{rc}.{code}" for rc in region_codes for code, _, _ in OPDS] if region_codes else [c for c, _, _ in OPDS]
        opd_nama = ([f"{name} Wilayah {rc}" for rc in region_codes for _, name, _ in OPDS] if region_codes
                    else [name for _, name, _ in OPDS])
        people = {k: v for k, v in p.items() if k != "_dicts"}
        people["i"] = np.arange(T)
        people["seq"] = self._nip_seq()
        people["rater0"] = rater_m[0]
        con.register("people", pa.table(people))
        months = []
        for k, m in enumerate(self.months):
            days = calendar.monthrange(m.year, m.month)[1]
            hari_kerja = sum(dt.date(m.year, m.month, d).weekday() < 5 for d in range(1, days + 1))
            counts = self.rng.poisson(ATTENDANCE_LAMBDA, size=(T, len(ATTENDANCE_LAMBDA)))
            heavy = self.rng.random(T) < 0.004
            counts[heavy, 8] += self.rng.integers(5, 15, size=int(heavy.sum()))
            counts = np.minimum(counts, hari_kerja) * (self.kedudukan_m[k] == 0)[:, None]
            cols = {"m": np.full(T, k), "i": np.arange(T), "opd": p["region"] * self.n_opd + self.opd_m[k],
                    "kelas_m": self.kelas_m[k], "kedudukan": self.kedudukan_m[k], "on_roster": self.on_roster[k],
                    "rater": rater_m[k], "hari_kerja": np.full(T, hari_kerja)}
            cols.update({c: counts[:, j] for j, c in enumerate(ATTENDANCE_COLUMNS[2:])})
            months.append(pa.table(cols))
        con.register("monthly", pa.concat_tables(months))
        con.register("periodic", self.periodic)
        con.register("opds", pa.table({"opd": np.arange(len(opd_kode)), "opd_kode": opd_kode, "opd_nama": opd_nama}))
        con.register("month_dates", pa.table({"k": np.arange(len(self.months)), "month": self.months}))
        lists = {"jabatan_names": dicts["jabatan"], "golongan_names": dicts["golongan"],
                 "given_names": GIVEN_NAMES[1] + GIVEN_NAMES[2], "family_names": FAMILY_NAMES}
        for name, values in lists.items():
            assert not any("," in v or '"' in v for v in values)
            con.execute(f"create or replace macro {name}(x) as ({[*values]!r})[x + 1]")
        con.execute(f"""create or replace temp table person as
            select i, region, jenis, first_m, last_m, skp_group, quarterly, tmt_year, annual_h, annual_b, annual_k, rater0,
                   printf('%04d%02d%02d', birth_year, birth_month, birth_day)
                     || case when jenis = 1 then printf('%04d21', tmt_year) else printf('%04d%02d', tmt_year, tmt_month) end
                     || gender::varchar || printf('%03d', seq) as nip,
                   given_names(given) || ' ' || family_names(family) as nama,
                   ({JENIS!r})[jenis + 1] as jenis_pegawai, golongan_names(golongan) as golongan,
                   jabatan_names(jabatan) as jabatan, ({JENIS_JABATAN_CODES!r})[jenis_jabatan + 1] as jenis_jabatan,
                   printf('%04d-%02d-01', tmt_year, tmt_month) as tmt, printf('%010d', rekening) as rekening,
                   row_number() over (partition by region order by i) - 1 as region_pos
            from people""")


def _md5_uuid(expr: str) -> str:
    h = f"md5({expr})"
    return f"(substr({h},1,8)||'-'||substr({h},9,4)||'-'||substr({h},13,4)||'-'||substr({h},17,4)||'-'||substr({h},21,12))"


def _write(con: duckdb.DuckDBPyConnection, path: Path, header: str | None, sql_for: callable, total: int) -> None:
    """Write the `line` column (each ending in a newline) of sql_for(lo, hi) for people slices, in order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        if header:
            f.write(header.encode())
        for lo in range(0, total, SLICE):
            reader = con.sql(sql_for(lo, min(total, lo + SLICE))).to_arrow_reader(200_000)
            for batch in reader:
                arr = batch.column(0)
                if not isinstance(arr, pa.LargeStringArray):
                    arr = arr.cast(pa.large_string())
                offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
                f.write(memoryview(arr.buffers()[2])[offsets[0]:offsets[-1]])


def roster_sql(k: int):
    cols = "nip, nama, jenis_pegawai, " + f"({KEDUDUKAN_CODES!r})[mm.kedudukan + 1], golongan, jabatan, jenis_jabatan, " \
           "mm.kelas_m::varchar, o.opd_kode, o.opd_nama, tmt, rekening, ''"
    return lambda lo, hi: (f"select concat_ws(',', {cols}) || chr(10) as line from person p join monthly mm using (i) "
                           f"join opds o on o.opd = mm.opd where mm.m = {k} and mm.on_roster and p.i >= {lo} and p.i < {hi} order by p.i")


def register_salary_rules(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """The rule seeds a salary system applies to its own figures (TER, PTKP category, BPJS), as temp tables;
    returns (employee bp, employer bp, cap) of BPJS Kesehatan."""
    from .salaries import SEEDS, salary_rules
    con.execute(f"create or replace temp table salary_ter as select category, gross_above, gross_up_to_incl, rate_bp "
                f"from read_csv('{SEEDS / 'rule_pph21_ter_values.csv'}', header = true)")
    con.execute(f"create or replace temp table salary_ptkp as select ptkp_status, ter_category "
                f"from read_csv('{SEEDS / 'rule_ptkp_values.csv'}', header = true)")
    bpjs = salary_rules()["bpjs"]
    return bpjs["employee"][0], bpjs["employer"][0], bpjs["employee"][1]


def salary_sql(k: int, employee_bp: int, employer_bp: int, cap: int):
    """A salary per person from a hash of the NIP (2.5 to 6.5 million base), with the salary system's own BPJS and
    TER PPh 21 on it."""
    return lambda lo, hi: f"""
        with s as (select p.i, p.nip, ({list(PTKP_STATUS)!r})[(hash(p.nip) % 8)::integer + 1] as status,
                          (2500000 + hash(p.nip || 'gaji') % 4000000)::bigint as base
                   from person p join monthly mm using (i)
                   where mm.m = {k} and mm.on_roster and p.i >= {lo} and p.i < {hi}),
        v as (select *, base + 72420 + least(base, {cap}) * {employer_bp} // 10000 as bruto from s)
        select concat_ws(',', v.nip, v.status, v.bruto, v.base, v.bruto * t.rate_bp // 10000,
                         least(v.base, {cap}) * {employee_bp} // 10000, v.base * 475 // 10000) || chr(10) as line
        from v join salary_ptkp c on c.ptkp_status = v.status
        join salary_ter t on t.category = c.ter_category and v.bruto > t.gross_above
                         and (t.gross_up_to_incl is null or v.bruto <= t.gross_up_to_incl)
        order by v.i"""


def attendance_sql(k: int):
    cols = ", ".join(["nip", *[f"mm.{c}::varchar" for c in ATTENDANCE_COLUMNS[1:]]])
    return lambda lo, hi: (f"select concat_ws(',', {cols}) || chr(10) as line from person p join monthly mm using (i) "
                           f"where mm.m = {k} and mm.on_roster and p.i >= {lo} and p.i < {hi} order by p.i")


def _fetch_line(endpoint: str, fetch_at: dt.datetime, records: str, only: str = "true") -> str:
    """`records`: a query with (i, start, json) of every record visible to the fetch at `at`; `only`: which
    rostered people this run asks for."""
    at = f"(timestamp '{_naive(fetch_at)}' + to_seconds(p.region_pos // 4))"
    return f"""
        with fetched as (select p.i, p.nip, {at} as at from person p join monthly mm using (i)
                         where mm.m = @K@ and mm.on_roster and p.i >= @LO@ and p.i < @HI@ and ({only})),
        recs as (select f.i, string_agg(r.json, ',' order by r.start) as joined from fetched f join ({records}) r on r.i = f.i
                 group by f.i)
        select '{{"nip":"' || f.nip || '","endpoint":"{endpoint}","fetched_at":"' || strftime(f.at, '%Y-%m-%dT%H:%M:%S')
               || '+08:00","http_status":200,"body":' ||
               case when recs.joined is null then '{{"code":1,"data":null}}'
                    when right(f.nip, 1)::integer % 2 = 1 then '{{"code":1,"data":{{"data":[' || recs.joined || ']}}}}'
                    else '{{"code":1,"data":[' || recs.joined || ']}}' end || '}}' || chr(10) as line
        from fetched f left join recs using (i) order by f.i"""


def periodic_records_sql() -> str:
    """Every periodic record visible at f.at (revised values once the revision has reached SIASN)."""
    rev = "(r.revised and f.at >= r.revised_at)"
    h, b, k = (f"(case when {rev} then 2 else r.{c} end)::varchar" for c in ("h", "b", "k"))
    return f"""
        select f.i, r.start,
               '{{"id":"' || r.rid || '","tahun":"' || year(r.start) || '","nip":"' || f.nip
               || '","hasilKinerjaNilai":"' || {h} || '","perilakuKerjaNilai":"' || {b} || '","kuadranKinerjaNilai":"' || {k}
               || '","periodikId":"' || r.periode_id || '","periodikNama":"' || r.periodik_nama
               || '","bulanMulaiPenilaian":"' || month(r.start) || '","bulanSelesaiPenilaian":"' || month(r.end_month)
               || '","tahunMulaiPenilaian":"' || year(r.start) || '","tahunSelesaiPenilaian":"' || year(r.end_month)
               || '","penilaiNipNrp":"' || r.rater_nip || '","unorId":"' || r.unor_id || '","unorNama":"' || r.unor_nama
               || '","koefisenId":"1"}}' as json
        from fetched f join periodic_full r on r.i = f.i where r.ready_at <= f.at"""


def _seen_sql(seen_at: dict[int, dt.datetime]) -> str:
    """When a person's annual SKP first shows in SIASN (NULL: never), from their SKP group."""
    return "(case p.skp_group " + " ".join(f"when {g} then timestamp '{_naive(t)}'" for g, t in seen_at.items()) + " end)"


def annual_records_sql(skp_year: int, seen_at: dict[int, dt.datetime]) -> str:
    label = lambda col, names: f"({[names[c] for c in sorted(names)]!r})[{col}]"
    record = lambda year, h, b, k: (
        f"'{{\"id\":\"' || {_md5_uuid(f'{chr(39)}skp22|{chr(39)} || f.nip || {chr(39)}|{year}{chr(39)}')} || '\",\"tahun\":\"{year}\","
        f"\"hasilKinerja\":\"' || {label(h, RATING_LABEL)} || '\",\"hasilKinerjaNilai\":\"' || {h} || '\","
        f"\"perilakuKerja\":\"' || {label(b, RATING_LABEL)} || '\",\"PerilakuKerjaNilai\":\"' || {b} || '\","
        f"\"kuadranKinerja\":\"' || {label(k, PREDIKAT_LABEL)} || '\",\"KuadranKinerjaNilai\":\"' || {k} || '\","
        f"\"nipNrpPenilai\":\"' || r.nip || '\",\"namaPenilai\":\"' || r.nama || '\",\"penilaiJabatanNm\":\"' || r.jabatan"
        f" || '\",\"penilaiUnorNm\":\"' || ro.opd_nama || '\",\"pnsDinilaiId\":\"' || {_md5_uuid(f'{chr(39)}pns|{chr(39)} || f.nip')}"
        f" || '\",\"statusPenilai\":\"ASN\"}}'")
    base = ("from fetched f join person p on p.i = f.i join person r on r.i = p.rater0 "
            "join monthly rm on rm.i = r.i and rm.m = 0 join opds ro on ro.opd = rm.opd")
    return f"""
        select f.i, date '{skp_year - 1}-01-01' as start, {record(skp_year - 1, 2, 2, matrix_predikat(2, 2))} as json
        {base} where p.tmt_year <= {skp_year - 2}
        union all
        select f.i, date '{skp_year}-01-01', {record(skp_year, 'p.annual_h', 'p.annual_b', 'p.annual_k')}
        {base} where {_seen_sql(seen_at)} <= f.at"""


def generate_bulk(landing: Path, asn: int, start: dt.date, end: dt.date, seed: int = 20250311) -> dict:
    landing = Path(landing)
    months = month_range(start, end)
    country = BulkCountry(asn, months, seed)
    country.build_people()
    country.build_movement()
    country.build_ratings()
    con = duckdb.connect()
    country.register(con)
    total = len(country.p["jenis"])
    month_first = lambda col: {"r.k0": "d0.month", "r.k1": "d1.month"}[col]
    con.execute(f"""create or replace temp table periodic_full as
        select r.i, {month_first('r.k0')} as start, {month_first('r.k1')} as end_month, r.h, r.b, r.k, r.revised,
               {_md5_uuid("'periodik|' || p.nip || '|' || " + month_first('r.k0') + "::varchar || '|' || " + month_first('r.k1') + "::varchar")} as rid,
               {_md5_uuid("'periode|' || " + month_first('r.k0') + "::varchar || '|' || " + month_first('r.k1') + "::varchar")} as periode_id,
               case when p.quarterly then 'TRIWULAN' else 'BULANAN' end as periodik_nama,
               rp.nip as rater_nip, {_md5_uuid("'unor|' || o.opd_kode")} as unor_id, o.opd_nama as unor_nama,
               ({month_first('r.k1')} + interval 1 month)::timestamp as ready_at,
               ({month_first('r.k1')} + interval 2 month)::timestamp as revised_at
        from periodic r join person p on p.i = r.i join monthly mm on mm.i = r.i and mm.m = r.k0
        join person rp on rp.i = mm.rater join opds o on o.opd = mm.opd
        join month_dates d0 on d0.k = r.k0 join month_dates d1 on d1.k = r.k1""")
    files = 0
    bpjs = register_salary_rules(con)
    for k, m in enumerate(months):
        _write(con, landing / f"payroll/roster/{m:%Y-%m}.csv", ",".join(ROSTER_COLUMNS) + "\n", roster_sql(k), total)
        _write(con, landing / f"payroll/attendance/{m:%Y-%m}.csv", ",".join(ATTENDANCE_COLUMNS) + "\n", attendance_sql(k), total)
        _write(con, landing / f"payroll/salary/{m:%Y-%m}.csv", ",".join(SALARY_COLUMNS) + "\n",
               salary_sql(k, *bpjs), total)
        files += 3
    seen_at = {GROUPS.index("early"): dt.datetime(2025, 2, 1), GROUPS.index("by_snapshot"): _naive(SNAPSHOT_AT),
               **{GROUPS.index(g): _naive(t) for g, t in LATE_FIRST_SEEN.items() if t is not None}}
    runs = [(dt.datetime(*next_month(m).timetuple()[:3]).replace(day=3, hour=8), k) for k, m in enumerate(months)]
    march = dt.date(2025, 3, 1)
    if march in months:
        runs += [(_naive(SNAPSHOT_AT), months.index(march)), (_naive(DEADLINE_FETCH_AT), months.index(march))]
    previous_annual, previous_k = None, None
    for fetch_at, k in sorted(runs):
        stamp = fetch_at.strftime("%Y-%m-%dT%H%M")
        # After the first annual pull, ask only NIPs whose SKP was not yet in SIASN at the previous pull, and
        # NIPs new on the roster: an operator's incremental pull, and what keeps a national landing in the GBs.
        only_pending = ("true" if previous_annual is None else
                        f"(p.first_m > {previous_k} or coalesce({_seen_sql(seen_at)} > timestamp '{previous_annual}', true))")
        for endpoint, records, only in (("rw-kinerjaperiodik", periodic_records_sql(), "true"),
                                        ("rw-skp22", annual_records_sql(SKP_YEAR, seen_at), only_pending)):
            if endpoint == "rw-kinerjaperiodik" and fetch_at.day != 3:
                continue
            template = _fetch_line(endpoint, fetch_at, records, only)
            _write(con, landing / f"siasn/{endpoint}/{stamp}.jsonl", None,
                   lambda lo, hi: template.replace('@K@', str(k)).replace('@LO@', str(lo)).replace('@HI@', str(hi)), total)
            files += 1
        previous_annual, previous_k = fetch_at, k
    return {"files": files, "people": total, "months": len(months), "regions": country.regions}
