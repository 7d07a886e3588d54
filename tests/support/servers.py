"""Real `mission-facts serve` processes for the tests that need a server over a socket."""

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

COMMAND = [sys.executable, "-m", "app.cli"]


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


def start_server(
    database_url: str,
    *args: str,
    log: IO[str] | None = None,
    settings: dict[str, str] | None = None,
) -> Server:
    """Start a real `mission-facts serve` process on a free port and wait for its first 200.
    Its output goes to `log`, or to a temporary file: a busy server never blocks on a pipe.
    `settings` are environment variables the process is given besides the database's URL."""
    port = _free_port()
    env = {**os.environ, **(settings or {}), "DATABASE_URL": database_url}
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
def serving(
    database_url: str,
    *args: str,
    log: IO[str] | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """A real server for the duration of the block; yields its base URL."""
    server = start_server(database_url, *args, log=log, settings=settings)
    try:
        yield server.base
    finally:
        stop_server(server)


def python_output(code: str, database_url: str) -> list[str]:
    """The lines a Python process of its own prints running `code` with this database, as a
    fresh `serve` process would see it (no module of the test session already imported)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()
