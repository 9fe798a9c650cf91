"""The gate against bad, missing and contradictory input: one fault class per person (or per month), injected
into a small generated city, March and April 2025 (April is the SKP 2024 deferral month).

Three landings share one clean city:
- HARMLESS: faults that must change nothing: every payable equals the clean run, the gate passes, and the files
  the contract does not know are listed as ignored (stdout and the audit row);
- PER_PERSON: each fault on its own person (or, for plausibility, on its own month's file): the gate blocks the
  month, and its verdict names the fault (masked NIP, file:line); the facts show the wrong payout it stopped;
- WHOLE_MONTH: faults that make a month implausible as a whole (empty roster, half a pull, a broken header).
In every home, rows landed = rows accepted + rows quarantined, for every landed file. A failed re-run moves the
month's earlier payout files aside.
"""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import query
from orchestration.demo.generator import generate_city
from orchestration.lib.months import parse_month
from orchestration.lib.nip import mask_nip

KINERJA = str(Path(sys.executable).parent / "kinerja")
MARCH, APRIL = parse_month("2025-03"), parse_month("2025-04")
PERIODIC_MARCH = "siasn/rw-kinerjaperiodik/2025-04-03T0800.jsonl"     # the pull that decides March
SKP_DEADLINE = "siasn/rw-skp22/2025-03-31T2000.jsonl"
SKP_APRIL = "siasn/rw-skp22/2025-04-03T0800.jsonl"
ROSTER = "payroll/roster/{}.csv"
ATTENDANCE = "payroll/attendance/{}.csv"
SALARY = "payroll/salary/{}.csv"
SANCTIONS = "payroll/sanctions/{}.csv"


def run(landing: Path, home: Path):
    return subprocess.run([KINERJA, "run", "--landing", str(landing), "--home", str(home), "--from", "2025-03",
                           "--to", "2025-04", "--no-docs", "--documents", "csv"],
                          capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""}, timeout=600)


# --- editing landing files -------------------------------------------------------------------------------------

def lines(landing: Path, rel: str) -> list[bytes]:
    return (landing / rel).read_bytes().split(b"\n")[:-1]


def write_lines(landing: Path, rel: str, rows: list[bytes], end: bytes = b"\n") -> None:
    (landing / rel).write_bytes(b"\n".join(rows) + end)


def line_index(rows: list[bytes], nip: str) -> int:
    return next(i for i, r in enumerate(rows) if nip.encode() in r[:40])


def records(obj: dict) -> list[dict]:
    data = obj["body"]["data"]
    data = data["data"] if isinstance(data, dict) else data
    return data if data is not None else []


