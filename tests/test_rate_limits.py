"""Write attempts are rate limited per token and per client address: 429 with Retry-After."""

from app.api.rate_limit import SharedRateLimiter
from app.db.engine import make_engine
from app.db.migrate import upgrade
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.editing import editor_for, fixture_source
from tests.support.helpers import assert_problem


def test_the_bucket_refills_at_its_rate(make_database: DatabaseFactory) -> None:
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    now = [1_000_000.0]
    # one attempt every 10 s, bursts of 6
    limiter = SharedRateLimiter(6, lambda: engine, clock=lambda: now[0])
    assert [limiter.retry_after("a") for _ in range(6)] == [0] * 6
    assert limiter.retry_after("a") == 10
    assert limiter.retry_after("b") == 0  # keys are counted apart
    now[0] += 10
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") == 10
    assert SharedRateLimiter(0, lambda: engine).retry_after("a") == 0  # 0 means no limit
    engine.dispose()


def test_writes_past_the_token_limit_get_429(make_database: DatabaseFactory) -> None:
    url = migrated_and_seeded(make_database())
    for editor in editor_for(url, write_rate_per_token=3):
        for number in range(3):
            body = fixture_source(id=f"test-only-{number}", text=f"TEST FIXTURE {number}.")
            assert editor.post("/sources", body).status_code == 201
        response = editor.post("/sources", fixture_source(text="TEST FIXTURE, one too many."))
        body = assert_problem(response, 429)
        assert int(response.headers["retry-after"]) >= 1
        assert "test-desk" in body["detail"]
        assert editor.client.get("/sources/test-only-fixture-source").status_code == 404
        # Another token has its own allowance; reads are never limited.
        other = editor.add_token("test-other")
        headers = {"Authorization": f"Bearer {other}"}
        response = editor.client.post("/sources", json=fixture_source(), headers=headers)
        assert response.status_code == 201
        assert editor.client.get("/sources").status_code == 200


def test_attempts_from_one_address_are_limited_even_without_a_token(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    for editor in editor_for(url, write_rate_per_address=2):
        for _ in range(2):
            assert_problem(editor.client.post("/facts", json={}), 401)
        response = editor.client.post("/facts", json={})
        assert_problem(response, 429)
        assert "address" in response.json()["detail"]
        assert "retry-after" in response.headers
