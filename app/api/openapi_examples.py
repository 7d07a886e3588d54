"""Regenerate openapi_examples.json from a freshly seeded database.

Run `python -m app.api.openapi_examples` after changing the seed or a response model.

Each GET endpoint's example is its real response for a real identifier, with lists cut short.
"""

import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from app.api.openapi import EXAMPLES_FILE

# One real identifier per path parameter: the example request of every GET endpoint.
EXAMPLE_PATHS = {
    "/": "/",
    "/missions": "/missions",
    "/missions/{slug}": "/missions/mss",
    "/missions/{slug}/funding": "/missions/mss/funding",
    "/missions/{slug}/donors": "/missions/mss/donors",
    "/missions/{slug}/contributors": "/missions/mss/contributors",
    "/missions/{slug}/personnel": "/missions/mss/personnel",
    "/missions/{slug}/positions": "/missions/mss/positions",
    "/missions/{slug}/timeline": "/missions/mss/timeline",
    "/missions/{slug}/needs": "/missions/mss/needs",
    "/missions/{slug}/proposals": "/missions/mss/proposals",
    "/missions/{slug}/series": "/missions/mss/series?kind=personnel.deployed",
    "/missions/{slug}/history": "/missions/mss/history",
    "/displacement-events": "/displacement-events",
    "/displacement-events/{fact_id}": "/displacement-events/hti-displacement-recent-weeks-2025-02",
    "/indicators": "/indicators",
    "/indicators/{fact_id}": "/indicators/hti-gang-control-port-au-prince",
    "/statements": "/statements",
    "/countries": "/countries",
    "/countries/{iso3}": "/countries/HTI",
    "/actors": "/actors",
    "/actors/{slug}": "/actors/antonio-guterres",
    "/actors/{slug}/history": "/actors/antonio-guterres/history",
    "/sources": "/sources",
    "/sources/{source_id}": "/sources/haitiwire-2025-02-mss-support-office",
    "/health": "/health",
    "/facts": "/facts",
    "/facts/{fact_id}": "/facts/mss-funding-received",
    "/facts/{fact_id}/cite": "/facts/mss-funding-received/cite",
    "/facts/{fact_id}/history": "/facts/mss-funding-received/history",
    "/search": "/search?q=cholera",
    "/changes": "/changes",
    "/changes/{change_id}": "/changes/1",
    "/citations": "/citations",
    "/datapackage.json": "/datapackage.json",
}
LIST_CUT = 2


def shorten(node: Any) -> Any:
    """Lists cut to their first items, so the docs stay readable."""
    if isinstance(node, list):
        return [shorten(item) for item in node[:LIST_CUT]]
    if isinstance(node, dict):
        return {key: shorten(value) for key, value in node.items()}
    return node


EXAMPLE_BASE_URL = "http://127.0.0.1:8000"
# The day the examples are the answers of (a mission's status and a figure's age are said for
# a day): days after the seed's article, so its figures are not yet old.
EXAMPLE_DAY = date(2025, 3, 1)


def collect(get: Any) -> dict[str, Any]:
    """The shortened response of each example path, fetched with `get(path) -> json`."""
    return {template: shorten(get(path)) for template, path in EXAMPLE_PATHS.items()}


def main() -> int:
    from fastapi.testclient import TestClient

    from app.db.engine import make_engine
    from app.db.migrate import upgrade
    from app.main import create_app
    from app.settings import Settings
    from app.writes.seed import load_seed

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'examples.db'}"
        settings = Settings(database_url=url, today=EXAMPLE_DAY)
        upgrade(url)
        load_seed(make_engine(url), settings.seed_dir)
        # The address `mission-facts serve` answers at, so no example names a test host.
        with TestClient(create_app(settings), base_url=EXAMPLE_BASE_URL) as client:
            examples = collect(lambda path: client.get(path).json())
    EXAMPLES_FILE.write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {EXAMPLES_FILE.name}: {len(examples)} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
