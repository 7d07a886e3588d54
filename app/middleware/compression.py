"""gzip for every answer worth compressing, when the client accepts it.

JSON, CSV, NDJSON, HTML, SVG, Atom and plain text answers of at least MIN_BYTES are compressed;
a whole list streamed as CSV or NDJSON is compressed as it goes, each chunk flushed so a reader
sees rows as they come. Every answer says `Vary: Accept-Encoding`. A compressed answer's own
entity tag (a record's version, a static file's hash) gets the `-gzip` variant
(app.domain.entity_tags): a strong tag names exact bytes. When a client revalidates with such
a tag, what is inside sees the plain tag it issued, and a 304 gives the client's back. This
layer sits inside the HTTP cache, so the cache keeps compressed bytes and a hot read is never
compressed twice.
"""

import zlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.accept import accepts_gzip
from app.domain.entity_tags import CODING_SUFFIX, compressed_tag, identity_tag

MIN_BYTES = 500
COMPRESSIBLE = (
    "application/json",
    "application/problem+json",
    "application/x-ndjson",
    "application/atom+xml",
    "application/ld+json",
    "text/",
    "image/svg+xml",
)
LEVEL = 6  # zlib's default: most of the gain of 9 for a fraction of its time


def compressible(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type.startswith(COMPRESSIBLE)


def _add_vary(headers: MutableHeaders) -> None:
    varies = {v.strip().lower() for v in headers.get("vary", "").split(",")}
    if "accept-encoding" not in varies and "*" not in varies:
        headers.add_vary_header("Accept-Encoding")


class Compression:
    """Pure ASGI: holds the start message until the first body chunk shows whether to
    compress, then streams."""

    def __init__(self, app: ASGIApp, *, min_bytes: int = MIN_BYTES) -> None:
        self.app = app
        self.min_bytes = min_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        wanted = accepts_gzip(headers.get("accept-encoding"))
        coded: set[str] = set()
        if wanted and CODING_SUFFIX in headers.get("if-none-match", ""):
            scope, coded = _plain_validators(scope, headers["if-none-match"])
        await self.app(scope, receive, _Gzipper(send, wanted, self.min_bytes, coded))


def _plain_validators(scope: Scope, if_none_match: str) -> tuple[Scope, set[str]]:
    """The request with If-None-Match naming the plain tags of the compressed ones it names,
    and those plain tags."""
    tags = [tag.strip() for tag in if_none_match.split(",")]
    plain = [identity_tag(tag) for tag in tags]
    coded = {p for tag, p in zip(tags, plain, strict=True) if p != tag}
    raw = [(k, v) for k, v in scope["headers"] if k.lower() != b"if-none-match"]
    raw.append((b"if-none-match", ", ".join(plain).encode("latin-1")))
    return {**scope, "headers": raw}, coded


class _Gzipper:
    def __init__(self, send: Send, wanted: bool, min_bytes: int, coded: set[str]) -> None:
        self.send = send
        self.wanted = wanted
        self.min_bytes = min_bytes
        self.coded = coded  # plain tags the client holds the compressed bytes of
        self.start: Message | None = None
        self.compressor: zlib._Compress | None = None
        self.decided = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            _add_vary(headers)
            if message["status"] == 304 and headers.get("etag") in self.coded:
                headers["etag"] = compressed_tag(headers["etag"])
            self.start = message
            if not self.wanted or not self._may_compress(message, headers):
                self.decided = True
                await self.send(message)
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        if not self.decided:
            await self._decide(message)
            return
        if self.compressor is None:
            await self.send(message)
            return
        body = self.compressor.compress(message.get("body", b""))
        more = message.get("more_body", False)
        body += self.compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
        await self.send({**message, "body": body})

    @staticmethod
    def _may_compress(start: Message, headers: MutableHeaders) -> bool:
        return (
            start["status"] not in (204, 304)
            and "content-encoding" not in headers
            and compressible(headers.get("content-type", ""))
        )

    async def _decide(self, first: Message) -> None:
        """The first chunk decides: a whole body too small to gain goes out as it is."""
        assert self.start is not None
        self.decided = True
        body = first.get("body", b"")
        more = first.get("more_body", False)
        if not more and len(body) < self.min_bytes:
            await self.send(self.start)
            await self.send(first)
            return
        headers = MutableHeaders(scope=self.start)
        headers["content-encoding"] = "gzip"
        if "etag" in headers:
            headers["etag"] = compressed_tag(headers["etag"])
        # wbits 16 + 15: a gzip header and trailer around the deflate stream.
        self.compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        compressed = self.compressor.compress(body)
        compressed += self.compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
        if more:
            if "content-length" in headers:
                del headers["content-length"]
        else:
            headers["content-length"] = str(len(compressed))
        await self.send(self.start)
        await self.send({**first, "body": compressed})
