"""/search: words looked for across facts and source texts at once, best matches first."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import Select, select
from sqlmodel import Session

from app.db import SessionDep
from app.pagination import PageDep, SortField, Sorting, read_page
from app.present import fact_match, present_facts
from app.problems import problem_responses
from app.queries import entities
from app.queries.facts import get_facts
from app.queries.search import ENTRY_FACT, matches
from app.routes.facts import parsed_search
from app.routes.listing import note_page
from app.schemas import SearchHit, SearchMatch, SearchResults
from app.search import SearchQuery, matched_spans, snippet_html

router = APIRouter(tags=["search"])


def _hits(session: Session, rows: Sequence[Any], query: SearchQuery) -> list[SearchHit]:
    """Turn (entry_type, entry_id) rows into hits, reading facts and sources in two queries."""
    fact_ids = [entry_id for entry_type, entry_id in rows if entry_type == ENTRY_FACT]
    facts = {f.id: f for f in present_facts(session, get_facts(session, fact_ids=fact_ids))}
    source_ids = [entry_id for entry_type, entry_id in rows if entry_type != ENTRY_FACT]
    sources = entities.sources_by_id(session, ids=source_ids)
    hits = []
    for entry_type, entry_id in rows:
        if entry_type == ENTRY_FACT and entry_id in facts:
            fact = facts[entry_id]
            hits.append(
                SearchHit(
                    type="fact",
                    id=fact.id,
                    title=fact.summary,
                    kind=fact.kind,
                    match=fact_match(fact, query),
                    href=f"/facts/{fact.id}",
                )
            )
        elif entry_id in sources:
            source = sources[entry_id]
            snippet = snippet_html(source.text, matched_spans(source.text, query))
            hits.append(
                SearchHit(
                    type="source",
                    id=source.id,
                    title=source.title or source.url,
                    kind=None,
                    match=SearchMatch(field="text", snippet=snippet),
                    href=f"/sources/{source.id}",
                )
            )
    return hits


@router.get(
    "/search",
    summary="Search facts and source texts",
    response_model=SearchResults,
    responses=problem_responses(422),
)
def search(
    request: Request,
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description='Words (all must match), "a phrase", prefix*, `OR` between '
            "alternatives, `-word` to exclude. Accents and case are ignored: `Antonio` finds "
            "António.",
            examples=["cholera"],
        ),
    ],
) -> SearchResults:
    """Facts and source texts that contain the words, best match first (SQLite: FTS5's BM25;
    PostgreSQL: ts_rank_cd), each with a short snippet where the words are marked."""
    query = parsed_search(q)
    assert query is not None
    found = matches(session, query=query).subquery("found")
    rank = SortField("relevance", found.c.rank, kind=float)
    entry_type = SortField("type", found.c.entry_type)
    entry_id = SortField("id", found.c.entry_id)
    sorting = Sorting(
        fields={"relevance": rank, "type": entry_type, "id": entry_id},
        default="relevance,type",
        key=entry_id,
    )
    statement: Select = select(found.c.entry_type, found.c.entry_id)
    result = read_page(
        session,
        request,
        statement,
        ordering=sorting.resolve(None),
        page=page,
        row_of=lambda row: (row[0], row[1]),
    )
    note_page(request, result, [])
    return SearchResults(
        query=q,
        items=_hits(session, result.rows, query),
        limit=page.limit,
        next=result.next_url,
        next_cursor=result.next_cursor,
        total=result.total,
    )
