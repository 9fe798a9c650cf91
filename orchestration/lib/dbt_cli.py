"""Where dbt is, and each warehouse home's dbt parse state. Importing this module is cheap (no dagster-dbt)."""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PARTIAL_PARSE = "partial_parse.msgpack"
PROFILE = "kinerja_tpp"   # dbt_project/profiles.yml
# written by `make manifest` (dbt parse of the project); no model's parse depends on the home (the sources read
# through main.home_parquet), so only the profile, which names the home's warehouse, differs from a home's own
PROJECT_PARSE_STATE = DBT_PROJECT_DIR / "target" / PARTIAL_PARSE
# where dbt (1.11) keeps the profile's hash in that msgpack: {"profile_hash": {"name": "sha256", "checksum": ...}}
PROFILE_HASH = re.compile(rb"\xacprofile_hash\x82\xa4name\xa6sha256\xa8checksum\xd9\x40([0-9a-f]{64})")


def dbt_executable() -> str:
    """dbt from this venv, so it works when the venv is not on PATH (make, CI, cron, `dagster dev`'s code
    server, whose sys.executable may be the resolved base interpreter rather than the venv's)."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin", DBT_PROJECT_DIR.parent / ".venv" / "bin"):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


def kept_partial_parse(home: Path) -> Path:
    """dbt's partial-parse state, kept per warehouse home: dbt re-parses the whole project when the profile (which
    holds the warehouse path) differs from the one the state was written with."""
    return home / "dbt" / PARTIAL_PARSE


def _kept_for(home: Path) -> Path:
    return home / "dbt" / "partial_parse.home"   # the folder the kept state was written for


def restore_partial_parse(home: Path, target_path: Path) -> None:
    """Put the home's parse state where a dbt command with this target path looks for it. A fresh home starts from
    the project's; a copied or moved home from the one it brought, given its new profile hash."""
    kept, written_for = kept_partial_parse(home), _kept_for(home)
    if not kept.exists():
        seed_partial_parse(home, target_path)
    elif written_for.exists() and written_for.read_text() != str(home):
        seed_partial_parse(home, target_path, kept)
    else:
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target_path / PARTIAL_PARSE)


def seed_partial_parse(home: Path, target_path: Path, state_file: Path = PROJECT_PARSE_STATE) -> None:
    """A parse state written for another folder (by default the project's) with the home's profile hash in it: dbt
    then checks every file against it as it would the home's own state and parses only what changed (2.8 s), where
    a different profile made it parse the whole project (5.3 s). Nothing is written, and dbt parses all of it, when
    there is no such state or it is not laid out as this dbt writes it."""
    try:
        state = state_file.read_bytes()
    except FileNotFoundError:
        return
    found = list(PROFILE_HASH.finditer(state))
    if len(found) != 1:
        return
    start, end = found[0].span(1)
    target_path.mkdir(parents=True, exist_ok=True)
    (target_path / PARTIAL_PARSE).write_bytes(state[:start] + profile_hash(home).encode() + state[end:])


def profile_hash(home: Path) -> str:
    """What dbt records as the profile's hash for a build of this home: the SHA-256 of the sorted connection info
    of profiles.yml rendered with KINERJA_HOME=home (dbt's own renderer and adapter credentials, so the same
    environment gives the same value dbt computes; 0.2 s once dbt is imported)."""
    import pprint
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.contracts.files import FileHash
    from dbt_common.context import set_invocation_context
    set_invocation_context({**os.environ, "KINERJA_HOME": str(home)})
    # Profile.from_raw_profile_info's steps, without building a Profile (which needs dbt's global flags)
    target, data = Profile.render_profile(read_profile(str(DBT_PROJECT_DIR))[PROFILE], PROFILE, None,
                                          ProfileRenderer({}))
    data.pop("threads", None)
    credentials = Profile._credentials_from_profile(data, PROFILE, target)
    return FileHash.from_contents(pprint.pformat(sorted(credentials.connection_info()))).checksum


def keep_partial_parse(home: Path, target_path: Path) -> None:
    """Keep the parse state a dbt command wrote into this target path as the home's."""
    written, kept = target_path / PARTIAL_PARSE, kept_partial_parse(home)
    if written.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, kept)
        _kept_for(home).write_text(str(home))
