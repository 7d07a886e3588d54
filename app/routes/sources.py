"""/sources: the documents facts cite, with their full text."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request

from app.db import SessionDep
from app.pagination import PageDep, cut_page
from app.present import citation_out, source_summary
from app.problems import problem_responses
from app.queries import entities
from app.queries.citations import citations_of_source
from app.routes.common import SLUG_PATTERN
from app.schemas import Page, SourceDetail, SourceSummary

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get(
    "",
    summary="Source documents",
    response_model=Page[SourceSummary],
    responses=problem_responses(422),
)
def list_sources(request: Request, session: SessionDep, page: PageDep) -> Page[SourceSummary]:
    """The documents every fact is traced to, with their metadata (not their text)."""
    rows = entities.list_sources(session, limit=page.fetch, offset=page.offset)
    items, next_url = cut_page(request, page, [source_summary(row) for row in rows])
    return Page[SourceSummary](items=items, limit=page.limit, offset=page.offset, next=next_url)


@router.get(
    "/{source_id}",
    summary="One source, its text and every cited span",
    response_model=SourceDetail,
    responses=problem_responses(404, 422),
)
def get_source(
    source_id: Annotated[
        str,
        Path(
            pattern=SLUG_PATTERN,
            max_length=100,
            description="The source's id.",
            examples=["haitiwire-2025-02-mss-support-office"],
        ),
    ],
    session: SessionDep,
) -> SourceDetail:
    """Metadata, the full text, and every cited span of it: `text[start:end] == quote`.
    A publication date the text does not give is shown with its bound and how it was found."""
    source = entities.get_source(session, source_id=source_id)
    if source is None:
        raise HTTPException(404, f"No source with id {source_id!r}. See GET /sources.")
    citations = citations_of_source(session, source_id=source_id)
    return SourceDetail(
        **source_summary(source).model_dump(),
        text=source.text,
        notes=source.notes,
        citations=[citation_out(c, source.url) for c in citations],
    )
