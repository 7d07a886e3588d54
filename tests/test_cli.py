"""The `mission-facts` command, run as a real process."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from app.models import Citation, Fact
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


@contextmanager
def serving(database_url: str, log: IO[str] | None = None) -> Iterator[str]:
    """The real server on a free port; its output goes to `log` when one is given."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        env=env,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
