"""Which payout files of a home are current: per month, the gate's verdict, the files in force and the earlier
runs' files moved aside when a later gate failed."""
from __future__ import annotations

import json
from pathlib import Path

from .issued import WITHDRAWN, is_issued, issued_record


def payout_status(home: Path) -> list[str]:
    reports = Path(home) / "reports"
    months = sorted(p.name for p in reports.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]") if p.is_dir()) \
        if reports.exists() else []
    if not months:
        return []
    out = ["payout files per month (current = written after the month's last passing gate):"]
    for month in months:
        folder = reports / month
        verdict_path = Path(home) / "quality" / month / "gate.json"
        verdict = json.loads(verdict_path.read_text())["passed"] if verdict_path.exists() else None
        current = sorted(p.name for p in folder.glob("*") if p.name != WITHDRAWN)
        withdrawn = sorted(p.name for p in (folder / WITHDRAWN).glob("*")) if (folder / WITHDRAWN).exists() else []
        gate = {True: "gate passed", False: "gate FAILED", None: "no gate verdict"}[verdict]
        state = f"{len(current)} current" if current and verdict else "none current"
        moved = f"; withdrawn by run(s) {', '.join(w[:8] for w in withdrawn)} -> {folder / WITHDRAWN}" if withdrawn else ""
        if is_issued(home, month):   # locked: the files are the issued ones (a run puts back any that differ)
            record = issued_record(home, month)
            gate, state = f"ISSUED by run {record['issued_by_run'][:8]} (payable Rp {record['payable_amount']:,})", \
                f"{len(current)} as issued"
        out.append(f"  {month}: {gate}, {state} ({', '.join(current) or '-'}){moved}")
    return out
