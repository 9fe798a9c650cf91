"""Each warehouse home has its own Dagster instance (runs, event log, schedule and sensor cursors) under
<home>/dagster, so two homes never mix their runs or materialisations."""
from __future__ import annotations

import re
from pathlib import Path

from .whole_files import write_whole_text

TEMPLATE = Path(__file__).resolve().parents[2] / "dagster.yaml"


def instance_dir(home: Path) -> Path:
    return Path(home).resolve() / "dagster"


def ensure_instance(home: Path) -> Path:
    """Write <home>/dagster/dagster.yaml from the repository's dagster.yaml, its storage under that folder. The
    folder is what DAGSTER_HOME names for `dagster dev`, `dagster job execute` and the daemon on this home."""
    folder = instance_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    text = re.sub(r"base_dir:\s*env: DAGSTER_HOME", f"base_dir: '{folder}'", TEMPLATE.read_text())
    target = folder / "dagster.yaml"
    if not target.exists() or target.read_text() != text:
        write_whole_text(text, target)
    return folder


def open_instance(home: Path):
    import dagster as dg
    return dg.DagsterInstance.from_config(str(ensure_instance(home)))
