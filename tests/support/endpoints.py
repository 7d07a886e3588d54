"""Every GET endpoint with a real, seeded value for each path parameter."""

from app.api.openapi_examples import EXAMPLE_PATHS

__all__ = [
    "EXAMPLE_PATHS",
    "LIST_PATHS",
    "MISSING_PATHS",
    "ROWS_OF_A_DOCUMENT",
    "rows_of_a_document",
]

# Answers that are one document in JSON (a fund, a mission's series) and, as CSV or NDJSON,
# the rows behind it (its facts, its series' values): checked by their own tests, not as lists.
ROWS_OF_A_DOCUMENT = ("/funding", "/series")


def rows_of_a_document(path: str) -> bool:
    return path.partition("?")[0].endswith(ROWS_OF_A_DOCUMENT)


# The same paths with an identifier that does not exist, for 404s.
MISSING_PATHS = {
    "/missions/{slug}": "/missions/no-such-mission",
    "/missions/{slug}/funding": "/missions/no-such-mission/funding",
    "/missions/{slug}/donors": "/missions/no-such-mission/donors",
    "/missions/{slug}/contributors": "/missions/no-such-mission/contributors",
    "/missions/{slug}/personnel": "/missions/no-such-mission/personnel",
    "/missions/{slug}/positions": "/missions/no-such-mission/positions",
    "/missions/{slug}/timeline": "/missions/no-such-mission/timeline",
    "/missions/{slug}/needs": "/missions/no-such-mission/needs",
    "/missions/{slug}/proposals": "/missions/no-such-mission/proposals",
    "/missions/{slug}/series": "/missions/no-such-mission/series?kind=personnel.deployed",
    "/missions/{slug}/history": "/missions/no-such-mission/history",
    "/actors/{slug}/history": "/actors/nobody/history",
    "/displacement-events/{fact_id}": "/displacement-events/mss-funding-received",
    "/indicators/{fact_id}": "/indicators/no-such-indicator",
    "/countries/{iso3}": "/countries/ZAF",
    "/actors/{slug}": "/actors/nobody",
    "/sources/{source_id}": "/sources/no-such-source",
    "/facts/{fact_id}": "/facts/no-such-fact",
    "/facts/{fact_id}/cite": "/facts/no-such-fact/cite",
}

# Endpoints that answer a page of items.
LIST_PATHS = [
    "/missions",
    "/missions/mss/donors",
    "/missions/mss/contributors",
    "/missions/mss/personnel",
    "/missions/mss/positions",
    "/missions/mss/timeline",
    "/missions/mss/needs",
    "/missions/mss/proposals",
    "/displacement-events",
    "/indicators",
    "/statements",
    "/countries",
    "/actors",
    "/sources",
    "/facts",
    "/search?q=haiti",
]
