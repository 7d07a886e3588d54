"""The data version: one counter that every committed change of the data moves on."""

from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, RootTransaction, func, select, update
from sqlmodel import Session, col

from app.db.tables import DataState, utcnow
from app.db.version_probe import CHANNEL


def bump_data_version(session: Session) -> None:
    """Call inside the transaction that changes the data, so the two commit together. On
    PostgreSQL the change is also announced to every process listening (the version probes
    of app.db.version_probe); the server delivers the message only once the transaction
    commits, and never if it rolls back."""
    _READ_IN.pop(session.connection().get_transaction(), None)  # type: ignore[arg-type]
    session.execute(
        update(DataState)
        .where(col(DataState.id) == 1)
        .values(version=DataState.version + 1, changed_at=utcnow())
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, "")))


# Made once: every list reads the version (see app.queries.version_memo), and making the
# statement cost more than running it.
_VERSION = select(col(DataState.version), col(DataState.changed_at)).where(col(DataState.id) == 1)


# The version each open transaction read, so a page that consults several shared stores
# (app.queries.version_memo) reads it once. An entry goes with its transaction; a write
# forgets its own when it moves the version.
_READ_IN: "WeakKeyDictionary[RootTransaction, tuple[int, datetime] | None]" = WeakKeyDictionary()


def read_data_version(connection: Connection) -> tuple[int, datetime] | None:
    """The version and when it last moved (None before the first migration made the row),
    as the connection's transaction first read it."""
    transaction = connection.get_transaction()
    if transaction is not None and transaction in _READ_IN:
        return _READ_IN[transaction]
    found = connection.execute(_VERSION).first()
    version = (found[0], found[1]) if found is not None else None
    transaction = connection.get_transaction()  # begun by the read, if none was open
    if transaction is not None:
        _READ_IN[transaction] = version
    return version
