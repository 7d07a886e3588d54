"""The request-scoped session dependencies: reads see the data as it is, or as it was."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from app.api.problems import invalid
from app.db.engine import for_reads
from app.queries.moment import AS_OF, DAY, STALE_BEFORE

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


def _day_of(request: Request, moment: datetime | None) -> dict[str, date]:
    """The day a read is for, and the day before which figures are old. A read at `as_of`
    is for that day, so the same URL keeps its answer; never after today (which a pinned
    `today` may set before the calendar's)."""
    settings = request.app.state.settings
    today = settings.current_day()
    day = min(moment.date(), today) if moment is not None else today
    return {DAY: day, STALE_BEFORE: day - timedelta(days=settings.stale_after_days)}


async def get_session(
    request: Request,
    as_of: Annotated[
        str | None,
        Query(max_length=40, description=AS_OF_DESCRIPTION, examples=["2025-03-01T12:00:00Z"]),
    ] = None,
) -> AsyncIterator[Session]:
    """A session for reads: it sees the data as it is, or as it was at `as_of`.

    Async, although the route that reads it runs in a worker thread: a sync generator would
    cost each request two more thread hops (one to open the session, one to close it).
    Opening one touches no database (its connection is taken at the first query, in the
    route's thread). Closing it gives the connection back to the pool, here on the event
    loop, which it does not keep waiting: a read session holds no transaction (on
    PostgreSQL it runs in autocommit, app.db.engine.for_reads), so there is none to roll
    back, and nothing to wait for."""
    moment = parse_as_of(as_of)
    engine = for_reads(request.app.state.engine)
    session = Session(engine)
    try:
        session.info[AS_OF] = moment
        session.info.update(_day_of(request, moment))
        yield session
    finally:
        session.close()


def get_write_session(request: Request) -> Iterator[Session]:
    """A session for writes (which always apply to the present); the records they answer with
    are presented as a read of today would present them."""
    with Session(request.app.state.engine) as session:
        session.info.update(_day_of(request, None))
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
