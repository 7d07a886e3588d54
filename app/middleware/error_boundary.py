"""The last catch for a failure inside the app, before the server sees it.

Starlette answers an unhandled exception with the app's 500 problem and then raises it again
for the server to log, and uvicorn closes the connection of a request that raised: a client
reusing that keep-alive connection for its next request gets no answer at all. This pure ASGI
middleware sits inside the header-adding ones and answers the same 500 problem itself (the
error is logged with the request id by the same handler), so the connection stays usable.
An exception raised after the answer has begun cannot be answered, and still goes up.
"""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import unexpected_error


class ErrorBoundary:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            if started:
                raise
            response = await unexpected_error(Request(scope), error)
            await response(scope, receive, send)
