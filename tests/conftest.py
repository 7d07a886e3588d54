"""Test databases: a real SQLite file by default, or PostgreSQL when TEST_DATABASE_URL is set.

On PostgreSQL every database a test asks for is a schema of its own (selected through the
connection's search_path), so tests never see each other's rows and need no CREATEDB right.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.api.openapi_examples import EXAMPLE_DAY
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from app.writes.seed import load_seed

if TYPE_CHECKING:
    from tests.support.editing import Editor

SEED_DIR = PROJECT_ROOT / "seed"
# Every app and server the tests start reads this day as today (MISSION_FACTS_TODAY), the day
# the documented examples are for, so answers do not change with the calendar; the tests of
# status and age set days of their own.
os.environ.setdefault("MISSION_FACTS_TODAY", EXAMPLE_DAY.isoformat())
PG_URL = os.environ.get("TEST_DATABASE_URL")
if PG_URL:
    PG_URL = Settings(database_url=PG_URL).database_url  # normalised to psycopg 3


def pytest_report_header() -> str:
    backend = make_url(PG_URL).get_backend_name() if PG_URL else "sqlite (temporary files)"
    return f"mission-facts test database: {backend}"


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


DatabaseFactory = Callable[[], str]


@pytest.fixture(scope="session")
def make_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """Returns a function that makes a new, empty database and gives its URL."""
    schemas: list[str] = []
    admin = create_engine(PG_URL) if PG_URL else None

    def new_database() -> str:
        if admin is None:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'mission-facts.db'}"
        assert PG_URL is not None
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        return str(
            make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )

    yield new_database
    if admin is not None:
        # One transaction per schema: dropping them all at once would need a lock for every
        # table of every test database, more than PostgreSQL's lock table holds.
        for schema in schemas:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrated_and_seeded(url: str) -> str:
    from app.db.engine import make_engine

    upgrade(url)
    engine = make_engine(url)
    load_seed(engine, SEED_DIR)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def seeded_url(make_database: DatabaseFactory) -> str:
    """One seeded database shared by the read-only tests."""
    return migrated_and_seeded(make_database())


@pytest.fixture(scope="session")
def client(seeded_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=seeded_url, seed_dir=SEED_DIR))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def uncached(seeded_url: str) -> Iterator[TestClient]:
    """A client of the seeded database that keeps no answers: every read runs its route and
    its queries."""
    app = create_app(Settings(database_url=seeded_url, seed_dir=SEED_DIR, response_cache_mb=0))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def editor(make_database: DatabaseFactory) -> Iterator["Editor"]:
    """A client on a fresh seeded database, with a write token named `test-desk`."""
    from tests.support.editing import editor_for

    yield from editor_for(migrated_and_seeded(make_database()))


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed folder, for tests that break or edit it."""
    target = tmp_path / "seed"
    target.mkdir()
    for item in SEED_DIR.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    return target
