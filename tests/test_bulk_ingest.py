"""The bulk (DuckDB) parsers equal the reference line parsers exactly: same rows, same quarantine, same counts,
on the faults city and on thousands of randomly mutated lines (bytes, quotes, spaces, codes, JSON shapes)."""
import json
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
import pytest

from orchestration.demo.generator import generate_city
from orchestration.lib.bulk_payroll import _schema, parse_payroll_bulk
from orchestration.lib.bulk_siasn import ENDPOINT_TABLE, data_schema, iter_fetch_file
from orchestration.lib.line_chunks import iter_line_chunks
from orchestration.lib.months import parse_month
from orchestration.lib.parse_payroll import parse_payroll_csv
from orchestration.lib.parse_siasn import parse_fetch_file


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    generate_city(root, 150, parse_month("2025-01"), parse_month("2025-03"), seed=11, faults=True)
    return root


def assert_payroll_equal(source, rel, path):
    ref = parse_payroll_csv(source, rel, path.read_bytes())
    bulk = parse_payroll_bulk(source, rel, path)
    assert bulk.rows.equals(pa.Table.from_pylist(ref.rows, schema=_schema(source)))
    assert bulk.rejections == ref.rejections
    assert (bulk.lines_landed, bulk.rows_quarantined) == (ref.lines_landed, ref.rows_quarantined)
    return ref


def assert_fetch_equal(endpoint, rel, path, chunk_bytes=None, pool=None, by_line=False):
    ref = parse_fetch_file(endpoint, rel, path.read_bytes())
    chunks = list(iter_fetch_file(endpoint, rel, path, chunk_bytes=chunk_bytes, pool=pool, by_line=by_line))
    responses = pa.concat_tables([c.responses for _, c in chunks])
    records = pa.concat_tables([c.records for _, c in chunks])
    assert responses.equals(pa.Table.from_pylist(ref.responses, schema=data_schema("siasn_response")))
    assert records.equals(pa.Table.from_pylist(ref.records, schema=data_schema(ENDPOINT_TABLE[endpoint])))
    assert [r for _, c in chunks for r in c.rejections] == ref.rejections
    assert sum(n - c.blank_lines for n, c in chunks) == ref.lines_landed
    assert sum(c.records_landed for _, c in chunks) == ref.records_landed
    return ref


def test_faults_city_bulk_equals_reference(landing):
    quarantined = 0
    for source in ("roster", "attendance", "salary"):
        for path in sorted((landing / "payroll" / source).glob("*.csv")):
            quarantined += len(assert_payroll_equal(source, path.relative_to(landing).as_posix(), path).rejections)
    for endpoint in ("rw-kinerjaperiodik", "rw-skp22"):
        for path in sorted((landing / "siasn" / endpoint).glob("*.jsonl")):
            ref = assert_fetch_equal(endpoint, path.relative_to(landing).as_posix(), path, chunk_bytes=50_000)
            # the in-process path (the reference parser a chunk at a time) gives the same tables
            assert_fetch_equal(endpoint, path.relative_to(landing).as_posix(), path, chunk_bytes=50_000, by_line=True)
            quarantined += len(ref.rejections)
    assert quarantined > 150     # the fault classes are really there (a whole attendance file among them)


CSV_MUTATIONS = [
    lambda v: " " + v, lambda v: v + " ", lambda v: "", lambda v: v[:-1], lambda v: v + "0", lambda v: "+" + v,
    lambda v: "0" + v, lambda v: f'"{v}"', lambda v: v.replace("0", "٠"), lambda v: "21", lambda v: "PPPK",
    lambda v: "IV/e", lambda v: "XVII", lambda v: "2024-02-30", lambda v: "20240101", lambda v: "-1", lambda v: "1_0",
    lambda v: v + "\t", lambda v: v.upper(), lambda v: "17", lambda v: "18", lambda v: "31", lambda v: "32",
    lambda v: "K/4", lambda v: "k/0", lambda v: v + "000000", lambda v: "9999999999", lambda v: "1.5",
]


