"""A stream's next batch never waits for a route's thread.

Routes take turns in the worker threads (`Settings.worker_threads`). A stream holds its
connection until its last batch is read; if reading the next one waited in the same queue as
the routes, the routes running could wait for connections that only the waiting streams can
give back, and with more at once than the pool lends, nothing would move again. So each
batch is read under a limiter of its own (one token: it is one stream's own work, done a
batch at a time); how many of them run at once is bounded by the pool itself, since each
holds one of its connections. (A request's own session is closed on the event loop, which
never waits: see app.api.sessions.)
"""

from collections.abc import AsyncIterator, Iterator
from typing import TypeVar, cast

import anyio
import anyio.to_thread

T = TypeVar("T")

_DONE = object()


async def iterate_holding(items: Iterator[T]) -> AsyncIterator[T]:
    """A sync iterator's items, each one made in a worker thread not queued behind the
    routes. An iterator left early (a client gone) is closed there too, so a session it
    holds gives its connection back then, not when the collector finds it."""
    limiter = anyio.CapacityLimiter(1)
    try:
        while True:
            item = await anyio.to_thread.run_sync(next, items, _DONE, limiter=limiter)
            if item is _DONE:
                return
            yield cast(T, item)  # not the sentinel, so one of the items
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(close, limiter=limiter)
