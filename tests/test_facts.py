"""GET /facts: the flat view, its filters, sort orders and cursor walks, and /facts/{id}/cite."""

import contextlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.domain.vocabulary import FACT_KINDS
from tests.support.helpers import assert_problem

SORTS = ["kind", "-kind", "date", "-date", "value", "-value", "country", "mission,-date", "id"]


def every_fact(client: TestClient) -> list[dict[str, Any]]:
    body = client.get("/facts", params={"limit": 500}).json()
    assert body["next"] is None
    return body["items"]


def walk(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, following `next` links (and checking the Link header agrees)."""
    items: list[dict[str, Any]] = []
    response = client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["next"] is None:
            assert "link" not in response.headers
            return items
        assert len(items) <= 500, "the walk does not end"  # fail rather than hang
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        assert len(body["items"]) == body["limit"]
        response = client.get(body["next"])


def sort_value(fact: dict[str, Any], field: str) -> Any:
    if field == "date":
        return fact["date"] and fact["date"]["value"]
    if field == "value":
        return fact["quantity"] and fact["quantity"]["value"]
    if field in ("country", "mission"):
        ref = fact[field]
        return ref and (ref["iso3"] if field == "country" else ref["slug"])
    return fact[field]


def expected_order(facts: list[dict[str, Any]], sort: str) -> list[str]:
    """The order the API documents, computed here: each field in turn, missing values last,
    ties broken by id."""
    ordered = sorted(facts, key=lambda f: f["id"])
    for part in reversed(sort.split(",")):
        field = part.lstrip("-")
        present = [f for f in ordered if sort_value(f, field) is not None]
        missing = [f for f in ordered if sort_value(f, field) is None]
        present.sort(key=lambda f: sort_value(f, field), reverse=part.startswith("-"))
        ordered = present + missing
    return [f["id"] for f in ordered]


def test_facts_is_every_current_fact_once(client: TestClient) -> None:
    facts = every_fact(client)
    ids = [f["id"] for f in facts]
    assert len(ids) == len(set(ids)) == client.get("/health").json()["facts"]
    assert {f["kind"] for f in facts} <= set(FACT_KINDS)
    # The records the resources serve are the same records, not copies that may drift.
    funding = client.get("/missions/mss/funding").json()
    assert next(f for f in facts if f["id"] == funding["received"]["id"]) == funding["received"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 6])
def test_cursor_walks_cover_the_list_exactly_once_in_order(
    client: TestClient, sort: str, limit: int
) -> None:
    walked = [f["id"] for f in walk(client, "/facts", sort=sort, limit=limit)]
    assert walked == expected_order(every_fact(client), sort)


def test_sort_by_value_puts_the_largest_first_and_unknowns_last(client: TestClient) -> None:
    items = client.get("/facts", params={"sort": "-value", "limit": 500}).json()["items"]
    values = [f["quantity"]["value"] if f["quantity"] else None for f in items]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True) and known[0] == 110_800_000
    assert values[len(known) :] == [None] * (len(values) - len(known))


@pytest.mark.parametrize(
    "path", ["/missions/mss/timeline", "/missions", "/countries", "/actors", "/statements"]
)
def test_every_list_walks_with_cursors(client: TestClient, path: str) -> None:
    whole = client.get(path, params={"limit": 500}).json()["items"]
    assert walk(client, path, limit=2) == whole


@pytest.mark.parametrize(
    ("path", "sort", "key"),
    [
        ("/countries", "-name", "name"),
        ("/missions", "status", "status.stated"),  # sorted by the status the source states
        ("/actors", "-kind", "kind"),
        ("/sources", "publisher", "publisher"),
    ],
)
def test_entity_lists_sort(client: TestClient, path: str, sort: str, key: str) -> None:
    items = walk(client, path, sort=sort, limit=1)
    values: list[str] = []
    for item in items:
        value: Any = item
        for part in key.split("."):
            value = value[part]
        values.append(value)
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_include_total_counts_the_whole_list(client: TestClient) -> None:
    plain = client.get("/facts", params={"kind": "funding.donor", "limit": 2}).json()
    assert plain["total"] is None
    counted = client.get(
        "/facts", params={"kind": "funding.donor", "limit": 2, "include_total": "true"}
    ).json()
    assert counted["total"] == len(walk(client, "/facts", kind="funding.donor")) > 2


def test_kind_is_repeatable(client: TestClient) -> None:
    kinds = ["funding.received", "funding.unallocated"]
    items = client.get("/facts", params={"kind": kinds}).json()["items"]
    assert sorted(f["kind"] for f in items) == sorted(kinds)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"mission": "mss"}, lambda f: f["mission"] and f["mission"]["slug"] == "mss"),
        ({"country": "hti"}, lambda f: f["country"] and f["country"]["iso3"] == "HTI"),
        ({"actor": "antonio-guterres"}, lambda f: f["actor"]["slug"] == "antonio-guterres"),
        ({"qualifier": "at_least"}, lambda f: f["quantity"]["qualifier"] == "at_least"),
        ({"derived": "true"}, lambda f: f["derived"] is True),
        ({"derived": "false"}, lambda f: f["derived"] is False),
        # A date is the interval of days it may be: kept when that interval meets the window.
        (
            {"date_from": "2025-01-01"},
            lambda f: (f["date"]["latest"] or "9999") >= "2025-01-01",
        ),
        ({"date_to": "2011-01-01"}, lambda f: (f["date"]["earliest"] or "0") <= "2011-01-01"),
    ],
)
def test_filters_keep_exactly_the_matching_facts(
    client: TestClient, params: dict[str, str], check: Any
) -> None:
    kept = client.get("/facts", params={**params, "limit": 500}).json()["items"]
    assert kept and all(check(f) for f in kept)
    kept_ids = {f["id"] for f in kept}
    # What was left out fails the check (or lacks the field the filter is on).
    for fact in every_fact(client):
        if fact["id"] not in kept_ids:
            with contextlib.suppress(TypeError, KeyError):
                assert not check(fact)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "funding.nonsense"},
        {"country": "HAITI"},
        {"qualifier": "roughly"},
        {"derived": "perhaps"},
        {"date_from": "2025-02-30"},
        {"date_from": "2025-03-01", "date_to": "2025-02-01"},
        {"sort": "height"},
        {"sort": "kind,kind"},
        {"sort": "-"},
    ],
)
def test_bad_filters_are_422_problems(client: TestClient, params: dict[str, str]) -> None:
    assert_problem(client.get("/facts", params=params), 422)


def _cursor_of(client: TestClient, **params: Any) -> str:
    body = client.get("/facts", params={"limit": 2, **params}).json()
    return parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def test_tampered_and_foreign_cursors_are_422_not_500(client: TestClient) -> None:
    cursor = _cursor_of(client, sort="kind")
    token, _, signature = cursor.partition(".")
    forged = [
        cursor[:-1] + ("0" if cursor[-1] != "0" else "1"),  # signature altered
        token[:-2] + "." + signature,  # payload truncated
        "!!!." + signature,
        token,  # no signature
    ]
    for bad in forged:
        body = assert_problem(client.get("/facts", params={"cursor": bad, "sort": "kind"}), 422)
        assert body["errors"][0]["loc"] == ["query", "cursor"]
    # A genuine cursor with another sort or other filters: refused, not misread.
    assert_problem(client.get("/facts", params={"cursor": cursor, "sort": "date"}), 422)
    assert_problem(client.get("/facts", params={"cursor": cursor, "kind": "position"}), 422)
    assert client.get("/facts", params={"cursor": cursor, "sort": "kind"}).status_code == 200


def test_one_fact_by_id_is_a_permanent_link(client: TestClient) -> None:
    for fact in every_fact(client)[:10]:
        assert client.get(f"/facts/{fact['id']}").json() == fact
    assert_problem(client.get("/facts/no-such-fact"), 404)
    assert_problem(client.get("/facts/..%2F..%2Fetc"), 404)


def test_cite_gives_a_sentence_with_the_source_date_at_its_precision(client: TestClient) -> None:
    body = client.get("/facts/mss-funding-received/cite").json()
    fact = client.get("/facts/mss-funding-received").json()
    source = client.get(f"/sources/{fact['citations'][0]['source_id']}").json()
    assert body["quote"] == fact["citations"][0]["quote"]
    assert body["permalink"].endswith("/facts/mss-funding-received")
    assert body["permalink"].startswith("http")
    # The source gives no exact date: the sentence keeps the bound the API knows.
    assert source["published"]["qualifier"] == "on_or_after"
    assert "published on or after 25 February 2025" in body["text"]
    for part in (body["quote"], source["publisher"], source["url"], body["permalink"]):
        assert part in body["text"]
    codes = {c["code"] for c in body["caveats"]}
    assert {"publication_date_inexact", "received_not_disbursed"} <= codes

    text = client.get("/facts/mss-funding-received/cite", params={"format": "text"})
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.strip() == body["text"]
    by_accept = client.get("/facts/mss-funding-received/cite", headers={"Accept": "text/plain"})
    assert by_accept.text == text.text
    assert_problem(client.get("/facts/mss-funding-received/cite?format=pdf"), 422)
    assert_problem(client.get("/facts/no-such-fact/cite"), 404)
