"""Finished GET responses kept in memory, keyed on the data version and what was asked.

A key holds the data version, so an answer written before a change can never be found after
it: there is nothing to invalidate. When a new version is seen, older entries can never be hit
again and are dropped at once, so memory goes back to the new version's answers only.
"""

import functools
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    last_modified: datetime

    @functools.cached_property
    def tag(self) -> str:
        """The entity tag the answer went out with: the cache's, or the route's own."""
        found = next((v for k, v in self.headers if k.lower() == b"etag"), b"")
        return found.decode("latin-1")

    @functools.cached_property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


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

    def see_version(self, version: int) -> None:
        """Forget every answer of an older version (keys of other versions can never match)."""
        if self._version is not None and version > self._version:
            self._entries.clear()
            self._bytes = 0
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
