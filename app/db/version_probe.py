"""Knowing the data version on every request, cheaply and fresh.

Every cached answer is valid from the data version it was made at until a write touches what
it read, so the version must be known for every request (and, when it moved, what the versions
since touched: `touched`), and it must reflect writes that other processes committed a moment
ago. A pooled SQLAlchemy
connection checked out in a worker thread costs more than serving a cached answer does, so
each process keeps one plain driver connection of its own and uses it on the event loop.

On SQLite the row is not read when nothing can have changed: `PRAGMA data_version` answers from
the database's shared memory (the WAL index every process maps) with a number that moves
whenever any other connection, in any process, commits. The probe's connection never writes,
so an unchanged number means an unchanged database, and the version row is read again only
when it moved: no staleness at all.

On PostgreSQL the probe's connection LISTENs on a channel that every write notifies in its own
transaction (app.queries.state.bump_data_version), so the server pushes a message to every
process when a change commits. A read of the version looks for such a message in what the
socket has already received (no round trip), and reads the row only when one came, or when
the row was last read more than `TRUSTED_SECONDS` ago. A change is therefore seen once its
notification has arrived, normally well under a millisecond after the commit returns, and
in any case (a lost message, a writer that moves the version without notifying) within
`TRUSTED_SECONDS`. A server that refuses LISTEN (a hot standby, which hears no NOTIFY of its
primary either) has the row read on every request instead.

The connection never holds a transaction open between reads (SQLite starts a fresh read
snapshot per statement outside a transaction; PostgreSQL runs in autocommit).
"""

import contextlib
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from app.domain.read_scopes import EVERYTHING

QUERY = "SELECT version, changed_at FROM data_state WHERE id = 1"
# The scopes the versions after one and up to another touched (app.domain.read_scopes).
SCOPES = "SELECT version, scope FROM data_version_scope WHERE version > {0} AND version <= {1}"
SQLITE_COMMITS = "PRAGMA data_version"
# The PostgreSQL channel a committed change of the data is announced on.
CHANNEL = "mission_facts_data_version"
TRUSTED_SECONDS = 1.0


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
        # PostgreSQL: what the row said, when it was read, and whether a change was announced
        # since (set by the driver too, for a message that arrived during a read).
        self._told: tuple[int, datetime] | None = None
        self._told_at = 0.0
        self._announced = True
        self._listening = False
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
                else:
                    now = time.monotonic()
                    trusted = (
                        self._listening
                        and self._told is not None
                        and now - self._told_at < TRUSTED_SECONDS
                    )
                    if not self._announcement() and trusted:
                        return self._told
                    # Cleared before the read: a message arriving during it sets it again.
                    self._announced = False
                    self._told_at = now
                row = _one(cursor, QUERY)
            except self.engine.dialect.loaded_dbapi.Error:
                self.close()  # reconnect next time: the database may have been restarted
                return None
            found = None if row is None else (int(row[0]), _as_utc(row[1]))
            if commits is not None and found is not None:
                self._seen = (commits, found)
            self._told = found
            return found

    def touched(self, after: int, upto: int) -> frozenset[str] | None:
        """What the versions after `after` up to `upto` touched; None (everything) when one of
        them has no rows (written before scopes were kept, or dropped as too old), when one
        touched everything, or when the rows cannot be read."""
        if upto <= after:
            return frozenset()
        mark = "?" if self._sqlite else "%s"
        with self._lock:
            try:
                cursor = self._cursor or self._connect()
                cursor.execute(SCOPES.format(mark, mark), (after, upto))
                rows = cursor.fetchall()
            except self.engine.dialect.loaded_dbapi.Error:
                self.close()
                return None
        if {version for version, _ in rows} != set(range(after + 1, upto + 1)):
            return None
        scopes = frozenset(scope for _, scope in rows)
        return None if EVERYTHING in scopes else scopes

    def _announcement(self) -> bool:
        """Whether a change was announced since the row was read: the messages the socket
        holds are taken in without waiting (libpq's sockets never block)."""
        pgconn = self._connection.pgconn
        pgconn.consume_input()  # a lost connection raises here: the caller reconnects
        while pgconn.notifies() is not None:
            self._announced = True
        return self._announced

    def _connect(self) -> Any:
        # Outside the pool: held for the life of the process, never handed to a request.
        fairy = self.engine.raw_connection()
        fairy.detach()
        connection: Any = fairy.dbapi_connection
        self._connection = connection
        self._cursor = connection.cursor()
        if not self._sqlite:
            connection.autocommit = True
            connection.add_notify_handler(self._on_notify)
            try:
                self._cursor.execute(f"LISTEN {CHANNEL}")
                self._listening = True
            except self.engine.dialect.loaded_dbapi.Error:
                # A hot standby refuses LISTEN (and hears no NOTIFY of its primary): there the
                # row is read on every request, as it was before announcements.
                self._listening = False
            self._announced = True  # nothing is known of the time before listening
        return self._cursor

    def _on_notify(self, _notification: Any) -> None:
        self._announced = True

    def close(self) -> None:
        self._seen = self._told = None
        self._announced = True
        self._cursor = None  # closed with its connection
        if self._connection is not None:
            with contextlib.suppress(self.engine.dialect.loaded_dbapi.Error):
                self._connection.close()
            self._connection = None
