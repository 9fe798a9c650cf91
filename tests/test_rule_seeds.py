"""Rule tables: each one's sources said once (seeds/rule_sources.csv), its values keyed by the rule's key and a date
(seeds/values, read by models/rules through the dated_rule macro); and the values are the ones DOMAIN.md states
(written out here by hand, not read from the seeds)."""
import ast
import csv
import datetime as dt
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
VALUES = SEEDS / "values"
RULES = REPO / "models" / "rules"
# Columns that identify "one rule" inside each table: its values are keyed by these and a date.
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
    with open(VALUES / f"{name}_values.csv", newline="") as f:
        return list(csv.DictReader(f))


def sources() -> list[dict]:
    with open(SEEDS / "rule_sources.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_every_rule_table_has_its_values_seed_and_its_model_keyed_as_written_here():
    assert sorted(p.stem.removesuffix("_values") for p in VALUES.glob("*.csv")) == sorted(RULE_KEYS)
    assert sorted(p.stem for p in RULES.glob("*.sql")) == sorted(RULE_KEYS)
    for name, key in RULE_KEYS.items():
        call = re.search(r"dated_rule\('(\w+)', key=(\[.*?\])\)", (RULES / f"{name}.sql").read_text())
        assert call and call[1] == name and ast.literal_eval(call[2]) == key, name


@pytest.mark.parametrize("name", sorted(RULE_KEYS))
def test_values_carry_no_metadata_and_every_source_pattern_covers_a_rule(name):
    """The unit, legal basis and confidence are not repeated on the value rows; each source row of the table
    applies to at least one of its rules (a pattern that no rule id matches is a typo), and its % stands for whole
    dash-separated parts of an id (BASIS-K1% would also take BASIS-K10..K17)."""
    table = rows(name)
    assert table and not {"unit", "legal_basis", "confidence", "effective_to"} & set(table[0]), name
    for r in table:
        dt.date.fromisoformat(r["effective_from"])
    own = [s for s in sources() if s["rule_table"] == name]
    assert own, f"{name}: no row in rule_sources.csv"
    for s in own:
        assert s["legal_basis"].strip() and s["unit"].strip(), s
        assert s["confidence"] in ("law", "secondary", "assumed"), s
        assert all(part == "%" or "%" not in part for part in s["rule_ids"].split("-")), s
        like = re.compile("^" + re.escape(s["rule_ids"]).replace("%", ".*") + "$")
        assert any(like.match(r["rule_id"]) for r in table), f"{name}: {s['rule_ids']} matches no rule_id"


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
    bearer = {r["jenis_pegawai"]: r["borne_by"] for r in rows("rule_pph21_bearer")}
    assert bearer == {"PNS": "government", "CPNS": "government", "PPPK": "employee"}
    assert {(s["rule_ids"], s["confidence"]) for s in sources() if s["rule_table"] == "rule_pph21_bearer"} == \
        {("%", "assumed"), ("PPH-BEARER-CPNS", "assumed"), ("PPH-BEARER-PPPK", "law")}


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
    spec = importlib.util.spec_from_file_location("rules_doc", REPO / "tools" / "rules_doc.py")
    rules_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules_doc)
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_doc.render(), \
        "run `python tools/rules_doc.py` and commit docs/rules.md"


def test_a_rule_table_that_breaks_its_dating_or_sources_stops_the_build(tmp_path):
    """On a copy of the project: a second value of one rule on the same date (rule_aspect_share), a rule row that no
    source covers (rule_cut_order's sources removed) and a rule id on two rows (rule_mid_month_position) each stop
    their rule model with a message that names the table and the rule."""
    import os
    import shutil
    import subprocess

    from conftest import dbt_bin
    shutil.copytree(REPO / "dbt_project", tmp_path / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copytree(REPO / "models", tmp_path / "models")
    values = tmp_path / "dbt_project" / "seeds" / "values"
    with (values / "rule_aspect_share_values.csv").open("a") as f:
        f.write("SHARE-PROD-AGAIN,PRODUKTIVITAS,70,2025-01-01\n")
    with (values / "rule_mid_month_position_values.csv").open("a") as f:
        f.write("POSITION-DAY-15,DAY_OF_MONTH,1,2026-01-01\n")
    sources_csv = tmp_path / "dbt_project" / "seeds" / "rule_sources.csv"
    sources_csv.write_text("".join(line for line in sources_csv.read_text().splitlines(keepends=True)
                                   if not line.startswith("rule_cut_order,")))
    models = ["rule_sources", "rule_aspect_share_values", "rule_aspect_share", "rule_cut_order_values",
              "rule_cut_order", "rule_mid_month_position_values", "rule_mid_month_position"]
    r = subprocess.run([dbt_bin(), "build", "--select", *models, "--exclude", "test_type:unit",
                        "--profiles-dir", ".", "--project-dir", "."], cwd=tmp_path / "dbt_project",
                       capture_output=True, text=True, timeout=300, env={**os.environ, "KINERJA_HOME": str(tmp_path)})
    assert r.returncode != 0
    assert "rule_aspect_share: two values of one rule from 2025-01-01" in r.stdout, r.stdout[-3000:]
    assert "rule_cut_order: no row of rule_sources.csv covers rule_id ORDER-" in r.stdout, r.stdout[-3000:]
    assert "rule_mid_month_position: rule_id POSITION-DAY-15 is on more than one row" in r.stdout, r.stdout[-3000:]
