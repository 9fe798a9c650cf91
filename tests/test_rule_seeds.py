"""Rule tables: every row dated, with unit, legal basis and confidence; no two rows of one rule overlap;
and the values are the ones DOMAIN.md states (written out here by hand, not read from the seeds)."""
import csv
import datetime as dt
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
# Columns that identify "one rule" inside each table (rows with the same key must not overlap in time).
RULE_KEYS = {
    "rule_predikat_matrix": ["hasil_code", "perilaku_code"],
    "rule_productivity_pct": ["predikat_code"],
    "rule_missing_input": ["condition"],
    "rule_aspect_share": ["aspect"],
    "rule_discipline_rate": ["attendance_code"],
    "rule_status_factor": ["jenis_pegawai", "kedudukan"],
    "rule_skp_gate": ["skp_year", "deferred_period"],
    "rule_payroll_cutoff": ["period"],
    "rule_basic_tpp": ["kelas_jabatan"],
    "rule_quality_threshold": ["threshold"],
    "rule_distribution_curve": ["unit_predikat_code", "predikat_codes", "bound"],
    "rule_unit_predikat": ["opd_kode"],
    "rule_published_figures": ["figure"],
    "rule_ipasn_points": ["predikat_code"],
    "rule_ipasn_weight": ["dimension"],
    "rule_correction_offset": ["policy"],
    "rule_signatory": ["opd_kode", "role"],
    "rule_reason_text": ["reason_code"],
    "rule_pph21_ter": ["category", "row_no"],
    "rule_ptkp": ["ptkp_status"],
    "rule_pph21_bracket": ["bracket_no"],
    "rule_tax_parameter": ["parameter"],
    "rule_pph21_bearer": ["jenis_pegawai"],
    "rule_bpjs_kesehatan": ["party"],
    "rule_sanction_cut": ["jenis_hukuman_id"],
    "rule_cut_combination": ["component"],
    "rule_working_hour_cut": ["violation"],
    "rule_cut_order": ["component"],
    "rule_acting_allowance": ["level"],
    "rule_mid_month_position": ["method"],
}


