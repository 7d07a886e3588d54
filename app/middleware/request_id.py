"""Request ids: one id per request, in the response's `X-Request-ID`, in every problem body
and in the log lines the request causes, so a reader's report can be matched to the logs.

A client (or a proxy in front of the app) may send its own `X-Request-ID`; it is kept when it
is short and made of safe characters, so ids can be followed across services. Anything else is
replaced by a fresh id: a header value must never smuggle control characters or megabytes into
the logs.
"""

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.request_ids import HEADER, SCOPE_KEY, accepted_id, new_id, redacted_query

access_log = logging.getLogger("app.access")


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
