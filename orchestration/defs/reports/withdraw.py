"""A month whose gate fails on a re-run keeps no payout files that look current: they are moved aside."""
from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.lib.payout_status import WITHDRAWN


def withdraw_payout_files(month_dir: Path, run_id: str) -> Path | None:
    """Move an earlier run's payout files of the month to `withdrawn/<run_id>/` (kept for the record, never
    deleted); None when there were none."""
    current = [p for p in sorted(Path(month_dir).glob("*")) if p.name != WITHDRAWN] if Path(month_dir).exists() else []
    if not current:
        return None
    target = Path(month_dir) / WITHDRAWN / run_id
    target.mkdir(parents=True, exist_ok=True)
    for path in current:
        shutil.move(str(path), str(target / path.name))
    return target
