"""The bad-input catalogue of the read API: one test per entry.

Every entry is sent byte for byte to the app (tests/support/raw_asgi.py) and must get its documented
answer: a 4xx problem+json naming the parameter (an unknown parameter is a 422 naming it), or
a 200 where the input is harmless (a name beginning with `_`, as spreadsheets add to bust
caches, is ignored). After each, the database holds exactly what it held before (row
counts and a checksum of every table) and the app still answers. The README's "Bad input"
section documents the same answers.
"""

import base64
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from app.api.pagination import _signature
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory
from tests.support.db_state import DatabaseState, database_state
from tests.support.endpoints import EXAMPLE_PATHS
from tests.support.raw_asgi import RawResponse, send_raw
from tests.support.servers import serving

KB_100 = "a" * 100 * 1024
HTML = {"Accept": "text/html"}
KINDS = ("funding.donor", "funding.received")
NUL = "a%00b"
NOT_UTF8 = "%FF%FEa"  # bytes no UTF-8 text holds
# SQL injection attempts, with the answer each gets as a search query: the first is words to
# look for; the second holds `--`, which the search grammar refuses (no letters or digits).
INJECTIONS = {"x' OR '1'='1": 200, "1; DROP TABLE fact; --": 422}
# Parameters every list shares: their own entries are in the paging and format groups.
PAGING = {"limit", "cursor", "include_total", "format", "hxl", "sort"}
# Free-text filters compared for equality: within their length limit, any text is a value
# that matches nothing. (`kind` on /facts is a list of known kinds instead.)
FREE_TEXT = {"status", "kind", "stance", "role", "publisher", "language"}

SCHEMA = create_app(Settings(database_url="sqlite://", seed_dir=SEED_DIR)).openapi()
EXAMPLES = {
    **EXAMPLE_PATHS,
    "/changes.atom": "/changes.atom",
    **{
        template: template.replace("{slug}", "mss").replace("{chart}", "funding")
        for template in SCHEMA["paths"]
        if template.startswith("/missions/{slug}/charts/")
    },
    "/facts/{fact_id}/card": "/facts/mss-funding-received/card",
    "/missions/{slug}/card": "/missions/mss/card",
    # The test client's own address: oEmbed answers only for URLs of the API asked.
    "/oembed": "/oembed?url=http%3A%2F%2Ftestserver%2Ffacts%2Fmss-funding-received",
}
# oEmbed's own rules (oembed.com): a URL it cannot embed is a 404, a format it does not
# write a 501.
OEMBED = "/oembed"


