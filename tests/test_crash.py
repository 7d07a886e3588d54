"""Crash safety: a server killed with SIGKILL in the middle of a burst of writes loses no
acknowledged write and leaves none half-applied."""

import os
import signal
import threading

import httpx
from sqlalchemy import text
from sqlmodel import Session

from app.auth import create_token
from app.db import make_engine
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.editing import TEST_SOURCE_ID, fixture_source
from tests.test_cli import serving, start_server, stop_server

WRITERS = 4
KILL_AFTER = 30  # acknowledged writes before the kill


def _fact(fact_id: str) -> dict[str, object]:
    return {
        "id": fact_id,
        "kind": "personnel.deployed",
        "summary": f"Test fixture {fact_id}",
        "mission": "mss",
        "quantity": {"value": 1200, "unit": "officers", "qualifier": "exact"},
        "cite": [{"quote": "1,200 officers", "source": TEST_SOURCE_ID}],
    }


def test_acknowledged_writes_survive_sigkill(make_database: DatabaseFactory) -> None:
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        token = create_token(session, name="test-crash", scope="write")
    auth = {"Authorization": f"Bearer {token}"}

    server = start_server(url)
    acknowledged: list[str] = []
    enough = threading.Event()
    try:
        with httpx.Client(base_url=server.base, headers=auth, timeout=30) as client:
            assert client.post("/sources", json=fixture_source()).status_code == 201

        def writer(number: int) -> None:
            with httpx.Client(base_url=server.base, headers=auth, timeout=30) as client:
                for count in range(10_000):
                    fact_id = f"test-crash-{number}-{count}"
                    try:
                        response = client.post("/facts", json=_fact(fact_id))
                    except httpx.TransportError:
                        return  # the server is gone
                    assert response.status_code == 201, response.text
                    acknowledged.append(fact_id)
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), "the burst never reached the kill point"
        os.kill(server.process.pid, signal.SIGKILL)  # mid-burst: writers are still sending
        for thread in threads:
            thread.join(timeout=60)
        server.process.wait(timeout=30)
    finally:
        stop_server(server)
    assert len(acknowledged) >= KILL_AFTER

    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # Nothing half-applied: every stored version has its citation, its change-log entry
        # and its search entry, whether or not its writer heard back.
        half = session.execute(
            text(
                "SELECT f.fact_id FROM fact f WHERE f.fact_id LIKE 'test-crash-%' AND ("
                "NOT EXISTS (SELECT 1 FROM fact_citation c WHERE c.fact_row_id = f.row_id) "
                "OR NOT EXISTS (SELECT 1 FROM change g WHERE g.record_id = f.fact_id) "
                "OR NOT EXISTS (SELECT 1 FROM search_entry s WHERE s.entry_type = 'fact' "
                "AND s.entry_id = CAST(f.row_id AS VARCHAR(120))))"
            )
        ).all()
        assert half == []
    engine.dispose()

    with serving(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        listed = client.get(
            "/facts", params={"kind": "personnel.deployed", "limit": 500, "q": "crash"}
        ).json()
        present = {fact["id"] for fact in listed["items"]}
        missing = [fact_id for fact_id in acknowledged if fact_id not in present]
        assert missing == [], f"{len(missing)} acknowledged writes lost"
        for fact_id in acknowledged[:5]:
            record = client.get(f"/facts/{fact_id}").json()
            assert record["version"] == 1 and record["citations"]
