"""/citations: every cited span of every source, with its Web Annotation selectors."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import Query, Request, Response
from sqlmodel import Session

from app.api.csv_columns import CITATION_COLUMNS
from app.api.formats import FormatDep, list_openapi
from app.api.pagination import PageDep
from app.api.present import citation_out
from app.api.problems import problem_responses
from app.api.routes.common import SLUG_PATTERN
from app.api.routes.listing import entity_list
from app.api.routing import api_router
from app.api.schemas import CitationOut, Page
from app.api.sessions import SessionDep
from app.db.tables import Citation
from app.queries import entities
from app.queries.citations import CITATION_SORTING, citation_query
from app.queries.moment import reading_as_of

router = api_router(prefix="/citations", tags=["sources"])


@router.get(
    "",
    summary="Every cited span of every source",
    response_model=Page[CitationOut],
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_citations(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    source: Annotated[
        str | None,
        Query(
            pattern=SLUG_PATTERN,
            max_length=100,
            description="Only the spans of this source (its id).",
        ),
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=200, description=CITATION_SORTING.describe())
    ] = None,
) -> Page[CitationOut] | Response:
    """Each quote any record cites, once: its source, its span (`text[start:end] == quote`)
    and its selectors, the quote with 32 code points of context on each side and its
    position, to find it again in a copy of the article."""
    return entity_list(
        request,
        session,
        page,
        output,
        query=citation_query(source_id=source, as_of=reading_as_of(session)),
        sorting=CITATION_SORTING,
        sort=sort,
        present=_present,
        columns=CITATION_COLUMNS,
    )


def _present(session: Session, rows: Sequence[Citation]) -> list[CitationOut]:
    sources = entities.sources_by_id(session, ids={row.source_id for row in rows})
    return [citation_out(row, sources[row.source_id]) for row in rows]
