"""The rest of the rulebook end to end on the small generated city (DOMAIN.md sections 9 and 10): the demo's
sanction, acting and working-hour cases reach the facts, the payout documents and `kinerja explain`, each figure
computed here from the rule written out by hand (25% for a sedang, 20% for a written warning, the larger of two,
+20% of the acting post at the same kelas, the acting post's TPP for a higher one, nothing for a month not covered
whole, no working-hour cut before November 2025)."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import SMALL_ASN, SMALL_FROM, SMALL_TO, query
from orchestration.demo.generator import CityGenerator
from orchestration.demo.rulebook_cases import RulebookCases
from orchestration.lib.months import month_range, parse_month

KINERJA = str(Path(sys.executable).parent / "kinerja")
SEED = 7   # conftest's small city


@pytest.fixture(scope="module")
def cases():
    gen = CityGenerator(SMALL_ASN, month_range(parse_month(SMALL_FROM), parse_month(SMALL_TO)), SEED)
    gen.build_people()
    gen.build_movement()
    gen.build_ratings()
    c = RulebookCases(gen)
    assert len(c.people) == 6
    return {name: p.nip for name, p in zip("abcdef", c.people)} | {"kelas": {p.nip: p.kelas for p in c.people}}


def line(home: Path, nip: str, month: str) -> dict:
    """The person's payout line of the month, by column name."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute("select * from marts.fct_tpp_entitlement where nip = ? and period = ?", [nip, parse_month(month)])
        rows = cur.fetchall()
        assert len(rows) == 1, (nip, month)
        return dict(zip([d[0] for d in cur.description], rows[0]))
    finally:
        con.close()


def own_gross(f: dict) -> int:
    return f["productivity_amount"] + f["discipline_amount"]


def test_a_sedang_sanction_cuts_25_percent_for_its_months(small_home, cases):
    """a: jenisHukumanId 04 from 10 February (SIASN), six months: January is not cut, February to June are."""
    assert line(small_home, cases["a"], "2025-01")["sanction_cut_amount"] == 0
    for month in ("2025-02", "2025-04", "2025-06"):
        f = line(small_home, cases["a"], month)
        assert f["sanction_cut_amount"] == f["gross_amount"] * 25 // 100 and f["sanction_rule_ids"] == ["HUKDIS-S-6"]
        assert f["payable_amount"] == f["gross_amount"] - f["sanction_cut_amount"] - f["deferred_amount"] + f["released_amount"]
        assert "SANCTION_CUT" in f["reasons"] and f["sanction_sources"][0].startswith("siasn/rw-hukdis/")


def test_overlapping_sanctions_take_the_larger_and_an_annulled_one_cuts_nothing(small_home, cases):
    """b: BKPSDM's written warning (20%, March and April) and SIASN's 9-month sedang from April: March 20%, April the
    larger 25% with both decrees listed. c: a sanction annulled in SIASN: never cut."""
    march, april = line(small_home, cases["b"], "2025-03"), line(small_home, cases["b"], "2025-04")
    assert march["sanction_cut_amount"] == march["gross_amount"] * 20 // 100
    assert march["sanction_sources"] == ["payroll/sanctions/2025-03.csv:2"]
    assert april["sanction_cut_amount"] == april["gross_amount"] * 25 // 100
    assert april["sanction_rule_ids"] == ["HUKDIS-R-TERTULIS", "HUKDIS-S-9"]
    assert april["sanction_combination_rule_id"] == "COMBINE-SANCTION"
    assert query(small_home, "select sum(cut_amount), count(sanction_sk_nomor) from marts.fct_tpp_entitlement "
                             "where nip = ?", [cases["c"]]) == [(0, 0)]


def test_acting_officials(small_home, cases):
    """e: Plt of a post three kelas higher from 1 March: the acting post's TPP instead of the own from March.
    f: Plh at its own kelas from 10 February to 31 May: nothing in February (not the whole month), then +20% of the
    acting post's TPP (its own kelas: the same as its own TPP) in March to May, nothing in June."""
    e_feb, e_mar = line(small_home, cases["e"], "2025-02"), line(small_home, cases["e"], "2025-03")
    assert e_feb["acting_amount"] == 0 and e_feb["acting_kind"] is None
    assert e_mar["acting_kind"] == "PLT" and e_mar["acting_kelas_jabatan"] == min(17, cases["kelas"][cases["e"]] + 3)
    assert e_mar["acting_amount"] == e_mar["acting_post_amount"] - own_gross(e_mar) > 0
    assert e_mar["gross_amount"] == e_mar["acting_post_amount"] and e_mar["acting_rule_id"] == "PLT-HIGHER"
    f_feb = line(small_home, cases["f"], "2025-02")
    assert f_feb["acting_kind"] == "PLH" and f_feb["acting_covers_month"] is False and f_feb["acting_amount"] == 0
    for month in ("2025-03", "2025-05"):
        f = line(small_home, cases["f"], month)
        assert f["acting_post_amount"] == own_gross(f)
        assert f["acting_amount"] == f["acting_post_amount"] * 20 // 100 and f["acting_rule_id"] == "PLT-SAME-LEVEL"
        assert f["gross_amount"] == own_gross(f) + f["acting_amount"] and "ACTING" in f["reasons"]
    assert line(small_home, cases["f"], "2025-06")["acting_amount"] == 0


def test_a_working_hour_finding_before_november_2025_cuts_nothing(small_home, cases):
    f = line(small_home, cases["d"], "2025-02")
    assert f["working_hour_cut_amount"] == 0 and f["working_hour_rule_id"] is None
    assert query(small_home, "select count(*) from staging.stg_payroll__violations where nip = ?", [cases["d"]]) == [(1,)]


def test_the_documents_and_explain_show_them(small_home, cases):
    reports = small_home / "reports" / "2025-04"
    with open(reports / "payout_2025-04.csv", newline="") as fh:
        rows = {r["nip"]: r for r in csv.DictReader(fh)}
    b, e = rows[cases["b"]], rows[cases["e"]]
    assert int(b["cut_amount"]) == int(b["sanction_cut_amount"]) > 0 and "potongan hukuman disiplin" in b["keterangan"]
    assert int(e["acting_amount"]) > 0 and "tambahan Plt/Plh" in e["keterangan"]
    for r in rows.values():   # the totals identity on every line of the printed month
        assert int(r["payable_amount"]) == (int(r["gross_amount"]) - int(r["cut_amount"]) - int(r["deferred_amount"])
                                            + int(r["released_amount"]) + int(r["correction_amount"]))
    wb = openpyxl.load_workbook(reports / "payout_2025-04.xlsx")
    headers = [c.value for c in wb.worksheets[1][3]]   # the first OPD sheet, after the Ringkasan
    assert {"Tambahan Plt/Plh (Rp)", "Potongan hukdis / jam kerja (Rp)"} <= set(headers)
    out = subprocess.run([KINERJA, "explain", "--home", str(small_home), "--nip", cases["b"], "--month", "2025-04"],
                         capture_output=True, text=True, check=True).stdout
    assert "Sanction 800/HD-02/BKPSDM (payroll/sanctions/2025-03.csv:2)" in out and "[HUKDIS-S-9" in out
    assert "Several sanctions this month: 25.00% [COMBINE-SANCTION" in out and "- cuts Rp" in out
    out = subprocess.run([KINERJA, "explain", "--home", str(small_home), "--nip", cases["f"], "--month", "2025-02"],
                         capture_output=True, text=True, check=True).stdout
    assert "not paid this month: the assignment does not cover the whole month [PLT-SAME-LEVEL" in out
