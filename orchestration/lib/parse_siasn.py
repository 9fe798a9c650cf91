"""Parse SIASN fetch files (JSONL, one API response per line) into typed records and rejections.

The API's quirks are normalised here and nowhere else: records under `data` or `data.data`,
`{"code": 1, "data": null}` for none, numbers as strings, DD-MM-YYYY dates, and rw-skp22's capitalised
`PerilakuKerjaNilai` / `KuadranKinerjaNilai`. A line is the unit landed; a line that parses but holds a
bad record keeps its good records and quarantines the bad one (with its index in the message).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from .contract import PREDIKAT_CODES, RATING_CODES
from .nip import mask_nip, nip_error
from .quarantine import FILE_LEVEL_LINE, Rejection


@dataclass
class ParsedFetch:
    responses: list[dict] = field(default_factory=list)   # one per accepted line
    records: list[dict] = field(default_factory=list)     # one per accepted record
    rejections: list[Rejection] = field(default_factory=list)
    lines_landed: int = 0
    records_landed: int = 0   # records inside accepted lines

    @property
    def lines_quarantined(self) -> int:
        return sum(r.record_index < 0 and r.source_line != FILE_LEVEL_LINE for r in self.rejections)

    @property
    def records_quarantined(self) -> int:
        return sum(r.record_index >= 0 for r in self.rejections)


class LineError(Exception):
    def __init__(self, field: str, value: str, message: str):
        super().__init__(message)
        self.field, self.value, self.message = field, value, message


def unwrap_records(body) -> list[dict]:
    """The records of a response body, whatever envelope it came in."""
    if not isinstance(body, dict):
        raise LineError("body", type(body).__name__, "body is not a JSON object")
    data = body.get("data")
    if isinstance(data, dict) and "data" in data:
        data = data["data"]
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return data
    raise LineError("body.data", type(data).__name__, "body.data is neither a record, a list of records nor null")


def _pick(record: dict, *names: str):
    """First present key among spellings (rw-skp22 capitalises some keys in GET responses)."""
    for name in names:
        if name in record and record[name] not in (None, ""):
            return record[name]
    return None


def _code(record: dict, allowed: tuple[int, ...], *names: str) -> int | None:
    raw = _pick(record, *names)
    if raw is None:
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise LineError(names[0], str(raw), f"{names[0]} must be a number, got {raw!r}") from None
    if value not in allowed:
        raise LineError(names[0], str(raw), f"unknown {names[0]} {value}; expected one of {allowed}")
    return value


def _int(record: dict, name: str, lo: int, hi: int) -> int:
    raw = _pick(record, name)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise LineError(name, str(raw), f"{name} must be a number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise LineError(name, str(raw), f"{name} must be between {lo} and {hi}, got {value}")
    return value


def parse_fetched_at(raw) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise LineError("fetched_at", str(raw), f"fetched_at must be ISO 8601 with offset, got {raw!r}") from None
    if value.tzinfo is None:
        raise LineError("fetched_at", str(raw), "fetched_at has no UTC offset; cannot compare with the payroll cutoff")
    return value.astimezone(dt.timezone.utc)


def _periodic(rec: dict, nip: str) -> dict:
    rec_nip = str(_pick(rec, "nip") or nip)
    if rec_nip != nip:
        raise LineError("nip", mask_nip(rec_nip), f"record NIP {mask_nip(rec_nip)} differs from the fetched NIP {mask_nip(nip)}")
    y0, y1 = _int(rec, "tahunMulaiPenilaian", 2000, 2100), _int(rec, "tahunSelesaiPenilaian", 2000, 2100)
    m0, m1 = _int(rec, "bulanMulaiPenilaian", 1, 12), _int(rec, "bulanSelesaiPenilaian", 1, 12)
    start, end = dt.date(y0, m0, 1), dt.date(y1, m1, 1)
    if end < start:
        raise LineError("bulanSelesaiPenilaian", str(m1), f"evaluation ends {end:%Y-%m} before it starts {start:%Y-%m}")
    return {
        "record_id": str(_pick(rec, "id") or ""),
        "tahun": _int(rec, "tahun", 2000, 2100),
        "hasil_code": _code(rec, RATING_CODES, "hasilKinerjaNilai"),
        "perilaku_code": _code(rec, RATING_CODES, "perilakuKerjaNilai", "PerilakuKerjaNilai"),
        "predikat_code": _code(rec, PREDIKAT_CODES, "kuadranKinerjaNilai", "KuadranKinerjaNilai"),
        "period_start": start,
        "period_end": end,
        "periodik_nama": str(_pick(rec, "periodikNama") or ""),
        "penilai_nip": str(_pick(rec, "penilaiNipNrp", "nipNrpPenilai") or ""),
        "unor_id": str(_pick(rec, "unorId") or ""),
        "unor_nama": str(_pick(rec, "unorNama") or ""),
    }


def _annual(rec: dict, nip: str) -> dict:
    return {
        "record_id": str(_pick(rec, "id") or ""),
        "tahun": _int(rec, "tahun", 2000, 2100),
        "hasil_code": _code(rec, RATING_CODES, "hasilKinerjaNilai"),
        "perilaku_code": _code(rec, RATING_CODES, "PerilakuKerjaNilai", "perilakuKerjaNilai"),
        "predikat_code": _code(rec, PREDIKAT_CODES, "KuadranKinerjaNilai", "kuadranKinerjaNilai"),
        "predikat_nama": str(_pick(rec, "kuadranKinerja") or ""),
        "penilai_nip": str(_pick(rec, "nipNrpPenilai", "penilaiNipNrp") or ""),
        "penilai_unor": str(_pick(rec, "penilaiUnorNm") or ""),
        "status_penilai": str(_pick(rec, "statusPenilai") or ""),
    }


def _siasn_date(rec: dict, name: str, optional: bool = False) -> dt.date | None:
    """SIASN writes dates DD-MM-YYYY; an ISO date is read too."""
    raw = _pick(rec, name)
    if raw is None:
        if optional:
            return None
        raise LineError(name, "", f"{name} is missing")
    text = str(raw).strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise LineError(name, text, f"{name} must be a date DD-MM-YYYY, got {raw!r}")


def _hukdis(rec: dict, nip: str) -> dict:
    """A disciplinary sanction (/pns/rw-hukdis): field names as SIASN's hukdis records carry them."""
    jenis = _pick(rec, "jenisHukumanId")
    if jenis is None:
        raise LineError("jenisHukumanId", "", "jenisHukumanId is missing: the sanction's type decides its TPP cut")
    sk_nomor = _pick(rec, "skNomor")
    if sk_nomor is None:
        raise LineError("skNomor", "", "skNomor is missing: the decree number identifies the sanction")
    masa = _pick(rec, "masaBulan")
    return {
        "record_id": str(_pick(rec, "id") or ""),
        "jenis_hukuman_id": str(jenis).strip(),
        "tingkat_hukuman_id": str(_pick(rec, "jenisTingkatHukumanId") or ""),
        "tmt_hukuman": _siasn_date(rec, "hukumanTanggal"),
        "akhir_hukuman": _siasn_date(rec, "akhirHukumanTanggal", optional=True),
        "masa_bulan": None if masa is None else _int(rec, "masaBulan", 0, 120),
        "sk_nomor": str(sk_nomor).strip(),
        "sk_tanggal": _siasn_date(rec, "skTanggal", optional=True),
        "sk_pembatalan_nomor": str(_pick(rec, "skPembatalanNomor") or ""),   # an annulled sanction cuts nothing
    }


