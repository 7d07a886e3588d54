"""Security headers on every response, and a Content-Security-Policy fitted to what it carries.

Everything the app serves comes from its own origin: pages load only the app's stylesheet,
images and scripts, and nothing may frame them. Data responses (JSON, CSV) get the strictest
policy, so a browser that opens one directly never runs or loads anything it contains.

A route that needs more (an inline style block it vouches for by hash) sets its own policy
with `page_policy(...)`; the middleware keeps a policy that is already there.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.security_policy import ALWAYS, policy_for


def _add_policy(headers: MutableHeaders, path: str) -> None:
    content_type = headers.get("content-type", "")
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = policy_for(path, content_type)
    if "frame-ancestors 'none'" in headers["content-security-policy"]:
        # The same for browsers that predate frame-ancestors; charts and cards stay
        # embeddable.
        headers["X-Frame-Options"] = "DENY"


class SecurityHeadersMiddleware:
    """Pure ASGI: adds headers at response start, never touches the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers[name] = value
                # A 304's headers update the copy a browser kept, and a 304 names no content
                # type: the policy the stored page came with must stay as it is.
                if message["status"] != 304:
                    _add_policy(headers, path)
            await send(message)

        await self.app(scope, receive, send_with_headers)
