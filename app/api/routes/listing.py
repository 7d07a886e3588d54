"""Answering a list request: a sorted page as JSON, or a row format, CSV or NDJSON (a page,
or the whole list streamed).

Every list endpoint ends here, so sort, cursor, total, CSV, HXL and NDJSON behave the same on
each.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, TypeVar

import orjson
from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import Engine, Select
from sqlmodel import Session

from app.api.csv_columns import fact_columns
from app.api.formats import CsvColumn, OutputFormat, rows_response, rows_stream
from app.api.http_dates import last_modified
from app.api.pagination import PageOf, PageParams, decode_cursor, read_page
from app.api.present import (
    caveat,
    fact_documents,
    match_document,
)
from app.api.schemas import FactList, FactOut, Page
from app.db.engine import for_reads
from app.domain.read_scopes import kind_scope, reads_header
from app.domain.search_text import SearchQuery
from app.queries.facts import (
    BY_DATE,
    BY_KIND,
    as_facts,
    fact_query,
    list_caveat_codes,
    list_completeness,
)
from app.queries.sorting import Ordering, Sorting, read_rows

T = TypeVar("T", bound=BaseModel)
Presenter = Callable[[Session, Sequence[Any]], list[T]]
# Items as the plain values their model writes, for JSON made without building the model.
Documents = Callable[[Session, Sequence[Any]], list[dict[str, Any]]]
STREAM_BATCH = 500


def csv_filename(request: Request) -> str:
    """A download's name from its path: /missions/mss/donors gives missions-mss-donors.csv."""
    return request.url.path.strip("/").replace("/", "-") or "index"


def _link_header(result: PageOf) -> dict[str, str]:
    return {"Link": f'<{result.next_url}>; rel="next"'} if result.next_url else {}


def page_headers(result: PageOf, modified: Iterable[datetime | None]) -> dict[str, str]:
    """A page's `Link: <next>; rel="next"` and its `Last-Modified`."""
    return {**_link_header(result), **last_modified(modified)}


def json_answer(model: BaseModel, headers: dict[str, str]) -> Response:
    """The model as JSON with headers of its own, serialized as FastAPI would."""
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)


def documents_answer(
    envelope: BaseModel, items: list[dict[str, Any]], headers: dict[str, str]
) -> Response:
    """A page whose items are already plain values (see present.fact_documents): the
    envelope, made without them, takes them as they are, and the whole goes to bytes once."""
    document = envelope.model_dump(mode="json")
    document["items"] = items
    return Response(orjson.dumps(document), media_type="application/json", headers=headers)


def _stream(
    engine: Engine,
    query: Select,
    ordering: Ordering,
    start: list[Any],
    present: Presenter[T],
    row_of: Callable[[Any], Any],
    info: dict[str, Any],
) -> Iterator[list[T]]:
    """The rest of a long list after `start`, a batch at a time, each batch read after the
    last one's sort values. Runs while the response is sent, so it opens a session of its own,
    reading at the same moment as the request's (its `as_of`)."""
    width = len(ordering.fields)
    with Session(engine, info=dict(info)) as session:
        while True:
            rows = read_rows(session, query, ordering, start, STREAM_BATCH)
            if not rows:
                return
            yield present(session, [row_of(row) for row in rows])
            if len(rows) < STREAM_BATCH:
                return
            start = list(rows[-1][-width:])


def rows_or_page(
    request: Request,
    session: Session,
    page: PageParams,
    output: OutputFormat,
    *,
    query: Select,
    ordering: Ordering,
    present: Presenter[T],
    columns: Sequence[CsvColumn[T]],
    filename: str,
    row_of: Callable[[Any], Any] = lambda row: row[0],
    documents: Documents | None = None,
) -> tuple[PageOf, list[Any]] | Response:
    """A row format (CSV, NDJSON) without an explicit `limit`: every record from the cursor
    on, streamed. Otherwise the page, presented; in a row format it is returned at once, as
    JSON it is left to the caller (as plain values, when `documents` makes them)."""
    if output.rows and not page.limit_given:
        start = decode_cursor(request, ordering, page.cursor) if page.cursor else None
        # The first batch is read here, in the request's session: a list that fits in it
        # (most lists) is answered whole, and only a longer one streams the rest.
        rows = read_rows(session, query, ordering, start, STREAM_BATCH)
        first = present(session, [row_of(row) for row in rows])
        if len(rows) < STREAM_BATCH:
            return rows_response(output, columns, first, filename=filename)
        engine = for_reads(request.app.state.engine)
        after = list(rows[-1][-len(ordering.fields) :])
        rest = _stream(engine, query, ordering, after, present, row_of, session.info)
        return rows_stream(output, columns, chain([first], rest), filename=filename)
    result = read_page(session, request, query, ordering=ordering, page=page, row_of=row_of)
    if output.rows:
        items = present(session, result.rows)
        return rows_response(
            output, columns, items, filename=filename, headers=_link_header(result)
        )
    if documents is not None:
        return result, documents(session, result.rows)
    return result, present(session, result.rows)


