"""Refuse JSON bodies that parse but cannot be held as sent, before any route reads them.

- Nesting deeper than MAX_DEPTH: no record of the API nests more than a few levels, and a
  body nested thousands deep would exhaust the recursion of whatever walks it.
- `NaN`, `Infinity` and `-Infinity`: Python's parser accepts them, JSON does not.
- Numbers that a double cannot hold as written: `1e400` (not finite), an integer past 2^53
  that would be rounded, `0.1000000000000000000001` (more digits than a double keeps). Stored,
  they would come back as another number than the one sent.

The first is a 400 (the body cannot be read as the API's input), the others a 422 problem
naming the body, the same shape as any other 422.
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import problem_response
from app.domain.text_rules import exact_float_problem
from app.middleware.body_limit import replaying

MAX_DEPTH = 32


class _Refused(ValueError):
    pass


def nesting_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (walked without recursion)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth) for child in children)
    return deepest


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a JSON number; send a finite number or null")


def _float(text: str) -> float:
    number = float(text)
    problem = exact_float_problem(number)
    if problem is not None:
        raise _Refused(f"the number {text[:40]} {problem}")
    try:
        exact = Decimal(text) == Decimal(repr(number))
    except InvalidOperation:
        exact = False
    if not exact:
        raise _Refused(
            f"the number {text[:40]} has more digits than can be stored exactly "
            "(a double keeps 15 to 17 significant digits)"
        )
    return number


def _int(text: str) -> int:
    number = int(text)
    problem = exact_float_problem(number)
    if problem is not None:
        raise _Refused(f"the number {text[:40]} {problem}")
    return number


def body_problem(body: bytes) -> tuple[int, str] | None:
    """(status, why) when this JSON body is refused: 400 for nesting too deep to read, 422
    for a number that cannot be stored as sent. None otherwise (unparseable JSON is left to
    the route's own parser)."""
    too_deep = (400, f"the JSON nests more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(body, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as refused:
        return 422, str(refused)
    except RecursionError:
        return too_deep
    except ValueError:
        return None
    return too_deep if nesting_depth(value) > MAX_DEPTH else None


def _is_json(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip()
    return content_type.lower().endswith((b"/json", b"+json"))


class JsonGuard:
    """Pure ASGI middleware; it sits inside BodyLimit, so the body it reads is bounded."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        refused = body_problem(body)
        if refused is not None:
            status, problem = refused
            errors = [{"loc": ["body"], "msg": problem, "type": "value_error"}]
            detail = f"Invalid request. body: {problem}"
            response = problem_response(Request(scope), status, detail, errors)
            await response(scope, receive, send)
            return
        await self.app(scope, replaying(body, receive), send)
