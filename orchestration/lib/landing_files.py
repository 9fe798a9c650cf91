"""Every file in a landing folder that the landing contract does not know, and why: it is read by nobody, so
the run says so instead of skipping it without a word."""
from __future__ import annotations

import json
from pathlib import Path

from .contract import MONTH_FILE, PAYROLL_SOURCES, SIASN_ENDPOINTS
from .whole_files import write_whole_text


def _why_ignored(rel: Path) -> str | None:
    parts = rel.parts
    if len(parts) == 3 and parts[0] == "siasn" and parts[1] in SIASN_ENDPOINTS:
        if rel.name.endswith(".jsonl.part"):
            return "an unfinished fetch: run `kinerja fetch` again with the same --name to finish it"
        return None if rel.suffix == ".jsonl" else "a fetch file must end in .jsonl"
    if len(parts) == 3 and parts[0] == "payroll" and parts[1] in PAYROLL_SOURCES:
        match = MONTH_FILE.match(parts[2])
        if not match:
            return "a payroll file must be named YYYY-MM.csv"
        if not 1 <= int(match.group(2)) <= 12:
            return f"month {match.group(2)} does not exist"
        return None
    return "not a place the landing contract reads (siasn/<endpoint>/*.jsonl, payroll/<roster|attendance|salary>/YYYY-MM.csv)"


def ignored_files(landing: Path) -> list[tuple[str, str]]:
    """(path relative to the landing folder, reason) for every file no ingest reads, in a stable order."""
    root = Path(landing)
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        reason = _why_ignored(rel)
        if reason:
            out.append((rel.as_posix(), reason))
    return out


def ignored_files_path(home: Path) -> Path:
    return Path(home) / "raw" / "ignored_files.json"


def record_ignored(home: Path, ignored: list[tuple[str, str]]) -> None:
    """The landing's ignored files as of the last ingest; the audit row of each run copies them."""
    path = ignored_files_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole_text(json.dumps([{"file": rel, "reason": why} for rel, why in ignored], indent=1) + "\n", path)


def read_ignored(home: Path) -> list[dict]:
    path = ignored_files_path(home)
    return json.loads(path.read_text()) if path.exists() else []