def entity_list(
    request: Request,
    session: Session,
    page: PageParams,
    output: OutputFormat,
    *,
    query: Select,
    sorting: Sorting,
    sort: str | None,
    present: Presenter[T],
    columns: Sequence[CsvColumn[T]],
    modified: Callable[[Any], datetime | None] = lambda row: getattr(row, "recorded_at", None),
    envelope: type[Page[Any]] = Page,
    said_of_the_list: Callable[[], dict[str, Any]] = dict,
    row_of: Callable[[Any], Any] = lambda row: row[0],
    documents: Documents | None = None,
) -> Response:
    """A sorted page of any list, as JSON (in `envelope`, with what `said_of_the_list` says
    of the whole list; its items made by `documents` when given, else by `present`) or CSV;
    or the whole list as CSV."""
    answer = rows_or_page(
        request,
        session,
        page,
        output,
        query=query,
        ordering=sorting.resolve(sort),
        present=present,
        columns=columns,
        filename=csv_filename(request),
        row_of=row_of,
        documents=documents,
    )
    if isinstance(answer, Response):
        return answer
    result, items = answer
    headers = page_headers(result, [modified(row) for row in result.rows])
    said = {
        "limit": page.limit,
        "next": result.next_url,
        "next_cursor": result.next_cursor,
        "total": result.total,
        **said_of_the_list(),
    }
    if documents is not None:
        return documents_answer(envelope(items=[], **said), items, headers)
    return json_answer(envelope(items=items, **said), headers)


def fact_list(
    request: Request,
    session: Session,
    page: PageParams,
    output: OutputFormat,
    *,
    sort: str | None = None,
    by_date: bool = False,
    search: SearchQuery | None = None,
    completeness: bool = True,
    **filters: Any,
) -> Response:
    """A list of current facts: a page (JSON or CSV) or the whole list (CSV), with the
    completeness of the whole list (unless `completeness` is false) and the whole list's
    caveats: both are said of the list, whatever the page size."""
    query, search_sorting = fact_query(session, search=search, **filters)
    # What the list is made from names it (values made hashable: kinds come as lists).
    list_key = (search, tuple(sorted((k, repr(v)) for k, v in filters.items())))

    def documents(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
        found = fact_documents(session, as_facts(rows))
        if search is not None:
            for fact in found:
                quotes = [(cited["quote"], cited["href"]) for cited in fact["citations"]]
                fact["match"] = match_document(quotes, fact["summary"], search)
        return found

    def present(session: Session, rows: Sequence[Any]) -> list[FactOut]:
        # The row formats read models: the same values, validated.
        return [FactOut.model_validate(fact) for fact in documents(session, rows)]

    def said_of_the_list() -> dict[str, Any]:
        # Whether a list is complete is said of one list (the donors...), not of a mix.
        complete, notes = list_completeness(session, **filters) if completeness else (None, [])
        return {
            "caveats": [
                caveat(code) for code in list_caveat_codes(session, query, list_key=list_key)
            ],
            "list_complete": complete,
            "list_note": " ".join(notes) or None,
        }

    kinds = filters.get("kinds")
    answer = entity_list(
        request,
        session,
        page,
        output,
        query=query,
        sorting=search_sorting or (BY_DATE if by_date else BY_KIND),
        sort=sort,
        present=present,
        # A JSON answer writes no columns: they are worked out for the row formats alone.
        columns=fact_columns(kinds=kinds) if output.rows else (),
        modified=lambda row: row.recorded_at,
        envelope=FactList,
        said_of_the_list=said_of_the_list,
        row_of=lambda row: row,  # a row of the fact's columns (and its sort values after)
        documents=documents,
    )
    if kinds is not None and search is None:
        # Every filter is a condition on a fact's own columns, so a list of some kinds reads
        # the facts of those kinds alone: a write of another kind leaves it as it is. Not so
        # a search: its relevance weighs words by how rare they are among all facts.
        answer.headers.update(reads_header(kind_scope(kind) for kind in kinds))
    return answer
