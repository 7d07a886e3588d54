"""Log configuration for `mission-facts serve`.

Uvicorn's own access line cannot carry the request id, so it is switched off and the app's
`app.access` logger writes one line per request instead (see
app/middleware/edge_headers.py). The app's loggers print at INFO beside uvicorn's.

A failure that repeats (the database file cannot be opened because the process is out of file
handles, the listening socket cannot accept) would otherwise write the same lines, tracebacks
included, as fast as requests arrive. Every handler but the access log's passes records through
`RepeatThrottle`: the same message from the same place is written at most once a second, and
the next one written says how many were left out.
"""

import copy
import logging
import threading
import time
from typing import Any

from uvicorn.config import LOGGING_CONFIG

THROTTLE_SECONDS = 1.0


class RepeatThrottle(logging.Filter):
    """Lets a kind of record (logger, message template, exception type) through at most once
    every THROTTLE_SECONDS; counts the rest and names the count on the next one let through."""

    def __init__(self, name: str = "", *, clock: Any = time.monotonic) -> None:
        super().__init__(name)
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "app.access":
            return True
        kind = type(record.exc_info[1]).__name__ if record.exc_info else ""
        key = (record.name, str(record.msg), kind)
        now = self.clock()
        with self._lock:
            last, dropped = self._seen.get(key, (float("-inf"), 0))
            if now - last < THROTTLE_SECONDS:
                self._seen[key] = (last, dropped + 1)
                return False
            if len(self._seen) > 10_000:  # kinds of message are few; never grow without end
                self._seen.clear()
            self._seen[key] = (now, 0)
        if dropped:
            record.msg = f"{record.msg} [{dropped} more like this left out of the log]"
        return True


def log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"throttle": {"()": "app.logs.RepeatThrottle"}}
    config["formatters"]["app"] = {
        "()": "logging.Formatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    }
    config["handlers"]["app"] = {
        "formatter": "app",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "filters": ["throttle"],
    }
    config["handlers"]["default"]["filters"] = ["throttle"]
    config["loggers"]["app"] = {"handlers": ["app"], "level": "INFO", "propagate": False}
    # asyncio's own complaints (e.g. "socket.accept() out of system resource") go through the
    # same throttle instead of Python's last-resort handler.
    config["root"] = {"handlers": ["app"], "level": "WARNING"}
    return config
