"""NIP (Nomor Induk Pegawai): 18 digits = birth date YYYYMMDD, TMT YYYYMM, gender 1/2, sequence NNN.

PPPK numbers may carry `21` in place of the TMT month (DOMAIN.md section 4), so the month is only
checked as a month for PNS/CPNS; the NIP is cross-checked with the roster columns, never trusted alone.
"""
from __future__ import annotations

import datetime as dt
import re

NIP_PATTERN = re.compile(r"^\d{18}$")
PPPK_TMT_MONTH = "21"


def nip_error(nip: str, jenis_pegawai: str | None = None) -> str | None:
    """Return why `nip` is not a valid NIP, or None when it is."""
    if not NIP_PATTERN.match(nip or ""):
        return f"NIP {mask_nip(nip)!s} must be exactly 18 digits (got {len(nip or '')} characters)"
    try:
        dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return f"NIP {mask_nip(nip)} has an impossible birth date {nip[0:8]} in digits 1-8"
    tmt_year, tmt_month = int(nip[8:12]), nip[12:14]
    if not 1950 <= tmt_year <= 2100:
        return f"NIP {mask_nip(nip)} has an impossible TMT year {tmt_year} in digits 9-12"
    month_ok = 1 <= int(tmt_month) <= 12
    if not month_ok and not (tmt_month == PPPK_TMT_MONTH and jenis_pegawai in (None, "PPPK")):
        return f"NIP {mask_nip(nip)} has an impossible TMT month {tmt_month} in digits 13-14"
    if tmt_year < int(nip[0:4]) + 15:
        return f"NIP {mask_nip(nip)} has a TMT year {tmt_year} before the holder could work (born {nip[0:4]})"
    if nip[14] not in "12":
        return f"NIP {mask_nip(nip)} has gender digit {nip[14]} (digit 15 must be 1 or 2)"
    return None


def mask_nip(nip: str | None) -> str:
    """Logs and shareable reports show a NIP only as its first 4 and last 3 characters."""
    if not nip:
        return "<empty>"
    if len(nip) <= 7:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 7) + nip[-3:]


def birth_date(nip: str) -> dt.date:
    return dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))


def tmt_year_month(nip: str) -> tuple[int, str]:
    return int(nip[8:12]), nip[12:14]


def mask_nip_sql(nip: str) -> str:
    """`mask_nip` in DuckDB, for batches whose keys are shown outside the warehouse."""
    return f"(left({nip}, 4) || repeat('*', greatest(length({nip}) - 7, 0)) || right({nip}, 3))"


def nip_ok_sql(nip: str, jenis_pegawai: str | None = None) -> str:
    """A DuckDB predicate that holds only where `nip_error` finds nothing (it may be stricter: such rows
    go to the line parser, which decides). `nip` and `jenis_pegawai` are SQL expressions."""
    year, month = f"try_cast(substr({nip}, 9, 4) as integer)", f"substr({nip}, 13, 2)"
    pppk_month = f"{month} = '{PPPK_TMT_MONTH}'" + (f" and {jenis_pegawai} = 'PPPK'" if jenis_pegawai else "")
    return (f"(regexp_full_match({nip}, '[0-9]{{18}}')"
            f" and try_cast(substr({nip}, 1, 4) || '-' || substr({nip}, 5, 2) || '-' || substr({nip}, 7, 2) as date) is not null"
            f" and try_cast(substr({nip}, 1, 4) as integer) between 1900 and 2100"
            f" and {year} between 1950 and 2100"
            f" and ({month} between '01' and '12' or ({pppk_month}))"
            f" and {year} >= try_cast(substr({nip}, 1, 4) as integer) + 15"
            f" and substr({nip}, 15, 1) in ('1', '2'))")
