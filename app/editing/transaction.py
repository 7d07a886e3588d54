"""One write at a time, one transaction per write, one instant per transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session

from app.models import utcnow
from app.queries.state import bump_data_version


@contextmanager
def write_transaction(session: Session) -> Iterator[datetime]:
    """Run a write in one transaction and yield its instant (every row it records carries it).

    The data version is moved first: that UPDATE takes SQLite's write lock, or the row lock of
    `data_state` on PostgreSQL, so concurrent writers (in any process) queue here and each one
    reads what the previous committed. The instant is taken after the lock, so instants follow
    commit order and `as_of` reads agree with what was served."""
    session.rollback()  # end the read-only transaction a token check may have opened
    try:
        bump_data_version(session)
        yield utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
