"""Sorted lists read page by page with opaque cursors (keyset pagination).

A cursor holds the sort values of the last row served, signed, and bound to the query it came
from. The next page is the rows after those values in the list's order, so pages never skip or
repeat a row, also when rows are added meanwhile or sort values tie (every order ends with the
row's unique key). Reading page 1,000 costs what reading page 1 costs: no OFFSET.
"""

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true, tuple_
from sqlmodel import Session

from app.api.problems import invalid

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# Parameters that do not change which rows a list holds, or in what order.
PRESENTATION_PARAMS = frozenset({"cursor", "limit", "include_total", "format", "hxl"})


@dataclass(frozen=True)
class SortField:
    """A field a list can be sorted on: its public name and the SQL expression behind it."""

    name: str
    column: Any
    nullable: bool = False
    kind: type = str  # how the cursor's JSON value reads back: str, int, float or datetime
    description: str = ""


@dataclass(frozen=True)
class Ordering:
    """The resolved order of a list: (field, descending) pairs, ending with the unique key."""

    fields: tuple[tuple[SortField, bool], ...]
    spec: str  # as the client wrote it (or the default), for the cursor's fingerprint

    def order_by(self) -> list[Any]:
        clauses = []
        for field, descending in self.fields:
            clause = field.column.desc() if descending else field.column.asc()
            clauses.append(clause.nulls_last() if field.nullable else clause)
        return clauses


@dataclass(frozen=True)
class Sorting:
    """The sort fields a list offers, its default order and its unique key."""

    fields: dict[str, SortField]
    default: str
    key: SortField

    def describe(self) -> str:
        names = ", ".join(f"`{name}`" for name in self.fields)
        return (
            f"Comma-separated fields to sort on, `-` before a field for descending: {names}. "
            f"Default `{self.default}`. Ties are broken by `{self.key.name}`; missing values "
            "sort last."
        )

    def resolve(self, spec: str | None) -> Ordering:
        spec = spec or self.default
        fields: list[tuple[SortField, bool]] = []
        for part in spec.split(","):
            name = part.strip()
            descending = name.startswith("-")
            name = name.removeprefix("-")
            field = self.fields.get(name)
            if field is None:
                allowed = ", ".join(self.fields)
                raise invalid("query", "sort", f"unknown sort field {name!r}; use: {allowed}")
            if any(existing.name == name for existing, _ in fields):
                raise invalid("query", "sort", f"{name!r} is given twice")
            fields.append((field, descending))
        if all(field.name != self.key.name for field, _ in fields):
            fields.append((self.key, False))
        return Ordering(fields=tuple(fields), spec=spec)


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    include_total: bool
    limit_given: bool  # a CSV download streams the whole list unless a limit is asked for

    @property
    def fetch(self) -> int:
        """One row more than the page: its presence says whether a next page exists."""
        return self.limit + 1


async def page_params(
    request: Request,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}."),
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Opaque position in the list: copy it from `next` (or the `Link` "
            "header); never build one by hand.",
        ),
    ] = None,
    include_total: Annotated[
        bool,
        Query(description="Also count every row the list holds (`total`); costs a query."),
    ] = False,
) -> PageParams:
    # async although it never awaits: a sync dependency costs each request a worker-thread hop.
    return PageParams(
        limit=limit,
        cursor=cursor,
        include_total=include_total,
        limit_given="limit" in request.query_params,
    )


PageDep = Annotated[PageParams, Depends(page_params)]


# --- Cursors --------------------------------------------------------------------------------


def _fingerprint(request: Request, ordering: Ordering) -> str:
    """What the list is: path, filters and order. A cursor only fits the list it came from."""
    filters = sorted(
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in PRESENTATION_PARAMS and key != "sort"
    )
    material = json.dumps([request.url.path, filters, ordering.spec])
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _signature(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()[:24]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(request: Request, ordering: Ordering, values: Sequence[Any]) -> str:
    payload = json.dumps(
        {"l": _fingerprint(request, ordering), "v": [_plain(v) for v in values]},
        separators=(",", ":"),
    ).encode()
    secret = request.app.state.settings.cursor_secret
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{token}.{_signature(secret, payload)}"


def _bad_cursor(reason: str) -> Exception:
    return invalid("query", "cursor", f"{reason}; use the `next` link of the previous page")


def decode_cursor(request: Request, ordering: Ordering, cursor: str) -> list[Any]:
    token, _, signature = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise _bad_cursor("the cursor is not valid") from None
    secret = request.app.state.settings.cursor_secret
    if not hmac.compare_digest(signature.encode(), _signature(secret, payload).encode()):
        raise _bad_cursor("the cursor is not valid (damaged or altered)")
    try:
        content = json.loads(payload)
        listed, values = content["l"], content["v"]
    except (ValueError, KeyError, TypeError):
        raise _bad_cursor("the cursor is not valid") from None
    if listed != _fingerprint(request, ordering):
        raise _bad_cursor("the cursor belongs to another list (other filters or sort)")
    if not isinstance(values, list) or len(values) != len(ordering.fields):
        raise _bad_cursor("the cursor is not valid")
    return [
        _read_value(field, value) for (field, _), value in zip(ordering.fields, values, strict=True)
    ]


def _read_value(field: SortField, value: Any) -> Any:
    # Cursors are signed, but a deployment that keeps the default secret lets anyone sign one:
    # every value is checked as if it came from the client, so it can never fail in the
    # database (PostgreSQL text refuses NUL; timestamps are stored as UTC with an offset; no
    # number column holds more than 64 bits or a float).
    if value is None and field.nullable:
        return None
    try:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL in a cursor value")
        if field.kind is datetime and isinstance(value, str):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("a timestamp without its offset")
            return moment.astimezone(UTC)  # overflows near year 1 and 9999: refused too
        if field.kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number):
                return number
            raise ValueError("not a finite number")
        if field.kind is int and isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ValueError("beyond 64 bits")
        if isinstance(value, field.kind) and not isinstance(value, bool):
            return value
    except (ValueError, OverflowError):
        pass
    raise _bad_cursor("the cursor is not valid")


