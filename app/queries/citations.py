"""Citations of missions, actors and fact versions, through their link tables."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.db.tables import ActorCitation, Citation, FactCitation, MissionCitation, Source
from app.queries.moment import citation_served, reading_as_of

CitationLink = type[MissionCitation] | type[ActorCitation] | type[FactCitation]
_KEY_COLUMN = {
    MissionCitation: "mission_slug",
    ActorCitation: "actor_slug",
    FactCitation: "fact_row_id",
}


def linked_citations(
    session: Session, *, link: CitationLink, keys: Collection[Any]
) -> Sequence[Row[Any]]:
    """(key, source id, start, end, quote, source url) for every record whose key is given, in
    citation order. Plain columns rather than Citation objects: a page of 50 facts has a
    hundred or more citations, and loading each as an ORM object cost more than the query."""
    if not keys:
        return []
    key = getattr(link, _KEY_COLUMN[link])
    query = (
        select_columns(
            key,
            col(Citation.source_id),
            col(Citation.char_start),
            col(Citation.char_end),
            col(Citation.quote),
            col(Source.url),
        )
        .join(Citation, col(Citation.id) == link.citation_id)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(col(key).in_(keys))
        .order_by(col(key), col(link.position))
    )
    return session.execute(query).all()


def citations_of_source(session: Session, *, source_id: str) -> Sequence[Citation]:
    query = (
        select(Citation)
        .where(Citation.source_id == source_id, citation_served(reading_as_of(session)))
        .order_by(col(Citation.char_start), col(Citation.char_end))
    )
    return session.exec(query).all()
