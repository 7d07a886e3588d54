"""Resolving the citations of a record sent to the write API against the stored sources."""

from typing import Any

from sqlmodel import Session, col, select

from app.db.tables import Citation, Source
from app.domain.errors import Invalid
from app.domain.quotes import Span, locate_quote
from app.domain.spec import CitationIn


def resolve_citations(session: Session, cites: list[CitationIn]) -> list[Span]:
    """The spans of these quotes; a 422 naming the first quote that is not in its source."""
    spans = []
    sources: dict[str, Source | None] = {}
    for number, citation in enumerate(cites, start=1):
        where = f"cite.{number - 1}"
        if citation.source is None:
            raise Invalid("body", where, "name the source the quote is from (`source`)")
        if citation.source not in sources:
            sources[citation.source] = session.get(Source, citation.source)
        source = sources[citation.source]
        if source is None:
            raise Invalid(
                "body", where, f"unknown source {citation.source!r}; POST /sources it first"
            )
        try:
            spans.append(
                locate_quote(
                    source_id=source.id,
                    text=source.text,
                    quote=citation.quote,
                    occurrence=citation.occurrence,
                    not_citable=source.not_citable or [],
                )
            )
        except ValueError as error:
            raise Invalid("body", where, str(error)) from None
    return spans


def new_citation(span: Span) -> Citation:
    """The citation row of a located span, with its context (the loader and the write API
    both store spans this way)."""
    return Citation(
        source_id=span.source_id,
        char_start=span.start,
        char_end=span.end,
        quote=span.quote,
        prefix=span.prefix,
        suffix=span.suffix,
    )


def citation_ids(session: Session, spans: list[Span]) -> list[int]:
    """The ids of the citations of these spans, stored first when new."""
    ids = []
    for span in spans:
        stored = session.exec(
            select(Citation.id).where(
                Citation.source_id == span.source_id,
                Citation.char_start == span.start,
                Citation.char_end == span.end,
            )
        ).first()
        if stored is None:
            citation = new_citation(span)
            session.add(citation)
            session.flush()
            stored = citation.id
        assert stored is not None
        if stored not in ids:  # two quotes that find the same span are one citation
            ids.append(stored)
    return ids


def cited_spans(session: Session, ids: list[int]) -> list[tuple[Citation, str]]:
    """(citation, source text) of these citation ids, in the given order."""
    rows = session.exec(
        select(Citation, Source.text)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(col(Citation.id).in_(ids))
    ).all()
    by_id = {citation.id: (citation, text) for citation, text in rows}
    return [by_id[i] for i in ids if i in by_id]


def cite_of(citation: Citation, text: str) -> dict[str, Any]:
    """A stored citation written back as the input models' quote: its words and source, and
    which occurrence of them it is when the text holds them more than once."""
    cite: dict[str, Any] = {"quote": citation.quote, "source": citation.source_id}
    starts, at = [], text.find(citation.quote)
    while at != -1:
        starts.append(at)
        at = text.find(citation.quote, at + 1)
    if len(starts) > 1:
        cite["occurrence"] = starts.index(citation.char_start) + 1
    return cite
