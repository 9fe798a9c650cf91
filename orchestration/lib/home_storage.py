"""The Dagster storage of a warehouse home (`dagster.yaml`, `storage: custom`): Dagster's own SQLite storage, the
same files under <home>/dagster (history/runs.db, history/runs/<run>.db and index.db, schedules/), with one change.

Dagster's SQLite event log creates a SQLAlchemy engine for every connection and disposes of it after, and asks
for a table's existence with one more engine on every asset event. Closing the last connection of a WAL file
checkpoints it, which cost more than the event's own commit: storing the 1,200 events of a city's six-month run
took 5.7 s. Here each database file keeps its engine (the last KEPT files) and one open connection, and the
tables found are remembered (1.7 s). Every event is still its own transaction, committed before the call returns,
so what is on disk, the locking between processes (SQLite's, per transaction) and the durability of each write
are Dagster's; another process reads each event as soon as it is stored.

Dagster creates the SQLite files of a fresh instance in whichever process opens it first, and two processes doing it
at once (a `dagster job execute` and the UI, or a test watching the run) fail with "table ... already exists", or
leave the runs database stamped with two alembic heads, which every later open refuses. Here the creation is done
under an exclusive lock on <instance>/storage-init.lock, so the second process waits and then finds the files made.

Every launcher reads the home's dagster.yaml (kinerja run, `dagster job execute`, the daemon, the UI), so they
all use it. Built on Dagster's internal classes: tests/test_home_storage.py breaks if an upgrade changes them.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from sqlalchemy.pool import QueuePool


INIT_LOCK = "storage-init.lock"
# Dagster hands the event log a run's planned events, and a partitioned output's materialisations, as one batch
# when this is set (it reads it at every event); stored below in one transaction per file
EVENT_BATCH_SIZE = ("DAGSTER_EVENT_BATCH_SIZE", "1000")


@contextmanager
def creation_lock(folder: str | os.PathLike):
    """Held while a process creates or stamps the instance's SQLite files: one process at a time, across processes."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    with open(Path(folder) / INIT_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class EngineKeepingSqliteEventLogStorage(SqliteEventLogStorage):
    KEPT = 32   # the index and the runs being written or read; a UI browsing old runs drops the oldest engines

    def __init__(self, base_dir: str, inst_data=None, lock_dir: str | None = None):
        self._engines: OrderedDict = OrderedDict()
        self._lock_dir = lock_dir or base_dir
        self._tables_seen: set[str] = set()
        self._asset_key_index_cols = False
        self._batch: dict = {}          # shard -> the open transaction of store_event_batch, for its thread
        self._batch_thread: int | None = None
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        # Dagster asks for every asset event (with an engine of its own): a table, once there, stays
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def _has_asset_key_index_cols_on_connection(self, conn) -> bool:
        # inspected on every asset event: the columns, once added by a migration, stay
        self._asset_key_index_cols = self._asset_key_index_cols or super()._has_asset_key_index_cols_on_connection(conn)
        return self._asset_key_index_cols

    def _initdb(self, engine, for_index_shard=False) -> None:
        # a run's database is created by the first process to touch it: the run's own, or a reader watching it
        with creation_lock(self._lock_dir):
            super()._initdb(engine, for_index_shard=for_index_shard)

    def _engine(self, shard: str):
        engine = self._engines.pop(shard, None)
        if engine is None:
            # one connection kept open per file: closing the last connection of a WAL file checkpoints it, which
            # cost more than the event's own commit. _connect holds _db_lock, so it is used by one thread at a time.
            engine = create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool, pool_size=1,
                                   max_overflow=4,   # _initdb inspects on a second connection
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        self._engines[shard] = engine
        while len(self._engines) > self.KEPT:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _transaction(self, shard: str):
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def _connect(self, shard: str):
        # Dagster's _connect, the engine kept instead of created and disposed of
        if self._batch_thread == threading.get_ident() and shard in self._batch:
            yield self._batch[shard]    # an event of the batch being stored: its transaction
            return
        with self._db_lock:
            with self._transaction(shard) as conn:
                yield conn

    def store_event_batch(self, events) -> None:
        """Each event stored by Dagster's own store_event, in order, all in one transaction on the run's file and one
        on the index: all of the batch is written, or none of it (Dagster then stores the events one by one)."""
        run_ids = {event.run_id for event in events}
        if len(run_ids) != 1:
            super().store_event_batch(events)
            return
        with self._db_lock, ExitStack() as stack:
            self._batch = {shard: stack.enter_context(self._transaction(shard))
                           for shard in (run_ids.pop(), INDEX_SHARD_NAME)}
            self._batch_thread = threading.get_ident()
            try:
                for event in events:
                    self.store_event(event)
            finally:
                self._batch, self._batch_thread = {}, None

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()   # no connection kept open on a file Dagster is about to unlink
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()


class HomeSqliteStorage(DagsterSqliteStorage):
    """DagsterSqliteStorage (`storage: sqlite`) with the engine-keeping event log."""

    def __init__(self, base_dir: str, inst_data=None):
        os.environ.setdefault(*EVENT_BATCH_SIZE)
        with creation_lock(base_dir):
            super().__init__(base_dir, inst_data)     # creates runs.db, index.db and schedules.db if missing
        self._event_log_storage.dispose()
        self._event_log_storage = EngineKeepingSqliteEventLogStorage(_event_logs_directory(base_dir),
                                                                     lock_dir=base_dir)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)