def dump(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def march_record(obj: dict) -> dict:
    return next(r for r in records(obj) if r["bulanMulaiPenilaian"] == "3")


# --- the clean city ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    landing = tmp_path_factory.mktemp("clean")
    generate_city(landing, 300, MARCH, APRIL, seed=23)
    return landing


@pytest.fixture(scope="module")
def people(clean, baseline):
    """Distinct people for the per-person faults: on both rosters, in the first half of April's roster (the tail
    of April's roster is cut by a plausibility fault), with a March evaluation in the March pull and a March
    payable in the clean run."""
    april_roster = [r.split(b",")[0].decode() for r in lines(clean, ROSTER.format("2025-04"))[1:]]
    march_roster = {r.split(b",")[0].decode() for r in lines(clean, ROSTER.format("2025-03"))[1:]}
    evaluated = set()
    for raw in lines(clean, PERIODIC_MARCH):
        obj = json.loads(raw)
        if any(r["bulanMulaiPenilaian"] == "3" for r in records(obj)):
            evaluated.add(obj["nip"])
    usable = [n for n in april_roster[: len(april_roster) // 2]
              if n in march_roster and n in evaluated and baseline.get((n, "2025-03-01"), 0) > 0]
    assert len(usable) >= 25
    return iter(usable)


def first_seen_in(landing: Path, rel: str, year: str = "2024") -> set[str]:
    """NIPs whose annual SKP of `year` shows a predikat in this fetch file."""
    out = set()
    for raw in lines(landing, rel):
        obj = json.loads(raw)
        if any(r["tahun"] == year and r.get("KuadranKinerjaNilai") for r in records(obj)):
            out.add(obj["nip"])
    return out


@pytest.fixture(scope="module")
def baseline(clean, tmp_path_factory):
    """The clean run: every payable of March and April."""
    home = tmp_path_factory.mktemp("clean_home")
    r = run(clean, home)
    assert r.returncode == 0, r.stdout + r.stderr
    return dict(((nip, str(p)), pay) for nip, p, pay in
                query(home, "select nip, period, payable_amount from marts.fct_tpp_entitlement"))


def conserved(home: Path) -> None:
    bad = query(home, "select source_file from staging.stg_ingest__landed_files where lines_landed <> "
                      "lines_accepted + lines_quarantined or records_landed <> records_accepted + records_quarantined")
    assert bad == []


# --- harmless ---------------------------------------------------------------------------------------------------

IGNORED = ["README.txt", "payroll/roster/2025-13.csv", "payroll/roster/2025-4.csv",
           "siasn/rw-kinerjaperiodik/2025-04-03T0800.jsonl.bak", "siasn/rw-skp22/month-2025-04.jsonl.part"]


def make_harmless(clean: Path, landing: Path) -> None:
    shutil.copytree(clean, landing, dirs_exist_ok=True)
    roster = lines(landing, ROSTER.format("2025-03"))
    write_lines(landing, ROSTER.format("2025-03"), roster, b"\n\n\n")                           # H1 blank lines at the end
    att = lines(landing, ATTENDANCE.format("2025-03"))
    write_lines(landing, ATTENDANCE.format("2025-03"), att[:5] + [b",,,,,,,,,,"] + att[5:])      # H2 an emptied row
    april = lines(landing, ROSTER.format("2025-04"))
    cells = april[3].split(b",")
    cells[1] = b'"' + cells[1] + b'"'                                                            # H3 a quoted field
    cells[4] = b" " + cells[4] + b" "                                                            # H4 padded spaces
    april[3] = b",".join(cells)
    (landing / ROSTER.format("2025-04")).write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(april) + b"\r\n")  # H5 BOM, H6 CRLF
    att = lines(landing, ATTENDANCE.format("2025-04"))
    write_lines(landing, ATTENDANCE.format("2025-04"), att, b"")                                # H7 no final newline
    per = lines(landing, PERIODIC_MARCH)
    (landing / PERIODIC_MARCH).write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(per[:10]) + b"\r\n\r\n"  # H8 BOM, H9 CRLF,
                                           + b"\n".join(per[10:]) + b"\n  \n\n")                 # H10 blank lines
    shutil.copyfile(landing / SKP_APRIL, landing / "siasn/rw-skp22/2025-04-03T0800-copy.jsonl")  # H11 a file sent twice
    stranger = json.loads(per[0])
    stranger.update(nip="199001012020011999", http_status=500, body={"code": 0, "message": "Internal Server Error"})
    with open(landing / PERIODIC_MARCH, "ab") as f:                                              # H12 a rejected response
        f.write(dump(stranger) + b"\n")                                                          #     of someone not rostered
    for rel in IGNORED:                                                                          # H13-H17 files nobody reads
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        (landing / rel).write_bytes(b"nip\n")


