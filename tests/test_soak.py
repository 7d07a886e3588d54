"""Memory levels off: a shorter run of `bench/soak.py` against the real `serve` command.

64 connections of reads whose query strings never repeat, and an editor correcting facts a
few times a second. After a warm-up of half the run (two minutes: the heap of a process
answering missions with their mandates, relations and stages is still filling after one),
the server's RSS stays within 10% of its value at the halfway point (the 10-minute run in
bench/ holds the same rule over its last five minutes, with the default cache).

The response cache is given 8 MB: it is full well before the halfway point, so what the rule
watches is the rest of the server. The default 32 MB, which corrections no longer empty
(they drop only the answers that read what they touched), is still filling at four minutes
at this rate; its bound has tests of its own (tests/test_response_cache.py).
"""

import pytest

from bench.servers import free_port
from bench.soak import serve_for_soak, soak
from tests.conftest import DatabaseFactory

CACHE_MB = 8


@pytest.mark.slow
def test_memory_levels_off_under_a_varied_load(make_database: DatabaseFactory, tmp_path) -> None:
    url = make_database()  # empty: serve migrates and seeds it
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        process, token = serve_for_soak(url, port, log, cache_mb=CACHE_MB)
        try:
            result = soak(
                port=port,
                pid=process.pid,
                token=token,
                seconds=240,
                connections=64,
                sample_every=15,
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert result.errors == {}, result.errors
    assert result.requests > 2_000 and result.writes > 50, result
    assert result.worst_drift <= 0.10, result.samples
