"""The data version: one counter that every committed change of the data moves on."""

from collections.abc import Iterable
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, RootTransaction, delete, func, insert, literal, select, update
from sqlmodel import Session, col

from app.db.tables import DataState, VersionScope, utcnow
from app.db.version_probe import CHANNEL
from app.domain.read_scopes import EVERYTHING

# Versions whose scopes are kept: a process that fell further behind than this (it served
# nothing for that many writes) finds no rows for the versions it missed and forgets every
# cached answer, which is always right.
SCOPES_KEPT = 10_000
_CURRENT_VERSION = select(col(DataState.version)).where(col(DataState.id) == 1).scalar_subquery()


def bump_data_version(session: Session, *, narrow: bool = False) -> None:
    """Call inside the transaction that changes the data, so the two commit together. On
    PostgreSQL the change is also announced to every process listening (the version probes
    of app.db.version_probe); the server delivers the message only once the transaction
    commits, and never if it rolls back.

    The new version touches everything, unless the write is `narrow`: then it touches only
    the scopes its writers name with `touch` (see app.domain.read_scopes)."""
    _READ_IN.pop(session.connection().get_transaction(), None)  # type: ignore[arg-type]
    session.execute(
        update(DataState)
        .where(col(DataState.id) == 1)
        .values(version=DataState.version + 1, changed_at=utcnow())
    )
    session.execute(
        delete(VersionScope).where(col(VersionScope.version) <= _CURRENT_VERSION - SCOPES_KEPT)
    )
    if not narrow:
        touch(session, [EVERYTHING])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, "")))


def touch(session: Session, scopes: Iterable[str]) -> None:
    """Record that the version this transaction moved to touches these scopes."""
    for scope in dict.fromkeys(scopes):
        session.execute(
            insert(VersionScope).from_select(
                ["version", "scope"], select(_CURRENT_VERSION, literal(scope))
            )
        )


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
