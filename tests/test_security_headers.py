"""Security headers, request ids and what error bodies must never reveal."""

import base64
import hashlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory
from tests.support.endpoints import EXAMPLE_PATHS
from tests.support.helpers import assert_problem
from tests.support.servers import serving

HTML = {"Accept": "text/html"}
SOURCE_PAGE = "/sources/haitiwire-2025-02-mss-support-office"
PAGES = ["/", "/missions/mss", SOURCE_PAGE, "/missions/no-such-mission"]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def answers(client: TestClient) -> Iterator[tuple[str, httpx.Response]]:
    """A response of every kind the app gives: data, CSV, pages, charts, files, errors."""
    for path in EXAMPLE_PATHS.values():
        yield path, client.get(path)
    yield "csv", client.get("/facts?format=csv")
    for page in PAGES:
        yield f"page {page}", client.get(page, headers=HTML)
    yield "chart", client.get("/missions/mss/charts/personnel.svg")
    yield "docs", client.get("/docs")
    yield "redoc", client.get("/redoc")
    yield "static", client.get("/static/site/site.css")
    yield "404", client.get("/no/such/route")
    yield "405", client.post("/missions")
    yield "422", client.get("/facts?limit=0")
    yield "head", client.head("/missions")
    yield (
        "preflight",
        client.options(
            "/missions",
            headers={"Origin": "https://news.example", "Access-Control-Request-Method": "GET"},
        ),
    )


def test_every_response_says_nosniff_and_no_referrer(client: TestClient) -> None:
    for what, response in answers(client):
        assert response.headers["x-content-type-options"] == "nosniff", what
        assert response.headers["referrer-policy"] == "no-referrer", what
        assert response.headers["content-security-policy"], what


def test_no_response_allows_inline_or_foreign_scripts(client: TestClient) -> None:
    for what, response in answers(client):
        policy = directives(response.headers["content-security-policy"])
        assert policy["default-src"] == ["'none'"], what
        assert policy.get("script-src", ["'self'"]) == ["'self'"], what
        assert policy["base-uri"] == ["'none'"], what


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_no_script_and_cannot_be_framed(client: TestClient, page: str) -> None:
    response = client.get(page, headers=HTML)
    assert response.headers["content-type"].startswith("text/html")
    policy = directives(response.headers["content-security-policy"])
    assert "script-src" not in policy  # falls back to default-src 'none': no script at all
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text


def test_the_source_pages_inline_style_is_allowed_by_its_hash_alone(client: TestClient) -> None:
    response = client.get(SOURCE_PAGE, headers=HTML)
    styles = re.findall(r"<style>(.*?)</style>", response.text, flags=re.DOTALL)
    assert len(styles) == 1 and "data-continues" in styles[0]
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    policy = directives(response.headers["content-security-policy"])
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert 'style="' not in response.text


def test_data_responses_get_the_strictest_policy(client: TestClient) -> None:
    for path in ("/missions", "/facts?format=csv", "/no/such/route"):
        response = client.get(path)
        policy = directives(response.headers["content-security-policy"])
        assert set(policy) == {"default-src", "frame-ancestors", "base-uri", "form-action"}
        assert response.headers["x-frame-options"] == "DENY"


def test_charts_stay_embeddable_but_run_nothing(client: TestClient) -> None:
    response = client.get("/missions/mss/charts/funding.svg")
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert "frame-ancestors" not in policy and "x-frame-options" not in response.headers


def test_swagger_ui_runs_only_the_apps_files(client: TestClient) -> None:
    response = client.get("/docs")
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert re.findall(r"<script>", response.text) == [], "an inline script"
    assert re.findall(r"<style", response.text) == [], "an inline style"


def test_redoc_may_style_inline_but_not_script(client: TestClient) -> None:
    response = client.get("/redoc")
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["blob:"]
    assert "<script>" not in response.text


