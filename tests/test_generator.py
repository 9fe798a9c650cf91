"""The demo city: deterministic, valid NIPs, and the 11 March 2025 snapshot (3,532 / 3,456 / 76)."""
import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from orchestration.demo.generator import generate_city
from orchestration.lib.months import parse_month
from orchestration.lib.nip import nip_error


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def default_city(tmp_path_factory):
    landing = tmp_path_factory.mktemp("bontang")
    generate_city(landing)          # defaults: 3,532 ASN, 2025-01..2025-06
    return landing


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for path, seed in ((a, 1), (b, 1), (c, 2)):
        generate_city(path, 150, parse_month("2025-01"), parse_month("2025-03"), seed=seed, faults=True)
    assert tree_hash(a) == tree_hash(b)
    assert tree_hash(a) != tree_hash(c)


def read_roster(landing: Path, month: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((landing / f"payroll/roster/{month}.csv").read_text())))


def test_nips_valid_unique_and_agree_with_columns(default_city):
    for month in ("2025-01", "2025-04", "2025-06"):
        rows = read_roster(default_city, month)
        nips = [r["nip"] for r in rows]
        assert len(nips) == len(set(nips))
        for r in rows:
            assert nip_error(r["nip"], r["jenis_pegawai"]) is None, r["nip"]
            assert r["nip"][8:12] == r["tmt"][:4]
            if r["jenis_pegawai"] != "PPPK":
                assert r["nip"][12:14] == r["tmt"][5:7]
            golongan_is_pns = "/" in r["golongan"]
            assert golongan_is_pns == (r["jenis_pegawai"] != "PPPK")
            assert 1 <= int(r["kelas_jabatan"]) <= 17


def skp2024_status(path: Path) -> tuple[int, int]:
    people = finished = 0
    for line in path.read_text().splitlines():
        obj = json.loads(line)
        data = obj["body"]["data"]
        data = data["data"] if isinstance(data, dict) else (data or [])
        people += 1
        finished += any(r["tahun"] == "2024" and r["KuadranKinerjaNilai"] for r in data)
    return people, finished


def test_11_march_2025_snapshot_figures(default_city):
    people, finished = skp2024_status(default_city / "siasn/rw-skp22/2025-03-11T1000.jsonl")
    assert (people, finished, people - finished) == (3532, 3456, 76)


def finished_nips(path: Path) -> set[str]:
    out = set()
    for line in path.read_text().splitlines():
        obj = json.loads(line)
        data = obj["body"]["data"]
        data = data["data"] if isinstance(data, dict) else (data or [])
        if any(r["tahun"] == "2024" and r["KuadranKinerjaNilai"] for r in data):
            out.add(obj["nip"])
    return out


def test_late_finishers_spread_over_march_april_may_and_never(default_city):
    skp = default_city / "siasn/rw-skp22"
    snapshot = {json.loads(l)["nip"] for l in (skp / "2025-03-11T1000.jsonl").read_text().splitlines()}
    late = snapshot - finished_nips(skp / "2025-03-11T1000.jsonl")
    first_seen = {}
    for name in ("2025-03-31T2000", "2025-04-03T0800", "2025-05-03T0800", "2025-06-03T0800", "2025-07-03T0800"):
        for nip in finished_nips(skp / f"{name}.jsonl") & late:
            first_seen.setdefault(nip, name)
    counts = {name: list(first_seen.values()).count(name) for name in set(first_seen.values())}
    assert len(late) == 76
    assert counts.get("2025-03-31T2000", 0) > 0        # finished before the deadline
    assert counts.get("2025-05-03T0800", 0) > 0        # finished in April
    assert counts.get("2025-07-03T0800", 0) > 0        # finished in May, synced after the 3 June pull
    assert len(late) - len(first_seen) > 0             # never


def test_roster_movement(default_city):
    jan = {r["nip"]: r for r in read_roster(default_city, "2025-01")}
    jun = {r["nip"]: r for r in read_roster(default_city, "2025-06")}
    assert len(jan) == 3532
    joined = [r for n, r in jun.items() if n not in jan]
    assert joined and all(r["jenis_pegawai"] == "CPNS" and r["tmt"].startswith("2025") for r in joined)
    assert [n for n in jan if n not in jun], "retirements leave the roster"
    both = [n for n in jan if n in jun]
    assert any(jan[n]["opd_kode"] != jun[n]["opd_kode"] for n in both), "transfers between OPDs"
    assert any(jan[n]["kelas_jabatan"] != jun[n]["kelas_jabatan"] for n in both), "a kelas change"
    statuses = {r["kedudukan"] for m in ("2025-01", "2025-03", "2025-05", "2025-06") for r in read_roster(default_city, m)}
    assert statuses == {"AKTIF", "CLTN", "DIBERHENTIKAN_SEMENTARA", "MPP", "TUGAS_BELAJAR"}


def test_predikat_mix_mostly_baik_with_quarterly_and_gaps(default_city):
    counts, periods, monthly_gaps = {}, set(), 0
    for line in (default_city / "siasn/rw-kinerjaperiodik/2025-04-03T0800.jsonl").read_text().splitlines():
        obj = json.loads(line)
        data = obj["body"]["data"]
        data = data["data"] if isinstance(data, dict) else (data or [])
        for r in data:
            counts[r["kuadranKinerjaNilai"]] = counts.get(r["kuadranKinerjaNilai"], 0) + 1
            periods.add(r["periodikNama"])
        months = {r["bulanMulaiPenilaian"] for r in data if r["periodikNama"] == "BULANAN"}
        monthly_gaps += bool(months) and months != {"1", "2", "3"}   # monthly-rated, yet a month is missing
    total = sum(counts.values())
    assert counts["2"] / total > 0.7
    assert periods == {"BULANAN", "TRIWULAN"}
    assert monthly_gaps > 0, "some people are not evaluated in some months"
