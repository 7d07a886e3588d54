"""One write at a time, one transaction per write, one instant per transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from app.db.engine import autocommits
from app.db.tables import utcnow
from app.queries.state import bump_data_version


def take_write_lock(session: Session) -> None:
    """Begin the transaction holding the write lock, on SQLite (`BEGIN IMMEDIATE`): waiting for
    the lock then happens at the start, under the busy timeout, instead of a read transaction
    being upgraded midway, which SQLite refuses at once ("database is locked") when another
    writer committed in between. On PostgreSQL the data version's row lock does this."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))


@contextmanager
def write_transaction(session: Session, *, narrow: bool = False) -> Iterator[datetime]:
    """Run a write in one transaction and yield its instant (every row it records carries it).

    The write lock is taken first (`take_write_lock` on SQLite; on PostgreSQL the data
    version's UPDATE locks the row of `data_state`), so concurrent writers (in any process)
    queue here and each one reads what the previous committed. The instant is taken after
    the lock, so instants follow commit order and `as_of` reads agree with what was served.

    A `narrow` write only writes fact versions, each naming what it touches (add_version);
    any other write touches everything (see app.domain.read_scopes)."""
    if autocommits(session.get_bind()):
        # Every statement would commit alone: a failed write would leave half of itself.
        raise RuntimeError("a write needs a session of the write engine, not a read session's")
    session.rollback()  # end the read-only transaction a token check may have opened
    try:
        take_write_lock(session)
        bump_data_version(session, narrow=narrow)
        yield utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