def _mutate_csv(line: str, rng: random.Random) -> str:
    values = line.split(",")
    for _ in range(rng.choice([1, 1, 2])):
        i = rng.randrange(len(values))
        values[i] = rng.choice(CSV_MUTATIONS)(values[i])
    if rng.random() < 0.05:
        values.append("extra")
    out = ",".join(values)
    if rng.random() < 0.05:
        out += "\r"
    return out


@pytest.mark.parametrize("source", ["roster", "attendance", "salary"])
def test_mutated_payroll_lines_bulk_equals_reference(landing, tmp_path, source):
    rng = random.Random(7)
    lines = (landing / "payroll" / source / "2025-02.csv").read_text().splitlines()
    out = [lines[0]] + [_mutate_csv(ln, rng) if rng.random() < 0.6 else ln for ln in lines[1:]]
    out += [lines[5], "", "\xff,bad", lines[3].replace(lines[3][:18], lines[3][:12] + "21" + lines[3][14:18])]
    path = tmp_path / f"{source}.csv"
    path.write_bytes("\n".join(out).encode("utf-8", "surrogateescape").replace("\\xff".encode(), b"\xff"))
    ref = assert_payroll_equal(source, f"payroll/{source}/2025-02.csv", path)
    assert 0 < len(ref.rows) < len(out) - 1 and ref.rejections


JSON_MUTATIONS = [
    lambda r: r.update(hasilKinerjaNilai=2), lambda r: r.update(hasilKinerjaNilai="4"),
    lambda r: r.update(hasilKinerjaNilai=""), lambda r: r.update(hasilKinerjaNilai=None),
    lambda r: r.update(hasilKinerjaNilai=True), lambda r: r.update(hasilKinerjaNilai=2.0),
    lambda r: r.update(hasilKinerjaNilai=" 2"), lambda r: r.pop("tahun", None), lambda r: r.update(tahun="1999"),
    lambda r: r.update(tahun=2025), lambda r: r.update(bulanSelesaiPenilaian="0"), lambda r: r.update(id=5),
    lambda r: r.update(id=None), lambda r: r.update(id=""), lambda r: r.update(nip="199001012015011001"),
    lambda r: r.update(nip=None), lambda r: r.update(KuadranKinerjaNilai="9"), lambda r: r.update(kuadranKinerjaNilai=""),
    lambda r: r.update(PerilakuKerjaNilai={"a": 1}), lambda r: r.update(unorNama="Dinas \u00e9"),
    lambda r: r.update(bulanMulaiPenilaian="12"), lambda r: r.update(statusPenilai=False),
]
ENVELOPE_MUTATIONS = [
    lambda o: o.update(http_status=500), lambda o: o.update(http_status="200"), lambda o: o.update(http_status=200.0),
    lambda o: o.update(fetched_at="2025-04-03T08:00:00"), lambda o: o.update(fetched_at="2025-04-03T08:00:00+25:00"),
    lambda o: o.update(fetched_at="2025-04-03 08:00:00+08:00"), lambda o: o.update(nip=198001012005011001),
    lambda o: o.update(nip="19800101200501100"), lambda o: o.update(endpoint="rw-other"), lambda o: o.pop("body"),
    lambda o: o.update(body=[]), lambda o: o.update(body={"code": 0, "message": "x"}), lambda o: o.update(body={"code": None}),
    lambda o: o.update(body={"code": "1", "data": {"data": None}}), lambda o: o.update(body={"data": [1, 2]}),
    lambda o: o.update(body={"data": "x"}), lambda o: o.update(body={"code": 1, "data": {"id": "r1", "tahun": "2025"}}),
    lambda o: o.update(body={}), lambda o: o.update(body="x"), lambda o: o.update(body=None),
    lambda o: o.update(body={"code": 1, "data": {}}), lambda o: o.update(body={"code": 1, "data": []}),
    lambda o: o.update(body={"code": 1, "data": {"data": [], "total": 0}}),
]


