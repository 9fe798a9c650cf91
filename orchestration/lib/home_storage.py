"""The Dagster storage of a warehouse home (`dagster.yaml`, `storage: custom`): Dagster's own SQLite storage, the
same files under <home>/dagster (history/runs.db, history/runs/<run>.db and index.db, schedules/), with one change.

Dagster's SQLite event log creates a SQLAlchemy engine for every connection and disposes of it after: an asset
event opens three or four connections, so a run of the six months (about 1,200 events) spent several seconds
building engines. Here each database file keeps its engine (the last KEPT files). The engines still pool nothing
(NullPool): every event opens its own SQLite connection and commits, exactly as before, so what is on disk, the
locking between processes and the durability of each write are Dagster's.

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
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from sqlalchemy.pool import NullPool


INIT_LOCK = "storage-init.lock"


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
        super().__init__(base_dir, inst_data)

    def _initdb(self, engine, for_index_shard=False) -> None:
        # a run's database is created by the first process to touch it: the run's own, or a reader watching it
        with creation_lock(self._lock_dir):
            super()._initdb(engine, for_index_shard=for_index_shard)

    def _engine(self, shard: str):
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(self.conn_string_for_shard(shard), poolclass=NullPool,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        self._engines[shard] = engine
        while len(self._engines) > self.KEPT:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        # Dagster's _connect, the engine kept instead of created and disposed of
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class HomeSqliteStorage(DagsterSqliteStorage):
    """DagsterSqliteStorage (`storage: sqlite`) with the engine-keeping event log."""

    def __init__(self, base_dir: str, inst_data=None):
        with creation_lock(base_dir):
            super().__init__(base_dir, inst_data)     # creates runs.db, index.db and schedules.db if missing
        self._event_log_storage.dispose()
        self._event_log_storage = EngineKeepingSqliteEventLogStorage(_event_logs_directory(base_dir),
                                                                     lock_dir=base_dir)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)