def test_harmless_input_changes_nothing(clean, baseline, tmp_path):
    landing, home = tmp_path / "landing", tmp_path / "home"
    make_harmless(clean, landing)
    r = run(landing, home)
    assert r.returncode == 0, r.stdout + r.stderr
    for rel in IGNORED:
        assert f"ignored {rel}:" in r.stdout
    payables = dict(((nip, str(p)), pay) for nip, p, pay in
                    query(home, "select nip, period, payable_amount from marts.fct_tpp_entitlement"))
    assert payables == baseline
    conserved(home)
    counts = dict(query(home, "select source_file, lines_landed from staging.stg_ingest__landed_files"))
    assert counts[ROSTER.format("2025-03")] == len(lines(clean, ROSTER.format("2025-03"))) - 1   # blank lines not rows
    assert counts[PERIODIC_MARCH] == len(lines(clean, PERIODIC_MARCH)) + 1                       # + the stranger
    quarantined = query(home, "select source_file, source_line, nip from staging.stg_ingest__quarantine")
    assert quarantined == [(PERIODIC_MARCH, len(lines(landing, PERIODIC_MARCH)), "199001012020011999")]
    (ignored,) = query(home, "select ignored_files from audit.pipeline_runs where job = 'monthly_tpp' "
                             "and ignored_files <> '[]' limit 1")[0]
    assert [i["file"] for i in json.loads(ignored)] == sorted(IGNORED)

    # payroll then re-delivers April's roster as its header only: the re-run's gate fails, and the payout files
    # of the first run no longer look current
    april = home / "reports" / "2025-04"
    assert (april / "payout_2025-04_bank.csv").exists()
    write_lines(landing, ROSTER.format("2025-04"), lines(clean, ROSTER.format("2025-04"))[:1])
    again = run(landing, home)
    assert again.returncode == 1, again.stdout
    assert "quality gate 2025-03: ok" in again.stdout and "quality gate 2025-04: FAILED" in again.stdout
    # the range's payout step is skipped for April's block; a run of the payout alone then pays March, which passed
    assert "no payout file written for 2025-04 or the months after it" in again.stdout
    assert "the payout of 2025-03..2025-03, whose gates passed:" in again.stdout
    assert re.search(r"^\[\d+/\d+\] report payout_report 2025-03: ok in", again.stdout, re.M), again.stdout
    assert sorted(p.name for p in april.iterdir()) == ["withdrawn"]
    (withdrawn,) = list((april / "withdrawn").iterdir())
    assert (withdrawn / "payout_2025-04_bank.csv").exists()
    assert (home / "reports" / "2025-03" / "payout_2025-03_bank.csv").exists()
    listed = subprocess.run([KINERJA, "runs", "--home", str(home)], capture_output=True, text=True).stdout
    assert "  2025-03: gate passed, 4 current (payout_2025-03.csv, payout_2025-03_bank.csv, payout_2025-03_bank_control.csv, " \
        "payout_2025-03_pajak_bpjs.csv)" \
        in listed
    assert f"  2025-04: gate FAILED, none current (-); withdrawn by run(s) {withdrawn.name[:8]}" in listed


# --- per person -------------------------------------------------------------------------------------------------

