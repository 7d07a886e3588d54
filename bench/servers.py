"""Starting the compared servers on one core, waiting until they answer, and their memory."""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Every Python server runs under the same uvicorn settings (one process, no access log).
UVICORN = [PYTHON, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get_status(port: int, path: str, timeout: float = 2.0) -> int | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status
    except OSError:
        return None


def wait_for_200(port: int, path: str, process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until `path` answers 200 (polled every 5 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering")
        if get_status(port, path, timeout=1.0) == 200:
            return time.perf_counter() - started
        time.sleep(0.005)
    raise RuntimeError(f"no 200 from {path} within {limit} s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)


@contextmanager
def started(
    name: str,
    command: list[str],
    *,
    port: int,
    ready_path: str,
    core: int,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    process = subprocess.Popen(
        ["taskset", "-c", str(core), *command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_200(port, ready_path, process, limit=120)
        yield Server(name, port, process)
    except RuntimeError as exc:
        stderr = process.stderr.read().decode() if process.stderr and process.poll() else ""
        raise RuntimeError(f"{name}: {exc}\n{stderr}") from None
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def project_command(port: int) -> list[str]:
    return [*UVICORN, "--factory", "app.main:create_app", "--port", str(port)]


def reference_command(port: int) -> list[str]:
    return [*UVICORN, "--factory", "bench.reference:reference_app", "--port", str(port)]


def ceiling_command(port: int, factory: str) -> list[str]:
    return [*UVICORN, "--factory", f"bench.ceiling:{factory}", "--port", str(port)]


def datasette_command(port: int, files: list[Path]) -> list[str]:
    # Its fastest settings for these reads: no facets, no suggested facets.
    return [
        PYTHON,
        "-m",
        "datasette",
        "serve",
        *(str(f) for f in files),
        "--port",
        str(port),
        "--setting",
        "default_facet_size",
        "0",
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "allow_facet",
        "off",
    ]