# --- Keyset conditions ----------------------------------------------------------------------


def _equal(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _after(field: SortField, descending: bool, value: Any) -> ColumnElement[bool]:
    """Rows after `value` in this field's order; missing values sort last."""
    if value is None:
        return false()  # nothing sorts after the missing values but by the next field
    beyond = field.column < value if descending else field.column > value
    return or_(beyond, field.column.is_(None)) if field.nullable else beyond


def after_condition(ordering: Ordering, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the row with these sort values, in the list's order."""
    fields = ordering.fields
    same_direction = len({descending for _, descending in fields}) == 1
    if same_direction and not any(field.nullable for field, _ in fields):
        # A row-value comparison, which both backends answer from a matching index.
        columns = tuple_(*(field.column for field, _ in fields))
        row = tuple_(*values)
        return columns < row if fields[0][1] else columns > row
    alternatives = []
    for i, (field, descending) in enumerate(fields):
        equal_before = [
            _equal(f.column, v) for (f, _), v in zip(fields[:i], values[:i], strict=True)
        ]
        alternatives.append(and_(true(), *equal_before, _after(field, descending, values[i])))
    return or_(*alternatives)


# --- Reading a page -------------------------------------------------------------------------


@dataclass
class PageOf:
    rows: list[Any]
    next_url: str | None
    next_cursor: str | None
    total: int | None


def read_page(
    session: Session,
    request: Request,
    query: Select,
    *,
    ordering: Ordering,
    page: PageParams,
    row_of: Callable[[Any], Any] = lambda row: row[0],
) -> PageOf:
    """One page of `query` in `ordering` from the page's cursor. `query` selects the rows'
    entities (or columns); the sort values are added to it and read back for the cursor."""
    total = None
    if page.include_total:
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        total = session.execute(counted).scalar_one()
    start = decode_cursor(request, ordering, page.cursor) if page.cursor else None
    rows = read_rows(session, query, ordering, start, page.fetch)
    width = len(ordering.fields)
    next_url = next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        next_cursor = encode_cursor(request, ordering, list(rows[-1][-width:]))
        next_url = str(request.url.include_query_params(cursor=next_cursor))
    return PageOf(
        rows=[row_of(row) for row in rows], next_url=next_url, next_cursor=next_cursor, total=total
    )


def page_query(
    query: Select, ordering: Ordering, start: Sequence[Any] | None, fetch: int
) -> Select:
    """`query` with its sort values as its last columns, ordered, from `start`, `fetch` rows."""
    keyed = query.add_columns(*(field.column for field, _ in ordering.fields))
    if start is not None:
        keyed = keyed.where(after_condition(ordering, start))
    return keyed.order_by(None).order_by(*ordering.order_by()).limit(fetch)


def _nullable_lead(ordering: Ordering) -> bool:
    """An order led by a field that may be missing (e.g. a date), then non-null fields, all
    one way: the rows after a cursor are those with the field after it, then the missing."""
    fields = ordering.fields
    return (
        fields[0][0].nullable
        and not any(field.nullable for field, _ in fields[1:])
        and len({descending for _, descending in fields}) == 1
    )


def _beyond(fields: Sequence[tuple[SortField, bool]], values: Sequence[Any]) -> Any:
    columns = tuple_(*(field.column for field, _ in fields))
    row = tuple_(*values)
    return columns < row if fields[0][1] else columns > row


def read_rows(
    session: Session, query: Select, ordering: Ordering, start: Sequence[Any] | None, fetch: int
) -> list[Any]:
    """Up to `fetch` rows of `query` after `start`, in order, with their sort values last.

    Led by a nullable field, the rows after a cursor are read in two index ranges, the present
    values then the missing ones, each a row-value comparison: one condition joining them
    with OR would make both backends read the list from its start up to the cursor."""
    if start is None or not _nullable_lead(ordering):
        return list(session.execute(page_query(query, ordering, start, fetch)).all())
    keyed = query.add_columns(*(field.column for field, _ in ordering.fields))
    keyed = keyed.order_by(None).order_by(*ordering.order_by())
    lead = ordering.fields[0][0].column
    if start[0] is None:
        parts = [keyed.where(lead.is_(None), _beyond(ordering.fields[1:], start[1:]))]
    else:
        parts = [
            keyed.where(lead.is_not(None), _beyond(ordering.fields, start)),
            keyed.where(lead.is_(None)),
        ]
    rows: list[Any] = []
    for part in parts:
        rows += session.execute(part.limit(fetch - len(rows))).all()
        if len(rows) >= fetch:
            break
    return rows
