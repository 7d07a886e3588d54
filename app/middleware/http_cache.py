"""HTTP validators and caching for every GET: ETag, 304, Last-Modified, Cache-Control, Link.

The ETag is strong: a hash of the data version (a counter each committed change of the data
moves on, kept in the database, so it survives restarts and is shared by every process), the
full URL and the headers that choose the representation. Same tag, same bytes. The version is
read before the request is answered and again after: if the data changed in between, the
response goes out without a tag rather than with one that may not match its body.

HEAD is answered as the GET would be, without the body.

Finished 200 answers are also kept in memory (see app/middleware/response_cache.py) under the
URL and those headers: a repeated GET is answered from the stored bytes without running its
route. The version is known for every request (app/db/version_probe.py), so a write committed
by any process is seen by the next request (on PostgreSQL, once the write's announcement
arrived): when it moves, the answers that read what the versions since touched are dropped
(app/domain/read_scopes.py), and the others stay, with the tag they went out with.
Concurrent misses of one answer are made once: the first request runs the route, the others
wait for it and replay what it stored. Requests that carry credentials (Authorization,
Cookie) and answers that set a cookie are never stored, nor are bodies larger than the
per-entry bound (e.g. a whole list streamed as CSV).
"""

import asyncio
import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.accept import accepts_gzip
from app.api.http_dates import http_date, parse_http_date
from app.db.version_probe import VersionProbe
from app.domain.read_scopes import READS, parse_reads
from app.middleware.response_cache import CachedResponse, ResponseCache

# Headers that select the representation: part of the tag, and named in Vary. Of
# Accept-Encoding only the choice it makes (gzip or not) is part of the tag, so clients that
# word it differently share answers.
VARY = ("Accept", "Accept-Encoding")
UNCACHED_PREFIXES = ("/health",)
# Files served as they are (the docs' scripts and styles) carry their own validators.
STATIC_PREFIX = "/static/"
# Requests whose answer may depend on who asks: answered afresh, never stored.
PERSONAL_HEADERS = ("authorization", "cookie")
MAX_ENTRY_BYTES = 1024 * 1024


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lowercased name, the first of repeated ones (as Starlette's
    Headers.get answers): read once, then looked up by every check of a request."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def request_key(scope: Scope, headers: Mapping[str, str], day: str = "") -> str:
    """What chooses an answer, but for the data: the URL and the headers in VARY. The day is
    in it too: a mission's status and a figure's age are said for it, so no answer (nor its
    tag) outlives the day it was made for."""
    url = (
        f"{scope.get('scheme', 'http')}://{headers.get('host', '')}{scope['path']}"
        f"?{scope.get('query_string', b'').decode('latin-1')}"
    )
    coding = "gzip" if accepts_gzip(headers.get("accept-encoding")) else "identity"
    return "\n".join([day, url, f"accept:{headers.get('accept', '')}", coding])


def entity_tag(version: int, key: str) -> str:
    material = f"{version}\n{key}"
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def _candidates(if_none_match: str) -> list[str]:
    return [candidate.strip() for candidate in if_none_match.split(",")]


def _matches(if_none_match: str, tag: str) -> bool:
    """Whether the header names this tag. `*` is not a tag: it matches any current
    representation, which only the route can tell exists (see _matches_any)."""
    # Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
    return any(c.removeprefix("W/") == tag for c in _candidates(if_none_match))


def _matches_any(if_none_match: str) -> bool:
    return "*" in _candidates(if_none_match)


def _not_modified_since(if_modified_since: str, modified: datetime) -> bool:
    since = parse_http_date(if_modified_since)
    if since is None:
        return False
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


