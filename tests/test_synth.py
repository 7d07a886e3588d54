"""Synthetic data: every quote really in its source at its span, marked synthetic throughout,
and never written into a database that holds data."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.db.tables import Citation, Fact, Mission, Source
from app.domain.quotes import quote_context
from app.main import create_app
from app.queries.state import read_data_version
from app.settings import Settings
from bench.synth import SynthError, generate, main
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded

EVENTS = 1200


@pytest.fixture(scope="module")
def synthetic_url(make_database: DatabaseFactory) -> str:
    url = make_database()
    assert main(["--missions", "4", "--events", str(EVENTS), "--database-url", url]) == 0
    return url


def test_every_quote_is_the_span_of_its_source(synthetic_url: str) -> None:
    engine = make_engine(synthetic_url)
    with Session(engine) as session:
        texts = {i: t for i, t in session.execute(select(Source.id, Source.text)).all()}
        citations = session.exec(select(Citation)).all()
        assert len(citations) >= EVENTS
        for c in citations:
            assert texts[c.source_id][c.char_start : c.char_end] == c.quote
    engine.dispose()


def test_everything_says_it_is_synthetic(synthetic_url: str) -> None:
    engine = make_engine(synthetic_url)
    with Session(engine) as session:
        sources = session.exec(select(Source)).all()
        assert all(s.id.startswith("synthetic-") and "ynthetic" in (s.title or "") for s in sources)
        assert all(m.slug.startswith("synthetic-") for m in session.exec(select(Mission)).all())
        origins = session.execute(select(Fact.origin, Fact.recorded_by).distinct()).all()
        assert origins == [("synthetic", "synthetic")]
        assert all(f.startswith("synthetic-") for f in session.exec(select(Fact.fact_id)).all())
        events = select(func.count()).select_from(Fact).where(Fact.kind == "displacement")
        assert session.execute(events).scalar_one() == EVENTS
    with engine.connect() as connection:
        version = read_data_version(connection)
        assert version is not None and version[0] >= 1
    engine.dispose()


def test_the_api_serves_it_and_finds_it(synthetic_url: str) -> None:
    settings = Settings(database_url=synthetic_url, seed_dir=SEED_DIR)
    with TestClient(create_app(settings)) as client:
        page = client.get("/displacement-events?limit=5").json()
        assert len(page["items"]) == 5 and page["next"]
        event = page["items"][0]
        quote = event["citations"][0]
        source = client.get(f"/sources/{quote['source_id']}").json()
        assert source["text"][quote["start"] : quote["end"]] == quote["quote"]
        selector = quote["selectors"][0]
        context = quote_context(source["text"], quote["start"], quote["end"])
        assert (selector["prefix"], selector["suffix"]) == context
        assert client.get("/search?q=fled").json()["items"]
        assert client.get("/missions/synthetic-mission-0001").status_code == 200


def test_new_rows_after_it_get_fresh_ids(synthetic_url: str) -> None:
    """Ids were given by the generator; the database's own sequences continue after them."""
    engine = make_engine(synthetic_url)
    with Session(engine) as session, session.begin():
        source = session.exec(select(Source)).first()
        assert source is not None
        added = Citation(
            source_id=source.id,
            char_start=0,
            char_end=9,
            quote=source.text[:9],
            prefix="",
            suffix=source.text[9:41],
        )
        session.add(added)
        session.flush()
        assert added.id is not None
        session.rollback()
    engine.dispose()


def test_refuses_a_database_that_holds_data(make_database: DatabaseFactory) -> None:
    seeded = migrated_and_seeded(make_database())
    engine = make_engine(seeded)
    with pytest.raises(SynthError):
        generate(engine, missions=1, events=1)
    engine.dispose()
    assert main(["--missions", "1", "--events", "1", "--database-url", seeded]) == 1


def test_an_empty_database_is_migrated_first(make_database: DatabaseFactory) -> None:
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    report = generate(engine, missions=1, events=3)
    engine.dispose()
    assert report.counts["fact"] == 3 + 6  # the events and the mission's key figures
