"""Several server processes on one database: a change committed through any of them (or by any
writer) is what every process answers on its very next request, kept answers included."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.data_edits import FUNDING, NOTE, edit_summary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server_process(url: str, workers: int = 1) -> Iterator[str]:
    """`mission-facts serve` in a process of its own; yields its base URL."""
    port = _free_port()
    command = ["serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *command],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode() if process.stderr else "")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def two_processes(make_database: DatabaseFactory) -> Iterator[tuple[str, list[str]]]:
    url = migrated_and_seeded(make_database())
    with ExitStack() as stack:
        yield url, [stack.enter_context(server_process(url)) for _ in range(2)]


def test_a_change_is_seen_by_every_process_on_its_next_request(
    two_processes: tuple[str, list[str]],
) -> None:
    url, bases = two_processes
    before = {}
    for base in bases:
        first = httpx.get(base + FUNDING)
        assert first.status_code == 200 and "remains unallocated" in first.text
        # Read twice: the second answer comes from the process's memory.
        assert httpx.get(base + FUNDING).content == first.content
        before[base] = first.headers["etag"]
    edit_summary(url, NOTE, NOTE.replace("remains", "is still"))
    for base in bases:
        after = httpx.get(base + FUNDING)
        assert "is still unallocated" in after.text
        assert after.headers["etag"] != before[base]
        revalidated = httpx.get(base + FUNDING, headers={"If-None-Match": before[base]})
        assert revalidated.status_code == 200
    if url.startswith("sqlite"):
        # Readers in several processes go on while a writer commits: the file is in WAL mode.
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_workers_of_one_server_never_answer_from_before_a_change(
    make_database: DatabaseFactory,
) -> None:
    """`serve --workers 2`: which worker answers is the kernel's choice, so every one of many
    requests after the change must show it."""
    url = migrated_and_seeded(make_database())
    with server_process(url, workers=2) as base, httpx.Client() as http:
        for _ in range(20):
            assert "remains unallocated" in http.get(base + FUNDING).text
        edit_summary(url, NOTE, NOTE.replace("remains", "is still"))
        for _ in range(20):
            assert "is still unallocated" in http.get(base + FUNDING).text
