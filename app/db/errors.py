"""What a database failure means for the client: busy, unwritable, unreachable, or a bug.

A write that waits too long for the write lock, a database file that has become read-only or
whose disk is full, and a database server that does not answer are conditions of the service,
not errors in the request: they are answered 503 with `Retry-After`, so clients back off and
try again. Anything else is a fault of the server (500), logged with its request id.
"""

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

# Words of the drivers' messages (SQLite's and PostgreSQL's), lower case.
_BUSY = ("database is locked", "database table is locked", "lock timeout", "deadlock detected")
_UNWRITABLE = (
    "readonly database",
    "read-only transaction",
    "disk is full",
    "no space left on device",
    "disk i/o error",
    "could not extend file",
)
# SQLite cannot open the file (gone, or the process is out of file handles).
_UNOPENABLE = ("unable to open database file",)


@dataclass(frozen=True)
class Unavailable:
    """Why the database cannot serve this request now, and when to try again."""

    cause: str  # busy | unwritable | unreachable
    detail: str
    retry_after: int


def unavailable(error: SQLAlchemyError) -> Unavailable | None:
    """The condition behind a database error, or None when it is a fault of the server."""
    message = str(getattr(error, "orig", None) or error).lower()
    if any(words in message for words in _BUSY):
        return Unavailable(
            "busy",
            "The database is busy with other writes and this one could not wait longer; "
            "nothing was written. Try again shortly.",
            1,
        )
    if any(words in message for words in _UNWRITABLE):
        return Unavailable(
            "unwritable",
            "The database cannot be written at the moment (read-only or out of space); "
            "nothing was written.",
            30,
        )
    if any(words in message for words in _UNOPENABLE):
        return Unavailable(
            "unreachable",
            "The database cannot be opened at the moment (the server may be out of file "
            "handles). Try again shortly.",
            5,
        )
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return Unavailable("unreachable", "The database cannot be reached.", 5)
    driver = type(getattr(error, "orig", None)).__module__ or ""
    if driver.startswith("psycopg") and isinstance(error, OperationalError):
        # psycopg raises OperationalError for connections refused, lost or timed out.
        return Unavailable("unreachable", "The database cannot be reached.", 5)
    return None
