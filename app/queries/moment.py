"""Which rows a read sees: the current ones, or those the API served at an earlier moment.

Reads may ask `as_of=<timestamp>` (transaction time). The moment travels on the session
(`session.info`), set once by the session dependency, so every query function of a request
reads the same moment without each route passing it along.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import Session, col

from app.db.tables import RECORD_CURRENT, RECORD_RETRACTED, Citation, Fact, Source

AS_OF = "as_of"


def reading_as_of(session: Session) -> datetime | None:
    moment = session.info.get(AS_OF)
    return moment if isinstance(moment, datetime) else None


def fact_served(as_of: datetime | None) -> Any:
    """Fact versions in the lists at `as_of` (now when None): the version recorded by then and
    not yet superseded, unless it is a retraction."""
    if as_of is None:
        return Fact.record_status == RECORD_CURRENT
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
