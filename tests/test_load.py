"""A bounded load test: 64 concurrent connections mixing reads, revalidations (304) and writes
against a real server for a fixed number of requests. Zero errors, zero lost writes, and the
server's memory stops growing. Run on SQLite (CI's first run); the PostgreSQL run skips it."""

import asyncio
import random
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.api.auth import create_token
from app.db.engine import make_engine
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.editing import fixture_source, numbered_fact
from tests.support.servers import start_server, stop_server

CONNECTIONS = 64
# In four parts, memory read after each. Its level moves by a tenth either way from part to
# part (worker threads start, allocator arenas are trimmed) and levels off at a point that
# varies from run to run; a leak would set a new high every part. So the last part must not
# rise above the highest level of the parts before it (by more than that tenth).
PARTS = 4
REQUESTS = 4000
WRITES = 96  # under the default per-token write rate (120 a minute), spread over the run
READS = [
    "/missions/mss",
    "/missions/mss/funding",
    "/facts?kind=funding.donor",
    "/facts?limit=50",
    "/search?q=cholera",
    "/displacement-events?format=csv",
    "/sources/haitiwire-2025-02-mss-support-office",
    "/changes?sort=-id&limit=20",
]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def _run(base: str, token: str, requests: int, first_write: int) -> tuple[list, list]:
    """Send `requests` requests over CONNECTIONS connections; returns (errors, written ids)."""
    auth = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    errors: list[str] = []
    written: list[str] = []
    tags: dict[str, str] = {}
    jobs: list[tuple[str, int]] = []
    per_part = WRITES // PARTS
    spacing = requests // per_part
    for number in range(requests):
        if number % spacing == 0 and len([j for j in jobs if j[0] == "write"]) < per_part:
            jobs.append(("write", first_write + len([j for j in jobs if j[0] == "write"])))
        else:
            jobs.append(("read", number))
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    rng = random.Random(7)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                kind, number = queue.get_nowait()
                try:
                    if kind == "write":
                        fact_id = f"test-load-{number}"
                        response = await client.post(
                            "/facts", json=numbered_fact(fact_id), headers=auth
                        )
                        if response.status_code == 201:
                            written.append(fact_id)
                        else:
                            errors.append(f"POST {response.status_code}")
                        continue
                    path = rng.choice(READS)
                    headers = {"If-None-Match": tags[path]} if path in tags else {}
                    response = await client.get(path, headers=headers)
                    if response.status_code == 200:
                        # No tag when a write landed while this was answered: that is right.
                        if "etag" in response.headers:
                            tags[path] = response.headers["etag"]
                    elif response.status_code != 304:
                        errors.append(f"GET {path} {response.status_code}")
                except httpx.HTTPError as error:
                    errors.append(f"{kind}: {error!r}")

        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return errors, written


def test_load_mixing_reads_304s_and_writes(make_database: DatabaseFactory, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the load test runs once, on SQLite")
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        token = create_token(session, name="test-load", scope="write")
    engine.dispose()
    server = start_server(url)
    try:
        with httpx.Client(base_url=server.base) as client:
            auth = {"Authorization": f"Bearer {token}"}
            assert client.post("/sources", json=fixture_source(), headers=auth).status_code == 201
        part = REQUESTS // PARTS
        errors, written = [], []
        sizes = []
        for number in range(PARTS):
            first = number * (WRITES // PARTS)
            found, made = asyncio.run(_run(server.base, token, part, first))
            errors += found
            written += made
            sizes.append(_rss_kib(server.process.pid))
        middle, end = max(sizes[:-1]), sizes[-1]
        assert errors == [], (errors[:5], server.log()[-3000:])
        assert len(written) == WRITES
        with httpx.Client(base_url=server.base) as client:
            listed = client.get(
                "/facts", params={"kind": "personnel.deployed", "limit": 500, "q": "load"}
            ).json()
        assert {f["id"] for f in listed["items"]} >= set(written)
        assert end <= middle * 1.10, f"RSS rose above {middle} KiB to {end} KiB ({sizes})"
    finally:
        stop_server(server)
    print(
        f"load: {REQUESTS + 1} requests, 0 errors, {len(written)} writes; RSS {middle}->{end} KiB"
    )
