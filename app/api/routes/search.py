"""/search: words looked for across facts and source texts at once, best matches first."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import Select, select
from sqlmodel import Session

from app.api.formats import CsvColumn, FormatDep, list_openapi
from app.api.pagination import PageDep
from app.api.present import fact_match, present_facts
from app.api.problems import problem_responses
from app.api.routes.facts import parsed_search
from app.api.routes.listing import csv_filename, json_answer, page_headers, rows_or_page
from app.api.routing import api_router
from app.api.schemas import SearchHit, SearchMatch, SearchResults
from app.api.sessions import SessionDep
from app.domain.search_text import SearchQuery, matched_spans, snippet_html
from app.queries import entities
from app.queries.facts import get_facts
from app.queries.plain_rows import plain
from app.queries.search import ENTRY_FACT, served_matches
from app.queries.sorting import SortField, Sorting

router = api_router(tags=["search"])

HIT_COLUMNS = [
    CsvColumn[SearchHit]("type", "#meta+type", lambda h: h.type),
    CsvColumn[SearchHit]("id", "#meta+id", lambda h: h.id),
    CsvColumn[SearchHit]("kind", "#indicator+type", lambda h: h.kind),
    CsvColumn[SearchHit]("title", "#description", lambda h: h.title),
    CsvColumn[SearchHit]("matched_in", "#meta+matched_in", lambda h: h.match.field),
    CsvColumn[SearchHit]("snippet_html", "#meta+snippet", lambda h: h.match.snippet),
    CsvColumn[SearchHit]("href", "#meta+url", lambda h: h.href),
    CsvColumn[SearchHit]("citation_href", "#meta+url+quote", lambda h: h.match.citation_href),
]


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
    responses={200: list_openapi(), **problem_responses(422)},
)
def search(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
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
) -> SearchResults | Response:
    """Facts and source texts that contain the words, best match first (SQLite: FTS5's BM25;
    PostgreSQL: ts_rank_cd), each with a short snippet where the words are marked."""
    query = parsed_search(q)
    assert query is not None
    found = served_matches(session, query=query).subquery("found")
    rank = SortField("relevance", found.c.rank, kind=float)
    entry_type = SortField("type", found.c.entry_type)
    entry_id = SortField("id", found.c.entry_id)
    sorting = Sorting(
        fields={"relevance": rank, "type": entry_type, "id": entry_id},
        default="relevance,type",
        key=entry_id,
    )
    statement: Select = plain(select(found.c.entry_type, found.c.entry_id))
    answer = rows_or_page(
        request,
        session,
        page,
        output,
        query=statement,
        ordering=sorting.resolve(None),
        present=lambda session, rows: _hits(session, rows, query),
        columns=HIT_COLUMNS,
        filename=csv_filename(request),
        row_of=lambda row: (row[0], row[1]),
    )
    if isinstance(answer, Response):
        return answer
    result, items = answer
    body = SearchResults(
        query=q,
        items=items,
        limit=page.limit,
        next=result.next_url,
        next_cursor=result.next_cursor,
        total=result.total,
    )
    return json_answer(body, page_headers(result, []))
