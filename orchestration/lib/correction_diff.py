"""`kinerja diff`: an issued month against its recomputation, formatted from marts.fct_tpp_correction."""
from __future__ import annotations

from pathlib import Path

from .issued import is_issued
from .money import rupiah
from .months import parse_month

COMPONENTS = ("productivity_diff", "discipline_diff", "gross_diff", "deferred_diff", "released_diff")


def render_diff(con, home: Path, month: str) -> str:
    if not is_issued(home, month):
        return f"{month} is not issued: it re-runs freely, there is nothing to correct"
    cur = con.execute("""
        select * from marts.fct_tpp_correction where corrected_period = ?
        order by nip, paid_in_period nulls last, status""", [parse_month(month)])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row)) for row in cur.fetchall()]
    if not rows:
        return f"{month} is issued and its recomputation from the inputs as they stand now gives the same lines"
    out, last = [f"{month} issued against recomputed (marts.fct_tpp_correction):"], None
    for r in rows:
        if r["nip"] != last:
            last = r["nip"]
            parts = ", ".join(f"{c.removesuffix('_diff')} {r[c]:+,}" for c in COMPONENTS if r[c])
            out.append(f"  {r['nip']}: payable {rupiah(r['issued_payable_amount'])} issued -> "
                       f"{rupiah(r['recomputed_payable_amount'])} recomputed ({r['difference_amount']:+,}); "
                       f"{parts or 'no component'}; {', '.join(r['reasons'])}")
            for label, was, now in (("roster", "issued_roster_row", "recomputed_roster_row"),
                                    ("kelas", "issued_kelas_jabatan", "recomputed_kelas_jabatan"),
                                    ("attendance", "issued_attendance_row", "recomputed_attendance_row"),
                                    ("evaluation", "issued_evaluation_record_id", "recomputed_evaluation_record_id"),
                                    ("rules", "issued_rule_ids", "recomputed_rule_ids")):
                a, b = _text(r[was]), _text(r[now])
                if a != b:
                    out.append(f"      {label}: {a} -> {b}")
        if r["status"] == "IN_DEFERRAL":
            out.append(f"      deferred amount {r['deferred_diff']:+,}: paid when the deferral is released "
                       f"(marts.fct_tpp_deferral_ledger pays the recomputed amount), not as a correction")
            continue
        paid_in = r["paid_in_period"]
        where = f"in {paid_in:%Y-%m}" if paid_in is not None else "not yet (no later month pays it)"
        out.append(f"      {r['kind'].lower().replace('_', ' ')} {rupiah(abs(r['amount']))} {r['status']} {where}"
                   + (f" (limit {r['offset_rule_id']})" if r["offset_rule_id"] else ""))
    return "\n".join(out)


def _text(value) -> str:
    if value is None:
        return "-"
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
