"""Ingestion: exact quarantine for every fault class, conservation, idempotent re-ingest, corrected files."""
import datetime as dt

import pyarrow.compute as pc
import pytest

from orchestration.demo.generator import generate_city
from orchestration.lib.ingest import ingest_payroll, ingest_siasn_file, siasn_files
from orchestration.lib.months import parse_month
from orchestration.lib.raw_store import RawStore

JAN, MAR = dt.date(2025, 1, 1), dt.date(2025, 3, 1)


def ingest_all(landing, home):
    results = [ingest_siasn_file(landing, home, e, rel) for e, rel in siasn_files(landing)]
    for m in (JAN, dt.date(2025, 2, 1), MAR):
        results += [ingest_payroll(landing, home, s, m) for s in ("roster", "attendance")]
    return results


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    landing = tmp_path_factory.mktemp("faulty")
    generate_city(landing, 120, parse_month("2025-01"), parse_month("2025-03"), seed=3, faults=True)
    home = tmp_path_factory.mktemp("home")
    return landing, home, ingest_all(landing, home)


def test_each_fault_class_gives_exactly_its_quarantine_rows(faulty):
    landing, home, results = faulty
    q = RawStore(home).read("quarantine").to_pylist()
    by_file = {}
    for r in q:
        by_file.setdefault(r["source_file"], []).append((r["source_line"], r["field"]))
    roster_lines = 1 + 120        # header + the 120 people of January
    assert sorted(by_file["payroll/roster/2025-01.csv"]) == sorted([
        (2, "nip"),                              # the first person: duplicated at the end of the file
        (roster_lines + 1, "nip"),               # malformed NIP
        (roster_lines + 2, "nip"),               # impossible birth date
        (roster_lines + 3, "jenis_pegawai"),     # unknown code HONORER
        (roster_lines + 4, "nip"),               # the duplicate row itself
        (roster_lines + 5, "(encoding)"),        # non-UTF-8 byte
    ])
    assert by_file["payroll/attendance/2025-01.csv"] == [(3, "tl1")]              # negative count
    march_att = (landing / "payroll/attendance/2025-03.csv").read_text().splitlines()
    assert by_file["payroll/attendance/2025-03.csv"] == [(n, "psw4") for n in range(2, len(march_att) + 1)]
    first_fetch = "siasn/rw-kinerjaperiodik/2025-02-03T0800.jsonl"
    assert sorted(by_file[first_fetch])[:2] == [(2, "(json)"), (3, "http_status")]
    assert [f for _, f in by_file[first_fetch]].count("hasilKinerjaNilai") == 1
    assert by_file["siasn/rw-skp22/2025-02-03T0800-rerun.jsonl"] == [(0, "(file)")]
    assert len(by_file) == 5, "no other file has rejections"


def test_rows_landed_equal_accepted_plus_quarantined_for_every_file(faulty):
    landing, home, results = faulty
    store = RawStore(home)
    tables = {"roster": "roster", "attendance": "attendance", "rw-kinerjaperiodik": "siasn_response",
              "rw-skp22": "siasn_response", "rw-hukdis": "siasn_response"}
    quarantine = store.read("quarantine")
    for r in results:
        table = store.read(tables[r.source])
        stored = table.filter(pc.equal(table["_source_file"], r.source_file))
        rejected = quarantine.filter(pc.and_(pc.equal(quarantine["source_file"], r.source_file),
                                             pc.and_(pc.greater(quarantine["source_line"], 0),
                                                     pc.equal(quarantine["record_index"], -1))))
        landed = len((landing / r.source_file).read_bytes().splitlines()) - (1 if r.source in ("roster", "attendance") else 0)
        assert landed == stored.num_rows + len(set(rejected["source_line"].to_pylist())), r.source_file
        assert r.conserved


def test_reingest_same_files_adds_nothing(faulty):
    landing, home, _ = faulty
    store = RawStore(home)
    before = {t: store.read(t).num_rows for t in ("roster", "attendance", "kinerja_periodik", "quarantine")}
    again = ingest_all(landing, home)
    assert all(r.skipped for r in again)
    assert {t: store.read(t).num_rows for t in before} == before


def test_corrected_file_becomes_the_current_delivery(tmp_path):
    landing, home = tmp_path / "l", tmp_path / "h"
    generate_city(landing, 50, JAN, JAN, seed=5)
    path = landing / "payroll/roster/2025-01.csv"
    first = ingest_payroll(landing, home, "roster", JAN)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")           # payroll re-delivers without the last person
    second = ingest_payroll(landing, home, "roster", JAN)
    assert first.file_sha256 != second.file_sha256 and not second.skipped
    current = RawStore(home).read("payroll_current").to_pylist()
    assert [(c["period"], c["file_sha256"]) for c in current] == [(JAN, second.file_sha256)]
    assert RawStore(home).read("roster").num_rows == 50 + 49     # append-only: both deliveries kept


def test_identical_files_of_two_months_stay_two_deliveries(tmp_path):
    landing, home = tmp_path / "l", tmp_path / "h"
    generate_city(landing, 40, JAN, JAN, seed=5)
    feb = landing / "payroll/roster/2025-02.csv"
    feb.write_bytes((landing / "payroll/roster/2025-01.csv").read_bytes())   # no movement in February
    a = ingest_payroll(landing, home, "roster", JAN)
    b = ingest_payroll(landing, home, "roster", dt.date(2025, 2, 1))
    assert a.file_sha256 == b.file_sha256 and not b.skipped
    periods = RawStore(home).read("roster")["period"].to_pylist()
    assert periods.count(JAN) == 40 and periods.count(dt.date(2025, 2, 1)) == 40


def test_a_landing_file_is_hashed_again_only_when_it_changed(tmp_path, monkeypatch):
    import hashlib
    import os
    import time

    from orchestration.lib import raw_store

    store = RawStore(tmp_path / "home")
    landing = tmp_path / "2025-04.csv"
    landing.write_bytes(b"nip,x\n1,2\n")
    assert store.file_sha256(landing) == hashlib.sha256(b"nip,x\n1,2\n").hexdigest()

    def must_not_hash(path):
        raise AssertionError(f"{path} was hashed again although it did not change")
    monkeypatch.setattr(raw_store, "sha256_file", must_not_hash)
    assert store.file_sha256(landing) == hashlib.sha256(b"nip,x\n1,2\n").hexdigest()

    # same size, same modification time put back: the inode change time still moves, so it is hashed again
    before = landing.stat()
    time.sleep(0.05)    # past the file system's timestamp tick (a few ms)
    landing.write_bytes(b"nip,x\n1,3\n")
    os.utime(landing, ns=(before.st_atime_ns, before.st_mtime_ns))
    monkeypatch.undo()
    assert store.file_sha256(landing) == hashlib.sha256(b"nip,x\n1,3\n").hexdigest()
