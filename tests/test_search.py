"""Full-text search: /facts?q= and /search, with accents, curly apostrophes and bad syntax."""

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.support.helpers import assert_problem


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def fact_ids(client: TestClient, q: str) -> list[str]:
    response = client.get("/facts", params={"q": q, "limit": 500})
    assert response.status_code == 200, response.text
    return [f["id"] for f in response.json()["items"]]


def test_cholera_finds_the_outbreak_with_the_quote_highlighted(client: TestClient) -> None:
    body = client.get("/facts", params={"q": "cholera"}).json()
    assert [f["id"] for f in body["items"]] == ["earlier-missions-cholera-2010"]
    match = body["items"][0]["match"]
    assert match["field"] == "quote"
    assert marked(match["snippet"]) == ["cholera"]
    quote = body["items"][0]["citations"][0]
    assert match["citation_href"] == quote["href"]
    assert match["snippet"].replace("<mark>", "").replace("</mark>", "") in quote["quote"]


@pytest.mark.parametrize(
    ("query", "in_text"),
    [
        ("Antonio", "António"),  # accent typed plain
        ("ANTÓNIO", "António"),  # case and accent
        ("Guterres", "Guterres"),
        ("Haiti's security crisis", "Haiti\u2019s security crisis"),  # straight for curly
        ("mission's goals", "mission\u2019s goals"),
        ("peacekeeping", "peacekeeping"),
    ],
)
def test_plain_typing_matches_accents_and_curly_apostrophes(
    client: TestClient, query: str, in_text: str
) -> None:
    facts = client.get("/facts", params={"q": query, "limit": 500}).json()["items"]
    assert facts, query
    assert any(in_text in json.dumps(fact, ensure_ascii=False) for fact in facts)
    hits = client.get("/search", params={"q": query}).json()["items"]
    assert {hit["type"] for hit in hits} == {"fact", "source"}


def test_every_fact_whose_quote_holds_the_word_is_found(client: TestClient) -> None:
    """Checked against the data itself: a word in a quote finds every fact quoting it."""
    every = client.get("/facts", params={"limit": 500}).json()["items"]
    for word in ("peacekeeping", "Kenya", "drones", "Ecuador"):
        expected = {
            f["id"]
            for f in every
            if any(re.search(rf"\b{word}\b", c["quote"], re.I) for c in f["citations"])
        }
        assert expected and expected <= set(fact_ids(client, word)), word


def test_query_language(client: TestClient) -> None:
    kenya, canada = set(fact_ids(client, "kenya")), set(fact_ids(client, "canada"))
    assert set(fact_ids(client, "kenya OR canada")) == kenya | canada
    assert set(fact_ids(client, "kenya canada")) == kenya & canada
    peace = set(fact_ids(client, "peacekeeping"))
    assert set(fact_ids(client, "peacekeeping -cholera")) == peace - set(
        fact_ids(client, "cholera")
    )
    assert set(fact_ids(client, "peacekeep*")) >= peace
    phrase = fact_ids(client, '"support office"')
    assert phrase and set(phrase) <= set(fact_ids(client, "support office"))
    assert fact_ids(client, '"office support"') == []


def test_search_ranks_and_combines_with_filters(client: TestClient) -> None:
    donors = client.get("/facts", params={"q": "contributions", "kind": "funding.donor"}).json()
    assert donors["items"] and all(f["kind"] == "funding.donor" for f in donors["items"])
    # Relevance is the default order with q; another sort can be asked for.
    by_id = fact_ids(client, "peacekeeping")
    sorted_ids = [
        f["id"]
        for f in client.get("/facts", params={"q": "peacekeeping", "sort": "id"}).json()["items"]
    ]
    assert sorted_ids == sorted(by_id)
    assert_problem(client.get("/facts", params={"sort": "relevance"}), 422)  # needs q


def test_search_spans_facts_and_sources_with_snippets(client: TestClient) -> None:
    body = client.get("/search", params={"q": "cholera"}).json()
    assert body["query"] == "cholera"
    types = [hit["type"] for hit in body["items"]]
    assert types.count("fact") == 1 and types.count("source") == 1
    for hit in body["items"]:
        assert [w.lower() for w in marked(hit["match"]["snippet"])] == ["cholera"]
        assert client.get(hit["href"]).status_code == 200
    source_hit = next(h for h in body["items"] if h["type"] == "source")
    assert len(source_hit["match"]["snippet"]) < 300  # an excerpt, not the text


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("peacekeep*", r"\bpeacekeep\w*"),
        ('"security crisis"', r"\bsecurity\s+crisis\b"),
        ("kenya OR haiti", r"\b(?:kenya|haiti)\b"),
        ("mission", r"\bmissions?\b"),
    ],
)
def test_a_snippet_marks_every_match_it_shows(client: TestClient, query: str, pattern: str) -> None:
    """Checked against the excerpt itself, asked for twice (the second time the words of
    the texts are already worked out): each place the query matches is marked, and only
    those."""
    for _ in range(2):
        hits = client.get("/search", params={"q": query, "limit": 500}).json()["items"]
        assert {hit["type"] for hit in hits} == {"fact", "source"}, query
        for hit in hits:
            snippet = hit["match"]["snippet"]
            shown = html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))
            expected = re.findall(pattern, shown, re.I)
            # A fact may be found by its mission's or actor's name, which the snippet (its
            # quote or summary) need not show; a source is found by its text.
            assert expected or hit["type"] == "fact", (query, snippet)
            assert [html.unescape(m) for m in marked(snippet)] == expected, (query, snippet)


def test_search_pages_with_cursors(client: TestClient) -> None:
    whole = client.get("/search", params={"q": "the", "limit": 500}).json()
    assert len(whole["items"]) > 3
    walked, url = [], "/search?q=the&limit=2"
    for _ in range(len(whole["items"])):
        if url is None:
            break
        page = client.get(url).json()
        walked += page["items"]
        url = page["next"]
    assert walked == whole["items"]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "OR",
        "cholera OR",
        "OR cholera",
        "a OR OR b",
        "-",
        "NOT",
        "-cholera",
        '""',
        "*",
        "&&",
        "pe*ace",
        "x" * 501,
        "",
    ],
)
def test_bad_query_syntax_is_a_422_problem(client: TestClient, query: str) -> None:
    for path in ("/facts", "/search"):
        body = assert_problem(client.get(path, params={"q": query}), 422)
        assert body["errors"][0]["loc"] == ["query", "q"]


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE fact; --", "cholera') OR 1=1 --", "NEAR(a b)", "col:cholera", "^x"]
)
def test_injection_and_engine_syntax_are_plain_words(client: TestClient, query: str) -> None:
    for path in ("/facts", "/search"):
        response = client.get(path, params={"q": query})
        assert response.status_code in (200, 422), response.text
    assert client.get("/health").json()["facts"] == 57


def test_relevance_order_pages_with_cursors(client: TestClient) -> None:
    whole = fact_ids(client, "peacekeeping OR haiti")
    walked, url = [], "/facts?q=peacekeeping%20OR%20haiti&limit=1"
    for _ in range(len(whole) + 1):
        if url is None:
            break
        page = client.get(url).json()
        walked += [f["id"] for f in page["items"]]
        url = page["next"]
    assert walked == whole and len(whole) > 5