def rows(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_every_seed_is_a_known_rule_table():
    assert sorted(p.stem for p in SEEDS.glob("*.csv")) == sorted(RULE_KEYS)


@pytest.mark.parametrize("name", sorted(RULE_KEYS))
def test_rule_rows_are_dated_referenced_and_do_not_overlap(name):
    table = rows(name)
    assert table, name
    ids = [r["rule_id"] for r in table]
    assert len(ids) == len(set(ids)), f"{name}: duplicate rule_id"
    spans: dict[tuple, list[tuple[dt.date, dt.date]]] = {}
    for r in table:
        where = f"{name} {r['rule_id']}"
        assert r["legal_basis"].strip(), f"{where}: no legal_basis"
        assert r["unit"].strip(), f"{where}: no unit"
        assert r["confidence"] in ("law", "secondary", "assumed"), f"{where}: confidence {r['confidence']!r}"
        start, end = dt.date.fromisoformat(r["effective_from"]), dt.date.fromisoformat(r["effective_to"])
        assert start < end, f"{where}: effective_from must be before effective_to"
        spans.setdefault(tuple(r[k] for k in RULE_KEYS[name]), []).append((start, end))
    for key, periods in spans.items():
        periods.sort()
        for (_, end_a), (start_b, _) in zip(periods, periods[1:]):
            assert end_a <= start_b, f"{name} {key}: two rows in effect at once from {start_b}"


def test_predikat_matrix_is_permenpanrb_6_2022():
    expected = {(1, 1): 1, (1, 2): 2, (1, 3): 4, (2, 1): 2, (2, 2): 2, (2, 3): 4, (3, 1): 3, (3, 2): 3, (3, 3): 5}
    got = {(int(r["hasil_code"]), int(r["perilaku_code"])): int(r["predikat_code"]) for r in rows("rule_predikat_matrix")}
    assert got == expected


def test_productivity_pct_is_perwali_bontang_20_2023():
    got = {int(r["predikat_code"]): float(r["pct"]) for r in rows("rule_productivity_pct")}
    assert got == {1: 100, 2: 100, 3: 80, 4: 60, 5: 0}


def test_discipline_rates_shares_status_gate_and_cutoff():
    rates = {r["attendance_code"]: float(r["rate_pct"]) for r in rows("rule_discipline_rate")}
    assert rates == {"tl1": 0.5, "tl2": 1, "tl3": 1.5, "tl4": 2, "psw1": 0.5, "psw2": 1, "psw3": 1.5, "psw4": 2, "tk": 4}
    assert {r["aspect"]: float(r["share_pct"]) for r in rows("rule_aspect_share")} == {"PRODUKTIVITAS": 60, "DISIPLIN": 40}
    factors = {(r["jenis_pegawai"], r["kedudukan"]): float(r["factor_pct"]) for r in rows("rule_status_factor")}
    assert factors[("PNS", "AKTIF")] == factors[("PPPK", "AKTIF")] == 100 and factors[("CPNS", "AKTIF")] == 80
    assert all(v == 0 for (j, k), v in factors.items() if k != "AKTIF") and len(factors) == 15
    gate = rows("rule_skp_gate")[0]
    assert (gate["skp_year"], gate["deadline_date"], gate["deferred_period"]) == ("2024", "2025-03-31", "2025-04-01")
    cutoff = {r["period"]: r["cutoff_at"] for r in rows("rule_payroll_cutoff")}
    assert cutoff["2025-04-01"] == "2025-05-05 23:59:59+08:00"
    assert len(rows("rule_basic_tpp")) == 17


def test_tax_and_bpjs_tables_are_pp58_2023_pasal_17_and_perpres_75_2019():
    """DOMAIN.md section 7, written out by hand: the first rows and the top row of each TER table, the PTKP ladder,
    the Pasal 17 brackets, biaya jabatan, BPJS Kesehatan with its cap, and who bears PPh 21."""
    ter = {(r["category"], int(r["row_no"])): (int(r["gross_above"]), r["gross_up_to_incl"], int(r["rate_bp"]))
           for r in rows("rule_pph21_ter")}
    assert len(ter) == 125 and sum(c == "A" for c, _ in ter) == 44 and sum(c == "B" for c, _ in ter) == 40
    assert ter[("A", 1)] == (0, "5400000", 0) and ter[("A", 2)] == (5_400_000, "5650000", 25)
    assert ter[("B", 1)] == (0, "6200000", 0) and ter[("B", 2)] == (6_200_000, "6500000", 25)
    assert ter[("C", 1)] == (0, "6600000", 0) and ter[("C", 2)] == (6_600_000, "6950000", 25)
    assert ter[("A", 44)] == (1_400_000_000, "", 3400) and ter[("C", 41)] == (1_419_000_000, "", 3400)
    for category in "ABC":                                              # contiguous: each row starts where the last ended
        table = sorted((n, v) for (c, n), v in ter.items() if c == category)
        assert all(int(a[1][1]) == b[1][0] for a, b in zip(table, table[1:])), category
    ptkp = {r["ptkp_status"]: (r["ter_category"], int(r["annual_amount"])) for r in rows("rule_ptkp")}
    assert ptkp == {"TK/0": ("A", 54_000_000), "TK/1": ("A", 58_500_000), "K/0": ("A", 58_500_000),
                    "TK/2": ("B", 63_000_000), "TK/3": ("B", 67_500_000), "K/1": ("B", 63_000_000),
                    "K/2": ("B", 67_500_000), "K/3": ("C", 72_000_000)}
    brackets = [(int(r["pkp_above"]), r["pkp_up_to_incl"], float(r["rate_pct"])) for r in rows("rule_pph21_bracket")]
    assert brackets == [(0, "60000000", 5), (60_000_000, "250000000", 15), (250_000_000, "500000000", 25),
                        (500_000_000, "5000000000", 30), (5_000_000_000, "", 35)]
    params = {r["parameter"]: float(r["value"]) for r in rows("rule_tax_parameter")}
    assert params == {"biaya_jabatan_pct": 5, "biaya_jabatan_annual_max": 6_000_000, "pkp_round_down_to": 1000,
                      "annual_recompute_month": 12, "employer_jkn_in_tax_gross": 1}
    bpjs = {r["party"]: (float(r["pct"]), int(r["cap_amount"])) for r in rows("rule_bpjs_kesehatan")}
    assert bpjs == {"employee": (1, 12_000_000), "employer": (4, 12_000_000)}
    bearer = {r["jenis_pegawai"]: (r["borne_by"], r["confidence"]) for r in rows("rule_pph21_bearer")}
    assert bearer == {"PNS": ("government", "assumed"), "CPNS": ("government", "assumed"), "PPPK": ("employee", "law")}


def test_sanctions_acting_and_cuts_are_pp94_2021_se_1128_2025_and_domain_9():
    """DOMAIN.md sections 9 and 10, written out by hand: sedang 25% for 6, 9 or 12 months; a written warning 20% for
    2 months; the larger of overlapping sanctions; Bontang's 15% from 1 November 2025 for the month; the sanction
    before the working-hour cut; a Plt at the same level + 20% of the acting post, a higher one the acting post's TPP,
    for a whole calendar month; the position on the 15th decides."""
    cuts = {r["jenis_hukuman_id"]: (float(r["cut_pct"]), int(r["duration_months"]), r["cut_base"])
            for r in rows("rule_sanction_cut")}
    assert cuts["04"] == (25, 6, "GROSS") and cuts["05"] == (25, 9, "GROSS") and cuts["06"] == (25, 12, "GROSS")
    assert cuts["02"] == (20, 2, "GROSS") and len(cuts) == 8
    assert [(r["method"], float(r["cap_pct"])) for r in rows("rule_cut_combination")] == [("MAX", 100)]
    (wh,) = rows("rule_working_hour_cut")
    assert (float(wh["cut_pct"]), wh["cut_base"], int(wh["duration_months"]), wh["effective_from"]) == \
        (15, "GROSS", 1, "2025-11-01")
    assert {r["component"]: int(r["apply_order"]) for r in rows("rule_cut_order")} == {"SANCTION": 1, "WORKING_HOURS": 2}
    acting = {r["level"]: (r["method"], float(r["pct"]), r["min_period"]) for r in rows("rule_acting_allowance")}
    assert acting == {"SAME_OR_LOWER": ("OWN_PLUS_PCT_OF_ACTING", 20, "FULL_CALENDAR_MONTH"),
                      "HIGHER": ("ACTING_POST", 0, "FULL_CALENDAR_MONTH")}
    assert [(r["method"], int(r["deciding_day"])) for r in rows("rule_mid_month_position")] == [("DAY_OF_MONTH", 15)]


def test_the_rules_page_is_generated_from_the_seeds():
    """docs/rules.md is what tools/rules_doc.py makes of the seeds now: a rule changed without the page fails."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("rules_doc", SEEDS.parents[1] / "tools" / "rules_doc.py")
    rules_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules_doc)
    assert (SEEDS.parents[1] / "docs" / "rules.md").read_text(encoding="utf-8") == rules_doc.render(), \
        "run `python tools/rules_doc.py` and commit docs/rules.md"
