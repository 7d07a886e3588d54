"""Cursors that point deep into a list, made the way the API makes them (same signature)."""

from types import SimpleNamespace
from urllib.parse import urlencode

from sqlalchemy import Engine, text
from starlette.requests import Request

from app.api.pagination import encode_cursor
from app.queries.facts import BY_DATE, BY_KIND
from app.settings import Settings

# The sort values of a displacement event, by the list's ordering: (date, id) or (id,).
_VALUES_SQL = {
    "date": "SELECT date_value, fact_id FROM fact WHERE record_status = 'current' AND "
    "kind = 'displacement' ORDER BY date_value, fact_id LIMIT 1 OFFSET :offset",
    "id": "SELECT fact_id FROM fact WHERE record_status = 'current' AND kind = 'displacement' "
    "ORDER BY fact_id LIMIT 1 OFFSET :offset",
}


def deep_cursor_path(
    engine: Engine, settings: Settings, path: str, filters: dict[str, str], sort: str, offset: int
) -> tuple[str, list[str]]:
    """`path` with the filters, `sort` and a cursor whose page starts after row `offset` of
    the displacement events; and the sort values the cursor holds."""
    with engine.connect() as connection:
        values = list(connection.execute(text(_VALUES_SQL[sort]), {"offset": offset}).one())
    query = {**filters, "sort": sort}
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": urlencode(query).encode(),
        "headers": [],
        "app": SimpleNamespace(state=SimpleNamespace(settings=settings)),
    }
    ordering = (BY_DATE if sort == "date" else BY_KIND).resolve(sort)
    cursor = encode_cursor(Request(scope), ordering, values)
    return f"{path}?{urlencode({**query, 'cursor': cursor})}", values
