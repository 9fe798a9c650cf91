"""What a month's validation returns, importable without GX (the gate runs GX in a worker process)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .suites import CRITICAL


@dataclass
class Failure:
    expectation: str
    column: str
    unexpected_count: int
    samples: list[str]

    def __str__(self) -> str:
        where = f" on {self.column}" if self.column else ""
        sample = f" e.g. {', '.join(self.samples)}" if self.samples else ""
        return f"{self.expectation}{where}: {self.unexpected_count} unexpected{sample}"


@dataclass
class SuiteResult:
    suite: str
    gates: str
    severity: str
    success: bool
    rows: int
    evaluated: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def blocks(self) -> bool:
        return self.severity == CRITICAL and not self.success


@dataclass
class MonthValidation:
    """Every suite's result, and the fingerprint of the facts they were validated on (read in the same
    read-only connection)."""
    results: list[SuiteResult]
    facts_fingerprint: str
