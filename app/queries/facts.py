"""Selecting current fact versions by kind, subject, date and words."""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from app.api.pagination import SortField, Sorting
from app.db.tables import LISTED, Fact
from app.domain.search_text import SearchQuery
from app.queries.moment import fact_served, fact_version_at, reading_as_of
from app.queries.search import ENTRY_FACT, fact_entry_id, matches

FACT_SORT_FIELDS = {
    "id": SortField("id", col(Fact.fact_id), description="the fact's id"),
    "kind": SortField("kind", col(Fact.kind)),
    "date": SortField("date", col(Fact.date_value), nullable=True),
    "value": SortField("value", col(Fact.value), nullable=True, kind=float),
    "mission": SortField("mission", col(Fact.mission_slug), nullable=True),
    "country": SortField("country", col(Fact.country_iso3), nullable=True),
    "recorded_at": SortField("recorded_at", col(Fact.recorded_at), kind=datetime),
}
FACT_KEY = FACT_SORT_FIELDS["id"]
BY_KIND = Sorting(fields=FACT_SORT_FIELDS, default="kind", key=FACT_KEY)
BY_DATE = Sorting(fields=FACT_SORT_FIELDS, default="date", key=FACT_KEY)


def _conditions(
    *,
    as_of: datetime | None = None,
    kinds: Collection[str] | None = None,
    missions: Collection[str] | None = None,
    country: str | None = None,
    actor: str | None = None,
    stance: str | None = None,
    qualifier: str | None = None,
    derived: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Any]:
    conditions: list[Any] = [fact_served(as_of)]
    if kinds is not None:
        conditions.append(col(Fact.kind).in_(kinds))
    if missions is not None:
        conditions.append(col(Fact.mission_slug).in_(missions))
    if country is not None:
        conditions.append(Fact.country_iso3 == country)
    if actor is not None:
        conditions.append(Fact.actor_slug == actor)
    if stance is not None:
        conditions.append(Fact.stance == stance)
    if qualifier is not None:
        conditions.append(Fact.qualifier == qualifier)
    if derived is not None:
        conditions.append(Fact.derived == derived)
    # A date held at year or month precision is a period; it matches a range it overlaps.
    # Its ISO prefix compares with the range's ends cut to the same length.
    if date_from is not None:
        cut = func.substr(date_from.isoformat(), 1, func.length(Fact.date_value))
        conditions.append(col(Fact.date_value) >= cut)
    if date_to is not None:
        conditions.append(col(Fact.date_value) <= date_to.isoformat())
    return conditions


def fact_query(
    session: Session, *, search: SearchQuery | None = None, **filters: Any
) -> tuple[Select, Sorting | None]:
    """Current versions matching the filters (see `_conditions`) and the words of `search`.
    With a search, the rows can also be sorted by `relevance` (returned as a Sorting)."""
    query = select(Fact).where(*_conditions(as_of=reading_as_of(session), **filters))
    if search is None:
        return query, None
    found = matches(session, query=search, entry_type=ENTRY_FACT).subquery("found")
    query = query.join(found, found.c.entry_id == fact_entry_id())
    relevance = SortField("relevance", found.c.rank, kind=float)
    fields = {"relevance": relevance, **FACT_SORT_FIELDS}
    return query, Sorting(fields=fields, default="relevance", key=FACT_KEY)


def select_facts(
    session: Session,
    *,
    by_date: bool = False,
    limit: int | None = None,
    **filters: Any,
) -> Sequence[Fact]:
    """Current versions matching the filters (see `_conditions`), in a stable order: by kind
    then id, or by date then id."""
    query = select(Fact).where(*_conditions(as_of=reading_as_of(session), **filters))
    if by_date:
        query = query.order_by(col(Fact.date_value), col(Fact.fact_id))
    else:
        query = query.order_by(col(Fact.kind), col(Fact.fact_id))
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def list_completeness(session: Session, **filters: Any) -> tuple[bool | None, list[str]]:
    """Whether the whole list the filters select is complete, by the source's word: false if
    any member is marked partial, true only if all are marked complete; and the notes."""
    conditions = _conditions(as_of=reading_as_of(session), **filters)
    # Few facts are marked at all: those are read from a partial index (ix_fact_listed), and
    # one unmarked row, if any, is enough to know, so no list is read whole.
    marked = select(Fact.list_complete, Fact.list_note).where(*conditions, LISTED).distinct()
    rows = session.exec(marked).all()
    unmarked = select(Fact.row_id).where(*conditions, col(Fact.list_complete).is_(None)).limit(1)
    flags: set[bool | None] = {complete for complete, _ in rows if complete is not None}
    if session.exec(unmarked).first() is not None:
        flags.add(None)
    complete = False if False in flags else (True if flags == {True} else None)
    return complete, sorted({note for _, note in rows if note})


def get_fact(
    session: Session, *, fact_id: str, kinds: Collection[str] | None = None
) -> Fact | None:
    """The version of the fact readable by its id now (or at the session's `as_of`):
    current, or retracted with its status."""
    query = select(Fact).where(fact_version_at(reading_as_of(session)), Fact.fact_id == fact_id)
    if kinds is not None:
        query = query.where(col(Fact.kind).in_(kinds))
    return session.exec(query).first()


def count_current_facts(session: Session) -> int:
    query = select(func.count()).select_from(Fact).where(*_conditions(as_of=None))
    return session.exec(query).one()


def get_facts(session: Session, *, fact_ids: Collection[str]) -> Sequence[Fact]:
    """The current versions of these facts (any order)."""
    if not fact_ids:
        return []
    conditions = _conditions(as_of=reading_as_of(session))
    query = select(Fact).where(*conditions, col(Fact.fact_id).in_(fact_ids))
    return session.exec(query).all()


def fact_versions(session: Session, *, fact_id: str) -> Sequence[Fact]:
    """Every version of a fact recorded by the session's moment, oldest first."""
    query = select(Fact).where(Fact.fact_id == fact_id).order_by(col(Fact.version))
    as_of = reading_as_of(session)
    if as_of is not None:
        query = query.where(col(Fact.recorded_at) <= as_of)
    return session.exec(query).all()