RECORD_PARSERS = {"rw-kinerjaperiodik": _periodic, "rw-skp22": _annual, "rw-hukdis": _hukdis}


def _envelope(line: str, endpoint: str) -> tuple[str, dt.datetime, object]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError("(json)", line[-40:], f"line is not valid JSON ({exc.msg} at column {exc.colno}); "
                        "the fetch was cut off: re-fetch this NIP") from None
    if not isinstance(obj, dict):
        raise LineError("(json)", "", "line is not a JSON object")
    for key in ("nip", "endpoint", "fetched_at", "http_status", "body"):
        if key not in obj:
            raise LineError(key, "", f"line has no {key!r} key")
    nip = str(obj["nip"])
    problem = nip_error(nip)
    if problem:
        raise LineError("nip", mask_nip(nip), problem)
    if obj["endpoint"] != endpoint:
        raise LineError("endpoint", str(obj["endpoint"]), f"line says endpoint {obj['endpoint']!r} but sits in the {endpoint} folder")
    fetched_at = parse_fetched_at(obj["fetched_at"])
    if fetched_at > dt.datetime.now(dt.timezone.utc):
        raise LineError("fetched_at", str(obj["fetched_at"]),
                        f"fetched_at {obj['fetched_at']} is later than this ingest: the fetching machine's clock or "
                        "the file is wrong; re-fetch this NIP")
    if obj["http_status"] != 200:
        raise LineError("http_status", str(obj["http_status"]),
                        f"SIASN answered HTTP {obj['http_status']} for NIP {mask_nip(nip)} at {obj['fetched_at']}; "
                        "re-fetch this NIP")
    body = obj["body"]
    if isinstance(body, dict) and str(body.get("code", "1")) not in ("1",):
        raise LineError("body.code", str(body.get("code")), f"SIASN returned code {body.get('code')}: {body.get('message', '')}")
    return nip, fetched_at, body


def empty_fetch_rejection(endpoint: str, rel_path: str) -> Rejection:
    return Rejection(endpoint, rel_path, FILE_LEVEL_LINE, "(file)", "",
                     "file is empty: the fetch run wrote nothing; re-run it")


