"""What a database holds, summed up so "nothing changed" can be asserted: the row count of
every table and one checksum over all of their rows."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, inspect, text


@dataclass(frozen=True)
class DatabaseState:
    counts: dict[str, int]
    checksum: str


def database_state(database: str | Engine) -> DatabaseState:
    """Every table of the database (the schema's own bookkeeping and the search index
    included), read in full: rows are compared as text, in a stable order. Takes a URL, or an
    engine to reuse when states are read often."""
    engine = create_engine(database) if isinstance(database, str) else database
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    try:
        with engine.connect() as connection:
            for table in sorted(inspect(connection).get_table_names()):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                counts[table] = len(rows)
                digest.update(f"\0{table}\0".encode())
                for row in sorted(repr(tuple(row)) for row in rows):
                    digest.update(row.encode() + b"\n")
    finally:
        if isinstance(database, str):
            engine.dispose()
    return DatabaseState(counts=counts, checksum=digest.hexdigest())
