"""Nothing lost under concurrency: writers in parallel threads against a real server with two
worker processes on one database (a SQLite file in WAL mode, or PostgreSQL)."""

import functools
import threading
from collections.abc import Callable

import httpx
from sqlmodel import Session

from app.api.auth import create_token
from app.db.engine import make_engine
from app.domain.entity_tags import version_tag as version_of
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.editing import fixture_source, numbered_fact
from tests.support.helpers import version_tag
from tests.support.servers import serving

WRITERS = 4
VERSIONS = 6  # per writer: one create, then corrections
SHARED = "test-concurrent-shared"


def _run_all(tasks: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(task: Callable[[], None]) -> None:
        try:
            task()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_writers_lose_nothing_and_readers_see_whole_records(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        token = create_token(session, name="test-concurrency", scope="write")
    engine.dispose()
    auth = {"Authorization": f"Bearer {token}"}

    with serving(url, "--workers", "2") as base:
        with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
            assert client.post("/sources", json=fixture_source()).status_code == 201
            assert client.post("/facts", json=numbered_fact(SHARED, 1)).status_code == 201

        acknowledged: list[tuple[str, int]] = []
        shared_wins: list[int] = []
        torn: list[str] = []
        done = threading.Event()

        def writer(number: int) -> None:
            fact_id = f"test-concurrent-{number}"
            with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
                response = client.post("/facts", json=numbered_fact(fact_id, 1))
                assert response.status_code == 201, response.text
                acknowledged.append((fact_id, 1))
                for version in range(2, VERSIONS + 1):
                    body = {**numbered_fact(fact_id, version), "reason": f"Test write {version}"}
                    response = client.put(f"/facts/{fact_id}", json=body)
                    assert response.status_code == 200, response.text
                    assert response.headers["etag"] == version_tag(response, version)
                    acknowledged.append((fact_id, version))
                    # Everyone also races for the shared fact, guarded by If-Match.
                    seen = client.get(f"/facts/{SHARED}")
                    tag = seen.headers["etag"]
                    claim = int(version_of(tag).strip('"v')) + 1
                    body = {
                        **numbered_fact(SHARED, claim),
                        "reason": f"Test race by writer {number}",
                    }
                    race = client.put(f"/facts/{SHARED}", json=body, headers={"If-Match": tag})
                    assert race.status_code in (200, 412), race.text
                    if race.status_code == 200:
                        assert race.headers["etag"] == version_tag(race, claim)
                        shared_wins.append(claim)

        def reader() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while not done.is_set():
                    page = client.get("/facts", params={"kind": "personnel.deployed", "limit": 500})
                    assert page.status_code == 200, page.text
                    for fact in page.json()["items"]:
                        if not fact["id"].startswith("test-concurrent-"):
                            continue
                        value = int(fact["quantity"]["value"])
                        whole = fact["summary"] == f"{fact['id']} version {value}"
                        if not whole or fact["version"] != value or not fact["citations"]:
                            torn.append(repr(fact)[:200])

        readers = [threading.Thread(target=reader) for _ in range(2)]
        for thread in readers:
            thread.start()
        tasks: list[Callable[[], None]] = [
            functools.partial(writer, number) for number in range(WRITERS)
        ]
        errors = _run_all(tasks)
        done.set()
        for thread in readers:
            thread.join(timeout=60)
        assert not errors, errors
        assert not torn, torn[:3]

        with httpx.Client(base_url=base, timeout=60) as client:
            for number in range(WRITERS):
                fact_id = f"test-concurrent-{number}"
                versions = client.get(f"/facts/{fact_id}/history").json()["versions"]
                assert [v["version"] for v in versions] == list(range(1, VERSIONS + 1))
                assert [v["record"]["summary"] for v in versions] == [
                    f"{fact_id} version {k}" for k in range(1, VERSIONS + 1)
                ]
                assert [v["record_status"] for v in versions][-1] == "current"
            assert len(acknowledged) == len(set(acknowledged)) == WRITERS * VERSIONS

            # The shared fact: every acknowledged correction is a version, none collided.
            shared = client.get(f"/facts/{SHARED}/history").json()["versions"]
            assert [v["version"] for v in shared] == list(range(1, len(shared) + 1))
            assert sorted(shared_wins) == [v["version"] for v in shared[1:]]
            assert len(shared_wins) == len(set(shared_wins))

            changes = client.get("/changes", params={"limit": 500, "since": "2000-01-01"}).json()
            logged = [c for c in changes["items"] if c["record_id"].startswith("test-concurrent")]
            assert len(logged) == WRITERS * VERSIONS + len(shared)


READERS = 80  # twice the connections the pool lends (app.db.engine.POOL)


def test_more_readers_than_the_pool_holds_are_all_answered_by_a_few_threads(
    make_database: DatabaseFactory,
) -> None:
    """A server running two routes at a time, read by more clients at once than its pool
    has connections. A request that has read gives its connection back without waiting for
    a route's thread, so the routes never wait for connections held by requests that wait
    for them (on PostgreSQL the connection goes back in a worker thread: the pool ran dry
    when that thread was one of the routes')."""
    url = migrated_and_seeded(make_database())
    settings = {"MISSION_FACTS_WORKER_THREADS": "2", "MISSION_FACTS_RESPONSE_CACHE_MB": "0"}
    statuses: list[int] = []
    start = threading.Barrier(READERS)

    def read(base: str, n: int) -> None:
        paths = (f"/facts?limit={1 + n % 50}", "/missions/mss", f"/facts?limit={50 - n % 50}")
        # Longer than the pool waits for a connection (30 s): a dry pool fails the request.
        with httpx.Client(base_url=base, timeout=60) as client:
            start.wait()
            for path in paths:
                statuses.append(client.get(path).status_code)

    with serving(url, settings=settings) as base:
        errors = _run_all([functools.partial(read, base, n) for n in range(READERS)])
    assert errors == []
    assert statuses == [200] * (3 * READERS)