def _mutate_json(line: str, rng: random.Random) -> str:
    obj = json.loads(line)
    if rng.random() < 0.4:
        rng.choice(ENVELOPE_MUTATIONS)(obj)
    else:
        data = obj["body"].get("data")
        records = data.get("data") if isinstance(data, dict) else data
        if records:
            rng.choice(JSON_MUTATIONS)(rng.choice(records))
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.05:
        text = text[:-1] + ',"nip":"x"}'      # a duplicate key: Python keeps the last
    if rng.random() < 0.03:
        text = text[: len(text) // 2]          # cut off
    return text


@pytest.mark.parametrize("endpoint", ["rw-kinerjaperiodik", "rw-skp22"])
def test_mutated_fetch_lines_bulk_equals_reference(landing, tmp_path, endpoint):
    rng = random.Random(11)
    source = sorted((landing / "siasn" / endpoint).glob("*.jsonl"))[-1]
    lines = source.read_text().splitlines()
    out = [_mutate_json(ln, rng) if rng.random() < 0.6 else ln for ln in lines] + ["", "[]", "{}"]
    path = tmp_path / "fetch.jsonl"
    path.write_text("\n".join(out))     # no final newline: the last line still counts
    ref = assert_fetch_equal(endpoint, source.relative_to(landing).as_posix(), path, chunk_bytes=30_000)
    assert ref.records and ref.rejections and any(r.record_index >= 0 for r in ref.rejections)
    # The chunks parsed by worker processes come back in file order, with the same result.
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert_fetch_equal(endpoint, source.relative_to(landing).as_posix(), path, chunk_bytes=30_000, pool=pool)


def test_line_chunks_number_lines_like_split(tmp_path):
    data = b"a\n\nb\r\n\xffc\nlast"
    path = tmp_path / "f"
    path.write_bytes(data)
    chunks = list(iter_line_chunks(path, chunk_bytes=3))
    lines = [x for c in chunks for x in c.lines.to_pylist()]
    numbers = [int(n) for c in chunks for n in c.line_nos]
    plain = [bool(p) for c in chunks for p in c.plain]
    assert lines == data.split(b"\n") and numbers == [1, 2, 3, 4, 5]
    assert plain == [True, False, False, False, True]     # empty, \r and a non-ASCII byte are not plain


@pytest.mark.parametrize("endpoint", ["rw-kinerjaperiodik", "rw-skp22"])
def test_one_record_id_twice_in_a_response(landing, tmp_path, endpoint):
    """Identical copies are kept (staging keeps one); copies that differ are all rejected, with the NIP and fetch
    time, by both parsers alike; records landed = accepted + rejected."""
    source = sorted((landing / "siasn" / endpoint).glob("*.jsonl"))[-1]
    lines = source.read_bytes().splitlines()
    picked = [i for i, l in enumerate(lines) if json.loads(l)["body"]["data"]][:2]
    for i, differ in zip(picked, (False, True)):
        obj = json.loads(lines[i])
        data = obj["body"]["data"]
        recs = data["data"] if isinstance(data, dict) else data
        copy = dict(recs[0])
        if differ:
            copy["hasilKinerjaNilai"] = "3" if copy.get("hasilKinerjaNilai") != "3" else "1"
        recs.append(copy)
        lines[i] = json.dumps(obj, separators=(",", ":")).encode()
    path = tmp_path / "twice.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    ref = assert_fetch_equal(endpoint, "siasn/x/twice.jsonl", path)
    conflicting = [r for r in ref.rejections if r.field == "id"]
    assert len(conflicting) == 2 and {r.source_line for r in conflicting} == {picked[1] + 1}
    assert all(r.nip == json.loads(lines[picked[1]])["nip"] and r.fetched_at is not None for r in conflicting)
    assert ref.records_landed == len(ref.records) + len([r for r in ref.rejections if r.record_index >= 0])
