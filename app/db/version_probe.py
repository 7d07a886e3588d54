"""Reading the data version on every request, cheaply and always fresh.

Every cached answer is keyed on the data version, so it must be read for every request, and it
must see writes that other processes committed a moment ago. A pooled SQLAlchemy connection
checked out in a worker thread costs more than serving a cached answer does, so each process
keeps one plain driver connection of its own for this single-row read and runs it on the event
loop: a primary-key lookup that takes microseconds on SQLite and one loopback round trip on
PostgreSQL. The connection never holds a transaction open between reads (SQLite starts a fresh
read snapshot per statement outside a transaction; PostgreSQL runs in autocommit), so every read
sees the last committed version.
"""

import contextlib
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

QUERY = "SELECT version, changed_at FROM data_state WHERE id = 1"


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite hands back its stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class VersionProbe:
    """One process's reader of the data version (None while there is no schema yet)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None
        # The event loop is the usual caller; a lock keeps a test's second loop from sharing
        # the driver connection mid-statement.
        self._lock = threading.Lock()

    def read(self) -> tuple[int, datetime] | None:
        with self._lock:
            try:
                connection = self._connection or self._connect()
                cursor = connection.cursor()
                try:
                    cursor.execute(QUERY)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except self.engine.dialect.loaded_dbapi.Error:
                self.close()  # reconnect next time: the database may have been restarted
                return None
        return (int(row[0]), _as_utc(row[1])) if row is not None else None

    def _connect(self) -> Any:
        # Outside the pool: held for the life of the process, never handed to a request.
        fairy = self.engine.raw_connection()
        fairy.detach()
        connection: Any = fairy.dbapi_connection
        if self.engine.dialect.name != "sqlite":
            connection.autocommit = True
        self._connection = connection
        return connection

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(self.engine.dialect.loaded_dbapi.Error):
                self._connection.close()
            self._connection = None
