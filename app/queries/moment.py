"""Which rows a read sees: the current ones, or those the API served at an earlier moment.

Reads may ask `as_of=<timestamp>` (transaction time). The moment travels on the session
(`session.info`), set once by the session dependency, so every query function of a request
reads the same moment without each route passing it along.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import Session, col

from app.db.tables import RECORD_CURRENT, RECORD_RETRACTED, Citation, Fact, Source

AS_OF = "as_of"
# The day a read is for (the `as_of` day, or today) and the day before which a figure's date
# makes it old (see app.domain.caveats.is_stale); set by the session dependency.
DAY = "day"
STALE_BEFORE = "stale_before"


def reading_as_of(session: Session) -> datetime | None:
    moment = session.info.get(AS_OF)
    return moment if isinstance(moment, datetime) else None


def reading_day(session: Session) -> date:
    """The day the read is for: the day of `as_of`, or today (UTC)."""
    day = session.info.get(DAY)
    return day if isinstance(day, date) else datetime.now(UTC).date()


def stale_before(session: Session) -> date | None:
    day = session.info.get(STALE_BEFORE)
    return day if isinstance(day, date) else None


# The condition of almost every read, made once.
_CURRENT = Fact.record_status == RECORD_CURRENT


def fact_served(as_of: datetime | None) -> Any:
    """Fact versions in the lists at `as_of` (now when None): the version recorded by then and
    not yet superseded, unless it is a retraction."""
    if as_of is None:
        return _CURRENT
    return and_(
        col(Fact.recorded_at) <= as_of,
        or_(col(Fact.superseded_at).is_(None), col(Fact.superseded_at) > as_of),
        col(Fact.record_status) != RECORD_RETRACTED,
    )


def fact_version_at(as_of: datetime | None) -> Any:
    """The one version of a fact readable by its id at `as_of`, retraction included."""
    if as_of is None:
        return col(Fact.superseded_at).is_(None)
    return and_(
        col(Fact.recorded_at) <= as_of,
        or_(col(Fact.superseded_at).is_(None), col(Fact.superseded_at) > as_of),
    )


def source_served(as_of: datetime | None) -> Any:
    return true() if as_of is None else col(Source.recorded_at) <= as_of


def citation_served(as_of: datetime | None) -> Any:
    return true() if as_of is None else col(Citation.recorded_at) <= as_of