BOM = b"\xef\xbb\xbf"
_NIP_TEXT = re.compile(r'"nip"\s*:\s*"(\d{18})"')
_FETCHED_AT_TEXT = re.compile(r'"fetched_at"\s*:\s*"([^"]{10,40})"')


def is_blank(raw: bytes) -> bool:
    """An empty or whitespace-only line (a trailing blank line, CRLF leftovers): not a response, not counted."""
    return not raw.strip()


def _whose(text: str) -> tuple[str | None, dt.datetime | None]:
    """The NIP and fetch time a rejected line still shows (a cut-off line keeps its start), else None."""
    nip = _NIP_TEXT.search(text)
    at = _FETCHED_AT_TEXT.search(text)
    try:
        fetched_at = parse_fetched_at(at.group(1)) if at else None
    except LineError:
        fetched_at = None
    return (nip.group(1) if nip and not nip_error(nip.group(1)) else None), fetched_at


def parse_line(endpoint: str, rel_path: str, line_no: int, raw: bytes) -> tuple[dict | None, list[dict], list[Rejection]]:
    """One API response line: (response row or None when the line is quarantined or blank, its good records,
    rejections). A blank line gives (None, [], [])."""
    if line_no == 1 and raw.startswith(BOM):   # a byte-order mark written by an editor or a Windows tool
        raw = raw[len(BOM):]
    if is_blank(raw):
        return None, [], []
    text = ""
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = raw.decode("utf-8", errors="replace")   # still shows whose line it was
            raise LineError("(encoding)", f"0x{raw[exc.start]:02X}",
                            f"byte 0x{raw[exc.start]:02X} at position {exc.start + 1} is not UTF-8") from None
        nip, fetched_at, body = _envelope(text, endpoint)
        records = unwrap_records(body)
    except LineError as err:
        nip, fetched_at = _whose(text)
        if err.field == "fetched_at":   # the time is what is wrong: the gate dates the line by the rest of its file
            fetched_at = None
        return None, [], [Rejection(endpoint, rel_path, line_no, err.field, err.value, err.message, nip=nip,
                                    fetched_at=fetched_at)]
    response = {"nip": nip, "fetched_at": fetched_at, "http_status": 200, "n_records": len(records),
                "_source_line": line_no}
    good, rejections = [], []
    for index, rec in enumerate(records):
        try:
            parsed = RECORD_PARSERS[endpoint](rec, nip)
        except LineError as err:
            rejections.append(Rejection(endpoint, rel_path, line_no, err.field, err.value,
                                        f"record {index} of the response: {err.message}", index, nip, fetched_at))
            continue
        good.append({"nip": nip, **parsed, "fetched_at": fetched_at, "_source_line": line_no, "_record_index": index})
    return response, *_without_conflicting_copies(endpoint, rel_path, line_no, nip, fetched_at, good, rejections)


def _without_conflicting_copies(endpoint, rel_path, line_no, nip, fetched_at, good, rejections):
    """One record id twice in one response with different contents (DOMAIN.md 3.4: a data-quality error): which
    copy is right cannot be known, so every copy is rejected. Identical copies stay (staging keeps one)."""
    copies: dict[str, list[dict]] = {}
    for rec in good:
        copies.setdefault(rec["record_id"], []).append(rec)
    conflicting = {rid for rid, recs in copies.items()
                   if len({tuple((k, v) for k, v in r.items() if k != "_record_index") for r in recs}) > 1}
    if not conflicting:
        return good, rejections
    for rec in good:
        if rec["record_id"] in conflicting:
            indexes = ", ".join(str(r["_record_index"]) for r in copies[rec["record_id"]])
            rejections.append(Rejection(endpoint, rel_path, line_no, "id", rec["record_id"],
                                        f"record {rec['_record_index']} of the response: record id {rec['record_id']} "
                                        f"comes as records {indexes} with different contents; re-fetch this NIP",
                                        rec["_record_index"], nip, fetched_at))
    rejections.sort(key=lambda r: r.record_index)
    return [r for r in good if r["record_id"] not in conflicting], rejections


def parse_fetch_file(endpoint: str, rel_path: str, data: bytes) -> ParsedFetch:
    """The reference parser, a line at a time; `bulk_siasn` gives the same result vectorised."""
    out = ParsedFetch()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line_no, raw in enumerate(lines, start=1):
        response, records, rejections = parse_line(endpoint, rel_path, line_no, raw)
        out.lines_landed += response is not None or bool(rejections)
        if response is not None:
            out.responses.append(response)
            out.records_landed += response["n_records"]
        out.records.extend(records)
        out.rejections.extend(rejections)
    if not out.lines_landed:
        out.rejections.append(empty_fetch_rejection(endpoint, rel_path))
    return out
