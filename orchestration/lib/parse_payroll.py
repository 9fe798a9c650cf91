"""Parse a payroll CSV (roster, attendance or salary) into typed rows and rejections.

Each physical line is decoded and checked on its own, so one bad byte or one bad value quarantines
that row only; rows landed = rows accepted + rows quarantined.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .contract import (ACTING_COLUMNS, ACTING_KINDS, ATTENDANCE_COLUMNS, ATTENDANCE_COUNT_COLUMNS, GOLONGAN_PNS,
                       GOLONGAN_PPPK, JENIS_JABATAN, JENIS_PEGAWAI, KEDUDUKAN, KELAS_JABATAN, OPTIONAL_COLUMNS,
                       PTKP_STATUS, ROSTER_COLUMNS, ROW_KEYS, SALARY_AMOUNT_COLUMNS, SALARY_COLUMNS, SANCTION_COLUMNS,
                       VIOLATION_COLUMNS)
from .nip import PPPK_TMT_MONTH, mask_nip, nip_error
from .quarantine import FILE_LEVEL_LINE, Rejection

MAX_DAYS_IN_MONTH = 31
MAX_SALARY_AMOUNT = 10**12   # rupiah a month: a larger figure is a unit or export error (sen, a concatenated cell)


@dataclass
class ParsedFile:
    rows: list[dict] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    lines_landed: int = 0    # data lines (header excluded)

    @property
    def rows_quarantined(self) -> int:
        return len({r.source_line for r in self.rejections if r.source_line != FILE_LEVEL_LINE})


class RowError(Exception):
    def __init__(self, field: str, value: str, message: str):
        super().__init__(message)
        self.field, self.value, self.message = field, value, message


def _split_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _int(row: dict, name: str, lo: int | None = None, hi: int | None = None) -> int:
    raw = row[name].strip()
    try:
        value = int(raw)
    except ValueError:
        raise RowError(name, raw, f"{name} must be a whole number, got {raw!r}") from None
    if lo is not None and value < lo:
        raise RowError(name, raw, f"{name} must be >= {lo}, got {value}")
    if hi is not None and value > hi:
        raise RowError(name, raw, f"{name} must be <= {hi}, got {value}")
    return value


def _code(row: dict, name: str, allowed: tuple[str, ...]) -> str:
    raw = row[name].strip()
    if raw not in allowed:
        raise RowError(name, raw, f"unknown {name} {raw!r}; expected one of {', '.join(allowed)}")
    return raw


def _date(row: dict, name: str, optional: bool = False) -> dt.date | None:
    raw = (row.get(name) or "").strip()
    if optional and not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RowError(name, raw, f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None


def _text(row: dict, name: str) -> str:
    value = row[name].strip()
    if not value:
        raise RowError(name, "", f"{name} is empty")
    return value


def _nip(row: dict, jenis_pegawai: str | None = None) -> str:
    nip = row["nip"].strip()
    problem = nip_error(nip, jenis_pegawai)
    if problem:
        raise RowError("nip", mask_nip(nip), problem)
    return nip


def _roster_row(row: dict) -> dict:
    jenis = _code(row, "jenis_pegawai", JENIS_PEGAWAI)
    nip = _nip(row, jenis)
    kedudukan = _code(row, "kedudukan", KEDUDUKAN)
    golongan = row["golongan"].strip()
    allowed_gol = GOLONGAN_PPPK if jenis == "PPPK" else GOLONGAN_PNS
    if golongan not in allowed_gol:
        raise RowError("golongan", golongan, f"golongan {golongan!r} is not a {jenis} golongan "
                       f"({allowed_gol[0]}..{allowed_gol[-1]})")
    jenis_jabatan = _code(row, "jenis_jabatan", JENIS_JABATAN)
    kelas = _int(row, "kelas_jabatan", KELAS_JABATAN.start, KELAS_JABATAN.stop - 1)
    tmt_raw = row["tmt"].strip()
    try:
        tmt = dt.date.fromisoformat(tmt_raw)
    except ValueError:
        raise RowError("tmt", tmt_raw, f"tmt must be a date YYYY-MM-DD, got {tmt_raw!r}") from None
    nip_tmt_month = nip[12:14]
    if int(nip[8:12]) != tmt.year or (nip_tmt_month != PPPK_TMT_MONTH and int(nip_tmt_month) != tmt.month):
        raise RowError("tmt", tmt_raw, f"tmt {tmt_raw} disagrees with the TMT {nip[8:14]} in NIP {mask_nip(nip)}")
    for name in ("nama", "jabatan", "opd_kode", "opd_nama"):
        if not row[name].strip():
            raise RowError(name, "", f"{name} is empty")
    rekening = row["rekening"].strip()
    if not rekening.isdigit():
        raise RowError("rekening", "****", "rekening must be digits only")
    tmt_jabatan = _date(row, "tmt_jabatan", optional=True)   # when the position held this month began
    if tmt_jabatan is not None and tmt_jabatan < tmt:
        raise RowError("tmt_jabatan", str(tmt_jabatan), f"tmt_jabatan {tmt_jabatan} is before the service start tmt {tmt}")
    return {
        "nip": nip, "nama": row["nama"].strip(), "jenis_pegawai": jenis, "kedudukan": kedudukan,
        "golongan": golongan, "jabatan": row["jabatan"].strip(), "jenis_jabatan": jenis_jabatan,
        "kelas_jabatan": kelas, "opd_kode": row["opd_kode"].strip(), "opd_nama": row["opd_nama"].strip(),
        "tmt": tmt, "rekening": rekening, "tmt_jabatan": tmt_jabatan,
    }


def _attendance_row(row: dict) -> dict:
    out = {"nip": _nip(row), "hari_kerja": _int(row, "hari_kerja", 0, MAX_DAYS_IN_MONTH)}
    for name in ATTENDANCE_COUNT_COLUMNS:
        out[name] = _int(row, name, 0, MAX_DAYS_IN_MONTH)   # one event per band and day at most
    return out


def _salary_row(row: dict) -> dict:
    out = {"nip": _nip(row), "ptkp_status": _code(row, "ptkp_status", PTKP_STATUS)}
    for name in SALARY_AMOUNT_COLUMNS:
        out[name] = _int(row, name, 0, MAX_SALARY_AMOUNT)
    for taken, base in (("pph21_gaji", "gaji_bruto"), ("jkn_employee_gaji", "jkn_base_gaji")):
        if out[taken] > out[base]:
            raise RowError(taken, row[taken].strip(), f"{taken} is more than {base}, the income it is taken from")
    return out


def _sanction_row(row: dict) -> dict:
    out = {"nip": _nip(row), "jenis_hukuman_id": _text(row, "jenis_hukuman_id"), "tmt_hukuman": _date(row, "tmt_hukuman"),
           "sk_nomor": _text(row, "sk_nomor"), "sk_tanggal": _date(row, "sk_tanggal")}
    if out["tmt_hukuman"] < out["sk_tanggal"]:   # a sanction takes effect after its decree (PP 94/2021 art. 41)
        raise RowError("tmt_hukuman", str(out["tmt_hukuman"]),
                       f"tmt_hukuman {out['tmt_hukuman']} is before the decree's date sk_tanggal {out['sk_tanggal']}")
    return out


def _violation_row(row: dict) -> dict:
    return {"nip": _nip(row), "tanggal": _date(row, "tanggal"), "referensi": _text(row, "referensi")}


def _acting_row(row: dict) -> dict:
    out = {"nip": _nip(row), "jenis_plt": _code(row, "jenis_plt", ACTING_KINDS), "jabatan": _text(row, "jabatan"),
           "kelas_jabatan": _int(row, "kelas_jabatan", KELAS_JABATAN.start, KELAS_JABATAN.stop - 1),
           "opd_kode": _text(row, "opd_kode"), "tmt_mulai": _date(row, "tmt_mulai"),
           "tmt_selesai": _date(row, "tmt_selesai", optional=True), "sk_nomor": _text(row, "sk_nomor")}
    if out["tmt_selesai"] is not None and out["tmt_selesai"] < out["tmt_mulai"]:
        raise RowError("tmt_selesai", str(out["tmt_selesai"]),
                       f"tmt_selesai {out['tmt_selesai']} is before tmt_mulai {out['tmt_mulai']}")
    return out


PARSERS = {"roster": (ROSTER_COLUMNS, _roster_row), "attendance": (ATTENDANCE_COLUMNS, _attendance_row),
           "salary": (SALARY_COLUMNS, _salary_row), "sanctions": (SANCTION_COLUMNS, _sanction_row),
           "violations": (VIOLATION_COLUMNS, _violation_row), "acting": (ACTING_COLUMNS, _acting_row)}


def row_key(source: str, row: dict) -> tuple:
    return tuple(row[c] for c in ROW_KEYS.get(source, ("nip",)))


def read_header(rel_path: str, first_line: bytes) -> list[str]:
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig")]))
    except UnicodeDecodeError:
        header = []
    return [h.strip() for h in header]


def missing_columns(source: str, header: list[str]) -> list[str]:
    optional = OPTIONAL_COLUMNS.get(source, ())
    return [c for c in PARSERS[source][0] if c not in header and c not in optional]


def missing_column_rejections(source: str, rel_path: str, missing: list[str], line_nos: list[int]) -> list[Rejection]:
    columns = PARSERS[source][0]
    out = [Rejection(source, rel_path, line_no, missing[0], "",
                     f"column(s) {', '.join(missing)} missing from the header of {rel_path}; "
                     f"re-export it with the columns {','.join(columns)}")
           for line_no in line_nos]
    if not line_nos:
        out.append(Rejection(source, rel_path, FILE_LEVEL_LINE, missing[0], "",
                             f"header lacks column(s) {', '.join(missing)}"))
    return out


def empty_file_rejection(source: str, rel_path: str) -> Rejection:
    return Rejection(source, rel_path, FILE_LEVEL_LINE, "(file)", "",
                     "file is empty (no header, no rows); ask payroll to re-deliver it")


def is_blank(raw: bytes) -> bool:
    """An empty line, or one of only separators and spaces (a spreadsheet's emptied rows): not a row."""
    return not raw.replace(b",", b"").replace(b'"', b"").strip()


def parse_line(source: str, rel_path: str, header: list[str], line_no: int, raw: bytes) -> dict | Rejection | None:
    """One physical data line (without its newline): the typed row, why it is quarantined, or None when blank."""
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if is_blank(raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(source, rel_path, line_no, "(encoding)", f"0x{raw[exc.start]:02X}",
                         f"byte 0x{raw[exc.start]:02X} at position {exc.start + 1} is not UTF-8; "
                         f"re-export {rel_path} as UTF-8")
    values = next(csv.reader([text]), [])
    if len(values) != len(header):
        return Rejection(source, rel_path, line_no, "(row)", "", f"row has {len(values)} values, header has {len(header)}")
    try:
        return PARSERS[source][1](dict(zip(header, values)))   # an optional column absent: row.get gives None
    except RowError as err:
        return Rejection(source, rel_path, line_no, err.field, err.value, err.message)


def duplicate_rejection(source: str, rel_path: str, line_no: int, nip: str, lines: list[int]) -> Rejection:
    # Which copy is right cannot be known here: none is paid until payroll re-delivers one.
    key = ROW_KEYS.get(source, ("nip",))
    what = "one row per person" if key == ("nip",) else f"one row per {' + '.join(key)}"
    same = "" if key == ("nip",) else f" with the same {', '.join(key[1:])}"
    return Rejection(source, rel_path, line_no, "nip", mask_nip(nip),
                     f"NIP {mask_nip(nip)} appears on lines {', '.join(map(str, lines))}{same}; "
                     f"keep {what} and re-deliver")


def parse_payroll_csv(source: str, rel_path: str, data: bytes) -> ParsedFile:
    """The reference parser, a line at a time; `bulk_payroll` gives the same result vectorised."""
    out = ParsedFile()
    lines = _split_lines(data)
    if not lines:
        out.rejections.append(empty_file_rejection(source, rel_path))
        return out
    header = read_header(rel_path, lines[0])
    out.lines_landed = sum(not is_blank(raw) for raw in lines[1:])
    missing = missing_columns(source, header)
    if missing:
        data_lines = [n for n, raw in enumerate(lines[1:], start=2) if not is_blank(raw)]
        out.rejections.extend(missing_column_rejections(source, rel_path, missing, data_lines))
        return out
    parsed: list[tuple[int, dict]] = []
    for line_no, raw in enumerate(lines[1:], start=2):
        result = parse_line(source, rel_path, header, line_no, raw)
        if isinstance(result, Rejection):
            out.rejections.append(result)
        elif result is not None:
            parsed.append((line_no, result))
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for line_no, row in parsed:
        by_key[row_key(source, row)].append(line_no)
    for line_no, row in parsed:
        seen = by_key[row_key(source, row)]
        if len(seen) > 1:
            out.rejections.append(duplicate_rejection(source, rel_path, line_no, row["nip"], seen))
        else:
            out.rows.append({**row, "_source_line": line_no})
    return out
