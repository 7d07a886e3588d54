"""Helpers for tests of the write API: a fresh seeded database, tokens, test-only sources.

Everything written here is labelled as test data: the sources say they are test fixtures, and
no test writes into the shipped seed files.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.api.auth import create_token
from app.db.engine import make_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR

TEST_SOURCE_ID = "test-only-fixture-source"
TEST_TEXT = (
    "TEST FIXTURE, NOT A REAL SOURCE. This text exists only for the test suite. "
    "By March 2025 the mission had 1,200 officers in the country, officials said. "
    "A later count put the figure at 1,150 officers. "
    "Donors pledged $5 million more."
)


def fixture_source(**changes: Any) -> dict[str, Any]:
    body = {
        "id": TEST_SOURCE_ID,
        "url": "https://example.org/test-fixture",
        "publisher": "Test fixture (not a real publisher)",
        "title": "Test fixture text",
        "language": "en",
        "published": {"value": "2025-03-10"},
        "notes": "Written for the test suite; states nothing about the world.",
        "text": TEST_TEXT,
    }
    return {**body, **changes}


def numbered_fact(fact_id: str, version: int = 1) -> dict[str, Any]:
    """A test fact whose summary and value both say `version`, so a reader can tell a whole
    record from a mix of two versions."""
    return {
        "id": fact_id,
        "kind": "personnel.deployed",
        "summary": f"{fact_id} version {version}",
        "mission": "mss",
        "quantity": {"value": version, "unit": "officers", "qualifier": "exact"},
        "cite": [{"quote": "1,200 officers", "source": TEST_SOURCE_ID}],
    }


def personnel_fact(fact_id: str = "test-personnel-march", **changes: Any) -> dict[str, Any]:
    body = {
        "id": fact_id,
        "kind": "personnel.deployed",
        "summary": "Test fixture: 1,200 officers deployed by March 2025.",
        "mission": "mss",
        "quantity": {
            "value": 1200,
            "unit": "officers",
            "qualifier": "exact",
            "as_stated": "1,200 officers",
        },
        "date": {"value": "2025-03", "as_stated": "By March 2025"},
        "cite": [
            {
                "quote": "By March 2025 the mission had 1,200 officers in the country",
                "source": TEST_SOURCE_ID,
            }
        ],
    }
    return {**body, **changes}


@dataclass
class Editor:
    client: TestClient
    url: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def add_token(self, name: str, scope: str = "write") -> str:
        engine = make_engine(self.url)
        with Session(engine) as session, session.begin():
            token = create_token(session, name=name, scope=scope)
        engine.dispose()
        return token

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post(path, json=body, headers={**self.auth, **headers})

    def with_source(self) -> "Editor":
        response = self.post("/sources", fixture_source())
        assert response.status_code == 201, response.text
        return self


def write_token(url: str, name: str = "test-desk") -> str:
    """A new write token in the database at `url`."""
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        token = create_token(session, name=name, scope="write")
    engine.dispose()
    return token


def editor_for(url: str, **settings: Any) -> Iterator[Editor]:
    token = write_token(url)
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR, **settings))
    with TestClient(app) as client:
        yield Editor(client, url, token)
    app.state.engine.dispose()
