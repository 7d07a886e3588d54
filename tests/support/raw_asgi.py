"""Requests sent straight to the ASGI app, byte for byte.

HTTP clients refuse some of what a hostile client sends (httpx will not build a URL over
64 KiB, and normalises `..` segments). This sends the request target exactly as given, and
fills the ASGI scope the way uvicorn does: `path` is the percent-decoded target, undecodable
bytes read as U+FFFD.
"""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import anyio
from starlette.types import ASGIApp, Message


@dataclass
class RawResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(
    app: ASGIApp, target: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> RawResponse:
    raw_path, _, query = target.encode("ascii").partition(b"?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        anyio.run(app, scope, receive, send)
    except Exception:
        # The app's last-resort handler answered 500 and re-raised, as ASGI apps do for the
        # server to log: the answer is what the test judges.
        if not sent:
            raise
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return RawResponse(
        status_code=start["status"],
        headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]},
        body=body,
    )
