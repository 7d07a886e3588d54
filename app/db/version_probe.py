"""Reading the data version on every request, cheaply and always fresh.

Every cached answer is keyed on the data version, so it must be known for every request, and
it must reflect writes that other processes committed a moment ago. A pooled SQLAlchemy
connection checked out in a worker thread costs more than serving a cached answer does, so
each process keeps one plain driver connection of its own and uses it on the event loop.

On SQLite the row is not read when nothing can have changed: `PRAGMA data_version` answers from
the database's shared memory (the WAL index every process maps) with a number that moves
whenever any other connection, in any process, commits. The probe's connection never writes,
so an unchanged number means an unchanged database, and the version row is read again only
when it moved: no staleness at all. On PostgreSQL the row is read each time (one loopback
round trip). The connection never holds a transaction open between reads (SQLite starts a
fresh read snapshot per statement outside a transaction; PostgreSQL runs in autocommit).
"""

import contextlib
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

QUERY = "SELECT version, changed_at FROM data_state WHERE id = 1"
SQLITE_COMMITS = "PRAGMA data_version"


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite hands back its stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one(cursor: Any, statement: str) -> Any:
    # Read to the end, so no statement stays open: on SQLite an unfinished one would hold its
    # read snapshot, and later reads would not see other processes' commits.
    cursor.execute(statement)
    rows = cursor.fetchall()
    return rows[0] if rows else None


class VersionProbe:
    """One process's reader of the data version (None while there is no schema yet)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None
        self._cursor: Any = None  # one, reused: a read is two statements at most
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite's commit counter when the row was last read, and what the row said.
        self._seen: tuple[int, tuple[int, datetime]] | None = None
        # The event loop is the usual caller; a lock keeps a test's second loop from sharing
        # the driver connection mid-statement.
        self._lock = threading.Lock()

    def read(self) -> tuple[int, datetime] | None:
        with self._lock:
            try:
                cursor = self._cursor or self._connect()
                commits = None
                if self._sqlite:
                    commits = _one(cursor, SQLITE_COMMITS)[0]
                    if self._seen is not None and self._seen[0] == commits:
                        return self._seen[1]
                row = _one(cursor, QUERY)
            except self.engine.dialect.loaded_dbapi.Error:
                self.close()  # reconnect next time: the database may have been restarted
                return None
        if row is None:
            return None
        found = (int(row[0]), _as_utc(row[1]))
        if commits is not None:
            self._seen = (commits, found)
        return found

    def _connect(self) -> Any:
        # Outside the pool: held for the life of the process, never handed to a request.
        fairy = self.engine.raw_connection()
        fairy.detach()
        connection: Any = fairy.dbapi_connection
        if self.engine.dialect.name != "sqlite":
            connection.autocommit = True
        self._connection = connection
        self._cursor = connection.cursor()
        return self._cursor

    def close(self) -> None:
        self._seen = None
        self._cursor = None  # closed with its connection
        if self._connection is not None:
            with contextlib.suppress(self.engine.dialect.loaded_dbapi.Error):
                self._connection.close()
            self._connection = None
