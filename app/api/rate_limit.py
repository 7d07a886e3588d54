"""Write attempts are rate limited per token and per client address: a token bucket each.

The buckets are rows of `write_allowance`, so every process serving the database counts
against the same allowance: with `--workers 2` a client gets the configured rate in total, not
twice it.
"""

import math
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.db.tables import WriteAllowance
from app.writes.transaction import take_write_lock

# A bucket untouched this long is full again whatever it held: its row can go.
_IDLE_SECONDS = 3600.0


def take_one(tokens: float, updated: float, now: float, per_minute: int) -> tuple[float, int]:
    """The bucket after one attempt at `now`, and 0 when the attempt may go ahead (it is
    counted) or the seconds to wait. A bucket holds up to `per_minute` attempts and refills
    at `per_minute` a minute."""
    rate = per_minute / 60.0
    tokens = min(float(per_minute), tokens + max(0.0, now - updated) * rate)
    if tokens >= 1:
        return tokens - 1, 0
    return tokens, max(1, math.ceil((1 - tokens) / rate))


def locked_allowance(session: Session, key: str, *, now: float, full: float) -> WriteAllowance:
    """The key's row, created with `full` tokens if new, locked until the transaction ends:
    the caller has taken the write lock (SQLite's is the database's; PostgreSQL locks the
    row here)."""
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    session.execute(
        insert(WriteAllowance)
        .values(key=key, tokens=full, updated=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(WriteAllowance).where(col(WriteAllowance.key) == key)
    if dialect != "sqlite":
        query = query.with_for_update()
    return session.execute(query).scalar_one()


class SharedRateLimiter:
    """At most `per_minute` attempts a minute for each key, counted in the database: one
    short transaction an attempt."""

    def __init__(
        self,
        per_minute: int,
        engine: Callable[[], Engine],
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.per_minute = per_minute
        self.engine = engine
        self.clock = clock or time.time

    def retry_after(self, key: str) -> int:
        if self.per_minute <= 0:
            return 0
        with Session(self.engine()) as session:
            take_write_lock(session)
            now = self.clock()
            bucket = locked_allowance(session, key, now=now, full=float(self.per_minute))
            bucket.tokens, wait = take_one(bucket.tokens, bucket.updated, now, self.per_minute)
            bucket.updated = now
            session.add(bucket)
            session.execute(
                delete(WriteAllowance).where(col(WriteAllowance.updated) < now - _IDLE_SECONDS)
            )
            session.commit()
            return wait
