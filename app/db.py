"""Engine creation and the request-scoped session dependency."""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from app.problems import invalid
from app.queries.moment import AS_OF

# Up to as many connections as the server's worker threads (40), opened only when needed: a
# request never waits for another to give its connection back.
POOL: dict[str, Any] = {"pool_size": 10, "max_overflow": 30}
SQLITE_HEAP_BYTES = 32 * 1024 * 1024
WRITE_LOCK_WAIT_MS = 30_000


def make_engine(database_url: str, *, read_only: bool = False) -> Engine:
    """An engine for the URL. `read_only` opens the database so that no write can succeed
    (SQLite's mode=ro; PostgreSQL's default_transaction_read_only), for public replicas."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        if read_only:
            given = url.query.get("options", "")
            given = given if isinstance(given, str) else " ".join(given)
            options = f"{given} -c default_transaction_read_only=on".strip()
            url = url.update_query_dict({"options": options})
        return create_engine(url, pool_pre_ping=True, **POOL)

    if read_only and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()

        def connect_read_only() -> sqlite3.Connection:
            return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)

        engine = create_engine("sqlite://", creator=connect_read_only, poolclass=QueuePool, **POOL)
    else:
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        in_memory = not url.database or url.database == ":memory:"  # one shared connection
        pool = {} if in_memory else POOL
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # SQLite leaves foreign keys unchecked unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            # WAL lets readers go on while a writer commits (a read-only replica cannot set it).
            cursor.execute("PRAGMA journal_mode=WAL")
        # Writers queue for the write lock this long (reads never wait in WAL mode); one that
        # waits longer gets a 503 with Retry-After (app.db_errors).
        cursor.execute(f"PRAGMA busy_timeout={WRITE_LOCK_WAIT_MS}")
        # One bound for the page caches of all the process's connections together (up to
        # forty, each 2 MB by default): past it SQLite recycles cached pages instead of
        # growing, so memory levels off as the database grows.
        cursor.execute(f"PRAGMA soft_heap_limit={SQLITE_HEAP_BYTES}")
        cursor.close()

    return engine


AS_OF_DESCRIPTION = (
    "Answer as the API did at this moment (transaction time): an ISO 8601 timestamp such as "
    "`2025-03-01T12:00:00Z`; one without an offset is read as UTC. The same URL with the same "
    "`as_of` always gives the same answer, so a published chart can be reproduced."
)


def parse_as_of(value: str | None) -> datetime | None:
    """The moment a read asks for; a 422 problem when it is unreadable or in the future."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        raise invalid(
            "query", "as_of", "expected an ISO 8601 timestamp, e.g. 2025-03-01T12:00:00Z"
        ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-01:00 is a year past 9999 in UTC; 0001-01-01T00:00:00+14:00 one
        # before year 1: neither is a moment that can be compared with the records' times.
        raise invalid(
            "query", "as_of", "is outside the range of representable times (years 1 to 9999 UTC)"
        ) from None
    if moment > datetime.now(UTC):
        raise invalid("query", "as_of", "is in the future: what will be served is not known yet")
    return moment


def get_session(
    request: Request,
    as_of: Annotated[
        str | None,
        Query(max_length=40, description=AS_OF_DESCRIPTION, examples=["2025-03-01T12:00:00Z"]),
    ] = None,
) -> Iterator[Session]:
    """A session for reads: it sees the data as it is, or as it was at `as_of`."""
    moment = parse_as_of(as_of)
    with Session(request.app.state.engine) as session:
        session.info[AS_OF] = moment
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """A session for writes (which always apply to the present)."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
