"""The shipped `serve` command under pressure: many editors on one SQLite file, rate limits
that hold across worker processes, forwarded addresses believed only from named proxies,
and connections that are slow to send their request head."""

import os
import socket
import threading
import time
from collections import Counter

import httpx
import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.db_state import half_written_facts
from tests.support.editing import fixture_source, numbered_fact, write_token
from tests.support.servers import serving


def _token(url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {write_token(url)}"}


class _Env:
    """Environment variables for the server started inside the block."""

    def __init__(self, **values: str) -> None:
        self.values = values

    def __enter__(self) -> None:
        self.saved = {name: os.environ.get(name) for name in self.values}
        os.environ.update(self.values)

    def __exit__(self, *_: object) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.slow
def test_sixteen_editors_on_one_sqlite_file_get_no_server_error(
    make_database: DatabaseFactory, backend: str
) -> None:
    url = migrated_and_seeded(make_database())
    auth = _token(url)
    seconds = 20
    statuses: Counter[int] = Counter()
    acknowledged: list[tuple[str, str]] = []  # (kind, id) of every 2xx write
    lock = threading.Lock()
    errors: list[BaseException] = []
    limits = {
        "MISSION_FACTS_WRITE_RATE_PER_TOKEN": "0",
        "MISSION_FACTS_WRITE_RATE_PER_ADDRESS": "0",
    }

    with _Env(**limits), serving(url, "--workers", "2") as base:
        with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
            assert client.post("/sources", json=fixture_source()).status_code == 201
        deadline = time.monotonic() + seconds

        def record(kind: str, record_id: str, response: httpx.Response) -> None:
            with lock:
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.status_code == 503 and response.headers["retry-after"]
                if response.status_code < 300:
                    acknowledged.append((kind, record_id))

        def big_sources(number: int) -> None:
            # Several hundred KB each, of words the index must fold and store.
            with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
                sent = 0
                while time.monotonic() < deadline:
                    words = " ".join(f"w{number}x{sent}y{i}" for i in range(40_000))
                    source_id = f"test-only-big-{number}-{sent}"
                    body = fixture_source(id=source_id, text=f"TEST FIXTURE. {words}")
                    record("source", source_id, client.post("/sources", json=body))
                    sent += 1

        def small_facts(number: int) -> None:
            with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
                version = 0
                fact_id = f"test-editor-{number}"
                while time.monotonic() < deadline:
                    version += 1
                    body = numbered_fact(fact_id, version)
                    if version == 1:
                        response = client.post("/facts", json=body)
                    else:
                        response = client.put(f"/facts/{fact_id}", json={**body, "reason": "Next"})
                    record("fact", f"{fact_id}@{version}", response)
                    if response.status_code >= 300:
                        version -= 1  # not written: the same version again

        def guarded(task: object, number: int) -> None:
            try:
                task(number)  # type: ignore[operator]
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=guarded, args=(big_sources, n)) for n in range(4)]
        threads += [threading.Thread(target=guarded, args=(small_facts, n)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        assert not errors, errors
        server_errors = {status: n for status, n in statuses.items() if status >= 500}
        assert server_errors == {}, statuses
        assert sum(statuses.values()) > 100, statuses

        with httpx.Client(base_url=base, timeout=60) as reader:
            for kind, record_id in acknowledged:
                if kind == "source":
                    assert reader.get(f"/sources/{record_id}").status_code == 200, record_id
                else:
                    fact_id, _, version = record_id.partition("@")
                    history = reader.get(f"/facts/{fact_id}/history").json()["versions"]
                    assert int(version) in [v["version"] for v in history], record_id
    assert half_written_facts(url) == []


def _attempts(base: str, count: int, headers: dict[str, str]) -> Counter[int]:
    """Write attempts, each on a connection of its own, so both workers get some."""
    statuses: Counter[int] = Counter()
    for _ in range(count):
        with httpx.Client(base_url=base, timeout=30) as client:
            statuses[client.post("/facts", json={}, headers=headers).status_code] += 1
    return statuses


def test_rate_limits_hold_for_the_whole_deployment_not_per_worker(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    auth = _token(url)
    limits = {
        "MISSION_FACTS_WRITE_RATE_PER_TOKEN": "5",
        "MISSION_FACTS_WRITE_RATE_PER_ADDRESS": "8",
    }
    with _Env(**limits), serving(url, "--workers", "2") as base:
        by_token = _attempts(base, 12, auth)  # each a 422 (an empty fact) until the limit
        assert by_token[422] == 5 and by_token[429] == 7, by_token
        # The address had 12 attempts of its 8 already: none left, token or not.
        assert _attempts(base, 3, {})[429] == 3


def test_forwarded_addresses_are_believed_only_from_named_proxies(
    make_database: DatabaseFactory, tmp_path
) -> None:
    url = migrated_and_seeded(make_database())
    limits = {"MISSION_FACTS_WRITE_RATE_PER_ADDRESS": "3"}
    log_path = tmp_path / "server.log"
    with _Env(**limits), log_path.open("w") as log, serving(url, log=log) as base:
        spoofed = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(6)]
        statuses = Counter(
            httpx.post(f"{base}/facts", json={}, headers=h).status_code for h in spoofed
        )
        assert statuses == {401: 3, 429: 3}  # one peer, one allowance, whatever it claims
    lines = log_path.read_text()
    assert "203.0.113." not in lines and "127.0.0.1:" in lines

    url = migrated_and_seeded(make_database())
    trusted = {**limits, "MISSION_FACTS_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with _Env(**trusted), serving(url) as base:
        statuses = Counter(
            httpx.post(f"{base}/facts", json={}, headers=h).status_code for h in spoofed
        )
        assert statuses == {401: 6}  # behind a named proxy: each client address its own


def _closed_by_server(connection: socket.socket, within: float) -> bool:
    """Whether the server closes the connection within `within` seconds (whatever it still
    had to send, such as the rest of an earlier answer, is read and dropped)."""
    connection.settimeout(within)
    try:
        while connection.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_slow_request_heads_and_idle_connections_are_closed(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    with _Env(MISSION_FACTS_HEADER_TIMEOUT="2"), serving(url) as base:
        host, port = base.removeprefix("http://").split(":")
        address = (host, int(port))
        slow = []
        for _ in range(400):
            connection = socket.create_connection(address)
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(connection)
        silent = socket.create_connection(address)  # connects, sends nothing
        # 400 half-sent heads do not keep the server from answering others.
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
        # A kept-alive connection that begins a second request and stalls.
        kept = socket.create_connection(address)
        kept.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        kept.settimeout(5)
        assert kept.recv(65536).startswith(b"HTTP/1.1 200")
        kept.sendall(b"GET /health HTTP/1.1\r\nHost:")
        # A head still arriving one byte at a time is closed all the same.
        trickle = socket.create_connection(address)
        cut_off = False
        for byte in b"GET /health HTTP/1.1\r\nHost: x\r\n":
            try:
                trickle.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True  # closed while still trickling: what this test wants
                break
            time.sleep(0.15)
        assert cut_off or _closed_by_server(trickle, 5)
        assert all(_closed_by_server(c, 5) for c in slow)
        assert _closed_by_server(silent, 5)
        assert _closed_by_server(kept, 5)
        for connection in [*slow, silent, kept, trickle]:
            connection.close()
        # A client that sends its head in time is answered, even a slow one within the limit.
        prompt = socket.create_connection(address)
        prompt.sendall(b"GET /health HTTP/1.1\r\n")
        time.sleep(1)
        prompt.sendall(b"Host: x\r\n\r\n")
        prompt.settimeout(5)
        assert prompt.recv(65536).startswith(b"HTTP/1.1 200")
        prompt.close()


def test_running_out_of_file_handles_does_not_flood_the_log(
    make_database: DatabaseFactory, tmp_path
) -> None:
    import resource
    import subprocess

    from tests.support.servers import COMMAND, _free_port

    url = migrated_and_seeded(make_database())
    port = _free_port()

    def few_file_handles() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))

    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*COMMAND, "serve", "--port", str(port)],
            env={**os.environ, "DATABASE_URL": url},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=few_file_handles,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            held: list[socket.socket] = []
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline and len(held) < 400:
                try:
                    connection = socket.create_connection(("127.0.0.1", port), timeout=1)
                except OSError:
                    time.sleep(0.05)
                    continue
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
                held.append(connection)
            time.sleep(max(0.0, deadline - time.monotonic()))
            for connection in held:
                connection.close()
        finally:
            process.kill()
            process.wait()
    text = log_path.read_text()
    assert "out of system resource" in text  # it did run out
    # One line a second at most for the same complaint: kilobytes, not megabytes.
    assert log_path.stat().st_size < 100_000, log_path.stat().st_size
    assert text.count("out of system resource") <= 15


@pytest.mark.parametrize("threads", [1, 3])
def test_a_process_runs_as_many_routes_at_once_as_its_worker_threads(
    seeded_url: str, threads: int
) -> None:
    settings = Settings(database_url=seeded_url, seed_dir=SEED_DIR, worker_threads=threads)
    with TestClient(create_app(settings)) as client:
        assert client.portal is not None  # the app's event loop, while the client is open
        limiter = client.portal.call(to_thread.current_default_thread_limiter)
        assert limiter.total_tokens == threads
        assert client.get("/facts/mss-funding-received").status_code == 200
