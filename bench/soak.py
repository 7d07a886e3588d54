"""`python -m bench.soak`: does the server's memory level off under a long, varied load?

It starts `mission-facts serve` on a fresh seeded SQLite file (or the database given), then
keeps CONNECTIONS keep-alive connections busy with reads whose query strings keep changing
(so the response cache keeps filling and evicting), while one editor creates and corrects
facts a few times a second. The server's RSS is read every SAMPLE seconds. The verdict
compares every sample after the halfway point with the sample at the halfway point.

    python -m bench.soak --minutes 10 --connections 64 --sample 30

Writes bench/results/soak.json (the curve) unless --no-save is given.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

from bench.mix import EDITOR_ENV, FIXTURE_SOURCE, fixture_fact
from bench.servers import free_port, rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

WORDS = ["haiti", "kenya", "funding", "police", "office", "support", "gang", "mission", "un"]
SORTS = ["kind", "-date", "value", "-recorded_at", "id", "mission,-id"]
FACT_IDS = ["mss-funding-received", "mss-funding-unallocated", "mss-personnel-deployed"]
KINDS = ["funding.received", "personnel.deployed", "displacement", "position"]


def varied_read(rng: random.Random) -> str:
    """A read URL, most of them never asked before (a cache-buster, a limit, an as_of)."""
    n = rng.randrange(1_000_000)
    month, day, hour = rng.randrange(1, 12), rng.randrange(1, 28), rng.randrange(24)
    stamp = f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z"
    choices = [
        f"/facts?limit={rng.randrange(1, 200)}&sort={quote(rng.choice(SORTS))}",
        f"/facts?kind={rng.choice(KINDS)}&_={n}",
        f"/facts?q={rng.choice(WORDS)}+{rng.choice(WORDS)}&limit={rng.randrange(1, 50)}",
        f"/search?q={rng.choice(WORDS)}&_={n}",
        f"/missions/mss?_={n}",
        f"/missions/mss/funding?as_of={stamp}",
        f"/facts/{rng.choice(FACT_IDS)}?_={n}",
        f"/missions/mss/charts/personnel.svg?_={n}",
        f"/changes?since={stamp}&limit={rng.randrange(1, 100)}",
        f"/sources?format=csv&limit={rng.randrange(1, 5)}&_={n}",
        f"/countries/HTI?_={n}",
        f"/facts?format=csv&limit={rng.randrange(1, 100)}",
    ]
    return rng.choice(choices)


@dataclass
class Tally:
    requests: int = 0
    writes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, status: int | str, *, write: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.writes += write
            if isinstance(status, str) or status >= 500:
                self.errors[str(status)] = self.errors.get(str(status), 0) + 1


def _reader(port: int, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        try:
            connection.request("GET", varied_read(rng))
            response = connection.getresponse()
            response.read()
            tally.count(response.status)
        except (OSError, http.client.HTTPException) as error:
            tally.count(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()


def _editor(port: int, token: str, stop: threading.Event, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(method: str, path: str, body: dict) -> None:
        connection.request(method, path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        tally.count(response.status, write=True)

    send("POST", "/sources", FIXTURE_SOURCE)
    number = 0
    while not stop.is_set():
        number += 1
        fact_id = f"soak-fixture-fact-{number // 10}"
        body = fixture_fact(fact_id, number)
        try:
            if number % 10 == 0:
                send("POST", "/facts", body)
            else:
                send("PUT", f"/facts/{fact_id}", {**body, "reason": "Soak correction"})
        except (OSError, http.client.HTTPException) as error:
            tally.count(type(error).__name__, write=True)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        stop.wait(0.3)
    connection.close()


@dataclass
class SoakResult:
    seconds: float
    connections: int
    samples: list[tuple[float, float]]  # (seconds since the load began, RSS in MB)
    requests: int
    writes: int
    errors: dict[str, int]

    @property
    def halfway_mb(self) -> float:
        return self._halfway()[1]

    def _halfway(self) -> tuple[float, float]:
        half = self.seconds / 2
        return min(self.samples, key=lambda sample: abs(sample[0] - half))

    @property
    def worst_drift(self) -> float:
        """The largest relative distance of a later sample from the halfway sample."""
        at, mb = self._halfway()
        later = [rss for moment, rss in self.samples if moment > at]
        return max((abs(rss - mb) / mb for rss in later), default=0.0)


def soak(
    *,
    port: int,
    pid: int,
    token: str,
    seconds: float,
    connections: int,
    sample_every: float,
    report: Callable[[str], None] = lambda line: None,
) -> SoakResult:
    """Load the server already listening on `port` (process `pid`) and sample its RSS."""
    stop = threading.Event()
    tally = Tally()
    threads = [
        threading.Thread(target=_reader, args=(port, stop, tally, seed), daemon=True)
        for seed in range(connections)
    ]
    threads.append(threading.Thread(target=_editor, args=(port, token, stop, tally), daemon=True))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    samples = [(0.0, rss_mb(pid))]
    try:
        while (elapsed := time.monotonic() - started) < seconds:
            stop.wait(min(sample_every, max(0.0, seconds - elapsed)))
            moment = round(time.monotonic() - started, 1)
            samples.append((moment, rss_mb(pid)))
            report(f"{moment:7.1f} s  RSS {samples[-1][1]:7.1f} MB  {tally.requests} requests")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return SoakResult(seconds, connections, samples, tally.requests, tally.writes, tally.errors)


def serve_for_soak(
    database_url: str, port: int, log: IO[str], *, cache_mb: int | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `mission-facts serve` (write limits off, so the editor is never refused; its
    response cache of `cache_mb` when given) and create its token; returns the process and
    the token."""
    env = {**os.environ, "DATABASE_URL": database_url, **EDITOR_ENV}
    if cache_mb is not None:
        env["MISSION_FACTS_RESPONSE_CACHE_MB"] = str(cache_mb)
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    token = subprocess.run(
        [*cli, "token", "create", "--name", "soak-editor"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process, token
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start within 120 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the load (10)")
    parser.add_argument("--connections", type=int, default=64, help="open connections (64)")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--no-save", action="store_true", help="do not write soak.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/soak.db"
        port = free_port()
        with open(Path(folder) / "server.log", "w") as log:
            process, token = serve_for_soak(url, port, log)
            try:
                result = soak(
                    port=port,
                    pid=process.pid,
                    token=token,
                    seconds=args.minutes * 60,
                    connections=args.connections,
                    sample_every=args.sample,
                    report=print,
                )
            finally:
                process.terminate()
                process.wait(timeout=30)
    print(
        f"{result.requests} requests ({result.writes} writes), errors {result.errors or 'none'}; "
        f"RSS at halfway {result.halfway_mb:.1f} MB, later samples within "
        f"{result.worst_drift * 100:.1f}% of it"
    )
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        document = {**asdict(result), "halfway_mb": result.halfway_mb}
        document["worst_drift"] = result.worst_drift
        (RESULTS / "soak.json").write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
