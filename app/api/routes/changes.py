"""/changes: every create, correction and retraction, as JSON pages and as an Atom feed."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, get_args
from xml.sax.saxutils import escape, quoteattr

from fastapi import HTTPException, Path, Query, Request, Response
from sqlmodel import Session, col, select

from app.api.csv_columns import json_time
from app.api.formats import CsvColumn, FormatDep, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.problems import invalid, problem_responses
from app.api.routes.listing import entity_list
from app.api.routing import api_router
from app.api.schemas import ChangeList, ChangeOut
from app.api.sessions import SessionDep, parse_as_of
from app.db.tables import Change
from app.queries.moment import reading_as_of
from app.queries.sorting import SortField, Sorting

router = api_router(tags=["changes"])

_KEY = SortField("id", col(Change.id), kind=int)
CHANGE_SORTING = Sorting(fields={"id": _KEY}, default="id", key=_KEY)
ATOM_LIMIT = 50
CHANGE_ACTIONS = get_args(ChangeOut.model_fields["action"].annotation)
RECORD_TYPES = get_args(ChangeOut.model_fields["record_type"].annotation)
CHANGE_COLUMNS = [
    CsvColumn[ChangeOut]("id", "#meta+id", lambda c: c.id, type="integer"),
    CsvColumn[ChangeOut]("recorded_at", "#date+recorded", lambda c: json_time(c.recorded_at)),
    CsvColumn[ChangeOut]("recorded_by", "#contributor+name", lambda c: c.recorded_by),
    CsvColumn[ChangeOut]("action", "#meta+action", lambda c: c.action, enum=CHANGE_ACTIONS),
    CsvColumn[ChangeOut]("record_type", "#meta+type", lambda c: c.record_type, enum=RECORD_TYPES),
    CsvColumn[ChangeOut]("record_id", "#meta+record", lambda c: c.record_id),
    CsvColumn[ChangeOut]("version", "#meta+version", lambda c: c.version, type="integer"),
    CsvColumn[ChangeOut]("reason", "#description", lambda c: c.reason),
    CsvColumn[ChangeOut]("href", "#meta+url", lambda c: c.href),
    CsvColumn[ChangeOut]("version_href", "#meta+url+version", lambda c: c.version_href),
]

Since = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Only changes recorded after this ISO 8601 timestamp (UTC when it has no "
        "offset), e.g. the `recorded_at` of the last change you saw.",
        examples=["2025-03-01T00:00:00Z"],
    ),
]
RecordType = Annotated[
    str | None,
    Query(
        pattern=f"^({'|'.join(RECORD_TYPES)})$",
        description="The sort of record: " + ", ".join(f"`{t}`" for t in RECORD_TYPES) + ".",
    ),
]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def present_changes(rows: Sequence[Change]) -> list[ChangeOut]:
    out = []
    for row in rows:
        assert row.id is not None
        href = f"/{row.record_type}s/{row.record_id}"
        out.append(
            ChangeOut(
                id=row.id,
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by,
                action=row.action,  # type: ignore[arg-type]
                record_type=row.record_type,  # type: ignore[arg-type]
                record_id=row.record_id,
                version=row.version,
                reason=row.reason,
                href=href,
                version_href=f"{href}?as_of={_stamp(row.recorded_at)}",
            )
        )
    return out


def _changes_query(session: Session, *, since: datetime | None, record_type: str | None) -> Any:
    query = select(Change)
    as_of = reading_as_of(session)
    if as_of is not None:
        query = query.where(col(Change.recorded_at) <= as_of)
    if since is not None:
        query = query.where(col(Change.recorded_at) > since)
    if record_type is not None:
        query = query.where(Change.record_type == record_type)
    return query


def _since(value: str | None) -> datetime | None:
    try:
        return parse_as_of(value)
    except Exception:
        raise invalid("query", "since", "expected an ISO 8601 timestamp in the past") from None


@router.get(
    "/changes",
    summary="Every change to the data, oldest first",
    response_model=ChangeList,
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_changes(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    since: Since = None,
    record_type: RecordType = None,
    sort: Annotated[str | None, Query(max_length=20, description="`id` or `-id`.")] = None,
) -> ChangeList | Response:
    """Each fact, mission or actor created, corrected or retracted and each source added,
    with who, when and why, a link to the record and one to the record as the change left
    it. Poll with `since` (the last `recorded_at` you saw) or follow `next`."""
    query = _changes_query(session, since=_since(since), record_type=record_type)
    return entity_list(
        request,
        session,
        page,
        output,
        query=query,
        sorting=CHANGE_SORTING,
        sort=sort,
        present=lambda _, rows: present_changes(rows),
        columns=CHANGE_COLUMNS,
    )


@router.get(
    "/changes.atom",
    summary="The latest changes as an Atom feed",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
        **problem_responses(422),
    },
)
def changes_feed(
    request: Request, session: SessionDep, since: Since = None, record_type: RecordType = None
) -> Response:
    """An Atom feed (RFC 4287) of the latest 50 changes, newest first, for feed readers and
    newsroom alerts. Each entry links to the record and says who changed it and why."""
    query = _changes_query(session, since=_since(since), record_type=record_type)
    rows = session.exec(query.order_by(col(Change.id).desc()).limit(ATOM_LIMIT)).all()
    base = str(request.base_url).rstrip("/")
    self_url = str(request.url)
    updated = rows[0].recorded_at if rows else datetime(1970, 1, 1, tzinfo=UTC)
    entries = "".join(_atom_entry(change, base) for change in present_changes(rows))
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(base)}/changes.atom</id>\n"
        "  <title>Mission Facts: changes</title>\n"
        f"  <updated>{_stamp(updated)}</updated>\n"
        f'  <link rel="self" href={quoteattr(self_url)}/>\n'
        f'  <link rel="alternate" type="application/json" href={quoteattr(base + "/changes")}/>\n'
        "  <author><name>Mission Facts</name></author>\n"
        f"{entries}</feed>\n"
    )
    return Response(body, media_type="application/atom+xml")


def _atom_entry(change: ChangeOut, base: str) -> str:
    version = f" (version {change.version})" if change.version else ""
    title = f"{change.record_type.capitalize()} {change.record_id} {change.action}{version}"
    summary = change.reason or change.action
    return (
        "  <entry>\n"
        f"    <id>{escape(base)}/changes/{change.id}</id>\n"
        f"    <title>{escape(title)}</title>\n"
        f"    <updated>{_stamp(change.recorded_at)}</updated>\n"
        f"    <author><name>{escape(change.recorded_by)}</name></author>\n"
        f'    <link rel="alternate" href={quoteattr(base + change.href)}/>\n'
        f'    <link rel="related" href={quoteattr(base + change.version_href)}/>\n'
        f"    <summary>{escape(summary)}</summary>\n"
        "  </entry>\n"
    )


@router.get(
    "/changes/{change_id}",
    summary="One change",
    response_model=ChangeOut,
    responses=problem_responses(404, 422),
)
def get_change(
    # Bounded to what every database's integer column holds (PostgreSQL's is 32-bit).
    change_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The change's number.")],
    session: SessionDep,
    response: Response,
) -> ChangeOut:
    """One entry of the change feed by its number, with links to the record as it stands and
    as the change left it."""
    query = _changes_query(session, since=None, record_type=None).where(col(Change.id) == change_id)
    row = session.exec(query).first()
    if row is None:
        raise HTTPException(404, f"No change {change_id}. See GET /changes.")
    change = present_changes([row])[0]
    response.headers.update(last_modified([change.recorded_at]))
    return change
