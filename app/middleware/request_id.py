"""Request ids: one id per request, in the response's `X-Request-ID`, in every problem body
and in the log lines the request causes, so a reader's report can be matched to the logs.

A client (or a proxy in front of the app) may send its own `X-Request-ID`; it is kept when it
is short and made of safe characters, so ids can be followed across services. Anything else is
replaced by a fresh id: a header value must never smuggle control characters or megabytes into
the logs.
"""

import logging
import re
import time
import uuid
from urllib.parse import unquote_plus

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# Where the id is kept in the ASGI scope; the scope is shared, so error handlers see it too.
SCOPE_KEY = "mission_facts.request_id"
MAX_LENGTH = 128
_SAFE = re.compile(rf"[A-Za-z0-9._~:+/=-]{{1,{MAX_LENGTH}}}")

access_log = logging.getLogger("app.access")

# Query parameters that carry secrets when a client puts them in a URL (which it must not: the
# API reads tokens from the Authorization header only). Their values never reach a log line
# or an error body.
SECRET_PARAMETERS = frozenset(
    {"access_token", "token", "api_key", "apikey", "key", "password", "secret", "auth"}
)
REDACTED = "REDACTED"


def is_secret_parameter(name: str) -> bool:
    return name.strip().lower() in SECRET_PARAMETERS


def redacted_query(query: str) -> str:
    """The query string with the value of every secret parameter replaced by REDACTED."""
    if not query:
        return query
    pairs = []
    for pair in query.split("&"):
        raw_name, sep, _ = pair.partition("=")
        name = unquote_plus(raw_name, errors="replace")
        pairs.append(f"{raw_name}={REDACTED}" if sep and is_secret_parameter(name) else pair)
    return "&".join(pairs)


def accepted_id(value: bytes | None) -> str | None:
    """The client's id if it is safe to repeat, else None."""
    if value is None:
        return None
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if _SAFE.fullmatch(text) else None


def new_id() -> str:
    return uuid.uuid4().hex


def request_id_of(scope: Scope) -> str | None:
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, str) else None


class RequestIdMiddleware:
    """Pure ASGI: tags the scope, the response headers and the access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = next((v for k, v in scope["headers"] if k.lower() == b"x-request-id"), None)
        request_id = accepted_id(sent) or new_id()
        scope[SCOPE_KEY] = request_id  # in place: the outermost error handler shares this dict
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                '%s "%s %s" %d %.1fms request_id=%s',
                _client(scope),
                scope["method"],
                _target(scope),
                status,
                (time.perf_counter() - started) * 1000,
                request_id,
            )


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


def _target(scope: Scope) -> str:
    # The path as sent, cut short: a 100 KB URL must not become a 100 KB log line.
    target = scope.get("raw_path") or scope["path"].encode()
    text = target.decode("ascii", "backslashreplace")
    if scope.get("query_string"):
        query = scope["query_string"].decode("ascii", "backslashreplace")
        text += "?" + redacted_query(query)
    return text if len(text) <= 300 else text[:300] + "..."
