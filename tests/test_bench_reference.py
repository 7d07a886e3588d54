"""The benchmark's lean reference serves the very records the project's /facts serves.

`bench/reference.py` is what uncached `/facts` is measured against: it counts only if it does
the same work, so its first page must hold the same facts, in the same order, with the same
values and the same quotes (and their context) as the project's first page.
"""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from bench.reference import PAGE, reference_app
from tests.conftest import SEED_DIR, migrated_and_seeded


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The reference reads a SQLite file, whatever backend the suite runs on.
    path = tmp_path_factory.mktemp("reference") / "seed.db"
    migrated_and_seeded(f"sqlite:///{path}")
    return path


def _context(citation: dict[str, Any]) -> tuple[str, str]:
    quote_selector = citation["selectors"][0]
    return quote_selector["prefix"], quote_selector["suffix"]


def test_the_reference_serves_the_projects_first_page_of_facts(seeded_file: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{seeded_file}", seed_dir=SEED_DIR))
    with TestClient(app) as project, TestClient(reference_app(str(seeded_file))) as reference:
        ours = project.get("/facts").json()
        lean = reference.get("/facts").json()
    app.state.engine.dispose()

    assert len(ours["items"]) == len(lean["items"]) == PAGE
    assert (ours["next"] is not None) == lean["more"]
    for fact, row in zip(ours["items"], lean["items"], strict=True):
        assert (fact["id"], fact["version"], fact["kind"]) == (
            row["fact_id"],
            row["version"],
            row["kind"],
        )
        assert fact["summary"] == row["summary"]
        assert (fact["mission"] or {}).get("slug") == row["mission_slug"]
        assert (fact["country"] or {}).get("iso3") == row["country_iso3"]
        assert (fact["actor"] or {}).get("slug") == row["actor_slug"]
        quantity = fact["quantity"] or {}
        assert quantity.get("value") == row["value"]
        assert quantity.get("qualifier") == row["qualifier"]
        assert (fact["date"] or {}).get("value") == row["date_value"]
        assert fact["derived"] == bool(row["derived"])
        assert fact["rank"] == row["rank"]
        cited = [
            (c["source_id"], c["start"], c["end"], c["quote"], c["source_url"], *_context(c))
            for c in fact["citations"]
        ]
        assert cited == [
            (
                c["source_id"],
                c["start"],
                c["end"],
                c["quote"],
                c["source_url"],
                c["prefix"],
                c["suffix"],
            )
            for c in row["citations"]
        ]
        assert cited, f"{fact['id']} has no citation"
