"""The newsroom mix: twenty URLs a newsroom's pages and charts read, loaded round-robin on the
cached server, without writes and with one correction a second by an editor.

The editor writes to a copy of the seed kept for this load alone (`mix` in
bench/databases.py): a fixture source and a fixture fact of MSS, then a correction of that
fact every second. The fixture states nothing about the world; it is never in a served seed.
"""

import http.client
import json
import os
import subprocess
import threading
from pathlib import Path

from bench.servers import PYTHON, ROOT

NEWSROOM_URLS = (
    "/missions/mss",
    "/missions/mss/funding",
    "/missions/mss/funding?format=csv",
    "/missions/mss/donors",
    "/missions/mss/personnel",
    "/missions/mss/timeline",
    "/missions/mss/charts/personnel.svg",
    "/missions/mss/charts/funding.svg",
    "/missions/mss/card",
    "/missions",
    "/facts",
    "/facts?kind=funding.donor",
    "/facts/mss-funding-received",
    "/facts/mss-funding-received/cite",
    "/facts/mss-personnel-deployed",
    "/countries/HTI",
    "/sources",
    "/search?q=police",
    "/changes?sort=-id&limit=20",
    "/datapackage.json",
)

# An editor's server refuses no write for its rate (the limit is not what is measured).
EDITOR_ENV = {
    "MISSION_FACTS_WRITE_RATE_PER_TOKEN": "0",
    "MISSION_FACTS_WRITE_RATE_PER_ADDRESS": "0",
}
FIXTURE_SOURCE = {
    "id": "bench-fixture-source",
    "url": "https://example.org/bench-fixture",
    "publisher": "Benchmark fixture (not a real publisher)",
    "language": "en",
    "published": {"value": "2025-03-10"},
    "notes": "Written for the benchmark's editor; states nothing about the world.",
    "text": "BENCHMARK FIXTURE, NOT A REAL SOURCE. The fixture unit had 1,200 officers.",
}
FIXTURE_FACT = "bench-fixture-fact"


def fixture_fact(fact_id: str, number: int) -> dict:
    """A fixture fact of MSS citing the fixture source, its value `number` (each write of a
    benchmark's editor, here and in bench/soak.py, sends a new one)."""
    return {
        "id": fact_id,
        "kind": "personnel.deployed",
        "summary": f"Benchmark fixture, version {number}.",
        "mission": "mss",
        "quantity": {"value": number, "unit": "officers", "qualifier": "exact"},
        "cite": [{"quote": "1,200 officers", "source": FIXTURE_SOURCE["id"]}],
    }


def round_robin_script(folder: Path, paths: tuple[str, ...]) -> Path:
    """A wrk script sending `paths` in turn, one after the other on every connection."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    script = folder / "newsroom-mix.lua"
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return script


def editor_token(database_url: str) -> str:
    """A write token on the mix database, made with the command line."""
    done = subprocess.run(
        [PYTHON, "-m", "app.cli", "token", "create", "--name", "bench-editor"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


class Editor:
    """One correction a second to the fixture fact, on its own thread, while the load runs."""

    def __init__(self, port: int, token: str, every_s: float = 1.0) -> None:
        self.port, self.every_s = port, every_s
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.stop = threading.Event()
        self.writes = 0
        self.failures: list[str] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _send(self, method: str, path: str, body: dict) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=json.dumps(body), headers=self.headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def fact(self, number: int) -> dict:
        """The fixture fact's body at its `number`th version."""
        return fixture_fact(FIXTURE_FACT, number)

    def prepare(self) -> None:
        """The fixture source and fact, written once (a repeat finds them there)."""
        for path, body in (("/sources", FIXTURE_SOURCE), ("/facts", self.fact(0))):
            status = self._send("POST", path, body)
            if status not in (200, 201, 409):
                raise RuntimeError(f"the bench editor could not write {path}: {status}")

    def _run(self) -> None:
        number = 0
        while not self.stop.wait(self.every_s):
            number += 1
            body = {**self.fact(number), "reason": "Benchmark correction"}
            try:
                status = self._send("PUT", f"/facts/{FIXTURE_FACT}", body)
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(type(error).__name__)
                continue
            if status == 200:
                self.writes += 1
            else:
                self.failures.append(str(status))

    def __enter__(self) -> "Editor":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(timeout=60)
