"""Properties every response must keep: citations that match the text, explicit unknowns,
marked derivations. Checked by crawling every endpoint."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.endpoints import EXAMPLE_PATHS
from tests.support.helpers import walk_citations, walk_facts


def _all_paths(client: TestClient) -> list[str]:
    """Every endpoint, with every identifier the lists give for its path parameters."""
    identifiers = {
        "{slug}": [m["slug"] for m in client.get("/missions").json()["items"]],
        "{iso3}": [c["iso3"] for c in client.get("/countries").json()["items"]],
        "/actors/{slug}": [a["slug"] for a in client.get("/actors").json()["items"]],
        "/facts/{fact_id}": [f["id"] for f in client.get("/facts?limit=500").json()["items"]],
    }
    paths = []
    for template, example in EXAMPLE_PATHS.items():
        if template.startswith("/facts/"):
            ids = identifiers["/facts/{fact_id}"]
            paths += [template.replace("{fact_id}", fact_id) for fact_id in ids]
        elif template.startswith("/actors/"):
            paths += [f"/actors/{slug}" for slug in identifiers["/actors/{slug}"]]
        elif "{slug}" in template:
            paths += [template.replace("{slug}", slug) for slug in identifiers["{slug}"]]
        elif "{iso3}" in template:
            paths += [template.replace("{iso3}", code) for code in identifiers["{iso3}"]]
        else:
            paths.append(example)
    return paths


@pytest.fixture(scope="module")
def responses(client: TestClient) -> dict[str, Any]:
    bodies = {}
    for path in _all_paths(client):
        response = client.get(path + ("&" if "?" in path else "?") + "limit=500")
        if response.status_code == 422 and response.json()["errors"][0]["loc"] == [
            "query",
            "limit",
        ]:
            response = client.get(path)  # not a list: it takes no `limit`
        assert response.status_code == 200, path
        bodies[path] = response.json()
    return bodies


@pytest.fixture(scope="module")
def source_texts(client: TestClient) -> dict[str, str]:
    return {
        s["id"]: client.get(s["href"]).json()["text"]
        for s in client.get("/sources").json()["items"]
    }


def test_every_get_operation_is_crawled(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"].items()
    # The SVG charts, the Atom feed and the HTML cards are not JSON: tests/test_charts.py,
    # tests/test_changes.py and tests/test_embeds.py cover them, and oEmbed (which needs the
    # URL of something to embed) too.
    not_json = (".svg", ".atom", "/card", "/oembed")
    documented = {path for path, ops in paths if "get" in ops and not path.endswith(not_json)}
    assert documented == set(EXAMPLE_PATHS)


def test_every_citation_quote_is_the_source_text_at_its_span(
    responses: dict[str, Any], source_texts: dict[str, str]
) -> None:
    checked = 0
    for path, body in responses.items():
        for citation in walk_citations(body):
            text = source_texts[citation["source_id"]]
            assert text[citation["start"] : citation["end"]] == citation["quote"], path
            assert citation["href"] == (
                f"/sources/{citation['source_id']}#cite-{citation['start']}-{citation['end']}"
            )
            checked += 1
    assert checked > 100


def test_every_fact_and_entity_is_cited(responses: dict[str, Any]) -> None:
    facts = [fact for body in responses.values() for fact in walk_facts(body)]
    assert len({fact["id"] for fact in facts}) == 57
    assert all(fact["citations"] for fact in facts)
    for path in ("/missions", "/actors"):
        assert all(item["citations"] for item in responses[path]["items"])
        assert len(responses[path]["items"]) > 2


def test_unknowns_are_null_with_a_reason(responses: dict[str, Any]) -> None:
    unknown = 0
    for body in responses.values():
        for fact in walk_facts(body):
            quantity = fact["quantity"]
            if quantity is None:
                continue
            if quantity["value"] is None:
                assert quantity["unknown_reason"], fact["id"]
                assert quantity["qualifier"] is None
                unknown += 1
            else:
                assert quantity["unknown_reason"] is None
                assert quantity["qualifier"] in {
                    "exact",
                    "approximate",
                    "estimate",
                    "at_least",
                    "at_most",
                }
    assert unknown >= 5  # four donors' amounts and the funding still needed


def test_qualifiers_imply_their_bounds(responses: dict[str, Any]) -> None:
    for body in responses.values():
        for fact in walk_facts(body):
            q = fact["quantity"]
            if not q or q["value"] is None:
                continue
            if q["qualifier"] == "exact":
                assert q["lower_bound"] == q["value"] == q["upper_bound"]
            if q["qualifier"] == "at_least":
                assert q["lower_bound"] == q["value"] and q["upper_bound"] is None
            if q["qualifier"] == "estimate":
                assert q["lower_bound"] is None and q["upper_bound"] is None


def test_as_stated_words_are_in_the_quotes(responses: dict[str, Any]) -> None:
    for body in responses.values():
        for fact in walk_facts(body):
            quotes = " ".join(c["quote"] for c in fact["citations"])
            for part in (fact["quantity"], fact["date"]):
                if part and part["as_stated"]:
                    assert part["as_stated"] in quotes, fact["id"]


def test_derived_values_are_marked_and_recomputable(
    responses: dict[str, Any], client: TestClient
) -> None:
    derived = {
        fact["id"]: fact
        for body in responses.values()
        for fact in walk_facts(body)
        if fact["derived"]
    }
    assert set(derived) == {"mss-funding-allocated", "mss-personnel-deployed-share"}
    values = {
        f["id"]: f["quantity"]["value"]
        for body in responses.values()
        for f in walk_facts(body)
        if f["quantity"]
    }
    for fact in derived.values():
        assert fact["derivation"]["formula"]
        assert fact["quantity"]["as_stated"] is None
        a, b = (values[i] for i in fact["derivation"]["derived_from"])
        expected = a - b if " - " in fact["derivation"]["formula"] else a / b * 100
        assert fact["quantity"]["value"] == pytest.approx(expected)
    for body in responses.values():
        for fact in walk_facts(body):
            if not fact["derived"]:
                assert fact["derivation"] is None


def test_dates_carry_precision_matching_their_value(responses: dict[str, Any]) -> None:
    lengths = {"year": 4, "month": 7, "day": 10}
    for body in responses.values():
        for fact in walk_facts(body):
            if fact["date"]:
                assert len(fact["date"]["value"]) == lengths[fact["date"]["precision"]]
                assert fact["date"]["qualifier"]