def periodic_faults(people) -> dict[str, tuple[str, callable]]:
    """fault class -> (NIP, edit of that person's line in the March pull: dict -> bytes)."""
    def with_(**over):
        return lambda obj: dump({**obj, **over})

    def record_edit(edit):
        def apply(obj):
            edit(obj, march_record(obj))
            return dump(obj)
        return apply

    def copies_differ(obj, rec):
        records(obj).append({**rec, "hasilKinerjaNilai": "3", "kuadranKinerjaNilai": "3"})

    def two_records(obj, rec):
        records(obj).append({**rec, "id": rec["id"][:-4] + "beef", "hasilKinerjaNilai": "3", "kuadranKinerjaNilai": "3"})

    faults = {
        "truncated line": lambda obj: dump(obj)[: len(dump(obj)) // 2],
        "HTML error page": with_(http_status=502, body="<html><body><h1>502 Bad Gateway</h1></body></html>"),
        "HTTP 401": with_(http_status=401, body={"code": 0, "message": "Unauthorized"}),
        "HTTP 500": with_(http_status=500, body={"code": 0, "message": "Internal Server Error"}),
        "fetched_at without time zone": with_(fetched_at="2025-04-03T08:00:00"),
        "fetched_at in the future": with_(fetched_at="2031-04-03T08:00:00+08:00"),
        "body code 0 with HTTP 200": with_(body={"code": 0, "message": "token expired"}),
        "unknown rating code": record_edit(lambda obj, rec: rec.update(hasilKinerjaNilai="7")),
        "record NIP differs": record_edit(lambda obj, rec: rec.update(nip="199001012020011998")),
        "evaluation ends before it starts": record_edit(lambda obj, rec: rec.update(bulanSelesaiPenilaian="2")),
        "non-UTF-8 byte": lambda obj: dump(obj).replace(b'"unorNama":"', b'"unorNama":"\xc9', 1),
        "same record id twice, different ratings": record_edit(copies_differ),
        "two different records in one fetch": record_edit(two_records),
    }
    return {name: (next(people), edit) for name, edit in faults.items()}


EXPECTED_ISSUE = {"a record resent in another file of the fetch, different": "RECORD_COPIES_DIFFER",
                  "two different records in one fetch": "EVALUATION_CONFLICT"}
RESENT = "siasn/rw-kinerjaperiodik/2025-04-03T0800-resent.jsonl"


@pytest.fixture(scope="module")
def per_person(clean, baseline, people, tmp_path_factory):
    """Every per-person fault at once, in a fresh home (SIASN fetch files are append-only evidence: a good copy
    ingested earlier under the same name would still count)."""
    landing, home = tmp_path_factory.mktemp("per_person"), tmp_path_factory.mktemp("per_person_home")
    shutil.copytree(clean, landing, dirs_exist_ok=True)
    faults = periodic_faults(people)
    per = lines(landing, PERIODIC_MARCH)
    unreadable = next(people)                                           # a line that no longer shows whose it is
    per[line_index(per, unreadable)] = b"<html><body>upstream timed out</body></html>"
    for nip, edit in faults.values():
        i = line_index(per, nip)
        per[i] = edit(json.loads(per[i]))
    write_lines(landing, PERIODIC_MARCH, per)
    resent = next(people)                                               # the same fetch, one line sent again, altered
    obj = json.loads(per[line_index(per, resent)])
    march_record(obj).update(hasilKinerjaNilai="3", kuadranKinerjaNilai="3")
    (landing / RESENT).write_bytes(dump(obj) + b"\n")
    faults["a record resent in another file of the fetch, different"] = (resent, None)

    on_time = sorted(first_seen_in(landing, SKP_DEADLINE) - first_seen_in(landing, "siasn/rw-skp22/2025-03-11T1000.jsonl"))
    assert on_time, "the city has someone whose SKP first shows in the deadline pull"
    skp = lines(landing, SKP_DEADLINE)
    i = line_index(skp, on_time[0])
    skp[i] = dump({**json.loads(skp[i]), "http_status": 500, "body": {"code": 0, "message": "Internal Server Error"}})
    write_lines(landing, SKP_DEADLINE, skp)
    faults["SKP deadline pull HTTP 500"] = (on_time[0], None)

    seen_early = first_seen_in(landing, "siasn/rw-skp22/2025-03-11T1000.jsonl")
    lost = next(n for n in people if n in seen_early)
    skp = lines(landing, SKP_APRIL)
    i = line_index(skp, lost)
    obj = json.loads(skp[i])
    for rec in records(obj):
        if rec["tahun"] == "2024":
            rec.update(KuadranKinerjaNilai="", kuadranKinerja="")
    skp[i] = dump(obj)
    write_lines(landing, SKP_APRIL, skp)
    faults["annual predikat lost in a later fetch"] = (lost, None)

    # payroll rows (each its own class; any quarantined payroll row blocks the month)
    roster = lines(landing, ROSTER.format("2025-03"))
    header = roster[0].split(b",")
    template = dict(zip(header, roster[1].split(b",")))
    def row(**over) -> bytes:
        return b",".join({**template, **{k.encode(): v.encode() for k, v in over.items()}}.values())
    nip0 = template[b"nip"].decode()
    bad_rows = {
        "malformed NIP": row(nip="19860926ABC5051001"),
        "impossible birth date in NIP": row(nip="198613262015051001", tmt="2015-05-01"),
        "unknown jenis_pegawai": row(nip="198609262015051002", tmt="2015-05-01", jenis_pegawai="HONORER", golongan="III/a"),
        "kelas_jabatan out of range": row(nip="198609262015051003", tmt="2015-05-01", kelas_jabatan="18"),
        "tmt disagrees with the NIP": row(nip="198609262015051004", tmt="2016-05-01"),
        "rekening not digits": row(nip="198609262015051005", tmt="2015-05-01", rekening="12-34-AB"),
        "non-UTF-8 name": row(nip="198609262015052006", tmt="2015-05-01", nama="JOSE").replace(b"JOSE", b"JOS\xc9"),
    }
    dup_nip = next(people)
    dup = roster[line_index(roster, dup_nip)]
    write_lines(landing, ROSTER.format("2025-03"), roster + list(bad_rows.values()) + [dup])
    att = lines(landing, ATTENDANCE.format("2025-03"))
    cut = att[: len(att) * 7 // 10]                                      # a partial export: the last 30% missing
    kept = {r.split(b",")[0].decode() for r in cut[1:]}
    neg_nip = next(n for n in people if n in kept)
    cells = cut[line_index(cut, neg_nip)].split(b",")
    cells[2] = b"-2"
    cut[line_index(cut, neg_nip)] = b",".join(cells)
    write_lines(landing, ATTENDANCE.format("2025-03"), cut)
    april = lines(landing, ROSTER.format("2025-04"))
    write_lines(landing, ROSTER.format("2025-04"), april[: len(april) * 8 // 10])   # 20% of April's roll gone
    salary = lines(landing, SALARY.format("2025-03"))                    # the salary system's file
    no_salary, bad_ptkp = next(people), next(people)
    cells = salary[line_index(salary, bad_ptkp)].split(b",")
    cells[1] = b"K/9"                                                    # a PTKP status that does not exist
    salary[line_index(salary, bad_ptkp)] = b",".join(cells)
    del salary[line_index(salary, no_salary)]                            # a rostered person without a salary row
    write_lines(landing, SALARY.format("2025-03"), salary)
    married = next(people)                                               # in April a K/3: TER category C
    salary = lines(landing, SALARY.format("2025-04"))
    cells = salary[line_index(salary, married)].split(b",")
    was, cells[1] = cells[1], (b"K/0" if cells[1] == b"K/3" else b"K/3")
    salary[line_index(salary, married)] = b",".join(cells)
    write_lines(landing, SALARY.format("2025-04"), salary)
    moved = next(people)        # March's row shows a position begun on the 20th: the 15th decides, so it is April's
    roster = lines(landing, ROSTER.format("2025-03"))
    cells = roster[line_index(roster, moved)].split(b",")
    cells[-1] = b"2025-03-20"
    roster[line_index(roster, moved)] = b",".join(cells)
    write_lines(landing, ROSTER.format("2025-03"), roster)
    sanctioned = next(people)   # BKPSDM's sanction that takes effect before its decree
    (landing / "payroll" / "sanctions").mkdir(exist_ok=True)
    (landing / SANCTIONS.format("2025-03")).write_text(
        f"nip,jenis_hukuman_id,tmt_hukuman,sk_nomor,sk_tanggal\n{sanctioned},04,2025-03-01,800/HD-9,2025-03-10\n")
    r = run(landing, home)
    return {"landing": landing, "home": home, "run": r, "faults": faults, "unreadable": unreadable,
            "bad_rows": bad_rows, "dup": dup_nip, "negative": neg_nip, "nip0": nip0, "baseline": baseline,
            "no_salary": no_salary, "bad_ptkp": bad_ptkp, "married": (married, was.decode()), "moved": moved,
            "sanctioned": sanctioned}


def issues(home: Path, period) -> list[tuple]:
    return query(home, "select issue_code, nip, source_file, source_line, people from marts.fct_evidence_issue "
                       "where period = ? order by all", [period])


def test_the_month_is_blocked_and_no_payout_stays_current(per_person):
    r, home = per_person["run"], per_person["home"]
    assert r.returncode == 1, r.stdout
    assert "quality gate 2025-03: FAILED" in r.stdout
    assert "check quality/quality_gate:evidence_complete failed" in r.stdout
    assert "check quality/quality_gate:month_plausibility failed" in r.stdout
    assert "report payout_report 2025-03" not in r.stdout
    assert not (home / "reports" / "2025-03").exists()
    gate = json.loads((home / "quality" / "2025-03" / "gate.json").read_text())
    assert gate["passed"] is False
    conserved(home)
    import re
    for path in (home / "quality").rglob("*.json"):                     # GX results hold no full NIP
        assert not re.search(r"(?<![0-9])[0-9]{18}(?![0-9])", path.read_text()), path


@pytest.mark.parametrize("fault", ["truncated line", "HTML error page", "HTTP 401", "HTTP 500",
                                   "fetched_at without time zone", "fetched_at in the future",
                                   "body code 0 with HTTP 200", "unknown rating code", "record NIP differs",
                                   "evaluation ends before it starts", "non-UTF-8 byte",
                                   "same record id twice, different ratings", "two different records in one fetch",
                                   "a record resent in another file of the fetch, different"])
def test_each_periodic_fault_blocks_march_for_its_person(per_person, fault):
    home, (nip, _) = per_person["home"], per_person["faults"][fault]
    code = EXPECTED_ISSUE.get(fault, "RESPONSE_QUARANTINED")
    found = [i for i in issues(home, MARCH) if i[1] == nip]
    assert [i[0] for i in found] == [code], found
    if code == "RESPONSE_QUARANTINED":
        assert found[0][2] == PERIODIC_MARCH and found[0][3] > 0
        # the wrong payout that was stopped: paid as if never evaluated, less than the clean run
        (reasons, payable), = query(home, "select reasons, payable_amount from marts.fct_tpp_entitlement "
                                          "where nip = ? and period = ?", [nip, MARCH])
        assert "NO_EVALUATION" in reasons
        assert payable < per_person["baseline"][(nip, "2025-03-01")]
    # the April pull (after March's cutoff) supersedes the rejected line for April
    assert not [i for i in issues(home, APRIL) if i[1] == nip and i[0] == "RESPONSE_QUARANTINED"]
    gate = json.loads((home / "quality" / "2025-03" / "gate.json").read_text())
    evidence = next(s for s in gate["suites"] if s["suite"] == "evidence_complete")
    assert not evidence["success"] and evidence["rows"] >= len(per_person["faults"]) - 2


def test_an_unreadable_line_blocks_march_for_everyone_it_could_be(per_person):
    found = [i for i in issues(per_person["home"], MARCH) if i[1] is None]
    assert len(found) == 1 and found[0][0] == "RESPONSE_QUARANTINED" and found[0][4] >= 1
    (payable,), = query(per_person["home"], "select payable_amount from marts.fct_tpp_entitlement where nip = ? "
                                            "and period = ?", [per_person["unreadable"], MARCH])
    assert payable < per_person["baseline"][(per_person["unreadable"], "2025-03-01")]


def test_annual_faults_block_april(per_person):
    home = per_person["home"]
    nip, _ = per_person["faults"]["SKP deadline pull HTTP 500"]
    assert [i[0] for i in issues(home, APRIL) if i[1] == nip] == ["RESPONSE_QUARANTINED"]
    # without the gate this person, who finished SKP on time, would have had the whole April deferred
    (reasons, deferred), = query(home, "select reasons, deferred_amount from marts.fct_tpp_entitlement "
                                       "where nip = ? and period = ?", [nip, APRIL])
    assert "SKP_DEFERRED" in reasons and deferred > 0
    nip, _ = per_person["faults"]["annual predikat lost in a later fetch"]
    assert [i[0] for i in issues(home, APRIL) if i[1] == nip] == ["ANNUAL_PREDIKAT_LOST"]
    from orchestration.defs.quality.gate_validation import month_validation
    april = month_validation(home, APRIL)
    failed = {r.suite for r in april.results if r.blocks}
    assert {"evidence_complete", "month_plausibility"} <= failed


def test_payroll_row_faults_are_quarantined_and_block_march(per_person):
    home = per_person["home"]
    q = query(home, "select source_line, field, message from staging.stg_ingest__quarantine "
                    "where source_file = ? order by source_line", [ROSTER.format("2025-03")])
    from collections import Counter
    assert Counter(f for _, f, _ in q) == Counter({"nip": 4, "jenis_pegawai": 1, "kelas_jabatan": 1, "tmt": 1,
                                                   "rekening": 1, "(encoding)": 1})
    assert len([m for _, f, m in q if "appears on lines" in m]) == 2     # the duplicate: both rows held
    (att,) = query(home, "select count(*) from staging.stg_ingest__quarantine where source_file = ? and field = 'tl1'",
                   [ATTENDANCE.format("2025-03")])[0]
    assert att == 1
    gate = json.loads((home / "quality" / "2025-03" / "gate.json").read_text())
    by_suite = {s["suite"]: s for s in gate["suites"]}
    assert not by_suite["payroll_quarantine"]["success"]
    assert not by_suite["payroll_inputs"]["success"]                     # rostered people without attendance
    # the payouts the gate stopped: the duplicated person not on March's roll at all, the one with a negative count
    # paid as if no attendance had come
    assert query(home, "select count(*) from marts.fct_tpp_entitlement where nip = ? and period = ?",
                 [per_person["dup"], MARCH]) == [(0,)]
    (reasons, payable), = query(home, "select reasons, payable_amount from marts.fct_tpp_entitlement "
                                      "where nip = ? and period = ?", [per_person["negative"], MARCH])
    assert "NO_ATTENDANCE" in reasons and payable < per_person["baseline"][(per_person["negative"], "2025-03-01")]


def test_salary_faults_block_march_and_leave_no_net_to_transfer(per_person):
    """A rostered person missing from the salary file, and one whose salary row is quarantined (PTKP status K/9):
    without the salary side neither PPh 21 nor BPJS can be computed, so March has no net for them and is blocked."""
    home = per_person["home"]
    (field,), = query(home, "select field from staging.stg_ingest__quarantine where source_file = ?",
                      [SALARY.format("2025-03")])
    assert field == "ptkp_status"
    for nip in (per_person["no_salary"], per_person["bad_ptkp"]):
        (net, pph21), = query(home, "select net_amount, pph21_amount from marts.fct_tpp_entitlement "
                                    "where nip = ? and period = ?", [nip, MARCH])
        assert net is None and pph21 is None
        (net,), = query(home, "select net_amount from marts.fct_tpp_entitlement where nip = ? and period = ?",
                        [nip, APRIL])
        assert net is not None and net > 0                             # April's salary file has them
    gate = json.loads((home / "quality" / "2025-03" / "gate.json").read_text())
    salary = next(s for s in gate["suites"] if s["suite"] == "salary_inputs")
    assert not salary["success"] and salary["severity"] == "critical"
    assert "check quality/quality_gate:salary_inputs failed" in per_person["run"].stdout


def test_a_bkpsdm_row_and_a_position_begun_after_the_15th_block_march(per_person):
    """BKPSDM's sanction row is quarantined naming file, line and field; a roster row whose position began on the 20th
    (rule_mid_month_position: the 15th decides) fails position_rule, which names the row; April's row of the same
    person is not flagged."""
    home, moved = per_person["home"], per_person["moved"]
    assert query(home, "select source_line, field from staging.stg_ingest__quarantine where source_file = ?",
                 [SANCTIONS.format("2025-03")]) == [(2, "tmt_hukuman")]
    assert query(home, "select count(*) from staging.stg_payroll__sanctions") == [(0,)]
    gate = json.loads((home / "quality" / "2025-03" / "gate.json").read_text())
    by_suite = {s["suite"]: s for s in gate["suites"]}
    assert not by_suite["payroll_quarantine"]["success"]
    position = by_suite["position_rule"]
    assert not position["success"] and position["severity"] == "critical"
    assert mask_nip(moved) in json.dumps(position) and "tmt_jabatan 2025-03-20 after 2025-03-15" in json.dumps(position)
    assert query(home, "select period, starts_after_deciding_day, position_rule_id from marts.rpt_position_rule_check "
                       "where nip = ? order by period", [moved])[0] == (MARCH, True, "POSITION-DAY-15")
    assert "check quality/quality_gate:position_rule failed" in per_person["run"].stdout


def test_a_ptkp_status_that_changes_category_mid_year_is_a_warning_and_keeps_the_january_category(per_person):
    home, (nip, march_status) = per_person["home"], per_person["married"]
    (status, year_status, category), = query(home, "select ptkp_status, year_ptkp_status, ter_category from "
                                                   "marts.fct_tpp_entitlement where nip = ? and period = ?", [nip, APRIL])
    ter = {"TK/0": "A", "TK/1": "A", "K/0": "A", "TK/2": "B", "TK/3": "B", "K/1": "B", "K/2": "B", "K/3": "C"}
    assert year_status == march_status and category == ter[march_status] != ter[status]
    from orchestration.defs.quality.gate_validation import month_validation
    result = next(r for r in month_validation(home, APRIL).results if r.suite == "ter_category_mid_year")
    assert not result.success and not result.blocks


def test_plausibility_catches_partial_files(per_person):
    checks = dict(((str(p), c), ok) for p, c, ok in query(
        per_person["home"], "select period, check_name, is_ok from marts.rpt_month_plausibility"))
    assert checks[("2025-03-01", "attendance_rows")] is False             # 30% of attendance missing
    assert checks[("2025-04-01", "headcount_change")] is False            # 20% of the roll missing
    assert checks[("2025-03-01", "roster_rows")] and checks[("2025-03-01", "evaluation_coverage")]


# --- whole month ------------------------------------------------------------------------------------------------

def test_whole_month_faults_block(clean, tmp_path):
    landing, home = tmp_path / "landing", tmp_path / "home"
    shutil.copytree(clean, landing)
    per = lines(landing, PERIODIC_MARCH)
    write_lines(landing, PERIODIC_MARCH, per[: len(per) // 2])           # half of the March pull
    att = lines(landing, ATTENDANCE.format("2025-03"))
    write_lines(landing, ATTENDANCE.format("2025-03"),
                [b",".join(r.split(b",")[:9] + r.split(b",")[10:]) for r in att])   # psw4 column gone
    roster = lines(landing, ROSTER.format("2025-04"))
    write_lines(landing, ROSTER.format("2025-04"), roster[:1])           # the header only
    r = run(landing, home)
    assert r.returncode == 1, r.stdout
    conserved(home)
    checks = dict(((str(p), c), ok) for p, c, ok in query(
        home, "select period, check_name, is_ok from marts.rpt_month_plausibility"))
    assert checks[("2025-03-01", "evaluation_coverage")] is False
    assert checks[("2025-04-01", "roster_rows")] is False
    assert checks[("2025-04-01", "headcount_change")] is False
    (held,) = query(home, "select count(*) from staging.stg_ingest__quarantine where source_file = ?",
                    [ATTENDANCE.format("2025-03")])[0]
    assert held == len(att) - 1                                          # every row, none lost
    from orchestration.defs.quality.gate_validation import month_validation
    april = month_validation(home, APRIL)
    assert {r.suite for r in april.results if r.blocks} == {"month_plausibility"}
    assert "quality gate 2025-03: FAILED" in r.stdout


def test_bad_months_are_usage_errors(tmp_path):
    for bad in (["--from", "2025-4", "--to", "2025-05"], ["--from", "2025-05", "--to", "2025-04"],
                ["--from", "2024-12", "--to", "2025-01"]):
        r = subprocess.run([KINERJA, "run", "--landing", str(tmp_path), "--home", str(tmp_path / "h"), *bad],
                           capture_output=True, text=True)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "Invalid value" in r.stderr


def test_a_locked_warehouse_and_a_corrupt_raw_file_are_named_with_what_to_do(tmp_path):
    import duckdb
    from orchestration.lib.dbt_errors import explain_dbt_failure, warehouse_busy
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert warehouse_busy(warehouse) is None
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(warehouse)!r}); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = warehouse_busy(warehouse)
        assert busy and f"process {holder.pid}" in busy and "close it and run again" in busy
    finally:
        holder.kill()
        holder.wait()
    raw = tmp_path / "raw" / "kinerja_periodik" / "abc.parquet"
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"status": "success", "unique_id": "model.kinerja_tpp.stg_a", "message": "OK"},
        {"status": "error", "unique_id": "model.kinerja_tpp.stg_siasn__kinerja_periodik_fetches",
         "message": f"Runtime Error in model x\n  Invalid Input Error: No magic bytes found at end of file '{raw}'\n"}]}))
    explained = explain_dbt_failure(tmp_path)
    assert explained.startswith("dbt failed in stg_siasn__kinerja_periodik_fetches: Invalid Input Error: No magic")
    assert f"delete it and {tmp_path / 'raw' / 'landed_file' / 'abc.parquet'}, then run again" in explained


def test_a_warehouse_built_by_an_earlier_version_names_the_full_refresh(tmp_path):
    """An upgrade that adds columns to an incremental fact (the corrections did): dbt's own text says only that the
    schemas are out of sync; the run says what to do."""
    from orchestration.lib.dbt_errors import explain_dbt_failure
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"status": "error", "unique_id": "model.kinerja_tpp.rpt_tpp_payout",
         "message": "Compilation Error in model rpt_tpp_payout (../models/marts/rpt_tpp_payout.sql)\n"
                    "  The source and target schemas on this incremental model are out of sync!\n"}]}))
    explained = explain_dbt_failure(tmp_path)
    assert explained.startswith("dbt failed in rpt_tpp_payout: Compilation Error in model rpt_tpp_payout")
    assert "run once with --full-refresh" in explained