class HttpCache:
    """Pure ASGI middleware (no response buffering beyond the start message)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: Callable[[], Engine],
        max_age: Callable[[], int],
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
        cache_bytes: int = 0,
    ) -> None:
        self.app = app
        self.engine = engine
        self.max_age = max_age
        self.today = today
        self.responses = ResponseCache(cache_bytes, MAX_ENTRY_BYTES)
        self._probe: VersionProbe | None = None
        # The answers being made now, by tag: concurrent misses of one URL wait for the first.
        self._building: dict[str, asyncio.Event] = {}

    def data_version(self) -> tuple[int, datetime] | None:
        """The committed data version, read now (None before the schema exists)."""
        engine = self.engine()
        if self._probe is None or self._probe.engine is not engine:
            self._probe = VersionProbe(engine)
        return self._probe.read()

    def _touched(self, after: int, upto: int) -> frozenset[str] | None:
        """What the versions after `after` up to `upto` touched (None: everything)."""
        return self._probe.touched(after, upto) if self._probe is not None else None

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._closing_on_shutdown(receive), send)
            return
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
        before = self.data_version()
        headers = request_headers(scope)
        key = request_key(scope, headers, self.today().isoformat())
        # The tag is made when it is needed: to answer If-None-Match here, or for an answer
        # the route makes (a kept answer carries its own).
        tag: str | None = None
        if before is not None and "if-none-match" in headers:
            tag = entity_tag(before[0], key)
            if _matches(headers["if-none-match"], tag):
                await self._not_modified(send, tag)
                return
        storable = (
            before is not None
            and self.responses.enabled
            and not any(name in headers for name in PERSONAL_HEADERS)
        )
        building: asyncio.Event | None = None
        if storable and before is not None:
            self.responses.see_version(before[0], self._touched)
            cached = self.responses.get(key)
            if cached is None:
                tag = tag or entity_tag(before[0], key)
                if tag in self._building:
                    # Another request is making this very answer: wait for it rather than
                    # make it again (a burst of readers after a write builds each page once).
                    await self._building[tag].wait()
                    cached = self.responses.get(key)
                if cached is None and tag not in self._building and not head:
                    # (a HEAD keeps no body to share)
                    building = self._building[tag] = asyncio.Event()
            if cached is not None:
                await self._replay(send, cached, head, headers)
                return
        if before is not None and tag is None:
            tag = entity_tag(before[0], key)
        responder = _Responder(self, send, scope, head, before, (key, tag), headers, store=storable)
        try:
            await self.app(scope, receive, responder)
        finally:
            if building is not None:
                del self._building[tag or ""]
                building.set()  # stored or not, the waiters go on (running it themselves)

    def _closing_on_shutdown(self, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.close()
            return message

        return wrapped

    def cache_control(self) -> str:
        return f"public, max-age={self.max_age()}"

    async def _not_modified(self, send: Send, tag: str) -> None:
        headers = MutableHeaders()
        headers["etag"] = tag
        headers["cache-control"] = self.cache_control()
        headers["vary"] = ", ".join(VARY)
        await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b""})

    async def _replay(
        self, send: Send, cached: CachedResponse, head: bool, headers: Mapping[str, str]
    ) -> None:
        """A stored answer, as the route would have given it (304 included)."""
        since = headers.get("if-modified-since")
        if_none_match = headers.get("if-none-match")
        unconditional = if_none_match is None
        revalidated = since and unconditional and _not_modified_since(since, cached.last_modified)
        conditional = if_none_match is not None and (
            _matches_any(if_none_match) or _matches(if_none_match, cached.tag)
        )
        if revalidated or conditional:
            dropped = (b"content-type", b"content-length")
            kept = [(k, v) for k, v in cached.headers if k not in dropped]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        start = {"type": "http.response.start", "status": cached.status, "headers": cached.headers}
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else cached.body})


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
        key_and_tag: tuple[str, str | None],
        request_headers: Mapping[str, str],
        *,
        store: bool = False,
    ) -> None:
        self.cache, self.send, self.scope, self.head = cache, send, scope, head
        self.before, self.request_headers = before, request_headers
        self.key, self.tag = key_and_tag  # the tag: None when there is no version yet
        self.reads: frozenset[str] | None = None
        self.suppress_body = head
        # A GET's 200 is kept while it fits; HEAD has no body to keep.
        self.store = store and not head
        self.start_headers: list[tuple[bytes, bytes]] = []
        self.modified: datetime | None = None
        self.chunks: list[bytes] = []
        self.stored_bytes = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = self._start(message)
            # A copy: middleware further out (CORS) adds headers of its own per request.
            self.start_headers = list(message.get("headers", []))
            self.store = self.store and self._storable(message)
        elif message["type"] == "http.response.body":
            if self.store:
                self._keep(message)
            if self.suppress_body:
                message = {**message, "body": b""}
        await self.send(message)

    def _storable(self, start: Message) -> bool:
        names = {name.lower() for name, _ in self.start_headers}
        return start["status"] == 200 and b"set-cookie" not in names and b"etag" in names

    def _keep(self, message: Message) -> None:
        body = message.get("body", b"")
        self.stored_bytes += len(body)
        if self.stored_bytes > MAX_ENTRY_BYTES:
            self.store, self.chunks = False, []
            return
        self.chunks.append(body)
        if message.get("more_body", False):
            return
        # The whole body is written: keep it only if the data did not move meanwhile.
        assert self.before is not None and self.tag is not None
        if self.cache.data_version() != self.before:
            return
        entry = CachedResponse(
            status=200,
            headers=self.start_headers,
            body=b"".join(self.chunks),
            last_modified=self.modified or self.before[1],
            reads=self.reads,
        )
        self.cache.responses.put(self.key, self.before[0], entry)

    def _start(self, message: Message) -> Message:
        headers = MutableHeaders(scope=message)
        if READS in headers:  # for this layer alone
            self.reads = parse_reads(headers[READS])
            del headers[READS]
        varies = {v.strip().lower() for v in headers.get("vary", "").split(",")}
        for name in VARY:
            if name.lower() not in varies:
                headers.add_vary_header(name)
        if message["status"] != 200 or self.before is None or self.tag is None:
            return message
        after = self.cache.data_version()
        if after != self.before:
            headers["cache-control"] = "no-cache"  # the data moved while this was written
            self.store = False
            return message
        # A route says when its records last changed; otherwise the data's last change.
        modified: datetime = parse_http_date(headers.get("last-modified")) or self.before[1]
        self.modified = modified
        # A route may tag its answer itself (e.g. by record version): that tag is kept, and
        # the answer is still stored under the cache's key (the replay revalidates it by the
        # tag it carries).
        own_tag = headers.get("etag")
        if not own_tag or own_tag == self.tag:
            own_tag = None
            headers["etag"] = self.tag
        headers["last-modified"] = http_date(modified)
        headers["cache-control"] = self.cache.cache_control()
        since = self.request_headers.get("if-modified-since")
        if_none_match = self.request_headers.get("if-none-match")
        unconditional = if_none_match is None
        matched_own = own_tag is not None and _matches(if_none_match or "", own_tag)
        # `*`: the representation exists (this is a 200), so a conditional GET gets a 304. A
        # 404, 422 or 5xx never gets here, so it is never turned into one.
        matched_any = _matches_any(if_none_match or "")
        revalidated = since and unconditional and _not_modified_since(since, modified)
        if matched_own or matched_any or revalidated:
            self.suppress_body = True
            for name in ("content-type", "content-length"):
                if name in headers:
                    del headers[name]
            return {**message, "status": 304}
        return message
