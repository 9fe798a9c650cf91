"""`--faults`: one or more rows of each bad-input class, added to an otherwise clean demo city.

Where each fault goes (the tests assert exactly these quarantine rows):
- payroll/roster/<first month>.csv, appended: malformed NIP, NIP with an impossible birth date,
  unknown jenis_pegawai, a non-UTF-8 byte in a name, and a second row for the first person (duplicate NIP,
  so both of that person's rows are quarantined);
- payroll/attendance/<first month>.csv: the first person's tl1 made negative;
- payroll/attendance/<last month>.csv: column psw4 removed (every row of that file quarantined);
- siasn/rw-kinerjaperiodik/<first fetch>.jsonl, appended: a truncated JSON line, an HTTP 500 line, and a
  response whose record has hasilKinerjaNilai 7 (unknown code);
- siasn/rw-skp22/<first fetch>-rerun.jsonl: an empty file.
"""
from __future__ import annotations

import datetime as dt
import json

FIRST_FETCH_PREFIX = "siasn/rw-kinerjaperiodik/"


def _first(files: dict[str, bytes], prefix: str) -> str:
    return sorted(k for k in files if k.startswith(prefix))[0]


def add_faults(files: dict[str, bytes], gen, months: list[dt.date]) -> None:
    first, last = months[0], months[-1]
    roster_key = f"payroll/roster/{first:%Y-%m}.csv"
    lines = files[roster_key].decode().splitlines()
    header, first_row = lines[0], lines[1]
    cols = first_row.split(",")
    def row(nip: str, **over) -> str:
        r = dict(zip(header.split(","), cols))
        r["nip"] = nip
        r.update(over)
        return ",".join(r.values())
    bad = [
        row("19860926ABC5051001"),                                                   # malformed NIP
        row("198613262015051001", tmt="2015-05-01", jenis_pegawai="PNS", golongan="III/a"),  # month 13
        row("198609262015051002", tmt="2015-05-01", jenis_pegawai="HONORER", golongan="III/a"),  # unknown code
        first_row,                                                                    # duplicate NIP
    ]
    extra = "\n".join(bad).encode() + b"\n"
    latin1 = row("198609262015052003", tmt="2015-05-01", jenis_pegawai="PNS", golongan="III/a",
                 nama="JOSE").encode().replace(b"JOSE", b"JOS\xc9")                 # non-UTF-8 (latin-1 É)
    files[roster_key] = files[roster_key] + extra + latin1 + b"\n"

    att_key = f"payroll/attendance/{first:%Y-%m}.csv"
    att = files[att_key].decode().splitlines()
    a = att[2].split(",")
    a[2] = "-2"                                                                       # negative tl1
    att[2] = ",".join(a)
    files[att_key] = ("\n".join(att) + "\n").encode()

    last_key = f"payroll/attendance/{last:%Y-%m}.csv"
    kept = []
    for line in files[last_key].decode().splitlines():
        parts = line.split(",")
        kept.append(",".join(parts[:9] + parts[10:]))                                 # drop psw4 (10th column)
    files[last_key] = ("\n".join(kept) + "\n").encode()

    per_key = _first(files, FIRST_FETCH_PREFIX)
    per_lines = files[per_key].decode().splitlines()
    good = json.loads(per_lines[0])
    truncated = per_lines[1][: len(per_lines[1]) // 2]                               # cut-off response
    http500 = json.dumps({"nip": json.loads(per_lines[2])["nip"], "endpoint": "rw-kinerjaperiodik",
                          "fetched_at": good["fetched_at"], "http_status": 500,
                          "body": {"code": 0, "message": "Internal Server Error"}}, separators=(",", ":"))
    k = next(i for i in range(3, len(per_lines)) if _records(json.loads(per_lines[i])))
    unknown = json.loads(per_lines[k])
    _records(unknown)[0]["hasilKinerjaNilai"] = "7"                                  # unknown rating code
    per_lines[1], per_lines[2], per_lines[k] = truncated, http500, json.dumps(unknown, separators=(",", ":"))
    files[per_key] = ("\n".join(per_lines) + "\n").encode()

    skp_key = _first(files, "siasn/rw-skp22/")
    files[skp_key.replace(".jsonl", "-rerun.jsonl")] = b""                            # empty file


def _records(resp: dict) -> list:
    data = resp["body"]["data"]
    data = data["data"] if isinstance(data, dict) else data
    return data or []
