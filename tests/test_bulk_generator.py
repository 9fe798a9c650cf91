"""The bulk generator (province / national scale): valid against the landing contract at 100k ASN, statistically
like the scripted demo city, deterministic, and cut into regions with their own OPD codes."""
import collections
import datetime as dt
import hashlib

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from orchestration.demo.bulk_generator import generate_bulk
from orchestration.demo.generator import (RATING_PAIRS, RATING_WEIGHTS, SNAPSHOT_ASN, SNAPSHOT_NOT_FINISHED,
                                          generate_city, matrix_predikat)
from orchestration.lib.bulk_payroll import parse_payroll_bulk
from orchestration.lib.bulk_siasn import iter_fetch_file

MAR, MAY = dt.date(2025, 3, 1), dt.date(2025, 5, 1)
SNAPSHOT = "siasn/rw-skp22/2025-03-11T1000.jsonl"
LAST_PERIODIC = "siasn/rw-kinerjaperiodik/2025-06-03T0800.jsonl"


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk100k")
    return root, generate_bulk(root, 100_000, MAR, MAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    generate_city(root, SNAPSHOT_ASN, MAR, MAY)
    return root


def roster(root, month="2025-03"):
    parsed = parse_payroll_bulk("roster", f"payroll/roster/{month}.csv", root / f"payroll/roster/{month}.csv")
    assert not parsed.rejections and parsed.rows.num_rows == parsed.lines_landed
    return parsed.rows


def fetch(root, rel, endpoint):
    chunks = list(iter_fetch_file(endpoint, rel, root / rel))
    assert not [r for _, c in chunks for r in c.rejections]
    assert sum(n for n, _ in chunks) == sum(c.responses.num_rows for _, c in chunks)
    return pa.concat_tables([c.responses for _, c in chunks]), pa.concat_tables([c.records for _, c in chunks])


def shares(values) -> dict:
    counts = collections.Counter(values)
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()}


def total_variation(a: dict, b: dict) -> float:
    return sum(abs(a.get(k, 0) - b.get(k, 0)) for k in set(a) | set(b)) / 2


def test_every_payroll_file_is_valid_and_regions_have_their_own_opds(bulk):
    root, stats = bulk
    assert stats["people"] > 100_000 and stats["regions"] == 28
    for source in ("roster", "attendance"):
        for path in sorted((root / "payroll" / source).glob("*.csv")):
            parsed = parse_payroll_bulk(source, path.relative_to(root).as_posix(), path)
            assert not parsed.rejections and parsed.rows.num_rows == parsed.lines_landed >= 100_000
    opds = set(roster(root).column("opd_kode").to_pylist())
    assert len(opds) == 28 * 30 and all(len(code.split(".")) == 3 for code in opds)


def test_like_the_demo_city(bulk, demo):
    root, _ = bulk
    big, small = roster(root), roster(demo)
    assert total_variation(shares(big.column("kelas_jabatan").to_pylist()), shares(small.column("kelas_jabatan").to_pylist())) < 0.04
    assert total_variation(shares(big.column("jenis_pegawai").to_pylist()), shares(small.column("jenis_pegawai").to_pylist())) < 0.02
    assert total_variation(shares(big.column("kedudukan").to_pylist()), shares(small.column("kedudukan").to_pylist())) < 0.01
    _, big_periodic = fetch(root, LAST_PERIODIC, "rw-kinerjaperiodik")
    _, small_periodic = fetch(demo, LAST_PERIODIC, "rw-kinerjaperiodik")
    big_mix, small_mix = shares(big_periodic.column("predikat_code").to_pylist()), shares(small_periodic.column("predikat_code").to_pylist())
    baik = sum(w for (h, b), w in zip(RATING_PAIRS, RATING_WEIGHTS) if matrix_predikat(h, b) == 2)   # 0.87
    assert total_variation(big_mix, small_mix) < 0.02 and abs(big_mix[2] - baik) < 0.01


def test_snapshot_has_the_published_share_not_finished(bulk):
    root, _ = bulk
    responses, records = fetch(root, SNAPSHOT, "rw-skp22")
    finished = set(records.filter(pc.equal(records.column("tahun"), 2024)).column("nip").to_pylist())
    not_finished = responses.num_rows - len(finished)
    assert responses.num_rows == 100_000
    assert not_finished == round(100_000 * SNAPSHOT_NOT_FINISHED / SNAPSHOT_ASN)


def test_same_seed_same_bytes(tmp_path):
    digests = []
    for name in ("a", "b"):
        generate_bulk(tmp_path / name, 8_000, MAR, MAY, seed=5)
        digests.append({p.relative_to(tmp_path / name).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted((tmp_path / name).rglob("*.*"))})
    assert digests[0] == digests[1] and len(digests[0]) == 17   # 3 months x 3 payroll files + 8 SIASN pulls
