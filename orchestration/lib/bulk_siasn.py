"""Parse a SIASN fetch file (JSONL) at scale, a chunk of lines at a time, with bounded memory.

Plain lines (printable ASCII, no backslash escapes) are parsed and checked by DuckDB's JSON functions; a line
the SQL does not fully accept (bad JSON, a quirk it does not model, any record it doubts) goes whole to the
reference parser `parse_siasn.parse_line`, which decides and words the quarantine. The SQL is only allowed
to be stricter than the line parser, never looser, so the output equals `parse_fetch_file` exactly
(tests/test_bulk_ingest.py). Duplicate JSON keys are declined: DuckDB reads the first, Python the last.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from .contract import PREDIKAT_CODES, RATING_CODES
from .line_chunks import iter_line_chunks
from .nip import nip_ok_sql
from .parse_siasn import empty_fetch_rejection, parse_line
from .quarantine import Rejection
from .raw_store import schema_without

ENDPOINT_TABLE = {"rw-kinerjaperiodik": "kinerja_periodik", "rw-skp22": "skp_tahunan", "rw-hukdis": "hukdis"}


def data_schema(table: str) -> pa.Schema:
    return schema_without(table, "_source_file", "_file_sha256", "endpoint")


def _distinct_keys(keys: str) -> str:
    return f"len({keys}) = len(list_distinct({keys}))"


def _value(text: str) -> str:
    """A key's JSON text as parse_siasn sees it through str(): strings unquoted (plain lines hold no escapes),
    numbers and literals as written, JSON null and a missing key as SQL NULL."""
    return (f"(case when {text} is null or {text} = 'null' then null "
            f"when left({text}, 1) = '\"' then substr({text}, 2, length({text}) - 2) else {text} end)")


def _is_string(text: str) -> str:
    return f"({text} is null or {text} = 'null' or left({text}, 1) = '\"')"


class _Record:
    """SQL over one record, its keys' JSON texts `e[i]` (one parse), mirroring parse_siasn._pick/_int/_code:
    the same spellings in the same order."""

    def __init__(self):
        self.paths: list[str] = []

    def text(self, key: str) -> str:
        if key not in self.paths:
            self.paths.append(key)
        return f"e[{self.paths.index(key) + 1}]"

    def v(self, key: str) -> str:
        self.text(key)
        return f"v_{self.paths.index(key) + 1}"

    def int_ok(self, key: str, lo: int, hi: int) -> str:
        v = self.v(key)
        return f"(regexp_full_match({v}, '[0-9]{{1,4}}') and try_cast({v} as integer) between {lo} and {hi})"

    def int_value(self, key: str, sql_type: str) -> str:
        return f"try_cast({self.v(key)} as {sql_type})"

    def picked(self, *keys: str) -> str:
        return f"coalesce({', '.join(f'nullif({self.v(k)}, {chr(39)}{chr(39)})' for k in keys)})"

    def code_ok(self, allowed: tuple[int, ...], *keys: str) -> str:
        return f"({self.picked(*keys)} is null or {self.picked(*keys)} in ({', '.join(repr(str(a)) for a in allowed)}))"

    def code_value(self, *keys: str) -> str:
        return f"try_cast({self.picked(*keys)} as tinyint)"

    def string_ok(self, *keys: str) -> str:
        return " and ".join(_is_string(self.text(k)) for k in keys)

    def string_value(self, *keys: str) -> str:
        return f"coalesce({self.picked(*keys)}, '')"


def _periodic_sql() -> str:
    r = _Record()
    start, end = (f"(case when {r.int_ok(y, 2000, 2100)} and {r.int_ok(m, 1, 12)} "
                  f"then make_date({r.int_value(y, 'integer')}, {r.int_value(m, 'integer')}, 1) end)"
                  for y, m in (("tahunMulaiPenilaian", "bulanMulaiPenilaian"), ("tahunSelesaiPenilaian", "bulanSelesaiPenilaian")))
    ok = " and ".join([
        f"({r.text('nip')} is null or (left({r.text('nip')}, 1) = '\"' and {r.v('nip')} = nip))",
        r.int_ok("tahunMulaiPenilaian", 2000, 2100), r.int_ok("tahunSelesaiPenilaian", 2000, 2100),
        r.int_ok("bulanMulaiPenilaian", 1, 12), r.int_ok("bulanSelesaiPenilaian", 1, 12), f"{end} >= {start}",
        r.int_ok("tahun", 2000, 2100),
        r.code_ok(RATING_CODES, "hasilKinerjaNilai"), r.code_ok(RATING_CODES, "perilakuKerjaNilai", "PerilakuKerjaNilai"),
        r.code_ok(PREDIKAT_CODES, "kuadranKinerjaNilai", "KuadranKinerjaNilai"),
        r.string_ok("id", "periodikNama", "penilaiNipNrp", "nipNrpPenilai", "unorId", "unorNama"),
    ])
    cols = ", ".join([
        "nip", f"{r.string_value('id')} as record_id", f"{r.int_value('tahun', 'smallint')} as tahun",
        f"{r.code_value('hasilKinerjaNilai')} as hasil_code",
        f"{r.code_value('perilakuKerjaNilai', 'PerilakuKerjaNilai')} as perilaku_code",
        f"{r.code_value('kuadranKinerjaNilai', 'KuadranKinerjaNilai')} as predikat_code",
        f"{start} as period_start", f"{end} as period_end", f"{r.string_value('periodikNama')} as periodik_nama",
        f"{r.string_value('penilaiNipNrp', 'nipNrpPenilai')} as penilai_nip",
        f"{r.string_value('unorId')} as unor_id", f"{r.string_value('unorNama')} as unor_nama",
    ])
    return _records_sql(r, ok, cols)


def _annual_sql() -> str:
    r = _Record()
    ok = " and ".join([
        r.int_ok("tahun", 2000, 2100),
        r.code_ok(RATING_CODES, "hasilKinerjaNilai"), r.code_ok(RATING_CODES, "PerilakuKerjaNilai", "perilakuKerjaNilai"),
        r.code_ok(PREDIKAT_CODES, "KuadranKinerjaNilai", "kuadranKinerjaNilai"),
        r.string_ok("id", "kuadranKinerja", "nipNrpPenilai", "penilaiNipNrp", "penilaiUnorNm", "statusPenilai"),
    ])
    cols = ", ".join([
        "nip", f"{r.string_value('id')} as record_id", f"{r.int_value('tahun', 'smallint')} as tahun",
        f"{r.code_value('hasilKinerjaNilai')} as hasil_code",
        f"{r.code_value('PerilakuKerjaNilai', 'perilakuKerjaNilai')} as perilaku_code",
        f"{r.code_value('KuadranKinerjaNilai', 'kuadranKinerjaNilai')} as predikat_code",
        f"{r.string_value('kuadranKinerja')} as predikat_nama",
        f"{r.string_value('nipNrpPenilai', 'penilaiNipNrp')} as penilai_nip",
        f"{r.string_value('penilaiUnorNm')} as penilai_unor", f"{r.string_value('statusPenilai')} as status_penilai",
    ])
    return _records_sql(r, ok, cols)


def _records_sql(r: _Record, ok: str, cols: str) -> str:
    """One statement: every record typed, with `ok` saying whether the SQL vouches for it."""
    paths = "[" + ", ".join(f"'$.\"{p}\"'" for p in r.paths) + "]"
    values = ", ".join(f"{_value(f'e[{i}]')} as v_{i}" for i in range(1, len(r.paths) + 1))
    return (f"select {cols}, fetched_at, line_no::integer as _source_line, idx::integer as _record_index, "
            f"coalesce(left(rec, 1) = '{{' and {_distinct_keys('json_keys(rec)')} and {ok}, false) as ok "
            f"from (select *, {values} from "
            f"(select *, json_extract(rec, {paths})::varchar[] as e from "
            "(select line_no, nip, fetched_at, unnest(recs) as rec, unnest(range(len(recs))) as idx from good_lines)))")


def _lines_sql(endpoint: str) -> str:
    """The envelope of each line: its values and the keys of its three objects (line, body, body.data), each
    read in one pass over the line (json_extract / json_keys over a list of paths). Reading body and data
    level by level re-serialised and re-parsed the records at every level (national April periodic file:
    114 s -> 90 s)."""
    env_paths = "['$.nip', '$.endpoint', '$.fetched_at', '$.http_status', '$.body.code', '$.body.data', '$.body.data.data']"
    stamp = "'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-](0[0-9]|1[0-4]):[0-5][0-9]'"
    nip, at = _value("e[1]"), _value("e[3]")
    return f"""
    with parsed as (
        select line_no, json_extract(line, {env_paths})::varchar[] as e,
               json_keys(line, ['$', '$.body', '$.body.data']) as ks, line
        from lines where left(line, 1) = '{{' and json_valid(line)
    ), body as (
        -- the body must be an object: one with keys, or {{}} (json_keys gives [] for both {{}} and a scalar);
        -- when body.data is an object, its records are under body.data.data
        select line_no, e, ks[1] as k, ks[2] as bk, e[5] as code, e[6] as data,
               case when left(e[6], 1) = '{{' then e[7] end as inner_data,
               case when left(e[6], 1) = '{{' then ks[3] end as dk
        from parsed where len(ks[2]) > 0 or json_type(line, '$.body') = 'OBJECT'
    ), valued as (
        select *, {nip} as nip, {at} as fetched_text from body
    ), envelope as (
        select line_no, nip, try_strptime(fetched_text, '%Y-%m-%dT%H:%M:%S%z') as fetched_at,
               coalesce(inner_data, data) as d2,
            coalesce({_distinct_keys('k')} and {_distinct_keys('bk')} and (dk is null or {_distinct_keys('dk')})
              and left(e[1], 1) = '"' and {nip_ok_sql('nip')} and e[2] = '"{endpoint}"'
              and left(e[3], 1) = '"' and regexp_full_match(fetched_text, {stamp})
              and try_strptime(fetched_text, '%Y-%m-%dT%H:%M:%S%z') <= now() and e[4] = '200'
              and (code is null or code in ('1', '"1"')), false) as ok
        from valued
    )
    select line_no, nip, fetched_at, case when d2 is null or d2 = 'null' then []::json[]
                                          when left(d2, 1) = '{{' then [d2] else json_extract(d2, '$[*]') end as recs
    from envelope where ok and (d2 is null or d2 = 'null' or left(d2, 1) in ('{{', '['))
    """


RECORDS_SQL = {"rw-kinerjaperiodik": _periodic_sql, "rw-skp22": _annual_sql}


@dataclass
class ChunkResult:
    responses: pa.Table
    records: pa.Table
    rejections: list[Rejection] = field(default_factory=list)
    records_landed: int = 0
    blank_lines: int = 0     # landed nothing: not responses, not counted as lines


def _sorted(rows: list[pa.Table], keys: list[str]) -> pa.Table:
    return pa.concat_tables(rows).sort_by([(k, "ascending") for k in keys])


def _parse_chunk(con, endpoint: str, rel_path: str, chunk, lines_sql: str, records_sql: str) -> ChunkResult:
    line_nos, plain = chunk.line_nos, chunk.plain
    con.register("lines", pa.table({"line_no": pa.array(line_nos[plain]),
                                    "line": chunk.lines.filter(pa.array(plain)).cast(pa.large_string())}))
    con.execute(f"create or replace temp table good_lines as {lines_sql}")
    con.unregister("lines")
    con.execute(f"create or replace temp table checked as {records_sql}")
    # A line with any record the SQL doubts goes whole to the line parser.
    con.execute("delete from good_lines where line_no in (select _source_line from checked where not ok)")
    # one record id twice in a line: the line parser decides (identical copies kept, differing ones rejected)
    con.execute("delete from good_lines where line_no in (select _source_line from checked "
                "group by _source_line, record_id having count(*) > 1)")
    responses = con.sql("select nip, fetched_at, 200::smallint as http_status, len(recs)::integer as n_records, "
                        "line_no::integer as _source_line from good_lines").to_arrow_table()
    records = con.sql("select * exclude (ok) from checked where _source_line in (select line_no from good_lines)").to_arrow_table()
    accepted = set(responses.column("_source_line").to_pylist())
    py_responses, py_records, rejections, blank = _parse_lines(endpoint, rel_path, chunk,
                                                               sorted(set(line_nos.tolist()) - accepted))
    return _merged(endpoint, [responses, py_responses], [records, py_records], rejections, blank)


def _parse_lines(endpoint: str, rel_path: str, chunk, line_nos: list[int]) -> tuple[pa.Table, pa.Table, list[Rejection], int]:
    """The given lines of a chunk by the reference line parser: (responses, records, rejections, blank lines)."""
    responses, records, rejections, blank = [], [], [], 0
    first = chunk.first_line_no
    for line_no in line_nos:
        response, recs, rejected = parse_line(endpoint, rel_path, line_no, chunk.lines[line_no - first].as_py())
        if response is not None:
            responses.append(response)
        blank += response is None and not rejected
        records.extend(recs)
        rejections.extend(rejected)
    return (pa.Table.from_pylist(responses, schema=data_schema("siasn_response")),
            pa.Table.from_pylist(records, schema=data_schema(ENDPOINT_TABLE[endpoint])), rejections, blank)


def _merged(endpoint: str, responses: list[pa.Table], records: list[pa.Table], rejections: list[Rejection],
            blank_lines: int) -> ChunkResult:
    """The SQL's and the line parser's rows of a chunk, typed as the raw schema and in line order."""
    response_schema, record_schema = data_schema("siasn_response"), data_schema(ENDPOINT_TABLE[endpoint])
    responses = _sorted([t.select(response_schema.names).cast(response_schema) for t in responses], ["_source_line"])
    records = _sorted([t.select(record_schema.names).cast(record_schema) for t in records], ["_source_line", "_record_index"])
    return ChunkResult(responses, records, rejections, int(pa.compute.sum(responses.column("n_records")).as_py() or 0),
                       blank_lines)


def parse_chunk_by_line(endpoint: str, rel_path: str, chunk) -> ChunkResult:
    """Every line of a chunk by the reference parser: on one core this is faster than DuckDB's JSON functions,
    which parse each line several times (20k ASN: 1.5 s against 2.4 s); the SQL pays off in worker processes."""
    responses, records, rejections, blank = _parse_lines(endpoint, rel_path, chunk, chunk.line_nos.tolist())
    return _merged(endpoint, [responses], [records], rejections, blank)


_worker_con: duckdb.DuckDBPyConnection | None = None


def parse_chunk(endpoint: str, rel_path: str, chunk) -> ChunkResult:
    """One chunk in a worker process (one DuckDB connection per process, reused)."""
    global _worker_con
    if _worker_con is None:
        _worker_con = duckdb.connect(config={"threads": 1})
        _worker_con.execute("set enable_progress_bar = false")
    return _parse_chunk(_worker_con, endpoint, rel_path, chunk, _lines_sql(endpoint), RECORDS_SQL[endpoint]())


def iter_fetch_file(endpoint: str, rel_path: str, path: Path, con: duckdb.DuckDBPyConnection | None = None,
                    chunk_bytes: int | None = None, pool: Executor | None = None,
                    in_flight: int = 4, by_line: bool = False) -> Iterator[tuple[int, ChunkResult]]:
    """(lines in the chunk, parsed chunk) for each chunk, in file order; an empty file yields one chunk holding
    its rejection. With a process pool, chunks are parsed in parallel (at most `in_flight` at a time);
    `by_line` parses every line with the reference parser, in this process."""
    kwargs = {"chunk_bytes": chunk_bytes} if chunk_bytes else {}
    empty = True
    if endpoint not in RECORDS_SQL:   # rw-hukdis: few records a response, the line parser decides every line
        pool, by_line = None, True
    if pool is None:
        if by_line:
            parse = partial(parse_chunk_by_line, endpoint, rel_path)
        else:
            con = con or duckdb.connect()
            parse = partial(_parse_chunk, con, endpoint, rel_path, lines_sql=_lines_sql(endpoint),
                            records_sql=RECORDS_SQL[endpoint]())
        for chunk in iter_line_chunks(path, extra_special=b"\\", **kwargs):
            empty = False
            yield len(chunk.lines), parse(chunk)
    else:
        pending: deque = deque()
        for chunk in iter_line_chunks(path, extra_special=b"\\", **kwargs):
            empty = False
            pending.append((len(chunk.lines), pool.submit(parse_chunk, endpoint, rel_path, chunk)))
            if len(pending) >= in_flight:
                n, future = pending.popleft()
                yield n, future.result()
        while pending:
            n, future = pending.popleft()
            yield n, future.result()
    if empty:
        yield 0, ChunkResult(data_schema("siasn_response").empty_table(),
                             data_schema(ENDPOINT_TABLE[endpoint]).empty_table(),
                             [empty_fetch_rejection(endpoint, rel_path)])
