"""Counting the SQL statements an app's engine runs, request by request."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Statements run through the engine while the block runs (the data version's own
    connection is outside the engine's pool, and counted by no one: one primary-key read)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _in_transaction(dbapi_connection: Any) -> bool:
    info = getattr(dbapi_connection, "info", None)  # psycopg's connection information
    if info is not None and hasattr(info, "transaction_status"):
        return info.transaction_status.name != "IDLE"
    return bool(dbapi_connection.in_transaction)  # sqlite3


@contextmanager
def transaction_states(engine: Engine) -> Iterator[list[tuple[str, bool]]]:
    """Each statement run through the engine while the block runs, with whether its
    connection was inside a transaction once the statement had run."""
    seen: list[tuple[str, bool]] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append((statement, _in_transaction(conn.connection.dbapi_connection)))

    event.listen(engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", record)
