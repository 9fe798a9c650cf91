"""A home's Dagster storage is Dagster's SQLite storage with the engines kept (orchestration/lib/home_storage.py):
the same files, readable by a plain `storage: sqlite` instance, and no more engines than it keeps."""
from pathlib import Path

import dagster as dg

from orchestration.lib.home_instance import open_instance
from orchestration.lib.home_storage import EngineKeepingSqliteEventLogStorage


@dg.asset(partitions_def=dg.StaticPartitionsDefinition(["2025-03", "2025-04"]))
def counted(context: dg.AssetExecutionContext):
    for i in range(3):
        context.log_event(dg.AssetMaterialization(f"side_{i}", partition=context.partition_key))
    return dg.MaterializeResult(metadata={"rows": 7})


def _plain_instance(folder: Path):
    plain = folder.parent / "plain"
    plain.mkdir()
    (plain / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: '{folder}'\ntelemetry:\n  enabled: false\n")
    return dg.DagsterInstance.from_config(str(plain))


def test_a_home_keeps_dagsters_files_and_a_plain_sqlite_instance_reads_its_events(tmp_path):
    instance = open_instance(tmp_path)
    try:
        assert isinstance(instance.event_log_storage, EngineKeepingSqliteEventLogStorage)
        results = [dg.materialize([counted], instance=instance, partition_key=p) for p in ("2025-03", "2025-04")]
        assert all(r.success for r in results)
        run_ids = [r.run_id for r in results]
        kept = [e.event_log_entry for e in instance.get_records_for_run(run_ids[1], limit=1000).records]
    finally:
        instance.dispose()
    folder = tmp_path / "dagster"
    assert (folder / "history" / "runs.db").exists() and (folder / "history" / "runs" / "index.db").exists()
    assert {p.stem for p in (folder / "history" / "runs").glob("*.db")} == {"index", *run_ids}
    plain = _plain_instance(folder)
    try:
        assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
        read = [e.event_log_entry for e in plain.get_records_for_run(run_ids[1], limit=1000).records]
        assert [(e.dagster_event_type, e.step_key) for e in read] == [(e.dagster_event_type, e.step_key) for e in kept]
        latest = plain.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest.run_id == run_ids[1] and latest.asset_materialization.metadata["rows"].value == 7
        side = plain.fetch_materializations(dg.AssetKey("side_2"), limit=10).records
        assert sorted(r.partition_key for r in side) == ["2025-03", "2025-04"]   # the index shard, as Dagster's
        assert {r.run_id for r in plain.get_runs()} == set(run_ids)
    finally:
        plain.dispose()


def test_the_event_log_keeps_at_most_kept_engines(tmp_path):
    storage = EngineKeepingSqliteEventLogStorage(str(tmp_path / "runs"))
    try:
        for i in range(storage.KEPT + 5):
            with storage.run_connection(f"run{i}") as conn:
                conn.exec_driver_sql("select 1")
        assert len(storage._engines) == storage.KEPT
        assert f"run{storage.KEPT + 4}" in storage._engines and "run0" not in storage._engines
    finally:
        storage.dispose()
    assert not storage._engines


def _open_and_read(instance_dir: str, start, errors) -> None:
    try:
        start.wait()
        instance = dg.DagsterInstance.from_config(instance_dir)
        try:
            instance.get_runs(limit=1)
            instance.event_log_storage.get_concurrency_info("warehouse")
        finally:
            instance.dispose()
    except Exception as exc:   # noqa: BLE001 - the parent reports what failed
        errors.put(f"{type(exc).__name__}: {str(exc)[:300]}")


def test_processes_opening_a_fresh_home_at_once_all_get_a_working_instance(tmp_path):
    """A run launched with `dagster job execute` and the UI (or a test) watching it open the fresh instance together:
    without the creation lock most rounds fail ("table ... already exists", alembic's "more than one head")."""
    import multiprocessing
    from orchestration.lib.home_instance import ensure_instance
    fork = multiprocessing.get_context("fork")
    errors = fork.Queue()
    for round_ in range(8):
        instance_dir = str(ensure_instance(tmp_path / f"home{round_}"))
        start = fork.Barrier(3)
        openers = [fork.Process(target=_open_and_read, args=(instance_dir, start, errors)) for _ in range(3)]
        for p in openers:
            p.start()
        for p in openers:
            p.join(timeout=120)
        assert [p.exitcode for p in openers] == [0, 0, 0]
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    instance = open_instance(tmp_path / "home0")      # and the files are whole for the next opener
    try:
        assert instance.get_runs() == []
    finally:
        instance.dispose()


def test_asset_events_reuse_the_kept_connections_and_another_process_reads_them_at_once(tmp_path, monkeypatch):
    """Dagster created an engine for every asset event (has_table) and closed the file after every event (which
    checkpoints the WAL): with both kept, a second reader still sees each event as soon as it is stored."""
    import dagster._core.storage.event_log.sqlite.sqlite_event_log as dagster_sqlite
    instance = open_instance(tmp_path)
    try:
        assert dg.materialize([counted], instance=instance, partition_key="2025-03").success   # warmed up
        engines = []
        real = dagster_sqlite.create_engine
        monkeypatch.setattr(dagster_sqlite, "create_engine", lambda *a, **k: engines.append(a) or real(*a, **k))
        run_id = dg.materialize([counted], instance=instance, partition_key="2025-04").run_id
        assert engines == []   # was one per asset event (4 materialisations and their planned events)
        storage = instance.event_log_storage
        kept = storage._engines[run_id].pool.checkedin()
        assert kept == 1    # the run's file stays open between events
        plain = _plain_instance(tmp_path / "dagster")   # while this process still holds it open
        try:
            read = plain.get_records_for_run(run_id, limit=1000).records
            assert len(read) == len(instance.get_records_for_run(run_id, limit=1000).records) > 10
            assert plain.get_latest_materialization_event(dg.AssetKey("side_1")).run_id == run_id
        finally:
            plain.dispose()
    finally:
        instance.dispose()


def test_wipe_closes_the_kept_files_before_dagster_removes_them(tmp_path):
    instance = open_instance(tmp_path)
    try:
        first = dg.materialize([counted], instance=instance, partition_key="2025-03").run_id
        instance.event_log_storage.wipe()
        assert first not in instance.event_log_storage._engines
        second = dg.materialize([counted], instance=instance, partition_key="2025-04").run_id
        assert instance.get_records_for_run(first, limit=10).records == []
    finally:
        instance.dispose()
    plain = _plain_instance(tmp_path / "dagster")
    try:   # the new run's events are in a file on disk, not in one unlinked while open
        assert len(plain.get_records_for_run(second, limit=1000).records) > 10
    finally:
        plain.dispose()


def _rows(db: Path) -> dict:
    import sqlite3
    con = sqlite3.connect(db)
    try:
        tables = [t for (t,) in con.execute("select name from sqlite_master where type = 'table'")]
        # create_timestamp and migration_completed: the clock of the insert (SQLite's default), not the event's
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) if t == "event_logs" else
                sorted(repr(tuple(v for c, v in zip([d[1] for d in con.execute(f"pragma table_info({t})")], row)
                                  if c not in ("create_timestamp", "migration_completed")))
                       for row in con.execute(f"select * from {t}").fetchall())
                for t in tables}
    finally:
        con.close()


