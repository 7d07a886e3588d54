"""Answers kept in memory: the same bytes as a fresh answer, never older than the last write."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.middleware.response_cache import ENTRY_OVERHEAD, CachedResponse, ResponseCache
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.data_edits import FUNDING, NOTE, edit_summary
from tests.support.endpoints import EXAMPLE_PATHS
from tests.support.statement_counter import counting


def app_client(url: str, cache_mb: int = 32) -> TestClient:
    return TestClient(
        create_app(Settings(database_url=url, seed_dir=SEED_DIR, response_cache_mb=cache_mb))
    )


@pytest.fixture
def own_database(make_database: DatabaseFactory) -> str:
    return migrated_and_seeded(make_database())


@pytest.fixture(scope="module")
def fresh(seeded_url: str) -> Iterator[TestClient]:
    with app_client(seeded_url, cache_mb=0) as client:
        yield client


@pytest.mark.parametrize("path", sorted(EXAMPLE_PATHS.values()))
def test_a_kept_answer_is_the_fresh_answer(
    client: TestClient, fresh: TestClient, path: str
) -> None:
    client.get(path)
    kept, made = client.get(path), fresh.get(path)
    assert kept.status_code == made.status_code == 200
    assert kept.content == made.content
    for header in ("etag", "last-modified", "cache-control", "content-type", "link", "vary"):
        assert kept.headers.get(header) == made.headers.get(header), header


def test_a_write_committed_elsewhere_is_seen_by_the_next_request(own_database: str) -> None:
    with app_client(own_database) as client:
        before = client.get(FUNDING)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with counting(engine) as seen:
            assert client.get(FUNDING).content == before.content
        assert seen == []  # answered from memory
        edit_summary(own_database, NOTE, NOTE.replace("remains", "is still"))
        after = client.get(FUNDING)
        assert "is still unallocated" in after.text
        assert after.headers["etag"] != before.headers["etag"]
        assert (
            client.get(FUNDING, headers={"If-None-Match": before.headers["etag"]}).status_code
            == 200
        )


def test_kept_answers_still_revalidate(client: TestClient) -> None:
    first = client.get("/missions/mss")
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/missions/mss").status_code == 200
    assert client.get("/missions/mss", headers={"If-None-Match": tag}).status_code == 304
    since = client.get("/missions/mss", headers={"If-Modified-Since": modified})
    assert since.status_code == 304 and since.content == b""
    assert "content-type" not in since.headers
    head = client.head("/missions/mss")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == first.headers["content-length"]


def test_requests_with_credentials_are_answered_afresh(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get(FUNDING)
    with counting(engine) as seen:
        assert client.get(FUNDING, headers={"Authorization": "Bearer x"}).status_code == 200
    assert seen != []


def test_errors_are_not_kept(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get("/facts/no-such-fact")
    with counting(engine) as seen:
        assert client.get("/facts/no-such-fact").status_code == 404
    assert seen != []


def test_cors_headers_of_one_origin_are_not_kept_for_another(seeded_url: str) -> None:
    origins = "https://a.example,https://b.example"
    settings = Settings(database_url=seeded_url, seed_dir=SEED_DIR, cors_origins=origins)
    with TestClient(create_app(settings)) as client:
        a = client.get(FUNDING, headers={"Origin": "https://a.example"})
        b = client.get(FUNDING, headers={"Origin": "https://b.example"})
        assert a.headers["access-control-allow-origin"] == "https://a.example"
        assert b.headers["access-control-allow-origin"] == "https://b.example"
        assert "access-control-allow-origin" not in client.get(FUNDING).headers


def _entry(size: int, reads: frozenset[str] | None = None) -> CachedResponse:
    return CachedResponse(200, [], b"x" * size, datetime.now(UTC), reads=reads)


def _everything(after: int, upto: int) -> None:
    return None  # the versions in between touched everything


def test_the_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    # Room for two entries of 300 bytes with their overhead, and none of 700.
    one = 300 + ENTRY_OVERHEAD
    cache = ResponseCache(max_bytes=2 * one + 100, max_entry_bytes=one + 100)
    cache.see_version(1, _everything)
    cache.put("a", 1, _entry(300))
    cache.put("b", 1, _entry(300))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("c", 1, _entry(300))
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("big", 1, _entry(700))
    assert cache.get("big") is None


def test_a_version_that_touched_everything_drops_every_older_answer() -> None:
    cache = ResponseCache(max_bytes=10_000, max_entry_bytes=10_000)
    cache.see_version(1, _everything)
    cache.put("a", 1, _entry(10))
    cache.put("narrow", 1, _entry(10, reads=frozenset({"fact:a"})))
    cache.see_version(2, _everything)
    assert len(cache) == 0
    cache.put("late", 1, _entry(10))  # made under version 1, finished after 2 was seen
    assert cache.get("late") is None


def test_a_new_version_drops_the_answers_that_read_what_it_touched() -> None:
    cache = ResponseCache(max_bytes=10_000, max_entry_bytes=10_000)
    asked: list[tuple[int, int]] = []

    def touched(after: int, upto: int) -> frozenset[str]:
        asked.append((after, upto))
        return frozenset({"fact:b", "kind:funding.pledged"})

    cache.see_version(1, touched)
    cache.put("everything", 1, _entry(10))
    cache.put("fact a", 1, _entry(10, reads=frozenset({"fact:a"})))
    cache.put("fact b", 1, _entry(10, reads=frozenset({"fact:a", "fact:b"})))
    cache.put("pledges", 1, _entry(10, reads=frozenset({"kind:funding.pledged"})))
    cache.put("donors", 1, _entry(10, reads=frozenset({"kind:funding.donor"})))
    cache.see_version(3, touched)
    assert asked == [(1, 3)]
    assert {
        key for key in ("everything", "fact a", "fact b", "pledges", "donors") if cache.get(key)
    } == {
        "fact a",
        "donors",
    }
    cache.put("at 3", 3, _entry(10))
    assert cache.get("at 3") is not None


def test_no_cache_at_all_when_its_size_is_zero(seeded_url: str) -> None:
    with app_client(seeded_url, cache_mb=0) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        client.get(FUNDING)
        with counting(engine) as seen:
            assert client.get(FUNDING).status_code == 200
        assert seen != []


RECEIVED = "The MSS trust fund has received USD 110.8 million in voluntary contributions."


def test_a_record_permalink_is_kept_like_every_other_read(own_database: str) -> None:
    path = "/facts/mss-funding-received"
    with app_client(own_database) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        first = client.get(path)
        with counting(engine) as seen:
            kept = client.get(path)
            revalidated = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert seen == []  # both answered from memory
        assert kept.content == first.content and kept.headers["etag"] == first.headers["etag"]
        assert first.headers["etag"].startswith('"v1')  # still the record's version
        assert revalidated.status_code == 304
        assert revalidated.headers["etag"] == first.headers["etag"]
        edit_summary(own_database, RECEIVED, RECEIVED + " (edited)")
        after = client.get(path)
        assert after.json()["summary"] == RECEIVED + " (edited)"


def test_concurrent_misses_of_one_answer_make_it_once(own_database: str) -> None:
    """Ten readers ask for the same page at once, right after a write: the route runs for
    the first, the others get the bytes it made."""
    import asyncio

    import httpx

    app = create_app(Settings(database_url=own_database, seed_dir=SEED_DIR))
    edit_summary(own_database, FUNDING, NOTE)  # no answer is kept for this version yet

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as reader:
            return await asyncio.gather(*(reader.get("/facts?limit=20") for _ in range(10)))

    with counting(app.state.engine) as alone:
        asyncio.run(_one(app, "/facts?limit=21"))
    with counting(app.state.engine) as together:
        answers = asyncio.run(burst())
    app.state.engine.dispose()
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert len({a.headers["etag"] for a in answers}) == 1
    # One making of the page: the statements of one request, not ten times them.
    assert 0 < len(together) <= len(alone)


async def _one(app: object, path: str) -> None:
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as reader:
        assert (await reader.get(path)).status_code == 200


def test_on_sqlite_the_version_row_is_read_only_when_a_commit_happened(
    make_database: DatabaseFactory, backend: str
) -> None:
    """The data version is known for every request without reading its row each time: SQLite's
    shared commit counter says whether anything was committed since, by any process."""
    from app.db.engine import make_engine
    from app.db.version_probe import QUERY, VersionProbe

    if backend != "sqlite":
        pytest.skip("SQLite's commit counter; PostgreSQL is told of changes")
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    probe = VersionProbe(engine)
    first = probe.read()
    statements: list[str] = []
    probe._connection.set_trace_callback(statements.append)
    assert probe.read() == probe.read() == first
    assert QUERY not in statements  # nothing was committed: the row was not read again
    edit_summary(url, FUNDING, NOTE)  # another connection commits
    after = probe.read()
    assert first is not None and after is not None and after[0] > first[0]
    assert statements.count(QUERY) == 1
    probe.close()
    engine.dispose()


class _CountingCursor:
    """A driver cursor that notes each statement it runs."""

    def __init__(self, cursor: Any, statements: list[str]) -> None:
        self._cursor, self._statements = cursor, statements

    def execute(self, statement: str, *args: Any) -> Any:
        self._statements.append(statement)
        return self._cursor.execute(statement, *args)

    def fetchall(self) -> Any:
        return self._cursor.fetchall()


def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@dataclass
class _Probing:
    url: str
    engine: Any
    probe: Any
    first: tuple[int, datetime]  # the version read when the probe connected
    statements: list[str]  # what the probe's cursor ran after that first read


@contextmanager
def _postgresql_probe(make_database: DatabaseFactory, backend: str) -> Iterator[_Probing]:
    """A version probe on a fresh seeded PostgreSQL database, its statements counted after
    its first read (the module's settings as the test patched them before)."""
    from app.db.engine import make_engine
    from app.db.version_probe import VersionProbe

    if backend != "postgresql":
        pytest.skip("PostgreSQL's notifications; SQLite has its commit counter")
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    probe = VersionProbe(engine)
    first = probe.read()
    assert first is not None
    statements: list[str] = []
    probe._cursor = _CountingCursor(probe._cursor, statements)
    try:
        yield _Probing(url, engine, probe, first, statements)
    finally:
        probe.close()
        engine.dispose()


def test_on_postgresql_the_version_row_is_read_only_when_a_change_is_announced(
    make_database: DatabaseFactory, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write announces itself on commit (LISTEN/NOTIFY): until one does, the version
    is known without a round trip; a rolled-back write announces nothing."""
    from sqlmodel import Session

    from app.db import version_probe
    from app.queries.state import bump_data_version

    monkeypatch.setattr(version_probe, "TRUSTED_SECONDS", 3600.0)  # only a message can tell
    with _postgresql_probe(make_database, backend) as probing:
        probe, first = probing.probe, probing.first
        assert probe.read() == probe.read() == first
        with Session(probing.engine) as session:
            bump_data_version(session)
            session.rollback()
        time.sleep(0.2)
        assert probe.read() == first
        assert probing.statements == []  # nothing committed, nothing announced: not read

        edit_summary(probing.url, FUNDING, NOTE)  # another connection commits
        assert _until(lambda: (probe.read() or first)[0] > first[0], seconds=5)
        assert probing.statements.count(version_probe.QUERY) == 1


def test_on_postgresql_a_change_made_without_announcing_it_is_seen_within_the_bound(
    make_database: DatabaseFactory, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from app.db import version_probe

    monkeypatch.setattr(version_probe, "TRUSTED_SECONDS", 0.3)
    with _postgresql_probe(make_database, backend) as probing:
        probe, first = probing.probe, probing.first
        with probing.engine.begin() as connection:  # moves the version and says nothing
            connection.execute(text("UPDATE data_state SET version = version + 1 WHERE id = 1"))
        assert _until(lambda: (probe.read() or first)[0] > first[0], seconds=5)


def test_on_postgresql_a_server_that_refuses_to_listen_has_the_row_read_every_time(
    make_database: DatabaseFactory, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hot standby refuses LISTEN: there every read of the version reads its row, so a
    change is seen by the very next read, as before announcements existed."""
    from app.db import version_probe

    monkeypatch.setattr(version_probe, "CHANNEL", "not a channel name")  # LISTEN fails
    monkeypatch.setattr(version_probe, "TRUSTED_SECONDS", 3600.0)
    with _postgresql_probe(make_database, backend) as probing:
        assert probing.probe.read() == probing.first
        assert probing.statements.count(version_probe.QUERY) == 1
        edit_summary(probing.url, FUNDING, NOTE)
        after = probing.probe.read()
        assert after is not None and after[0] > probing.first[0]
