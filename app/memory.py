"""Keeping a long-running server's memory flat (glibc's allocator only; elsewhere a no-op).

Two habits of glibc's malloc make a threaded Python server's RSS creep up for hours although
what it holds is bounded: it gives each thread that allocates under contention an arena of its
own (up to eight per core), and it keeps freed memory inside those arenas instead of handing
it back. With worker threads opening and closing database connections and building
answers, both add up. So `serve` asks for two arenas (MALLOC_ARENA_MAX, also set for the worker
processes it starts), and each process returns its free memory every TRIM_SECONDS.
"""

import asyncio
import contextlib
import ctypes
import ctypes.util
import functools
import os
from collections.abc import AsyncIterator

ARENAS = 2
TRIM_SECONDS = 15.0
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim  # noqa: B018 (absent outside glibc)
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas() -> None:
    """Fewer malloc arenas for this process from now on, and for the processes it starts."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(ARENAS))
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, ARENAS)


def trim() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@contextlib.asynccontextmanager
async def trimming(every: float = TRIM_SECONDS) -> AsyncIterator[None]:
    """Return free memory to the system every `every` seconds while the block runs."""
    if _libc() is None:
        yield
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(every)
            await asyncio.to_thread(trim)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
