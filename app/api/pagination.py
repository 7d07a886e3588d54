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
from sqlalchemy import Select, func, literal_column, select
from sqlmodel import Session

from app.api.problems import invalid
from app.queries.sorting import Ordering, SortField, read_rows

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# Parameters that do not change which rows a list holds, or in what order.
PRESENTATION_PARAMS = frozenset({"cursor", "limit", "include_total", "format", "hxl"})


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


# Lists made in memory (a handful of rows per mission, e.g. its contributors by country) page
# the same way, on their unique text key.
_BY_KEY = Ordering(fields=((SortField("key", literal_column("key")), False),), spec="key")


def page_of_items(
    request: Request, items: Sequence[Any], *, key: Callable[[Any], str], page: PageParams
) -> PageOf:
    """One page of `items` in the order of `key` (unique), from the page's cursor."""
    ordered = sorted(items, key=key)
    start = decode_cursor(request, _BY_KEY, page.cursor)[0] if page.cursor else None
    rest = [item for item in ordered if start is None or key(item) > start]
    next_url = next_cursor = None
    if len(rest) > page.limit:
        rest = rest[: page.limit]
        next_cursor = encode_cursor(request, _BY_KEY, [key(rest[-1])])
        next_url = str(request.url.include_query_params(cursor=next_cursor))
    total = len(ordered) if page.include_total else None
    return PageOf(rows=rest, next_url=next_url, next_cursor=next_cursor, total=total)
