"""Machine-readable caveats: what a reader of a figure must not miss."""

from typing import Any

from fastapi.testclient import TestClient

from tests.support.helpers import walk_facts

QUALIFIER_CAVEATS = {
    "at_least": "lower_bound",
    "at_most": "upper_bound",
    "estimate": "estimate",
    "approximate": "approximate",
}


def codes(node: dict[str, Any]) -> set[str]:
    return {caveat["code"] for caveat in node["caveats"]}


def test_each_fact_carries_the_caveats_its_data_implies(client: TestClient) -> None:
    facts = client.get("/facts", params={"limit": 500}).json()["items"]
    for fact in facts:
        quantity, when = fact["quantity"], fact["date"]
        expected = set()
        if quantity and quantity["qualifier"] in QUALIFIER_CAVEATS:
            expected.add(QUALIFIER_CAVEATS[quantity["qualifier"]])
        if quantity and quantity["value"] is None:
            expected.add("value_unknown")
        if fact["derived"]:
            expected.add("derived")
        if fact["list_complete"] is False:
            expected.add("list_partial")
        if fact["kind"] == "funding.received":
            expected.add("received_not_disbursed")
        if when and when["qualifier"] != "exact":
            expected.add("date_inexact")
        if when and when["resolved_from"]:
            expected.add("date_resolved_elsewhere")
        assert codes(fact) == expected, fact["id"]
        assert all(caveat["message"] for caveat in fact["caveats"])


def test_the_headline_caveats_are_where_readers_look(client: TestClient) -> None:
    displacement = client.get("/displacement-events").json()
    assert "lower_bound" in codes(displacement["items"][0])  # "over 6,000"
    assert "lower_bound" in codes(displacement)
    funding = client.get("/missions/mss/funding").json()
    assert {"received_not_disbursed", "list_partial", "derived"} <= codes(funding)
    assert "estimate" in codes(client.get("/indicators").json())  # "an estimated 85%"
    mission = client.get("/missions/mss").json()
    assert "received_not_disbursed" in codes(mission)
    source = client.get("/sources").json()["items"][0]
    assert codes(source) == {"publication_date_inexact"}


def test_list_caveats_are_the_union_of_their_items(client: TestClient) -> None:
    for path in ("/missions/mss/donors", "/missions/mss/personnel", "/statements"):
        body = client.get(path, params={"limit": 500}).json()
        assert codes(body) == set().union(*(codes(f) for f in walk_facts(body["items"])))


def test_openapi_lists_the_codes(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    enum = schemas["CaveatCode"]["enum"]
    assert {"lower_bound", "list_partial", "received_not_disbursed", "derived"} <= set(enum)
    facts = client.get("/facts", params={"limit": 500}).json()["items"]
    assert {c["code"] for f in facts for c in f["caveats"]} <= set(enum)