@dataclass(frozen=True)
class Entry:
    """One bad input: the request target as sent, and the answer it must get."""

    id: str
    target: str
    status: int
    # For a 422: the (where, name) its field error must point at.
    names: tuple[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # For a 200 list: the filter matched nothing (an injection never widens a query).
    empty: bool = False


def _with_query(path: str, name: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{name}={value}"


def _parameters() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(template, example path, parameter) for every parameter of every operation."""
    for template, operations in SCHEMA["paths"].items():
        for parameter in operations["get"].get("parameters", []):
            yield template, EXAMPLES[template], parameter


def _free_text_limit(parameter: dict[str, Any]) -> int | None:
    """The length limit of a free-text filter; None for any other parameter."""
    if parameter["in"] != "query" or parameter["name"] not in FREE_TEXT:
        return None
    schema = parameter["schema"]
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and set(option) <= {"type", "maxLength"}:
            return int(option["maxLength"])
    return None


def _refusals(label: str, value: str) -> list[Entry]:
    """`value` in every filter and every path parameter: each one is a 422 naming it.
    Paging parameters are tried on one list (they are the same code on every list)."""
    entries = []
    for template, example, parameter in _parameters():
        name, where = parameter["name"], parameter["in"]
        if where == "query":
            if name in PAGING and template != "/facts":
                continue
            target = _with_query(example, name, value)
        else:
            target = template.replace("{" + name + "}", value)
        entries.append(Entry(f"{label} {name} {template}", target, 422, (where, name)))
    return entries


def _over_long() -> list[Entry]:
    return [
        *_refusals("100 KB", KB_100),
        Entry("100 KB path, no such route", f"/{KB_100}", 404),
        Entry("100 KB source id, as a page", f"/sources/{KB_100}", 404, headers=HTML),
    ]


def _injections() -> list[Entry]:
    entries = []
    for payload, as_search in INJECTIONS.items():
        value = quote(payload, safe="")
        for template, example, parameter in _parameters():
            name, where = parameter["name"], parameter["in"]
            label = f"injection {payload!r} in {name} {template}"
            limit = _free_text_limit(parameter)
            if where == "path":
                target = template.replace("{" + name + "}", value)
                entries.append(Entry(label, target, 422, (where, name)))
            elif name == "q":
                names = ("query", "q") if as_search == 422 else None
                entries.append(Entry(label, _with_query(example, name, value), as_search, names))
            elif template == OEMBED and name == "url":
                entries.append(Entry(label, _with_query(example, name, value), 404))
            elif name in PAGING and template != "/facts":
                continue
            elif limit is not None and len(payload) <= limit:
                entries.append(Entry(label, _with_query(example, name, value), 200, empty=True))
            else:
                entries.append(Entry(label, _with_query(example, name, value), 422, (where, name)))
    return entries


def _paging() -> list[Entry]:
    entries = []
    for path in ("/facts", "/search?q=haiti", "/missions/mss/donors"):
        for value in ("-1", "0", "501", "99999999999999999999999999999", "1.5", ""):
            target = _with_query(path, "limit", value)
            entries.append(Entry(f"limit={value} {path}", target, 422, ("query", "limit")))
    return entries


def _formats() -> list[Entry]:
    entries = []
    for template, example, parameter in _parameters():
        if parameter["name"] == "format":
            for value in ("xml", "CSV%20", "json,csv"):
                target = _with_query(example, "format", value)
                if template == OEMBED:
                    entries.append(Entry(f"format={value} {template}", target, 501))
                    continue
                entries.append(
                    Entry(f"format={value} {template}", target, 422, ("query", "format"))
                )
    return entries


def _dates() -> list[Entry]:
    entries = []
    for path in ("/facts", "/displacement-events"):
        for name in ("date_from", "date_to"):
            for value in ("2025-02-30", "2025-13-01", "2025-2-1", "1740441600", "2025-02-01T00:00"):
                target = _with_query(path, name, value)
                entries.append(Entry(f"{name}={value} {path}", target, 422, ("query", name)))
        backwards = f"{path}?date_from=2025-03-01&date_to=2025-02-01"
        entries.append(Entry(f"range ending before it starts {path}", backwards, 422,
                             ("query", "date_to")))  # fmt: skip
    return entries


def _traversals() -> list[Entry]:
    secret_file = "app/settings.py"
    return [
        Entry("traversal in a source id", "/sources/..%2F..%2Fetc%2Fpasswd", 404),
        Entry("raw .. in a source id", "/sources/../../etc/passwd", 404),
        Entry("encoded .. as the id", "/sources/%2E%2E", 422, ("path", "source_id")),
        Entry("backslashes in a fact id", "/facts/..%5C..%5Cwin.ini", 422, ("path", "fact_id")),
        Entry("out of the site's files", f"/static/site/../../../{secret_file}", 404),
        Entry("encoded, out of the site's files", "/static/site/..%2F..%2Fsettings.py", 404),
        Entry("out of the docs' files", f"/static/docs/%2E%2E/%2E%2E/{secret_file}", 404),
        Entry("under the internal page prefix", "/_pages/sources/x", 404),
    ]


def _harmless() -> list[Entry]:
    unknown = [
        Entry(
            f"unknown parameter {template}",
            _with_query(example, "colour", "blue"),
            422,
            ("query", "colour"),
        )
        for template, example in EXAMPLES.items()
    ]
    busters = [
        Entry(f"cache-buster {template}", _with_query(example, "_", "1733050000"), 200)
        for template, example in EXAMPLES.items()
    ]
    return [
        *unknown,
        *busters,
        Entry("unknown parameter, 100 KB", f"/facts?note={KB_100}", 422, ("query", "note")),
        Entry("a parameter with no value", "/facts?limit", 422, ("query", "limit")),
        Entry("repeated parameter: the last counts", "/facts?limit=1&limit=2", 200),
        Entry("repeated list parameter: all count", f"/facts?kind={KINDS[0]}&kind={KINDS[1]}", 200),
        Entry("garbage Accept", "/facts", 200, headers={"Accept": "\x7f;;q=x,/"}),
        Entry("huge If-None-Match", "/facts", 200, headers={"If-None-Match": "x" * 60_000}),
        Entry("garbage If-Modified-Since", "/facts", 200, headers={"If-Modified-Since": "soon"}),
        Entry("invalid UTF-8 in a parameter name", "/facts?%FF=1", 422),
    ]


CATALOGUE = [
    *_over_long(),
    *_refusals("NUL", NUL),
    *_refusals("not UTF-8", NOT_UTF8),
    *_injections(),
    *_paging(),
    *_formats(),
    *_dates(),
    *_traversals(),
    *_harmless(),
]


@pytest.fixture(scope="module")
def engine(seeded_url: str) -> Iterator[Engine]:
    engine = create_engine(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def before(engine: Engine) -> DatabaseState:
    return database_state(engine)


def assert_answered(response: RawResponse, entry: Entry) -> None:
    assert response.status_code == entry.status, response.body[:300]
    assert len(response.body) < 20_000 or entry.status == 200, "the input is echoed back"
    if entry.headers.get("Accept") == "text/html":
        assert response.headers["content-type"].startswith("text/html")  # the page's own 404
    elif entry.status >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == entry.status
        assert problem["request_id"] == response.headers["x-request-id"]
        if entry.names:
            where, name = entry.names
            assert [where, name] in [error["loc"][:2] for error in problem["errors"]], problem
    else:
        path = entry.target.split("?")[0]
        media_types = {".svg": "image/svg+xml", ".atom": "application/atom+xml"}
        suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
        media_type = media_types.get(suffix, "application/json")
        if path.endswith("/card"):
            media_type = "text/html"
        assert response.headers["content-type"].startswith(media_type)
        if entry.empty:
            assert response.json()["items"] == []


def assert_unharmed(client: TestClient, engine: Engine, before: DatabaseState) -> None:
    assert database_state(engine) == before
    health = send_raw(client.app, "/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.id[:80])
def test_catalogue(client: TestClient, engine: Engine, before: DatabaseState, entry: Entry) -> None:
    assert_answered(send_raw(client.app, entry.target, entry.headers), entry)
    assert_unharmed(client, engine, before)


# --- Cursors: they need a real one to damage -------------------------------------------------

CURSOR_LISTS = ["/facts", "/search?q=haiti", "/missions/mss/donors", "/countries"]


def _real_cursor(client: TestClient, path: str) -> tuple[dict[str, Any], str]:
    next_url = client.get(_with_query(path, "limit", "1")).json()["next"]
    cursor = unquote(next_url.split("cursor=")[1].split("&")[0])
    token = cursor.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))), cursor


def _signed(payload: dict[str, Any], secret: str) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + _signature(secret, raw)


DEFAULT_SECRET = Settings(database_url="sqlite://").cursor_secret


def _damaged(kind: str, payload: dict[str, Any], cursor: str) -> str:
    first = {"l": payload["l"], "v": list(payload["v"])}
    if kind == "truncated":
        return cursor[: len(cursor) // 2]
    if kind == "signed with another secret":
        return _signed(payload, "not-the-secret")
    if kind == "unsigned":
        return cursor.split(".")[0]
    if kind == "altered signature":
        return cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    if kind == "from another list":
        return _signed({**payload, "l": "0" * 16}, DEFAULT_SECRET)
    # The rest are signed with the default secret, as anyone can if a deployment keeps it.
    if kind == "values of the wrong type":
        first["v"] = [{"$gt": ""} for _ in first["v"]]
    elif kind == "NUL in a value":
        first["v"] = ["\x00" for _ in first["v"]]
    elif kind == "a number beyond any float":
        first["v"] = [10**400 for _ in first["v"]]
    elif kind == "too few values":
        first["v"] = first["v"][:-1]
    return _signed(first, DEFAULT_SECRET)


CURSOR_DAMAGE = [
    "truncated",
    "signed with another secret",
    "unsigned",
    "altered signature",
    "from another list",
    "values of the wrong type",
    "NUL in a value",
    "a number beyond any float",
    "too few values",
]


@pytest.mark.parametrize("path", CURSOR_LISTS)
@pytest.mark.parametrize("damage", CURSOR_DAMAGE)
def test_damaged_cursors(
    client: TestClient, engine: Engine, before: DatabaseState, path: str, damage: str
) -> None:
    payload, cursor = _real_cursor(client, path)
    bad = _damaged(damage, payload, cursor)
    entry = Entry(
        damage, _with_query(path, "cursor", quote(bad, safe="")), 422, ("query", "cursor")
    )
    assert_answered(send_raw(client.app, entry.target), entry)
    assert_unharmed(client, engine, before)


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("-recorded_at", "2025-01-01T00:00:00"),  # no offset
        ("-recorded_at", "9999-12-31T23:59:59-14:00"),  # past the last representable UTC day
        ("-recorded_at", "0001-01-01T00:00:00+14:00"),  # before the first
        ("value", float("inf")),
    ],
)
def test_forged_cursor_values_that_would_fail_in_the_database(
    client: TestClient, engine: Engine, before: DatabaseState, sort: str, value: Any
) -> None:
    payload, _ = _real_cursor(client, f"/facts?sort={sort}")
    payload["v"][0] = value
    target = f"/facts?sort={sort}&cursor={quote(_signed(payload, DEFAULT_SECRET), safe='')}"
    entry = Entry(f"{sort}={value}", target, 422, ("query", "cursor"))
    assert_answered(send_raw(client.app, target), entry)
    assert_unharmed(client, engine, before)


# --- Through the real server ----------------------------------------------------------------


def _raw_http(base_url: str, target: bytes) -> tuple[int, bytes] | None:
    """One request over a plain socket, target as given: no client library in between.

    None when the server reset the connection instead of answering.
    """
    host, port = base_url.removeprefix("http://").split(":")
    answer = b""
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        try:
            connection.sendall(
                b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            while chunk := connection.recv(65536):
                answer += chunk
        except (ConnectionResetError, BrokenPipeError):
            return None
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_served_app_refuses_them_the_same_way(make_database: DatabaseFactory) -> None:
    url = make_database()
    with serving(url) as base_url:
        before = database_state(url)
        for target in (
            f"/search?q={KB_100}",
            f"/facts/{KB_100}",
            "/sources?publisher=a%00b",
            "/search?q=%FF%FE",
        ):
            answer = _raw_http(base_url, target.encode())
            if KB_100 in target and (answer is None or answer[0] == 400):
                # uvicorn's httptools parser (installed with uvicorn[standard]) refuses a
                # request line this long before the app sees it: it answers 400 and closes with
                # most of the line unread, so the kernel may reset the connection before the
                # answer is read. h11 hands the line to the app, which answers 422.
                continue
            assert answer is not None, f"connection reset on {target[:80]}"
            status, body = answer
            assert status == 422, body[:200]
            assert json.loads(body)["status"] == 422
        assert database_state(url) == before
        assert httpx.get(f"{base_url}/health").json()["status"] == "ok"


# --- What the harmless answers mean ------------------------------------------------------------


def test_an_unknown_parameter_is_refused_naming_the_parameters_taken(client: TestClient) -> None:
    problem = client.get("/facts?caveats=value_unknown").json()
    assert problem["status"] == 422
    error = problem["errors"][0]
    assert error["loc"] == ["query", "caveats"]
    # It names what the endpoint does take, so the misspelling is easy to fix.
    assert "caveat" in error["msg"] and "date_match" in error["msg"]


def test_a_name_beginning_with_underscore_changes_nothing(client: TestClient) -> None:
    assert client.get("/facts?_=123").json()["items"] == client.get("/facts").json()["items"]


def test_pages_ignore_unknown_parameters(client: TestClient) -> None:
    page = client.get("/missions/mss?utm_source=newsletter", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_a_repeated_parameter_counts_once_with_its_last_value(client: TestClient) -> None:
    body = client.get("/facts?limit=1&limit=2").json()
    assert len(body["items"]) == 2
    assert client.get(body["next"]).status_code == 200


def test_a_repeated_list_parameter_counts_every_value(client: TestClient) -> None:
    body = client.get(f"/facts?kind={KINDS[0]}&kind={KINDS[1]}").json()
    assert {fact["kind"] for fact in body["items"]} == set(KINDS)


def test_the_catalogue_is_large_and_covers_every_operation() -> None:
    assert len(CATALOGUE) > 300
    named = " ".join(entry.id for entry in CATALOGUE)
    for template in SCHEMA["paths"]:
        assert f" {template}" in named, template
