"""The lean reference: the least work that answers the first page of `/facts`.

A bare Starlette route, the standard library's sqlite3 and orjson, two queries per request:
the page of 50 current facts in the project's default order (kind, then id) and their
citations with the quote's context as each citation keeps it, as the project reads it. It
serves the records the project serves (`tests/test_bench_reference.py` checks ids, values
and quotes), without the project's presentation (labels, caveats, selectors, paging links):
it is the floor a read path built on the same stack cannot go below, not a second API.

Run by the bench as `uvicorn --factory bench.reference:reference_app`, reading the SQLite file
named by BENCH_REFERENCE_DB.
"""

import os
import sqlite3
import threading
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE = 50
FACTS = (
    "SELECT row_id, fact_id, version, kind, summary, mission_slug, country_iso3, actor_slug, "
    "value, unit, qualifier, lower_bound, upper_bound, quantity_as_stated, date_value, "
    "date_precision, date_qualifier, derived, rank, recorded_at FROM fact "
    "WHERE record_status = 'current' ORDER BY kind, fact_id LIMIT ?"
)
CITATIONS = (
    "SELECT l.fact_row_id, c.source_id, c.char_start, c.char_end, c.quote, s.url, c.prefix, "
    "c.suffix FROM fact_citation l JOIN citation c ON c.id = l.citation_id "
    "JOIN source s ON s.id = c.source_id "
    "WHERE l.fact_row_id IN ({marks}) ORDER BY l.fact_row_id, l.position"
)
FACT_FIELDS = FACTS.split("SELECT ", 1)[1].split(" FROM", 1)[0].split(", ")[1:]
CITATION_FIELDS = ("source_id", "start", "end", "quote", "source_url", "prefix", "suffix")


def first_page(connection: sqlite3.Connection) -> dict[str, Any]:
    rows = connection.execute(FACTS, (PAGE + 1,)).fetchall()
    more, rows = len(rows) > PAGE, rows[:PAGE]
    cited: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in rows}
    if rows:
        marks = ",".join("?" * len(rows))
        query = CITATIONS.format(marks=marks)
        for key, *values in connection.execute(query, tuple(cited)).fetchall():
            cited[key].append(dict(zip(CITATION_FIELDS, values, strict=True)))
    items = [
        {**dict(zip(FACT_FIELDS, row[1:], strict=True)), "citations": cited[row[0]]} for row in rows
    ]
    return {"items": items, "more": more}


def reference_app(path: str | None = None) -> Starlette:
    database = path or os.environ["BENCH_REFERENCE_DB"]
    local = threading.local()

    def connection() -> sqlite3.Connection:
        # One read-only connection per thread, opened once (no pool churn, no PRAGMAs each
        # time); the route is async, so in practice one connection for the event loop.
        found: sqlite3.Connection | None = getattr(local, "connection", None)
        if found is None:
            found = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            local.connection = found
        return found

    async def facts(request: Request) -> Response:
        return Response(orjson.dumps(first_page(connection())), media_type="application/json")

    return Starlette(routes=[Route("/facts", facts)])
