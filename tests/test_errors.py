"""Bad input answers 4xx problem+json on every endpoint, never 500."""

import pytest
from fastapi.testclient import TestClient

from tests.support.endpoints import EXAMPLE_PATHS, LIST_PATHS, MISSING_PATHS
from tests.support.helpers import assert_problem


@pytest.mark.parametrize("path", sorted(MISSING_PATHS.values()))
def test_unknown_resources_are_404_problems(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(path), 404)
    assert body["detail"]


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/no/such/route"), 404)
    assert "/docs" in body["detail"]


def test_wrong_method_is_a_405_problem(client: TestClient) -> None:
    assert_problem(client.delete("/missions"), 405)
    assert_problem(client.put("/missions/mss"), 405)


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"limit": "1e3"},
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 2001},
        {"include_total": "maybe"},
    ],
)
def test_bad_paging_is_a_422_problem(client: TestClient, path: str, params: dict) -> None:
    path, _, query = path.partition("?")
    params = {**dict(p.split("=") for p in query.split("&") if p), **params}
    body = assert_problem(client.get(path, params=params), 422)
    assert body["errors"][0]["loc"][0] == "query"


@pytest.mark.parametrize(
    "path",
    [
        "/missions/MSS",
        "/missions/mss%00",
        "/missions/" + "a" * 101,
        "/countries/HT",
        "/countries/H1T",
        "/actors/Bad_Slug",
        "/sources/..%2F..%2Fetc",
        "/indicators/x'--",
    ],
)
def test_malformed_identifiers_are_4xx_problems(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 422), response.text
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2025-02-30"},
        {"date_to": "not-a-date"},
        {"date_to": "0"},
        {"date_from": "1740441600"},
        {"date_from": "2025-02"},
        {"date_from": "2025-03-01", "date_to": "2025-02-01"},
        {"country": "Haiti"},
        {"country": "H"},
        {"mission": "Robert'); DROP TABLE fact;--"},
    ],
)
def test_bad_filters_are_422_problems(client: TestClient, params: dict) -> None:
    assert_problem(client.get("/displacement-events", params=params), 422)


def test_an_empty_range_names_the_field(client: TestClient) -> None:
    body = assert_problem(
        client.get(
            "/displacement-events", params={"date_from": "2025-03-01", "date_to": "2025-02-01"}
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["query", "date_to"]


def test_injection_text_in_a_filter_is_refused(client: TestClient) -> None:
    response = client.get("/missions/mss/positions", params={"stance": "x' OR '1'='1"})
    assert_problem(response, 422)
    # A closed vocabulary names the values it takes.
    assert "raised_concerns" in response.text
    # ...and the data is still all there.
    assert client.get("/health").json()["facts"] == 57


def test_huge_query_value_is_refused_not_crashed(client: TestClient) -> None:
    # httpx refuses URLs over 64 KiB, so this is as long as a test client can send.
    response = client.get("/statements", params={"actor": "a" * 60_000})
    assert_problem(response, 422)


def test_every_endpoint_answers_a_known_path(client: TestClient) -> None:
    for path in EXAMPLE_PATHS.values():
        assert client.get(path).status_code == 200, path
