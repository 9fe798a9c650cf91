"""Where the landing folder and the warehouse home are: from KINERJA_LANDING / KINERJA_HOME."""
from __future__ import annotations

from pathlib import Path

import dagster as dg


class KinerjaPaths(dg.ConfigurableResource):
    landing: str
    home: str
    documents: str = "all"     # payout files: "all" (CSVs, XLSX, PDFs) or "csv" (national scale)

    @property
    def landing_dir(self) -> Path:
        return Path(self.landing)

    @property
    def home_dir(self) -> Path:
        return Path(self.home)

    @property
    def warehouse(self) -> Path:
        return self.home_dir / "warehouse.duckdb"


def paths_from_env() -> KinerjaPaths:
    repo = Path(__file__).resolve().parents[2]
    return KinerjaPaths(landing=dg.EnvVar("KINERJA_LANDING").get_value(str(repo / ".demo" / "landing")),
                        home=dg.EnvVar("KINERJA_HOME").get_value(str(repo / ".demo" / "home")),
                        documents=dg.EnvVar("KINERJA_DOCUMENTS").get_value("all"))
