"""Selecting current fact versions by kind, subject, date and words."""

from collections import namedtuple
from collections.abc import Collection, Hashable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, case, false, func, not_, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.db.tables import LISTED, Fact
from app.domain.caveats import NOT_OF_FACTS, QUANTITY_CAVEATS
from app.domain.search_text import SearchQuery
from app.domain.vocabulary import FACT_KINDS, CaveatCode, DateMatch, DateQualifier
from app.queries.moment import fact_served, fact_version_at, reading_as_of, stale_before
from app.queries.plain_rows import plain, read
from app.queries.search import ENTRY_FACT, fact_entry_id, matches
from app.queries.sorting import SortField, Sorting
from app.queries.version_memo import VersionMemo

# Reads select the fact table's columns, not the Fact entity: each row comes back as a plain
# tuple that answers to Fact's attribute names, read-only and outside the session's identity
# map (building an ORM object per row cost more than the query that read it).
FACT_COLUMNS = tuple(Fact.__table__.columns)  # type: ignore[attr-defined]
# The select of those columns, made once: making it checks every column again, which took
# longer than running the query on a page of fifty. Filters and order are added to copies.
FACT_ROWS = plain(select_columns(*FACT_COLUMNS))


# A fact version as read: its columns by name, in a plain named tuple. Reading a field of a
# database row costs about ten times reading it from one of these, and presenting a page of
# facts reads some forty fields of each.
FactRecord = namedtuple("FactRecord", [column.key for column in FACT_COLUMNS])  # type: ignore[misc]
_FACT_WIDTH = len(FACT_COLUMNS)


def as_facts(rows: Sequence[Any]) -> Sequence[Fact]:
    """Rows of FACT_COLUMNS (with any columns after them, such as sort values) as the facts
    they hold, answering Fact's attribute names."""
    make = FactRecord._make
    return cast(Sequence[Fact], [make(tuple(row)[:_FACT_WIDTH]) for row in rows])


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


def caveat_condition(code: CaveatCode, *, stale_before: date | None) -> ColumnElement[bool]:
    """The facts carrying a caveat: the SQL form of app.domain.caveats.fact_caveat_codes (a
    test holds the two to agreement on every fact)."""
    qualifiers = [q.value for q, c in QUANTITY_CAVEATS.items() if c == code]
    if qualifiers:
        return col(Fact.qualifier).in_(qualifiers)
    dated = col(Fact.date_value).is_not(None)
    if code == CaveatCode.value_unknown:
        return col(Fact.unit).is_not(None) & col(Fact.value).is_(None)
    if code == CaveatCode.derived:
        return col(Fact.derived).is_(True)
    if code == CaveatCode.list_partial:
        return col(Fact.list_complete).is_(False)
    if code == CaveatCode.received_not_disbursed:
        received = [name for name, kind in FACT_KINDS.items() if kind.received_money]
        return col(Fact.kind).in_(received)
    if code == CaveatCode.date_inexact:
        exact = col(Fact.date_qualifier).is_(None) | (Fact.date_qualifier == DateQualifier.exact)
        return dated & not_(exact)
    if code == CaveatCode.date_resolved_elsewhere:
        return dated & col(Fact.date_resolved_from).is_not(None) & (Fact.date_resolved_from != "")
    if code == CaveatCode.stale:
        if stale_before is None:
            return false()
        latest = col(Fact.date_latest)
        figure = col(Fact.unit).is_not(None)
        return figure & latest.is_not(None) & (latest < stale_before.isoformat())
    return false()  # a caveat of sources or missions only


def _date_conditions(
    date_from: date | None, date_to: date | None, match: DateMatch
) -> list[ColumnElement[bool]]:
    """A date is the interval of days it may be (app.domain.dates). `overlaps`: the interval
    meets the window, an unbounded end meeting anything; `within`: it lies wholly inside."""
    if date_from is None and date_to is None:
        return []
    earliest, latest = col(Fact.date_earliest), col(Fact.date_latest)
    conditions: list[ColumnElement[bool]] = [col(Fact.date_value).is_not(None)]
    if match == DateMatch.within:
        # An approximate date's interval is where it most likely falls, not a bound.
        conditions.append(col(Fact.date_qualifier) != DateQualifier.approximate)
        if date_from is not None:
            conditions.append(earliest.is_not(None) & (earliest >= date_from.isoformat()))
        if date_to is not None:
            conditions.append(latest.is_not(None) & (latest <= date_to.isoformat()))
        return conditions
    if date_from is not None:
        conditions.append(or_(latest.is_(None), latest >= date_from.isoformat()))
    if date_to is not None:
        conditions.append(or_(earliest.is_(None), earliest <= date_to.isoformat()))
    return conditions


