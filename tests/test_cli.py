"""The `mission-facts` command, run as a real process."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from app.db.tables import Citation, Fact
from tests.conftest import DatabaseFactory

COMMAND = [sys.executable, "-m", "app.cli"]


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[str]
    base: str
    output: IO[str]

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read()


def start_server(database_url: str, *args: str, log: IO[str] | None = None) -> Server:
    """Start a real `mission-facts serve` process on a free port and wait for its first 200.
    Its output goes to `log`, or to a temporary file: a busy server never blocks on a pipe."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    output = log or tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by stop_server)
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port), *args],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}", output)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError(server.log())
        try:
            if httpx.get(f"{server.base}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise AssertionError("the server did not start within 60 s")
        time.sleep(0.2)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.output.close()


@contextmanager
def serving(database_url: str, *args: str, log: IO[str] | None = None) -> Iterator[str]:
    """A real server for the duration of the block; yields its base URL."""
    server = start_server(database_url, *args, log=log)
    try:
        yield server.base
    finally:
        stop_server(server)


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
