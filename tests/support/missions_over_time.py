"""The fixture documents about the fictional Example Support Force, and a database that has
imported them one by one, each moment remembered.

Three short texts written for the tests (tests/fixtures/missions-over-time), marked as test
fixtures in their metadata and never loaded by `serve`: the force is authorized (2021),
renewed with a higher ceiling (2022), then replaced by a successor, whose source also revises
a figure of the second one (2023).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from app.writes.imports import ImportReport, import_folder
from tests.conftest import SEED_DIR

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "missions-over-time"
DOCUMENTS = ("01-esf-authorized", "02-esf-renewed", "03-esf-succeeded")
FORCE = "example-support-force"
SUCCESSOR = "example-stabilization-mission"
EDITOR = "fixture-desk"


@dataclass
class ImportedHistory:
    """A database holding the three documents, and the moment after each import."""

    url: str
    after: dict[str, datetime] = field(default_factory=dict)
    reports: dict[str, ImportReport] = field(default_factory=dict)
    clients: list[TestClient] = field(default_factory=list)

    def on(self, today: date, **settings: Any) -> TestClient:
        """A client of an app whose day is `today` (the clock the status and ages read)."""
        app = create_app(
            Settings(database_url=self.url, seed_dir=SEED_DIR, today=today, **settings)
        )
        client = TestClient(app)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.app.state.engine.dispose()  # type: ignore[attr-defined]


def import_all(url: str, documents: tuple[str, ...] = DOCUMENTS) -> Iterator[ImportedHistory]:
    upgrade(url)
    engine = make_engine(url)
    history = ImportedHistory(url)
    for name in documents:
        history.reports[name] = import_folder(engine, FIXTURES / name, editor=EDITOR)
        history.after[name] = datetime.now(UTC)
    engine.dispose()
    yield history
    history.close()