def _conditions(
    *,
    as_of: datetime | None = None,
    kinds: Collection[str] | None = None,
    missions: Collection[str] | None = None,
    related_to: Collection[str] | None = None,
    involving: str | None = None,
    country: str | None = None,
    actor: str | None = None,
    stance: str | None = None,
    qualifier: str | None = None,
    derived: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    date_match: DateMatch = DateMatch.overlaps,
    caveat: CaveatCode | None = None,
    stale_before: date | None = None,
) -> list[Any]:
    conditions: list[Any] = [fact_served(as_of)]
    if kinds is not None:
        conditions.append(col(Fact.kind).in_(kinds))
    if missions is not None:
        conditions.append(col(Fact.mission_slug).in_(missions))
    if related_to is not None:
        conditions.append(col(Fact.related_mission_slug).in_(related_to))
    if involving is not None:
        # The mission's own facts, and the facts that name it as the mission they relate to:
        # all a mission's page shows, in one read.
        conditions.append(
            or_(col(Fact.mission_slug) == involving, col(Fact.related_mission_slug) == involving)
        )
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
    if caveat is not None:
        conditions.append(caveat_condition(caveat, stale_before=stale_before))
    conditions.extend(_date_conditions(date_from, date_to, date_match))
    return conditions


def fact_query(
    session: Session, *, search: SearchQuery | None = None, **filters: Any
) -> tuple[Select, Sorting | None]:
    """Current versions matching the filters (see `_conditions`) and the words of `search`.
    With a search, the rows can also be sorted by `relevance` (returned as a Sorting)."""
    query = FACT_ROWS.where(
        *_conditions(as_of=reading_as_of(session), stale_before=stale_before(session), **filters)
    )
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
    moment = (reading_as_of(session), stale_before(session))
    try:
        query = _facts_statement(*moment, by_date, limit, _frozen(filters))
    except TypeError:  # a filter that cannot be a key
        query = _facts_statement.__wrapped__(*moment, by_date, limit, tuple(filters.items()))
    return as_facts(read(session, query))


def _frozen(filters: dict[str, Any]) -> tuple[tuple[str, Hashable], ...]:
    """The filters as a key: collections of values as tuples, in the order given."""
    return tuple(
        (
            name,
            tuple(value) if isinstance(value, Collection) and not isinstance(value, str) else value,
        )
        for name, value in sorted(filters.items())
    )


# The statements of select_facts, made once for each set of filters: a mission's page and its
# sub-resources ask for the same few again and again, and making one (its conditions, then its
# cache key) cost more than running it. Statements are never changed once made, so readers
# in every thread share them; the store is bounded.
@lru_cache(maxsize=512)
def _facts_statement(
    as_of: datetime | None,
    before: date | None,
    by_date: bool,
    limit: int | None,
    filters: tuple[tuple[str, Any], ...],
) -> Select:
    query = FACT_ROWS.where(*_conditions(as_of=as_of, stale_before=before, **dict(filters)))
    if by_date:
        query = query.order_by(col(Fact.date_value), col(Fact.fact_id))
    else:
        query = query.order_by(col(Fact.kind), col(Fact.fact_id))
    if limit is not None:
        query = query.limit(limit)
    return query


def list_completeness(session: Session, **filters: Any) -> tuple[bool | None, list[str]]:
    """Whether the whole list the filters select is complete, by the source's word: false if
    any member is marked partial, true only if all are marked complete; and the notes."""
    conditions = _conditions(
        as_of=reading_as_of(session), stale_before=stale_before(session), **filters
    )
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


# Every caveat of a list costs one pass over the whole list (seconds on a million rows), so
# it is kept per list and data version: the next pages of a list, and any later reader of it,
# find it here until a write moves the version on.
_LIST_CAVEATS: VersionMemo[tuple[CaveatCode, ...]] = VersionMemo(kept=512)


def list_caveat_codes(session: Session, query: Select, *, list_key: Hashable) -> list[CaveatCode]:
    """Every caveat of the whole list the query selects (not of one page): one flag per
    caveat, each the SQL form of its rule, over all the list's rows, in one query.

    `list_key` names the list: what the query was made from (its filters and search), which
    is cheaper to compare than the statement (compiling one took longer than its query)."""
    key = ("list caveats", reading_as_of(session), stale_before(session), list_key)
    return list(_LIST_CAVEATS.get(session, key, lambda: _list_caveat_pass(session, query)))


def _list_caveat_pass(session: Session, query: Select) -> tuple[CaveatCode, ...]:
    codes = [code for code in CaveatCode if code not in NOT_OF_FACTS]
    before = stale_before(session)
    flags = [
        func.max(case((caveat_condition(code, stale_before=before), 1), else_=0)) for code in codes
    ]
    row = session.execute(query.with_only_columns(*flags).order_by(None)).one()
    return tuple(code for code, flag in zip(codes, row, strict=True) if flag)


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
    query = FACT_ROWS.where(*conditions, col(Fact.fact_id).in_(fact_ids))
    return as_facts(read(session, query))


def fact_versions(session: Session, *, fact_id: str) -> Sequence[Fact]:
    """Every version of a fact recorded by the session's moment, oldest first."""
    query = select(Fact).where(Fact.fact_id == fact_id).order_by(col(Fact.version))
    as_of = reading_as_of(session)
    if as_of is not None:
        query = query.where(col(Fact.recorded_at) <= as_of)
    return session.exec(query).all()
