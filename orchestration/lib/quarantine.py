"""A rejected input row: where it came from, which field, and what a person should do about it."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

FILE_LEVEL_LINE = 0   # a problem with the whole file (empty, unreadable) rather than one row


@dataclass(frozen=True)
class Rejection:
    source: str          # a payroll source (roster, attendance, ...) or a SIASN endpoint (rw-skp22, ...)
    source_file: str     # path relative to the landing folder
    source_line: int     # 1-based physical line; 0 for the whole file
    field: str
    value: str           # the offending value, NIP masked
    message: str
    record_index: int = -1   # for SIASN: which record of the response; -1 when the whole line is rejected
    # whose evidence it was and when it was fetched, as far as the rejected text still tells (None: unknown); the
    # gate uses them to block the months this evidence could have decided (models/marts/fct_evidence_issue.sql)
    nip: str | None = None
    fetched_at: dt.datetime | None = None

    def as_row(self, file_sha256: str) -> dict:
        row = asdict(self)
        row["file_sha256"] = file_sha256
        return row

    def __str__(self) -> str:
        where = self.source_file if self.source_line == FILE_LEVEL_LINE else f"{self.source_file}:{self.source_line}"
        return f"{where} [{self.field}] {self.message}"
