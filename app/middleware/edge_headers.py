"""The headers every answer gets, added in one pass at response start: the request id, the
cross-origin (CORS) headers and the security headers with a Content-Security-Policy fitted to
what the answer carries. The body is never touched, so one wrapper of `send` serves them all
(each extra layer costs every request, cached ones included).

Cross-origin reads: a preflight is answered by Starlette's CORS middleware, configured with the
origins, methods and headers allowed; it answers one without calling the app. Any other answer
gets the same headers that middleware would add to it (`_cross_origin`), here, in the pass that
adds the others, instead of in a layer of its own.

Request ids: one id per request, in the response's `X-Request-ID`, in every problem body and in
the log lines the request causes, so a reader's report can be matched to the logs. A client (or
a proxy in front of the app) may send its own `X-Request-ID`; it is kept when it is short and
made of safe characters, so ids can be followed across services. Anything else is replaced by
a fresh id: a header value must never smuggle control characters or megabytes into the logs.

Security headers: everything the app serves comes from its own origin (see
app.api.security_policy). A route that needs more sets its own policy with `page_policy(...)`;
a policy that is already there is kept.
"""

import functools
import logging
import time
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.request_ids import HEADER, SCOPE_KEY, accepted_id, new_id, redacted_query
from app.api.security_policy import ALWAYS, policy_for

access_log = logging.getLogger("app.access")

_ALWAYS = [(name.lower().encode(), value.encode()) for name, value in ALWAYS.items()]
_ALWAYS_NAMES = {name for name, _ in _ALWAYS}
_REQUEST_ID = HEADER.lower().encode()
_CSP = b"content-security-policy"
_FRAME_OPTIONS = (b"x-frame-options", b"DENY")
_ORIGIN = b"origin"
_PREFLIGHT = b"access-control-request-method"
_VARY = b"vary"

Headers = tuple[tuple[bytes, bytes], ...]


def edge_headers(
    headers: list[tuple[bytes, bytes]],
    *,
    status: int,
    path: str,
    request_id: str,
    cross_origin: Headers | None = None,
) -> list[tuple[bytes, bytes]]:
    """The answer's headers with the request id and the security headers set (replacing any
    the app set, but keeping the policy a route chose), and, unless `cross_origin` is None
    (a preflight's answer has its own), the CORS headers set and `Origin` added to `Vary`."""
    kept = list(_secured(tuple(headers), status == 304, path, cross_origin))
    kept.append((_REQUEST_ID, request_id.encode()))
    return kept


def _set(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes) -> None:
    """Give `name` this one value: in the place of its first occurrence, or at the end."""
    places = [i for i, (k, _) in enumerate(headers) if k == name]
    if not places:
        headers.append((name, value))
        return
    headers[places[0]] = (name, value)
    for i in reversed(places[1:]):
        del headers[i]


# A cached answer goes out with the same headers every time: what they become is worked out
# once (the request id, which is new each time, is added after).
@functools.lru_cache(maxsize=1024)
def _secured(
    headers: Headers, not_modified: bool, path: str, cross_origin: Headers | None
) -> Headers:
    # Names are compared lowercased: ASGI apps may send them in any case.
    kept = [(k.lower(), v) for k, v in headers]
    if cross_origin is not None:
        for name, value in cross_origin:
            _set(kept, name, value)
        # Whatever the origin, the answer depends on it: caches must keep one per origin.
        _set(kept, _VARY, b", ".join([*(v for k, v in kept if k == _VARY), b"Origin"]))
    kept = [(k, v) for k, v in kept if k not in _ALWAYS_NAMES and k != _REQUEST_ID]
    kept += _ALWAYS
    # A 304's headers update the copy a browser kept, and a 304 names no content type: the
    # policy the stored page came with must stay as it is.
    if not_modified:
        return tuple(kept)
    policy = next((v for k, v in kept if k == _CSP), None)
    if policy is None:
        content_type = next((v for k, v in kept if k == b"content-type"), b"").decode("latin-1")
        policy = policy_for(path, content_type).encode()
        kept.append((_CSP, policy))
    if b"frame-ancestors 'none'" in policy:
        # The same for browsers that predate frame-ancestors; charts and cards stay embeddable.
        kept = [(k, v) for k, v in kept if k != _FRAME_OPTIONS[0]]
        kept.append(_FRAME_OPTIONS)
    return tuple(kept)


class EdgeHeaders:
    """Pure ASGI: tags the scope with the request id, answers CORS preflights, adds the
    headers at response start and writes the access log line. `cross_origin` takes the
    arguments of Starlette's CORSMiddleware."""

    def __init__(self, app: ASGIApp, *, cross_origin: dict[str, Any]) -> None:
        self.app = app
        self._preflights = cors = CORSMiddleware(app, **cross_origin)
        self._simple: Headers = tuple(
            (k.lower().encode(), v.encode("latin-1")) for k, v in cors.simple_headers.items()
        )

    def _cross_origin(self, origin: str | None) -> Headers:
        """The CORS headers an answer to a request from `origin` (None: no Origin header)
        gets, as Starlette's CORSMiddleware sets them (the `Vary` is added by `_secured`)."""
        if origin is None:
            return ()
        cors = self._preflights
        if cors.allow_credentials if cors.allow_all_origins else cors.is_allowed_origin(origin):
            # The origin named back: a specific origin allowed, or any with credentials.
            return (*self._simple, (b"access-control-allow-origin", origin.encode("latin-1")))
        return self._simple

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = origin = None
        preflight = False
        for k, v in scope["headers"]:
            name = k.lower()
            # The first of a repeated header counts, as Starlette's `Headers.get` reads it.
            if name == _REQUEST_ID and sent is None:
                sent = v
            elif name == _ORIGIN and origin is None:
                origin = v.decode("latin-1")
            elif name == _PREFLIGHT:
                preflight = True
        request_id = accepted_id(sent) or new_id()
        scope[SCOPE_KEY] = request_id  # in place: the outermost error handler shares this dict
        path = scope["path"]
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers
        app = self.app
        cross_origin: Headers | None = self._cross_origin(origin)
        if preflight and origin is not None and scope["method"] == "OPTIONS":
            app, cross_origin = self._preflights, None  # answered there, with its own headers

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = edge_headers(
                    list(message.get("headers", ())),
                    status=status,
                    path=path,
                    request_id=request_id,
                    cross_origin=cross_origin,
                )
            await send(message)

        try:
            await app(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):  # else the line is not even composed
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
