"""/sources: the documents facts cite, with their full text."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import HTTPException, Path, Query, Request, Response
from sqlmodel import Session

from app.api.auth import WriterDep
from app.api.csv_columns import SOURCE_COLUMNS
from app.api.formats import FormatDep, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import citation_out, source_summary
from app.api.problems import problem_responses
from app.api.routes.common import SLUG_PATTERN
from app.api.routes.listing import entity_list
from app.api.routing import api_router
from app.api.schemas import Page, SourceDetail, SourceSummary
from app.api.sessions import SessionDep, WriteSessionDep
from app.db.tables import Source
from app.domain.read_scopes import ENTITIES, reads_header
from app.domain.spec import SourceUpload
from app.queries import entities
from app.queries.citations import citations_of_source
from app.queries.moment import reading_as_of
from app.writes.sources import create_source, prepare_text
from app.writes.transaction import write_transaction

router = api_router(prefix="/sources", tags=["sources"])


@router.get(
    "",
    summary="Source documents",
    response_model=Page[SourceSummary],
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_sources(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    publisher: Annotated[
        str | None, Query(max_length=200, description="Exact publisher, as listed.")
    ] = None,
    language: Annotated[
        str | None, Query(max_length=12, description="Exact language tag (BCP 47), e.g. `en`.")
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=200, description=entities.SOURCE_SORTING.describe())
    ] = None,
) -> Page[SourceSummary] | Response:
    """The documents every fact is traced to, with their metadata (not their text)."""
    answer = entity_list(
        request,
        session,
        page,
        output,
        query=entities.source_query(
            publisher=publisher, language=language, as_of=reading_as_of(session)
        ),
        sorting=entities.SOURCE_SORTING,
        sort=sort,
        present=_summaries,
        columns=SOURCE_COLUMNS,
    )
    answer.headers.update(reads_header([ENTITIES]))  # sources alone, no fact
    return answer


def _summaries(session: Session, rows: Sequence[Source]) -> list[SourceSummary]:
    return [source_summary(row) for row in rows]


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
    response: Response,
) -> SourceDetail:
    """Metadata, the full text, and every cited span of it: `text[start:end] == quote`.
    A publication date the text does not give is shown with its bound and how it was found."""
    source = entities.get_source(session, source_id=source_id)
    if source is None:
        raise HTTPException(404, f"No source with id {source_id!r}. See GET /sources.")
    response.headers.update(last_modified([source.recorded_at]))
    return _detail(session, source)


def _detail(session: Session, source: Source) -> SourceDetail:
    citations = citations_of_source(session, source_id=source.id)
    return SourceDetail(
        **source_summary(source).model_dump(),
        text=source.text,
        notes=source.notes,
        citations=[citation_out(c, source) for c in citations],
    )


@router.post(
    "",
    summary="Add a source document (needs a write token)",
    status_code=201,
    response_model=SourceDetail,
    responses={
        200: {
            "model": SourceDetail,
            "description": "The same text is stored already: that source.",
        },
        **problem_responses(400, 401, 403, 405, 409, 413, 422, 429, 503),
    },
)
def add_source(
    upload: SourceUpload, token: WriterDep, session: WriteSessionDep, response: Response
) -> SourceDetail:
    """Store a document's text and what is known about it, so facts can cite it. The text is
    kept exactly as sent. The same text sent again (under any id) is not stored twice: the
    answer is 200 with the source already stored, where a new one gets 201. Either way
    `Location` is the source's URL."""
    prepared = prepare_text(upload)
    with write_transaction(session) as now:
        source, created = create_source(session, upload, prepared, at=now, by=token.name)
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/sources/{source.id}"
    return _detail(session, source)
