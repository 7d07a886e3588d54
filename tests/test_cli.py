"""The `mission-facts` command, run as a real process."""

import http.client
import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from app.db.tables import Citation, Fact
from tests.conftest import DatabaseFactory
from tests.support.servers import COMMAND, python_output, serving


@pytest.mark.parametrize("args", [[], ["serve"], ["migrate"], ["seed"]])
def test_help(args: list[str]) -> None:
    result = subprocess.run([*COMMAND, *args, "--help"], capture_output=True, text=True, check=True)
    assert "usage: mission-facts" in result.stdout
    if args == ["serve"]:
        assert "--host" in result.stdout and "--port" in result.stdout
    if args == ["seed"]:
        assert "--check" in result.stdout


def test_unknown_command_fails() -> None:
    result = subprocess.run([*COMMAND, "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2


def _counts(database_url: str) -> tuple[int, int]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        facts = connection.execute(select(func.count()).select_from(Fact)).scalar_one()
        citations = connection.execute(select(func.count()).select_from(Citation)).scalar_one()
    engine.dispose()
    return facts, citations


def test_serve_migrates_and_seeds_an_empty_database_once(make_database: DatabaseFactory) -> None:
    url = make_database()
    with serving(url) as base:
        health = httpx.get(f"{base}/health").json()
        assert health["status"] == "ok" and health["facts"] == 57
        funding = httpx.get(f"{base}/missions/mss/funding").json()
        assert funding["received"]["quantity"]["value"] == 110_800_000
    first = _counts(url)
    assert first[0] == 57
    with serving(url) as base:
        assert httpx.get(f"{base}/health").json()["facts"] == 57
    assert _counts(url) == first  # the second start reused the database as it was


def test_an_idle_connection_is_kept_longer_than_clients_keep_theirs(
    make_database: DatabaseFactory,
) -> None:
    """Clients reuse a connection idle for up to 5 s (httpx) or 15 s (aiohttp). Were the server
    to close it first, a request sent at that moment would get no answer at all."""
    with serving(make_database()) as base:
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", "/health")
            first = connection.getresponse()
            first.read()
            time.sleep(6)
            connection.request("GET", "/health")  # on the same, idle, connection
            second = connection.getresponse()
            assert (first.status, second.status) == (200, 200)
            assert json.loads(second.read())["status"] == "ok"
        finally:
            connection.close()


def test_processes_starting_together_prepare_the_database_once(
    make_database: DatabaseFactory,
) -> None:
    url = make_database()
    env = {**os.environ, "DATABASE_URL": url}
    prepare = [sys.executable, "-c", "from app.cli import prepare_database; prepare_database()"]
    processes = [
        subprocess.Popen(
            prepare, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    assert sum("seeded an empty database" in out for out in outputs) == 1
    assert _counts(url)[0] == 57


# Modules a start on a ready database has no use for: the migrations' runner, the seed's
# reader and the pages' templates (loaded by the command, the first seed or the first page).
NOT_FOR_A_READY_START = ("alembic", "yaml", "jinja2")


def test_a_start_on_a_ready_database_loads_only_what_serving_json_needs(
    make_database: DatabaseFactory,
) -> None:
    """What `serve` does before it listens, and the app it serves, in a process of its own:
    on a database already at head and seeded, none of those modules is imported; the first
    page loads the templates."""
    url = make_database()
    probe = (
        "import sys; from app.cli import prepare_database; prepare_database(); "
        "from app.main import create_app; from fastapi.testclient import TestClient; "
        "client = TestClient(create_app()); "
        f"names = {NOT_FOR_A_READY_START!r}; "
        "print('loaded:', *[n for n in names if n in sys.modules]); "
        "client.get('/missions/mss', headers={'Accept': 'text/html'}).raise_for_status(); "
        "print('loaded:', *[n for n in names if n in sys.modules])"
    )

    def start() -> list[str]:
        return python_output(probe, url)[-2:]

    first = start()  # an empty database: migrated and seeded
    assert "alembic" in first[0] and "yaml" in first[0]
    assert start() == ["loaded:", "loaded: jinja2"]
