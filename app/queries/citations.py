"""Citations of missions, actors and fact versions, through their link tables."""

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.db.tables import ActorCitation, Citation, FactCitation, MissionCitation, Source
from app.queries.moment import citation_served, reading_as_of
from app.queries.plain_rows import plain, read
from app.queries.sorting import SortField, Sorting

CitationLink = type[MissionCitation] | type[ActorCitation] | type[FactCitation]
_KEY_COLUMN = {
    MissionCitation: "mission_slug",
    ActorCitation: "actor_slug",
    FactCitation: "fact_row_id",
}


def _citation_columns(key: Any) -> Select:
    """(key, source id, start, end, quote, source url, prefix, suffix): the quote's context
    as the citation keeps it, so no source text is read."""
    return plain(
        select_columns(
            key,
            col(Citation.source_id),
            col(Citation.char_start),
            col(Citation.char_end),
            col(Citation.quote),
            col(Source.url),
            col(Citation.prefix),
            col(Citation.suffix),
        )
    )


def linked_citations(
    session: Session, *, link: CitationLink, keys: Collection[Any]
) -> Sequence[Row[Any]]:
    """The citation rows (see `_citation_columns`) of every record whose key is given, in
    citation order. Plain columns rather than Citation objects: a page of 50 facts has a
    hundred or more citations, and loading each as an ORM object cost more than the query."""
    if not keys:
        return []
    return read(session, _linked_query(link), {"keys": list(keys)})


@cache
def _linked_query(link: CitationLink) -> Select:
    # Made once per link table: building the statement again for every page cost more than
    # running it.
    key = getattr(link, _KEY_COLUMN[link])
    return (
        _citation_columns(key)
        .select_from(link)
        .join(Citation, col(Citation.id) == link.citation_id)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(col(key).in_(bindparam("keys", expanding=True)))
        .order_by(col(key), col(link.position))
    )


def citations_by_id(session: Session, *, ids: Collection[int]) -> dict[int, Row[Any]]:
    """The citation rows of these citations, by id: for a record as an earlier version of it
    cited them."""
    if not ids:
        return {}
    query = (
        _citation_columns(col(Citation.id))
        .select_from(Citation)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(col(Citation.id).in_(ids))
    )
    return {row[0]: row for row in read(session, query)}


def citations_of_source(session: Session, *, source_id: str) -> Sequence[Citation]:
    query = (
        select(Citation)
        .where(Citation.source_id == source_id, citation_served(reading_as_of(session)))
        .order_by(col(Citation.char_start), col(Citation.char_end))
    )
    return session.exec(query).all()


_CITATION_KEY = SortField("id", col(Citation.id), kind=int)
CITATION_SORTING = Sorting(
    fields={
        "id": _CITATION_KEY,
        "source": SortField("source", col(Citation.source_id)),
        "start": SortField("start", col(Citation.char_start), kind=int),
    },
    default="source,start",
    key=_CITATION_KEY,
)


def citation_query(*, source_id: str | None, as_of: datetime | None) -> Select:
    """Every cited span served at the moment (of one source, if given)."""
    query = select(Citation).where(citation_served(as_of))
    if source_id is not None:
        query = query.where(Citation.source_id == source_id)
    return query
