"""Engine creation: the pool, and the pragmas each SQLite connection is opened with."""

import functools
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import QueuePool
from sqlmodel import create_engine

# Up to forty connections, opened only when needed: the routes running at once
# (MISSION_FACTS_WORKER_THREADS, 8 by default), the requests whose answers are being sent
# and the streams still writing long lists. Those holding one give it back without waiting
# for a route's thread (app.api.sessions, app.api.held_connections), so the pool never
# stays dry.
POOL: dict[str, Any] = {"pool_size": 10, "max_overflow": 30}
SQLITE_HEAP_BYTES = 32 * 1024 * 1024
WRITE_LOCK_WAIT_MS = 30_000
AUTOCOMMIT = "AUTOCOMMIT"


@functools.lru_cache(maxsize=8)  # made once per engine: a process has one or two
def for_reads(engine: Engine) -> Engine:
    """The engine of read sessions: on PostgreSQL its connections run in autocommit.

    At READ COMMITTED (PostgreSQL's default, which the project keeps) each statement reads a
    snapshot of its own, inside a transaction or out of it; SQLite's driver opens no
    transaction for a SELECT either. So the BEGIN and ROLLBACK around a request's reads
    bought nothing, and cost two round trips of the five or six an uncached read makes.
    Writes never run here (app.writes.transaction refuses such a session)."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level=AUTOCOMMIT)


def autocommits(engine: Engine | Connection) -> bool:
    return engine.get_execution_options().get("isolation_level") == AUTOCOMMIT


def make_engine(database_url: str, *, read_only: bool = False) -> Engine:
    """An engine for the URL. `read_only` opens the database so that no write can succeed
    (SQLite's mode=ro; PostgreSQL's default_transaction_read_only), for public replicas."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        if read_only:
            given = url.query.get("options", "")
            given = given if isinstance(given, str) else " ".join(given)
            options = f"{given} -c default_transaction_read_only=on".strip()
            url = url.update_query_dict({"options": options})
        return create_engine(url, pool_pre_ping=True, **POOL)

    if read_only and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()

        def connect_read_only() -> sqlite3.Connection:
            return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)

        engine = create_engine("sqlite://", creator=connect_read_only, poolclass=QueuePool, **POOL)
    else:
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        in_memory = not url.database or url.database == ":memory:"  # one shared connection
        pool = {} if in_memory else POOL
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # SQLite leaves foreign keys unchecked unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            # WAL lets readers go on while a writer commits (a read-only replica cannot set it).
            cursor.execute("PRAGMA journal_mode=WAL")
        # Writers queue for the write lock this long (reads never wait in WAL mode); one that
        # waits longer gets a 503 with Retry-After (app.db.errors).
        cursor.execute(f"PRAGMA busy_timeout={WRITE_LOCK_WAIT_MS}")
        # One bound for the page caches of all the process's connections together (up to
        # forty, each 2 MB by default): past it SQLite recycles cached pages instead of
        # growing, so memory levels off as the database grows.
        cursor.execute(f"PRAGMA soft_heap_limit={SQLITE_HEAP_BYTES}")
        cursor.close()

    return engine
