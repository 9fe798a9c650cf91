"""Issued months are history (DOMAIN.md section 8): a small city pays April, April is issued, payroll re-delivers
April's roster corrected (one kelas raised, one lowered by four classes, one person removed) and April's attendance
with one person's two days of TK; May and June pay the corrections. Every figure is computed here from the rule seeds
and the issued lines, not read back from the model that computed it."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from orchestration.demo.corrected_delivery import LOWERED, RAISED, REMOVED, corrected_roster
from tests.conftest import query

KINERJA = str(Path(sys.executable).parent / "kinerja")
SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "values"


def kinerja(*args) -> subprocess.CompletedProcess:
    return subprocess.run([KINERJA, *args], capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""},
                          timeout=600)


def seed(name: str) -> list[dict]:
    return list(csv.DictReader((SEEDS / f"{name}_values.csv").open()))


def bp(pct: str) -> int:
    return round(float(pct) * 100)


def expected_line(issued: dict, kelas: int, deduction_bp: int | None = None) -> int:
    """The month's gross for a kelas, from rule_basic_tpp and rule_aspect_share, with the issued line's status
    factor and productivity % (unchanged by the correction) and its discipline deduction unless given."""
    basis = next(int(r["amount"]) for r in seed("rule_basic_tpp") if int(r["kelas_jabatan"]) == kelas)
    shares = {r["aspect"]: bp(r["share_pct"]) for r in seed("rule_aspect_share")}
    factor, pct = round(float(issued["status_factor"]) * 10000), round(float(issued["productivity_pct"]) * 100)
    deduction = round(float(issued["discipline_deduction_pct"]) * 100) if deduction_bp is None else deduction_bp
    productivity = basis * factor * shares["PRODUKTIVITAS"] * pct // 10 ** 12
    discipline = basis * factor * shares["DISIPLIN"] * (10000 - deduction) // 10 ** 12
    return productivity + discipline


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    from orchestration.demo.generator import generate_city
    from orchestration.lib.months import parse_month
    root = tmp_path_factory.mktemp("lifecycle")
    landing, home = root / "landing", root / "home"
    generate_city(landing, 150, parse_month("2025-03"), parse_month("2025-06"), seed=11)
    out = {"landing": landing, "home": home}
    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-04", "--to", "2025-04", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    issued = kinerja("issue", "--home", str(home), "--month", "2025-04")
    assert issued.returncode == 0, issued.stdout + issued.stderr
    out["issue_stdout"] = issued.stdout
    out["twice"] = kinerja("issue", "--home", str(home), "--month", "2025-04")
    out["out_of_order"] = kinerja("issue", "--home", str(home), "--month", "2025-06")
    april = home / "reports" / "2025-04"
    out["april_bytes"] = {p.relative_to(april).as_posix(): p.read_bytes() for p in sorted(april.rglob("*")) if p.is_file()}
    out["issued_lines"] = {r["nip"]: r for r in pq.read_table(home / "audit/issued/2025-04/lines.parquet").to_pylist()}

    roster = landing / "payroll/roster/2025-04.csv"
    text, chosen = corrected_roster(roster.read_text())
    roster.write_text(text)
    attendance = landing / "payroll/attendance/2025-04.csv"
    rows = list(csv.DictReader(io.StringIO(attendance.read_text())))
    clean = sorted((r for r in rows if r["nip"] not in chosen.values() and r["tk"] == "0"
                    and all(r[c] == "0" for c in ("tl1", "tl2", "tl3", "tl4", "psw1", "psw2", "psw3", "psw4"))
                    and r["nip"] in out["issued_lines"]), key=lambda r: r["nip"])
    absent = clean[0]["nip"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "tk": "2"} if r["nip"] == absent else r for r in rows)
    attendance.write_text(buffer.getvalue())
    # BKPSDM reports in May a written warning (20% for 2 months) that took effect on 1 April: April was issued
    sanctioned = clean[1]["nip"]
    (landing / "payroll/sanctions").mkdir(exist_ok=True)
    (landing / "payroll/sanctions/2025-05.csv").write_text(
        f"nip,jenis_hukuman_id,tmt_hukuman,sk_nomor,sk_tanggal\n{sanctioned},02,2025-04-01,800/HD-LATE,2025-03-25\n")
    out["chosen"] = {**chosen, "absent": absent, "sanctioned": sanctioned}

    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-05", "--to", "2025-06", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    out["diff"] = kinerja("diff", "--home", str(home), "--month", "2025-04").stdout
    return out


def _line(home, nip, month):
    rows = query(home, "select gross_amount, deferred_amount, released_amount, kurang_bayar_amount, lebih_bayar_amount, "
                       "payable_amount from marts.fct_tpp_entitlement where nip = ? and period = ?", [nip, f"{month}-01"])
    return dict(zip(("gross", "deferred", "released", "kurang", "lebih", "payable"), rows[0]))


def _before_correction(home, nip, month) -> int:
    return query(home, "select payable_amount from intermediate.int_tpp_recomputed where nip = ? and period = ?",
                 [nip, f"{month}-01"])[0][0]


def test_issuing_twice_or_out_of_order_is_refused(lifecycle):
    assert "2025-04 issued" in lifecycle["issue_stdout"] and "locked" in lifecycle["issue_stdout"]
    assert lifecycle["twice"].returncode == 1 and "already issued" in lifecycle["twice"].stdout
    assert lifecycle["out_of_order"].returncode == 1 and "the next one is 2025-05" in lifecycle["out_of_order"].stdout


def test_kelas_raised_after_issue_is_one_kurang_bayar_in_may(lifecycle):
    home, nip = lifecycle["home"], lifecycle["chosen"][RAISED]
    issued = lifecycle["issued_lines"][nip]
    difference = expected_line(issued, issued["kelas_jabatan"] + 1) - (issued["payable_amount"] - issued["correction_amount"])
    assert difference > 0
    may = _line(home, nip, "2025-05")
    assert may["kurang"] == difference and may["lebih"] == 0
    assert may["payable"] == may["gross"] - may["deferred"] + may["released"] + difference
    assert _line(home, nip, "2025-06")["kurang"] == 0   # paid once
    assert f"kelas: {issued['kelas_jabatan']} -> {issued['kelas_jabatan'] + 1}" in lifecycle["diff"]


def test_kelas_lowered_is_a_lebih_bayar_offset_over_two_months_under_the_limit(lifecycle):
    home, nip = lifecycle["home"], lifecycle["chosen"][LOWERED]
    issued = lifecycle["issued_lines"][nip]
    owed = issued["payable_amount"] - expected_line(issued, issued["kelas_jabatan"] - 4)
    limit = bp(next(r["pct"] for r in seed("rule_correction_offset")))
    may_cap = _before_correction(home, nip, "2025-05") * limit // 10000
    june_cap = _before_correction(home, nip, "2025-06") * limit // 10000
    assert may_cap < owed <= may_cap + june_cap   # the case: more than one month may take
    assert _line(home, nip, "2025-05")["lebih"] == may_cap
    assert _line(home, nip, "2025-06")["lebih"] == owed - may_cap
    assert _line(home, nip, "2025-06")["payable"] == _before_correction(home, nip, "2025-06") - (owed - may_cap)


def test_a_person_removed_from_the_redelivered_roster_owes_the_whole_line(lifecycle):
    home, nip = lifecycle["home"], lifecycle["chosen"][REMOVED]
    owed = lifecycle["issued_lines"][nip]["payable_amount"]
    rows = query(home, "select status, sum(amount) from marts.fct_tpp_correction where nip = ? group by status", [nip])
    assert sum(a for _, a in rows) == -owed
    recovered = sum(_line(home, nip, m)["lebih"] for m in ("2025-05", "2025-06")
                    if query(home, "select 1 from marts.fct_tpp_entitlement where nip = ? and period = ?", [nip, f"{m}-01"]))
    assert dict(rows).get("OPEN", 0) == -(owed - recovered)   # the rest stays open on the ledger, visible
    assert "REMOVED_FROM_ROSTER" in lifecycle["diff"]


def test_an_attendance_correction_is_corrected_by_its_rule(lifecycle):
    home, nip = lifecycle["home"], lifecycle["chosen"]["absent"]
    issued = lifecycle["issued_lines"][nip]
    tk = bp(next(r["rate_pct"] for r in seed("rule_discipline_rate") if r["attendance_code"] == "tk"))
    owed = issued["payable_amount"] - expected_line(issued, issued["kelas_jabatan"], deduction_bp=2 * tk)
    assert owed > 0
    reasons = query(home, "select reasons from marts.fct_tpp_correction where nip = ?", [nip])[0][0]
    assert reasons == ["ATTENDANCE_CHANGED"]
    assert _line(home, nip, "2025-05")["lebih"] == min(owed, _before_correction(home, nip, "2025-05")
                                                   * bp(next(r["pct"] for r in seed("rule_correction_offset"))) // 10000)


def test_corrections_add_up_and_nothing_is_paid_below_zero(lifecycle):
    home = lifecycle["home"]
    assert query(home, """
        with recomputed as (select sum(payable_amount) as s from intermediate.int_tpp_recomputed where period = '2025-04-01'),
             issued as (select sum(payable_amount - correction_amount) as s from staging.stg_issued__lines)
        select (select s from recomputed) - (select s from issued) = (select sum(amount) from marts.fct_tpp_correction)
    """)[0][0]
    assert query(home, "select min(payable_amount) from marts.fct_tpp_entitlement")[0][0] >= 0
    paid = query(home, "select sum(kurang_bayar_amount - lebih_bayar_amount) from marts.fct_tpp_entitlement")[0][0]
    assert paid == query(home, "select sum(amount) from marts.fct_tpp_correction where status = 'DUE'")[0][0]


def test_the_issued_month_keeps_its_lines_and_bytes_when_run_again(lifecycle):
    home, landing = lifecycle["home"], lifecycle["landing"]
    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-04", "--to", "2025-06", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    april = home / "reports" / "2025-04"
    assert {p.relative_to(april).as_posix(): p.read_bytes() for p in sorted(april.rglob("*")) if p.is_file()} \
        == lifecycle["april_bytes"]
    lines = {r[0]: r[1] for r in query(home, "select nip, payable_amount from marts.fct_tpp_entitlement "
                                             "where period = '2025-04-01'")}
    assert lines == {n: r["payable_amount"] for n, r in lifecycle["issued_lines"].items()}
    (april / "payout_2025-04_bank.csv").write_text("tampered\n")   # a changed file is put back as issued
    shutil.rmtree(april / "pdf")
    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-04", "--to", "2025-04", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    assert {p.relative_to(april).as_posix(): p.read_bytes() for p in sorted(april.rglob("*")) if p.is_file()} \
        == lifecycle["april_bytes"]


def test_a_correction_paid_in_an_issued_month_is_not_paid_again(lifecycle):
    home, landing = lifecycle["home"], lifecycle["landing"]
    raised, lowered = lifecycle["chosen"][RAISED], lifecycle["chosen"][LOWERED]
    june_lebih = _line(home, lowered, "2025-06")["lebih"]
    issued = kinerja("issue", "--home", str(home), "--month", "2025-05")
    assert issued.returncode == 0, issued.stdout + issued.stderr
    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-06", "--to", "2025-06", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    assert _line(home, raised, "2025-06")["kurang"] == 0
    assert _line(home, lowered, "2025-06")["lebih"] == june_lebih   # only the rest May did not recover
    statuses = dict(query(home, "select status, count(*) from marts.fct_tpp_correction where nip = ? group by status",
                          [lowered]))
    assert statuses == {"PAID": 1, "DUE": 1}


def test_a_recorded_write_off_closes_what_offsets_cannot_recover(lifecycle):
    home, landing, nip = lifecycle["home"], lifecycle["landing"], lifecycle["chosen"][REMOVED]
    still_open = -query(home, "select coalesce(sum(amount), 0) from marts.fct_tpp_correction where nip = ? "
                              "and status = 'OPEN'", [nip])[0][0]
    assert still_open > 0
    too_much = kinerja("write-off", "--home", str(home), "--nip", nip, "--month", "2025-04", "--decision", "SK TGR 1/2025",
                       "--amount", str(still_open + 1))
    assert too_much.returncode == 1 and "open: Rp" in too_much.stderr
    done = kinerja("write-off", "--home", str(home), "--nip", nip, "--month", "2025-04", "--decision", "SK TGR 1/2025")
    assert done.returncode == 0, done.stdout + done.stderr
    run = kinerja("run", "--landing", str(landing), "--home", str(home), "--from", "2025-06", "--to", "2025-06", "--no-docs")
    assert run.returncode == 0, run.stdout + run.stderr
    rows = dict(query(home, "select status, sum(amount) from marts.fct_tpp_correction where nip = ? group by status", [nip]))
    assert rows.get("WRITTEN_OFF") == -still_open and "OPEN" not in rows
    assert sum(rows.values()) == -lifecycle["issued_lines"][nip]["payable_amount"]


def test_a_sanction_reported_after_issue_is_a_lebih_bayar_and_cuts_the_next_month_too(lifecycle):
    """The written warning cuts 20% of April (issued: a lebih bayar of floor(20% x April's gross), CUTS_CHANGED) and
    20% of May (May's own cut); June is past its two months."""
    home, nip = lifecycle["home"], lifecycle["chosen"]["sanctioned"]
    issued = lifecycle["issued_lines"][nip]
    owed = issued["gross_amount"] * 20 // 100
    rows = query(home, "select sum(amount), list_distinct(flatten(list(reasons))) from marts.fct_tpp_correction "
                       "where nip = ? and corrected_period = '2025-04-01'", [nip])
    assert rows[0][0] == -owed and "CUTS_CHANGED" in rows[0][1]
    (may_gross, may_cut), = query(home, "select gross_amount, sanction_cut_amount from marts.fct_tpp_entitlement "
                                        "where nip = ? and period = '2025-05-01'", [nip])
    assert may_cut == may_gross * 20 // 100
    assert query(home, "select sanction_cut_amount from marts.fct_tpp_entitlement where nip = ? and period = '2025-06-01'",
                 [nip]) == [(0,)]
