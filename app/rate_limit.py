"""Write attempts are rate limited per token and per client address: a token bucket each.

The buckets are rows of `write_allowance`, so every process serving the database counts
against the same allowance: with `--workers 2` a client gets the configured rate in total, not
twice it. `RateLimiter` is the bucket rule itself, kept in memory, for one process alone.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.editing.transaction import take_write_lock
from app.models import WriteAllowance

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


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """At most `per_minute` attempts a minute for each key, counted in this process."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] | None = None) -> None:
        self.per_minute = per_minute
        self.clock = clock or time.monotonic
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """0 when an attempt for `key` may go ahead (and count it), else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) > 100_000:  # forget idle keys rather than grow forever
                    self._buckets.clear()
                bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
            bucket.tokens, wait = take_one(bucket.tokens, bucket.updated, now, self.per_minute)
            bucket.updated = now
            return wait


class SharedRateLimiter:
    """The same rule, with the buckets in the database: one short transaction an attempt."""

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
            bucket = self._locked_bucket(session, key, now)
            bucket.tokens, wait = take_one(bucket.tokens, bucket.updated, now, self.per_minute)
            bucket.updated = now
            session.add(bucket)
            session.execute(
                delete(WriteAllowance).where(col(WriteAllowance.updated) < now - _IDLE_SECONDS)
            )
            session.commit()
            return wait

    def _locked_bucket(self, session: Session, key: str, now: float) -> WriteAllowance:
        """The key's row, created full if new, locked until the transaction ends (SQLite's
        write lock is held already; PostgreSQL locks the row)."""
        dialect = session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        session.execute(
            insert(WriteAllowance)
            .values(key=key, tokens=float(self.per_minute), updated=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        query = select(WriteAllowance).where(col(WriteAllowance.key) == key)
        if dialect != "sqlite":
            query = query.with_for_update()
        return session.execute(query).scalar_one()
