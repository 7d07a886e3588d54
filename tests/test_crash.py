"""Crash safety: a server killed with SIGKILL in the middle of a burst of writes loses no
acknowledged write and leaves none half-applied."""

import os
import signal
import threading

import httpx
from sqlalchemy import text
from sqlmodel import Session

from app.api.auth import create_token
from app.db.engine import make_engine
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.db_state import half_written_facts
from tests.support.editing import fixture_source, numbered_fact
from tests.support.servers import serving, start_server, stop_server

WRITERS = 4
KILL_AFTER = 30  # acknowledged writes before the kill


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
                        response = client.post("/facts", json=numbered_fact(fact_id))
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
    # Nothing half-applied: every stored version has its citation, its change-log entry and
    # its search entry, whether or not its writer heard back.
    assert half_written_facts(engine) == []
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
