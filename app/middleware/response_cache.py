"""Finished GET responses kept in memory, keyed on what was asked, each valid from the data
version it was made at until a write touches what it read.

Each answer names the scopes it read (app.domain.read_scopes; None: everything). When a newer
version is seen, the cache learns what the versions since touched and drops the answers that
read any of it; the others stay, valid at the new version too, with the tag they went out with.
"""

import functools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.domain.read_scopes import touched_any

ENTRY_OVERHEAD = 600  # bytes of an entry beyond its body and headers, its key's included


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    last_modified: datetime
    reads: frozenset[str] | None = None  # the scopes it read; None: everything

    @functools.cached_property
    def tag(self) -> str:
        """The entity tag the answer went out with: the cache's, or the route's own."""
        found = next((v for k, v in self.headers if k.lower() == b"etag"), b"")
        return found.decode("latin-1")

    @functools.cached_property
    def size(self) -> int:
        """Bytes it holds, its objects' own included: measured with tracemalloc, an entry
        of a few headers takes about 500 bytes more than its body and header bytes."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


class ResponseCache:
    """Least recently used answers, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def see_version(
        self, version: int, touched: Callable[[int, int], frozenset[str] | None]
    ) -> None:
        """Move on to a newer version: forget every answer that read a scope the versions in
        between touched, as `touched(after, upto)` tells (None: everything)."""
        if self._version is not None and version > self._version:
            changed = touched(self._version, version) if self._entries else None
            for key in [k for k, e in self._entries.items() if touched_any(e.reads, changed)]:
                self._bytes -= self._entries.pop(key).size
        if self._version is None or version > self._version:
            self._version = version

    def get(self, key: str) -> CachedResponse | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: str, version: int, response: CachedResponse) -> None:
        if version != self._version or response.size > self.max_entry_bytes:
            return  # written under a version that is no longer the newest seen, or too large
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = response
        self._bytes += response.size
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size