@pytest.mark.parametrize("path", ["/", SOURCE_PAGE, "/missions"])
def test_a_304_leaves_the_stored_policy_alone(client: TestClient, path: str) -> None:
    """Browsers update a stored response with a 304's headers: a 304 carrying the data policy
    would strip a revalidated page of its stylesheet."""
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # /missions: its JSON
    page = client.get(path, headers=browser)
    revalidated = client.get(path, headers={**browser, "If-None-Match": page.headers["etag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in revalidated.headers
    assert "x-frame-options" not in revalidated.headers


# --- Request ids ------------------------------------------------------------------------------


def test_a_request_id_is_made_when_none_is_sent(client: TestClient) -> None:
    first = client.get("/missions").headers["x-request-id"]
    second = client.get("/missions").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


@pytest.mark.parametrize(
    "sent", ["abc-123", "3f2a9c1e-7c1b-4d2e-9a77-0c6a5f1e2b3d", "edge:req.42_x~y", "A" * 128]
)
def test_a_sane_request_id_is_echoed(client: TestClient, sent: str) -> None:
    response = client.get("/missions/no-such-mission", headers={"X-Request-ID": sent})
    assert response.headers["x-request-id"] == sent
    assert assert_problem(response, 404)["request_id"] == sent


@pytest.mark.parametrize(
    "sent",
    [b"", b"A" * 129, b"has space", b"semi;colon", b'quote"d', b"<script>", "caf\u00e9".encode()],
)
def test_an_unsafe_request_id_is_replaced(client: TestClient, sent: bytes) -> None:
    response = client.get("/missions", headers=[(b"X-Request-ID", sent)])
    replaced = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/missions/no-such-mission", 404),
        ("GET", "/no/such/route", 404),
        ("PUT", "/missions", 405),
        ("GET", "/facts?limit=0", 422),
        ("GET", "/facts?cursor=forged", 422),
    ],
)
def test_every_problem_carries_the_request_id(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    body = assert_problem(response, status)
    assert body["request_id"] == response.headers["x-request-id"]


def test_each_request_is_logged_with_its_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        response = client.get("/missions?limit=1", headers={"X-Request-ID": "trace-me-7"})
    lines = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert lines == [lines[0]] and '"GET /missions?limit=1" 200' in lines[0]
    assert lines[0].endswith("request_id=trace-me-7")
    assert response.headers["x-request-id"] == "trace-me-7"


def test_a_huge_url_is_logged_cut_short(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get("/statements", params={"actor": "a" * 60_000})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert len(line) < 500 and " 422 " in line


# --- Server errors ----------------------------------------------------------------------------

SECRET_SQL = "SELECT secret_column FROM fact WHERE row_id = 42"


@pytest.fixture
def failing_app(seeded_url: str) -> Iterator[FastAPI]:
    """The app with one extra route that fails the way a database can."""
    app = create_app(Settings(database_url=seeded_url, seed_dir=SEED_DIR))

    @app.get("/boom")
    def boom() -> None:
        # A fault of the server (not a busy, full or unreachable database, which are 503s).
        raise OperationalError(SECRET_SQL, {"row_id": 42}, Exception("no such column: x"))

    yield app
    app.state.engine.dispose()


def test_a_server_error_reveals_no_trace_or_sql(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(failing_app, raise_server_exceptions=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/boom", headers={"X-Request-ID": "incident-9"})
    body = assert_problem(response, 500)
    assert body["request_id"] == "incident-9" == response.headers["x-request-id"]
    for leak in ("secret_column", "SELECT", "no such", "Traceback", "OperationalError", ".py"):
        assert leak not in response.text, leak
    assert response.headers["x-content-type-options"] == "nosniff"
    assert directives(response.headers["content-security-policy"])["default-src"] == ["'none'"]
    # The details are in the log, under the same id.
    (error,) = [r for r in caplog.records if r.name == "app.errors"]
    assert "request_id=incident-9" in error.getMessage()
    assert error.exc_info and "secret_column" in str(error.exc_info[1])
    access = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert access and " 500 " in access[0] and access[0].endswith("request_id=incident-9")


# --- The real server --------------------------------------------------------------------------


def test_the_served_app_shows_no_version_banner_and_logs_request_ids(
    make_database: DatabaseFactory, tmp_path: Path
) -> None:
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log, serving(make_database(), log=log) as base:
        response = httpx.get(f"{base}/missions", headers={"X-Request-ID": "served-1"})
        missing = httpx.get(f"{base}/missions/nope", headers={"X-Request-ID": "served-2"})
    assert response.status_code == 200 and "server" not in response.headers
    assert missing.json()["request_id"] == "served-2"
    output = log_path.read_text()
    assert "uvicorn" not in response.headers.get("server", "")
    assert re.search(r'"GET /missions" 200 .*request_id=served-1', output), output
    assert re.search(r'"GET /missions/nope" 404 .*request_id=served-2', output), output
