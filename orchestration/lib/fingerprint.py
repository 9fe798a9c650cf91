"""A month's facts fingerprint: the payout may only be rendered from the exact facts the gate validated."""
from __future__ import annotations

import datetime as dt
import hashlib

FACT_COLUMNS = ("nip, period, opd_kode, basis_amount, productivity_amount, discipline_amount, gross_amount, "
                "deferred_amount, released_amount, payable_amount, reasons")


def month_fingerprint(con, period: dt.date) -> str:
    rows = con.execute(f"select {FACT_COLUMNS} from marts.fct_tpp_entitlement where period = ? order by nip",
                       [period]).fetchall()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()
