"""Content negotiation: browsers get HTML pages at the API's own URLs, every other client JSON.

The JSON routes stay as they are. For GET and HEAD on the few URLs that have a page, this
middleware sends requests that prefer text/html over JSON to the page handlers, which live
under an internal path prefix. A client that asks for JSON, sends `*/*` alone or no Accept
header at all gets the JSON it always got. Responses at those URLs say `Vary: Accept`, so a
cache never serves one representation for the other.
"""

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.accept import prefers

# Where the page handlers are mounted; only this middleware routes requests there.
PAGES_PREFIX = "/_pages"
# The scope key that marks a request as routed here, holding the path the client asked for.
PUBLIC_PATH_KEY = "mission_facts.public_path"

NEGOTIATED_PATHS = (
    re.compile(r"/"),
    re.compile(r"/facts/[^/]+"),
    re.compile(r"/missions/[^/]+"),
    re.compile(r"/sources/[^/]+"),
)


def prefers_html(accept: str | None) -> bool:
    """True only when HTML ranks strictly above JSON: a tie (`*/*`) stays JSON."""
    return prefers(accept, "text/html")


def is_negotiated(path: str) -> bool:
    return any(pattern.fullmatch(path) for pattern in NEGOTIATED_PATHS)


class HtmlNegotiationMiddleware:
    """Pure ASGI, so it neither buffers nor alters response bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_negotiated(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD") and prefers_html(_header(scope, b"accept")):
            path = PAGES_PREFIX + scope["path"].rstrip("/")
            scope = {
                **scope,
                "path": path,
                "raw_path": path.encode(),
                PUBLIC_PATH_KEY: scope["path"],
            }

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                varies = {v.strip().lower() for v in headers.get("vary", "").split(",")}
                if "accept" not in varies:
                    headers.add_vary_header("Accept")
            await send(message)

        await self.app(scope, receive, send_with_vary)


def _header(scope: Scope, name: bytes) -> str | None:
    values = [value for key, value in scope["headers"] if key.lower() == name]
    return b",".join(values).decode("latin-1") if values else None
