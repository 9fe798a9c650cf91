"""A fresh home's first dbt build starts from the project's parse state (orchestration/lib/dbt_cli.py): nothing a
model parses depends on the home (the sources read through main.home_parquet, defined by every dbt run from the
warehouse's own folder), and the profile hash put into that state is the one dbt records for the home."""
import json

from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, PROFILE_HASH, kept_partial_parse, profile_hash

from conftest import query


def test_the_profile_hash_given_a_fresh_home_is_the_one_dbt_recorded_for_it(small_home):
    recorded = PROFILE_HASH.findall(kept_partial_parse(small_home).read_bytes())
    assert recorded == [profile_hash(small_home).encode()]
    assert profile_hash(small_home.parent / "another_home") != profile_hash(small_home)


def test_a_fresh_homes_first_build_parsed_only_what_changed(small_home):
    log = (small_home / "logs" / "run.log").read_text()
    assert log.count("Running with dbt=") >= 2 and "Unable to do partial parsing" not in log


def test_no_model_parses_the_home_and_the_warehouse_reads_its_own_files(small_home):
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    locations = {s["meta"]["external_location"] for s in manifest["sources"].values()}
    assert locations and all(loc.startswith("main.home_parquet('") for loc in locations)
    views = query(small_home, "select view_name from duckdb_views() where sql like ?", [f"%{small_home}%"])
    assert views == []   # the views name no folder: the macro holds the home's
    (body,) = query(small_home, "select macro_definition from duckdb_functions() where function_name = 'home_parquet'")[0]
    assert f"'{small_home}/'" in body
    through_macro = query(small_home, "select count(*) from main.home_parquet('raw/landed_file/*.parquet')")
    direct = query(small_home, f"select count(*) from read_parquet('{small_home}/raw/landed_file/*.parquet')")
    assert through_macro == direct and direct[0][0] > 0


def test_a_copied_home_starts_from_the_state_it_brought_with_its_own_profile_hash(small_home, tmp_path):
    import shutil
    from orchestration.lib.dbt_cli import PARTIAL_PARSE, restore_partial_parse
    kept = kept_partial_parse(small_home).read_bytes()
    restore_partial_parse(small_home, tmp_path / "same")     # the home's own: as kept
    assert (tmp_path / "same" / PARTIAL_PARSE).read_bytes() == kept
    copy = tmp_path / "copy"
    shutil.copytree(small_home / "dbt", copy / "dbt")
    restore_partial_parse(copy, tmp_path / "copied")
    given = (tmp_path / "copied" / PARTIAL_PARSE).read_bytes()
    assert PROFILE_HASH.findall(given) == [profile_hash(copy).encode()]
    assert PROFILE_HASH.sub(b"", given) == PROFILE_HASH.sub(b"", kept)   # nothing else changed