@dg.multi_asset(specs=[dg.AssetSpec(name) for name in ("first", "second", "third")],
                check_specs=[dg.AssetCheckSpec("rows", asset=name) for name in ("first", "second")])
def several():
    for name in ("first", "second", "third"):
        yield dg.MaterializeResult(asset_key=name, metadata={"rows": 3})
    for name in ("first", "second"):
        yield dg.AssetCheckResult(asset_key=name, check_name="rows", passed=True)


def test_a_batch_of_events_is_stored_as_dagster_stores_them_one_by_one(tmp_path, monkeypatch):
    """A run hands its planned events (and a partitioned output its materialisations) over as a batch; stored in
    one transaction per file, they leave the same rows as Dagster's store_event for each event."""
    batches = []
    real = EngineKeepingSqliteEventLogStorage.store_event_batch
    monkeypatch.setattr(EngineKeepingSqliteEventLogStorage, "store_event_batch",
                        lambda self, events: batches.append(len(events)) or real(self, events))
    instance = open_instance(tmp_path / "batched")
    try:
        run_id = dg.materialize([several], instance=instance).run_id
        events = [r.event_log_entry for r in instance.get_records_for_run(run_id, limit=1000).records]
    finally:
        instance.dispose()
    assert batches == [5]     # 3 planned materialisations, 2 planned checks     # Dagster batched some of them
    one_by_one = open_instance(tmp_path / "single")
    try:
        for event in events:
            one_by_one.event_log_storage.store_event(event)
    finally:
        one_by_one.dispose()
    runs = Path("dagster") / "history" / "runs"
    for db in ("index.db", f"{run_id}.db"):
        assert _rows(tmp_path / "batched" / runs / db) == _rows(tmp_path / "single" / runs / db), db


def test_a_batch_that_fails_half_way_leaves_none_of_its_events(tmp_path, monkeypatch):
    instance = open_instance(tmp_path)
    try:
        run_id = dg.materialize([several], instance=instance).run_id
        events = [r.event_log_entry for r in instance.get_records_for_run(run_id, limit=1000).records]
        storage = instance.event_log_storage
        planned = [e for e in events if e.dagster_event and e.dagster_event.event_type_value.endswith("PLANNED")]
        calls = []

        def second_fails(self, event):
            calls.append(event)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return SqliteEventLogStorage.store_event(self, event)

        from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
        monkeypatch.setattr(EngineKeepingSqliteEventLogStorage, "store_event", second_fails)
        before = len(storage.get_records_for_run(run_id, limit=1000).records)
        try:
            storage.store_event_batch(planned + planned)
        except RuntimeError:
            pass
        assert len(storage.get_records_for_run(run_id, limit=1000).records) == before   # the first was rolled back
    finally:
        instance.dispose()
