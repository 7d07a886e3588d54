"""Checks every request's parameters pass before any route reads them.

- Percent-encoded bytes that are not UTF-8 are refused: decoding would silently turn them into
  U+FFFD and answer a question the client did not ask.
- Control characters other than tab and newline (NUL among them), lone surrogates and
  noncharacters are refused in every query and path parameter (see app.domain.text_rules):
  PostgreSQL cannot store or compare text holding NUL, no identifier, filter or search term
  of the API contains one, and a refused parameter can never be echoed into a page or feed.
  Refusing them up front gives one documented answer, a 422, on both databases.
- A token in the URL (`?access_token=...`) is refused with a 400: URLs are written to logs,
  proxies and browser histories, so the API reads tokens from the Authorization header only.
- A query parameter the operation does not take is a 422 naming those it takes: a misspelt
  filter must not answer as if unfiltered. Names beginning with `_` (spreadsheet
  cache-busters such as `?_=123`) are ignored, and so is anything sent to an HTML page
  (newsletter links carry `utm_*` and the like).
"""

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.accept import parse_accept, quality_of
from app.api.problems import invalid
from app.api.request_ids import is_secret_parameter
from app.domain.text_rules import unsafe_character

SECRET_IN_URL = (
    "Credentials are never read from the URL: send the token as `Authorization: Bearer "
    "<token>`. A token that was put in a URL may have been logged on the way: revoke it."
)


def _is_utf8(encoded: bytes) -> bool:
    try:
        unquote_to_bytes(encoded).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


T = TypeVar("T")


class _PerRoute(Generic[T]):
    """What is read once per route. Routes cannot be hashed, and an id() can be reused by a
    route of an app made later (the tests make many), so each entry keeps a weak reference
    to its route and counts only for that very route."""

    def __init__(self, read: Callable[[APIRoute], T]) -> None:
        self.read = read
        self.entries: dict[int, tuple[weakref.ref[APIRoute], T]] = {}

    def __call__(self, route: APIRoute) -> T:
        entry = self.entries.get(id(route))
        if entry is None or entry[0]() is not route:
            entry = (weakref.ref(route), self.read(route))
            self.entries[id(route)] = entry
        return entry[1]


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _parameters_of(route: APIRoute) -> tuple[str, ...]:
    """The query parameters an operation reads, through all its dependencies."""
    return tuple(sorted(_query_names(route.dependant)))


parameters_taken = _PerRoute(_parameters_of)


def _refuse_unknown_parameters(request: Request) -> None:
    route: Any = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return  # HTML pages and files: links from elsewhere carry parameters of their own
    taken = parameters_taken(route)
    for name in request.query_params:
        if name.startswith("_") or name in taken:
            continue
        allowed = ", ".join(taken) or "none"
        raise invalid("query", name, f"is not a parameter of this endpoint; it takes: {allowed}")


def _media_types_of(route: APIRoute) -> tuple[str, ...]:
    """What an operation can answer with: its response class's type and the documented
    contents of its 200 (CSV beside JSON, plain text, SVG, Atom)."""
    own = getattr(route.response_class, "media_type", None) or "application/json"
    ok = route.responses.get(200, {}).get("content", {})
    return tuple(dict.fromkeys([own, *ok]))


media_types_offered = _PerRoute(_media_types_of)


def _refuse_unacceptable(request: Request) -> None:
    """406 when the Accept header allows none of what the operation can give: never a
    representation the client said it cannot take."""
    route: Any = request.scope.get("route")
    accept = request.headers.get("accept")
    if not accept or not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    ranges = parse_accept(accept)
    if not ranges:
        return  # an unreadable header is ignored
    offered = media_types_offered(route)
    if all(quality_of(media, ranges) == 0 for media in offered):
        raise HTTPException(
            406, f"This endpoint answers {', '.join(offered)}; the Accept header allows none."
        )


async def refuse_unreadable_parameters(request: Request) -> None:
    # async although it never awaits: a sync dependency costs each request a worker-thread hop.
    query: bytes = request.scope.get("query_string", b"")
    for pair in filter(None, query.split(b"&")):
        raw_name, _, raw_value = pair.partition(b"=")
        if not (_is_utf8(raw_name) and _is_utf8(raw_value)):
            label = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
            raise invalid("query", label, "is not valid UTF-8 once percent-decoded")
    raw_path: bytes | None = request.scope.get("raw_path")
    if raw_path is not None and not _is_utf8(raw_path):
        # Name the parameter that holds the undecodable bytes (decoded as U+FFFD).
        where = next((n for n, v in request.path_params.items() if "\ufffd" in str(v)), "path")
        raise invalid("path", where, "is not valid UTF-8 once percent-decoded")
    for name, value in request.query_params.multi_items():
        if is_secret_parameter(name):
            raise HTTPException(400, SECRET_IN_URL)
        problem = unsafe_character(name) or unsafe_character(value)
        if problem is not None:
            label = "".join(c for c in name if unsafe_character(c) is None)[:100]
            raise invalid("query", label, f"must not contain {problem}")
    for name, value in request.path_params.items():
        if isinstance(value, str) and (problem := unsafe_character(value)) is not None:
            raise invalid("path", name, f"must not contain {problem}")
    _refuse_unknown_parameters(request)
    _refuse_unacceptable(request)
