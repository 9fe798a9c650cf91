"""The demo city's salary file (payroll/salary/YYYY-MM.csv), as a salary system (SIMGAJI) would send it.

Salaries follow the 2024 gaji pokok ranges per golongan (PP 5/2024 for PNS, PP 11/2024 for PPPK) and years of
service; family allowances follow the PTKP status. The salary system's own figures (BPJS on salary, the PPh 21 it
withheld by TER) are computed with the rule seeds, so the demo's TPP tax is the difference the rules describe.
Each person's draws come from a hash of their NIP: the salary file never shifts the other generated files.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from functools import lru_cache
from pathlib import Path

from orchestration.lib.contract import PTKP_STATUS, SALARY_COLUMNS

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "values"
# gaji pokok (rupiah) at 0 and at 32 years of service
GAJI_POKOK_PNS = {"I": (1_685_700, 2_901_400), "II": (2_184_000, 4_125_600), "III": (2_785_700, 5_180_700),
                  "IV": (3_287_800, 6_373_200)}
GAJI_POKOK_PPPK = (1_938_500, 7_329_000)   # golongan I .. XVII
RUANG_STEP = 0.035                          # each ruang (a, b, ...) above the first
TUNJANGAN = {"STRUKTURAL": 1_260_000, "FUNGSIONAL": 540_000, "PELAKSANA": 185_000}
BERAS_PER_PERSON = 72_420
CPNS_SHARE = 0.8
PENSION_SHARE = 0.0475
PTKP_WEIGHTS = (("TK/0", 22), ("TK/1", 4), ("TK/2", 2), ("TK/3", 1), ("K/0", 14), ("K/1", 20), ("K/2", 22),
                ("K/3", 15))


def _draw(nip: str, what: str) -> float:
    return int(hashlib.md5(f"{what}|{nip}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def ptkp_status(nip: str) -> str:
    at, total = _draw(nip, "ptkp") * sum(w for _, w in PTKP_WEIGHTS), 0
    for status, weight in PTKP_WEIGHTS:
        total += weight
        if at < total:
            return status
    return PTKP_STATUS[-1]


def _rows(name: str) -> list[dict]:
    with open(SEEDS / f"{name}_values.csv", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def salary_rules() -> dict:
    """The rule seeds a salary system applies to its own figures: TER rows per category, BPJS (bp, cap) per party,
    the TER category per PTKP status."""
    ter: dict[str, list[tuple[int, int | None, int]]] = {}
    for r in _rows("rule_pph21_ter"):
        ter.setdefault(r["category"], []).append(
            (int(r["gross_above"]), int(r["gross_up_to_incl"]) if r["gross_up_to_incl"] else None, int(r["rate_bp"])))
    bpjs = {r["party"]: (round(float(r["pct"]) * 100), int(r["cap_amount"])) for r in _rows("rule_bpjs_kesehatan")}
    category = {r["ptkp_status"]: r["ter_category"] for r in _rows("rule_ptkp")}
    return {"ter": ter, "bpjs": bpjs, "category": category}


def ter_rate_bp(category: str, gross: int) -> int:
    rows = salary_rules()["ter"][category]
    return next(bp for above, upto, bp in rows if gross > above and (upto is None or gross <= upto))


def gaji_pokok(jenis: str, golongan: str, tmt: dt.date, month: dt.date) -> int:
    years = min(32, max(0, month.year - tmt.year))
    if jenis == "PPPK":
        grade = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
                 "XVI", "XVII"].index(golongan)
        low, high = GAJI_POKOK_PPPK
        start = low + (high - low) * grade / 16 * 0.6
        return int(start * (1 + 0.4 * years / 32))
    roman, ruang = golongan.split("/")
    low, high = GAJI_POKOK_PNS[roman]
    amount = (low + (high - low) * years / 32) * (1 + RUANG_STEP * "abcde".index(ruang))
    return int(amount * (CPNS_SHARE if jenis == "CPNS" else 1))


def salary_row(nip: str, jenis: str, golongan: str, jenis_jabatan: str, tmt: dt.date, month: dt.date) -> list:
    rules = salary_rules()
    status = ptkp_status(nip)
    married, children = status.startswith("K/"), int(status[-1])
    gp = gaji_pokok(jenis, golongan, tmt, month)
    keluarga = int(gp * (0.10 * married + 0.02 * min(children, 2)))
    tunjangan = int(TUNJANGAN[jenis_jabatan] * (0.8 + 0.4 * _draw(nip, "tunjangan")))
    jkn_base = gp + keluarga + tunjangan
    (employee_bp, cap), (employer_bp, _) = rules["bpjs"]["employee"], rules["bpjs"]["employer"]
    employer_jkn = min(jkn_base, cap) * employer_bp // 10_000
    beras = BERAS_PER_PERSON * (1 + married + min(children, 2))
    bruto = jkn_base + beras + employer_jkn
    pph21 = bruto * ter_rate_bp(rules["category"][status], bruto) // 10_000
    return [nip, status, bruto, jkn_base, pph21, min(jkn_base, cap) * employee_bp // 10_000,
            int((gp + keluarga) * PENSION_SHARE)]


def salary_csv(people: list[tuple[str, str, str, str, dt.date]], month: dt.date) -> str:
    """`people`: (nip, jenis_pegawai, golongan, jenis_jabatan, tmt) of everyone on the month's roster."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SALARY_COLUMNS)
    for nip, jenis, golongan, jenis_jabatan, tmt in people:
        w.writerow(salary_row(nip, jenis, golongan, jenis_jabatan, tmt, month))
    return buf.getvalue()
