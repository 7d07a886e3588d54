"""HTTP validators and caching for every GET: ETag, 304, Last-Modified, Cache-Control, Link.

The ETag is strong: a hash of the data version (a counter each committed change of the data
moves on, kept in the database, so it survives restarts and is shared by every process), the
full URL and the headers that choose the representation. Same tag, same bytes. The version is
read before the request is answered and again after: if the data changed in between, the
response goes out without a tag rather than with one that may not match its body.

HEAD is answered as the GET would be, without the body.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.queries.state import read_data_version

# Headers that select the representation: part of the tag, and named in Vary.
VARY = ("accept",)
UNCACHED_PREFIXES = ("/health",)
# Files served as they are (the docs' scripts and styles) carry their own validators.
STATIC_PREFIX = "/static/"


def _data_version(engine: Engine) -> tuple[int, datetime] | None:
    try:
        with engine.connect() as connection:
            return read_data_version(connection)
    except SQLAlchemyError:
        return None  # no schema yet: answer uncached; /health says what is wrong


def entity_tag(version: int, scope: Scope, headers: Headers) -> str:
    url = (
        f"{scope.get('scheme', 'http')}://{headers.get('host', '')}{scope['path']}"
        f"?{scope.get('query_string', b'').decode('latin-1')}"
    )
    material = "\n".join([str(version), url, *(f"{h}:{headers.get(h, '')}" for h in VARY)])
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def _matches(if_none_match: str, tag: str) -> bool:
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    # Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
    return "*" in candidates or any(c.removeprefix("W/") == tag for c in candidates)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_modified_since(if_modified_since: str, modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        return False
    return modified.replace(microsecond=0) <= since


class HttpCache:
    """Pure ASGI middleware (no response buffering beyond the start message)."""

    def __init__(
        self, app: ASGIApp, *, engine: Callable[[], Engine], max_age: Callable[[], int]
    ) -> None:
        self.app = app
        self.engine = engine
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if path.startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        if path.startswith(UNCACHED_PREFIXES):
            await self.app(scope, receive, _headers_only(send, head, {"cache-control": "no-store"}))
            return
        engine = self.engine()
        before = await anyio.to_thread.run_sync(_data_version, engine)
        headers = Headers(scope=scope)
        tag = entity_tag(before[0], scope, headers) if before else None
        if tag and _matches(headers.get("if-none-match", ""), tag):
            await self._not_modified(send, tag)
            return
        await self.app(scope, receive, _Responder(self, send, scope, head, before, tag, headers))

    def cache_control(self) -> str:
        return f"public, max-age={self.max_age()}"

    async def _not_modified(self, send: Send, tag: str) -> None:
        headers = MutableHeaders()
        headers["etag"] = tag
        headers["cache-control"] = self.cache_control()
        headers["vary"] = ", ".join(v.title() for v in VARY)
        await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b""})


def _headers_only(send: Send, head: bool, extra: dict[str, str]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in extra.items():
                headers[name] = value
        elif head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return wrapped


class _Responder:
    """Adds the validators to a 200 on its way out, or turns it into a 304."""

    def __init__(
        self,
        cache: HttpCache,
        send: Send,
        scope: Scope,
        head: bool,
        before: tuple[int, datetime] | None,
        tag: str | None,
        request_headers: Headers,
    ) -> None:
        self.cache, self.send, self.scope, self.head = cache, send, scope, head
        self.before, self.tag, self.request_headers = before, tag, request_headers
        self.suppress_body = head

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = await self._start(message)
        elif message["type"] == "http.response.body" and self.suppress_body:
            message = {**message, "body": b""}
        await self.send(message)

    async def _start(self, message: Message) -> Message:
        headers = MutableHeaders(scope=message)
        state: dict[str, Any] = self.scope.get("state", {})
        next_url = state.get("next_url")
        if next_url:
            headers["link"] = f'<{next_url}>; rel="next"'
        headers.setdefault("vary", ", ".join(v.title() for v in VARY))
        if message["status"] != 200 or self.before is None or self.tag is None:
            return message
        after = await anyio.to_thread.run_sync(_data_version, self.cache.engine())
        if after != self.before:
            headers["cache-control"] = "no-cache"  # the data moved while this was written
            return message
        modified: datetime = state.get("last_modified") or self.before[1]
        # A handler's own tag (a record's version, which If-Match compares against) is kept.
        own_tag = headers.get("etag")
        headers["etag"] = own_tag or self.tag
        headers["last-modified"] = _http_date(modified)
        headers["cache-control"] = self.cache.cache_control()
        since = self.request_headers.get("if-modified-since")
        if_none_match = self.request_headers.get("if-none-match")
        unconditional = if_none_match is None
        matched_own = own_tag is not None and _matches(if_none_match or "", own_tag)
        if matched_own or (since and unconditional and _not_modified_since(since, modified)):
            self.suppress_body = True
            del headers["content-type"]
            if "content-length" in headers:
                del headers["content-length"]
            return {**message, "status": 304}
        return message
