"""The HTTP protocol `mission-facts serve` runs: uvicorn's, with a deadline for request heads.

Uvicorn closes a keep-alive connection that stays idle, but it gives a connection that sends
its request line and headers slowly, or sends nothing at all after connecting, all the time it
wants: a few hundred such connections hold as many file handles as the process may open
("slowloris"). Here each request head must arrive complete within `header_timeout` seconds
(MISSION_FACTS_HEADER_TIMEOUT, default 10) of its first byte, or of the connection's opening;
otherwise the connection is closed. Bodies, and answers the app is still writing, are not
timed by this.

The class is named to uvicorn by its import path, so every worker process builds its own.
"""

import asyncio
import errno
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import get_settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional (the bench extra); h11 is always there
    HttpToolsProtocol = None  # type: ignore[assignment, misc]


class _HeadDeadline:
    """The timer of one connection: armed while a request head is awaited; when it runs out,
    the connection is closed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, transport: asyncio.Transport) -> None:
        self.loop, self.transport = loop, transport
        self.handle: asyncio.TimerHandle | None = None
        self.arm()  # from the moment the connection opens

    def arm(self) -> None:
        if self.handle is None:
            self.handle = self.loop.call_later(get_settings().header_timeout, self._expire)

    def disarm(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None

    def _expire(self) -> None:
        self.handle = None
        if not self.transport.is_closing():
            self.transport.close()


class HeadTimeoutH11Protocol(H11Protocol):
    """h11: a head is awaited while the client's side of the connection is idle."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_deadline = _HeadDeadline(self.loop, transport)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self.head_deadline.arm()  # the first bytes of a new request on a kept connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self.head_deadline.disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.head_deadline.disarm()
        super().connection_lost(exc)


if HttpToolsProtocol is not None:

    class HeadTimeoutHttpToolsProtocol(HttpToolsProtocol):
        """httptools: a head is awaited from a message's first byte to its last header."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.head_deadline = _HeadDeadline(self.loop, transport)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.head_deadline.arm()

        def on_headers_complete(self) -> None:
            self.head_deadline.disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self.head_deadline.disarm()
            super().connection_lost(exc)

    PROTOCOL = "app.http_server:HeadTimeoutHttpToolsProtocol"
else:
    PROTOCOL = "app.http_server:HeadTimeoutH11Protocol"


# --- Accepting connections when file handles run out -------------------------------------------

_OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


class EventLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop, accepting connections with a pause when the process is out of
    file handles. The standard loop keeps trying the rest of its accept batch (uvicorn asks for
    2048) after the first failure, and schedules a retry for each one: tens of thousands of
    log lines and timers a second, and a loop too busy to serve the connections it has. Here
    the first failure pauses accepting for a second, once."""

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: Any,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *timeouts: Any,
    ) -> None:
        for _ in range(backlog):
            try:
                conn, addr = sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return  # nothing more waiting
            except OSError as error:
                if error.errno not in _OUT_OF_RESOURCES:
                    raise
                self.call_exception_handler(
                    {"message": "socket.accept() out of system resource", "exception": error}
                )
                self._remove_reader(sock.fileno())  # type: ignore[attr-defined]
                retry = (protocol_factory, sock, sslcontext, server, backlog, *timeouts)
                resume = self._start_serving  # type: ignore[attr-defined]
                self.call_later(ACCEPT_PAUSE_SECONDS, resume, *retry)
                return
            conn.setblocking(False)
            accepting = self._accept_connection2(  # type: ignore[attr-defined]
                protocol_factory, conn, {"peername": addr}, sslcontext, server, *timeouts
            )
            self.create_task(accepting)


ACCEPT_PAUSE_SECONDS = 1.0


def event_loop() -> asyncio.AbstractEventLoop:
    """The loop `serve` runs: uvloop where it is installed (the bench extra), else the one
    above."""
    try:
        import uvloop
    except ImportError:
        return EventLoop()
    return uvloop.new_event_loop()
