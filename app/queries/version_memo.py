"""What reads work out again and again, kept until the data changes.

An entry is keyed by the database, the data version (the counter every committed change moves
on, app.queries.state) and what the caller says it was made from. A write moves the version,
so an entry is never read after the data it came from has changed; old entries simply age out
of the bounded store. Readers of an entry being made wait for it rather than make it too (a
burst of first readers after a write must not each run the same pass).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlmodel import Session

from app.queries.state import read_data_version

T = TypeVar("T")


class VersionMemo(Generic[T]):
    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._store: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self._running: dict[Hashable, threading.Event] = {}

    def get(self, session: Session, key: Hashable, make: Callable[[], T]) -> T:
        """The entry for `key` at the session's data version, made by `make` if missing.
        Entries are shared between requests: a caller adds to one only what every reader of
        that version may see (as the names of app.queries.entities do), and copies it to
        change anything else."""
        connection = session.connection()
        full = (connection.engine.url.render_as_string(), read_data_version(connection), key)
        while True:
            with self._lock:
                if full in self._store:
                    self._store.move_to_end(full)
                    return self._store[full]
                running = self._running.get(full)
                if running is None:
                    mine = self._running[full] = threading.Event()
                    break
            running.wait()  # then found in the store, or (its maker failed) made here
        try:
            found = make()
            with self._lock:
                self._store[full] = found
                while len(self._store) > self._kept:
                    self._store.popitem(last=False)
        finally:
            with self._lock:
                del self._running[full]
            mine.set()
        return found
