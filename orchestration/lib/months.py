"""Month arithmetic for YYYY-MM partition keys."""
from __future__ import annotations

import datetime as dt


def parse_month(text: str) -> dt.date:
    try:
        year, month = text.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"month must be YYYY-MM, got {text!r}") from None


def month_key(m: dt.date) -> str:
    return f"{m:%Y-%m}"


def next_month(m: dt.date) -> dt.date:
    return dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        raise ValueError(f"--to {month_key(end)} is before --from {month_key(start)}")
    out, m = [], start
    while m <= end:
        out.append(m)
        m = next_month(m)
    return out
