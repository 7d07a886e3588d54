"""HTTP validators and cross-origin reads: ETag, 304, Last-Modified, Cache-Control, HEAD, CORS."""

from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.testclient import TestClient as BareClient

from app.db.engine import make_engine
from app.main import create_app, cross_origin
from app.settings import Settings
from app.writes.seed import load_seed
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.endpoints import EXAMPLE_PATHS
from tests.support.helpers import version_tag

CACHED_PATHS = [path for template, path in EXAMPLE_PATHS.items() if template != "/health"]


@pytest.fixture
def own_database(make_database: DatabaseFactory) -> str:
    """A seeded database of this test's own, free to change."""
    return migrated_and_seeded(make_database())


def client_for(url: str, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, seed_dir=SEED_DIR, **settings)))


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_every_get_has_a_strong_etag_and_answers_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=60"
    assert "Accept" in first.headers["vary"]
    parsedate_to_datetime(first.headers["last-modified"])
    assert client.get(path).headers["etag"] == tag  # same data, same tag
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    if path.startswith("/facts/") and path.count("/") == 2:
        # A fact record's tag is its version, the one If-Match compares against.
        assert tag == version_tag(first, first.json()["version"])
    # Another representation of the same URL is another tag; an endpoint without one refuses
    # it (406) rather than answer JSON to a client that asked for CSV only.
    other = client.get(path, headers={"Accept": "text/csv"})
    if other.status_code == 406:
        assert "etag" not in other.headers
        fallback = client.get(path, headers={"Accept": "text/csv, */*;q=0.1"})
        assert fallback.status_code == 200 and fallback.headers["etag"].startswith('"')
    else:
        assert other.status_code == 200
        assert other.headers["etag"] != tag
    stale = client.get(path, headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_if_none_match_lists_and_weak_forms(client: TestClient) -> None:
    tag = client.get("/missions/mss").headers["etag"]
    for header in (f'"x", {tag}', f"W/{tag}", "*"):
        assert client.get("/missions/mss", headers={"If-None-Match": header}).status_code == 304


def test_last_modified_is_the_newest_record_shown(client: TestClient) -> None:
    fact = client.get("/facts/mss-funding-received")
    shown = parsedate_to_datetime(fact.headers["last-modified"])
    recorded = fact.json()["recorded_at"].replace("Z", "+00:00")
    assert shown.isoformat()[:19] == recorded[:19]
    page = client.get("/facts", params={"kind": "funding.donor"})
    newest = max(f["recorded_at"] for f in page.json()["items"]).replace("Z", "+00:00")
    assert parsedate_to_datetime(page.headers["last-modified"]).isoformat()[:19] == newest[:19]
    since = client.get(
        "/facts/mss-funding-received",
        headers={"If-Modified-Since": fact.headers["last-modified"]},
    )
    assert since.status_code == 304 and since.content == b""


def test_the_tag_changes_with_the_data_and_not_on_restart(
    own_database: str, seed_copy: Path
) -> None:
    with client_for(own_database) as before:
        tag = before.get("/missions/mss/funding").headers["etag"]
    with client_for(own_database) as restarted:
        assert restarted.get("/missions/mss/funding").headers["etag"] == tag
    facts = seed_copy / "facts.yaml"
    text = facts.read_text("utf-8")
    old = "summary: USD 48 million of the MSS trust fund remains unallocated."
    assert old in text
    facts.write_text(text.replace(old, old.replace("remains", "still remains")), "utf-8")
    engine = make_engine(own_database)
    assert load_seed(engine, seed_copy).changed
    engine.dispose()
    with client_for(own_database) as after:
        changed = after.get("/missions/mss/funding", headers={"If-None-Match": tag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != tag
        assert "still remains" in changed.text


def test_max_age_is_configurable(seeded_url: str) -> None:
    with client_for(seeded_url, cache_max_age=5) as short:
        assert short.get("/facts").headers["cache-control"] == "public, max-age=5"


def test_errors_and_health_carry_no_etag(client: TestClient) -> None:
    assert "etag" not in client.get("/facts/no-such-fact").headers
    health = client.get("/health")
    assert "etag" not in health.headers and health.headers["cache-control"] == "no-store"


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    get, head = client.get("/missions/mss"), client.head("/missions/mss")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_cors_lets_any_origin_read_by_default(client: TestClient) -> None:
    origin = "https://newsroom.example"
    response = client.get("/facts", headers={"Origin": origin})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "link", "last-modified"} <= exposed
    preflight = client.options(
        "/facts",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()


@pytest.fixture
def restricted(seeded_url: str) -> Iterator[TestClient]:
    with client_for(seeded_url, cors_origins="https://charts.example, https://news.example") as c:
        yield c


def test_cors_origins_are_configurable(restricted: TestClient) -> None:
    allowed = restricted.get("/facts", headers={"Origin": "https://charts.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://charts.example"
    other = restricted.get("/facts", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = restricted.options(
        "/facts",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400
    # An allowed origin's pages may also write: a write carries a token, never a cookie.
    delete = restricted.options(
        "/facts/x",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization, if-match",
        },
    )
    assert delete.status_code == 200
    assert "DELETE" in delete.headers["access-control-allow-methods"]
    elsewhere = restricted.options(
        "/facts/x",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert elsewhere.status_code == 400


@pytest.mark.parametrize("chart", ["personnel", "funding", "timeline"])
def test_charts_are_cacheable(client: TestClient, chart: str) -> None:
    path = f"/missions/mss/charts/{chart}.svg"
    first = client.get(path)
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_pages_and_json_of_one_url_have_their_own_tags(client: TestClient) -> None:
    html = client.get("/missions/mss", headers={"Accept": "text/html"})
    json = client.get("/missions/mss", headers={"Accept": "application/json"})
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["etag"] != json.headers["etag"]
    assert "Accept" in html.headers["vary"]


CROSS_ORIGIN_REQUESTS = [
    ("GET", "/facts", {}),
    ("GET", "/facts", {"Origin": "https://charts.example"}),
    ("GET", "/facts", {"Origin": "https://elsewhere.example"}),
    ("GET", "/missions/mss/funding", {"Origin": "https://news.example", "Accept": "text/csv"}),
    ("GET", "/missions/mss", {"Origin": "https://charts.example", "Accept": "text/html"}),
    ("GET", "/no/such/route", {"Origin": "https://charts.example"}),
    ("HEAD", "/missions", {"Origin": "https://news.example"}),
    ("OPTIONS", "/facts", {"Origin": "https://charts.example"}),  # not a preflight
    ("POST", "/facts", {"Origin": "https://charts.example"}),
]


def _cross_origin(answer: httpx.Response) -> dict[str, str]:
    return {
        k: v for k, v in answer.headers.items() if k.startswith("access-control-") or k == "vary"
    }


@pytest.mark.parametrize("origins", ["*", "https://charts.example, https://news.example"])
def test_answers_carry_the_cors_headers_starlettes_middleware_gives(
    seeded_url: str, origins: str
) -> None:
    """One layer adds the CORS headers with the others: for allowed and refused origins, no
    origin, errors and writes, they are what Starlette's CORS middleware gives the same
    answer, and `Vary` names `Origin` once, after what the answer varies on already."""
    settings = Settings(database_url=seeded_url, seed_dir=SEED_DIR, cors_origins=origins)
    app = create_app(settings)
    options = cross_origin(settings)
    with TestClient(app) as client:
        for method, path, headers in CROSS_ORIGIN_REQUESTS:
            ours = client.request(method, path, headers=headers)
            # The answer as the app inside made it: without the CORS headers, and with the
            # `Vary` it had before `Origin` was added.
            varies = [v for v in ours.headers["vary"].split(", ") if v != "Origin"]
            inner = {k: v for k, v in ours.headers.items() if not k.startswith("access-control-")}
            inner["vary"] = ", ".join(varies)
            if not varies:
                del inner["vary"]
            same_answer = Response(status_code=ours.status_code, headers=inner)
            theirs = BareClient(CORSMiddleware(same_answer, **options)).request(
                method, path, headers=headers
            )
            assert _cross_origin(ours) == _cross_origin(theirs), (method, path, headers)
            assert ours.headers["vary"].split(", ").count("Origin") == 1
