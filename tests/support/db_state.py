"""What a database holds, summed up so "nothing changed" can be asserted: the row count of
every table and one checksum over all of their rows."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, inspect, text


@dataclass(frozen=True)
class DatabaseState:
    counts: dict[str, int]
    checksum: str


# The rate limits' buckets: every write attempt counts in them, refused ones too, and /health
# proves the database writable by touching one. They are the service's counters, not data.
COUNTERS = ("write_allowance",)


def database_state(database: str | Engine) -> DatabaseState:
    """Every table of the database (the schema's own bookkeeping and the search index
    included, the rate limits' counters not), read in full: rows are compared as text, in a
    stable order. Takes a URL, or an engine to reuse when states are read often."""
    engine = create_engine(database) if isinstance(database, str) else database
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names()) - set(COUNTERS)
            for table in sorted(tables):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                counts[table] = len(rows)
                digest.update(f"\0{table}\0".encode())
                for row in sorted(repr(tuple(row)) for row in rows):
                    digest.update(row.encode() + b"\n")
    finally:
        if isinstance(database, str):
            engine.dispose()
    return DatabaseState(counts=counts, checksum=digest.hexdigest())


HALF_WRITTEN = (
    "SELECT f.fact_id FROM fact f WHERE "
    "NOT EXISTS (SELECT 1 FROM fact_citation c WHERE c.fact_row_id = f.row_id) "
    "OR NOT EXISTS (SELECT 1 FROM change g WHERE g.record_id = f.fact_id) "
    "OR NOT EXISTS (SELECT 1 FROM search_entry s WHERE s.entry_type = 'fact' "
    "AND s.entry_id = CAST(f.row_id AS VARCHAR(120)))"
)


def half_written_facts(database: str | Engine) -> list[str]:
    """Ids of fact versions missing their citation, change-log entry or search entry: what a
    write that was only partly applied would leave behind."""
    engine = create_engine(database) if isinstance(database, str) else database
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(text(HALF_WRITTEN))]
    finally:
        if isinstance(database, str):
            engine.dispose()
