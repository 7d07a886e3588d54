"""Embeds: the fact, mission and chart cards any site may frame, oEmbed for all of them, and the
fact's own page (the permalink a reader clicks) with its schema.org JSON-LD."""

import json
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.support.editing import Editor, personnel_fact
from tests.support.helpers import assert_problem
from tests.support.html_tree import Element, parse_html

BASE = "http://testserver"
HTML = {"Accept": "text/html"}
CARDS = ("/facts/hti-displacement-recent-weeks-2025-02/card", "/missions/mss/card")
CHART_CARDS = tuple(
    f"/missions/mss/charts/{name}/card" for name in ("personnel", "funding", "timeline")
)


def oembed(client: TestClient, url: str, **params: Any) -> Any:
    return client.get("/oembed", params={"url": url, **params})


def discovered(page: Element) -> str:
    link = page.find("link", rel="alternate", type="application/json+oembed")
    return link.attrs["href"]


@pytest.mark.parametrize("path", CARDS + CHART_CARDS)
def test_a_card_may_be_framed_by_any_site_and_runs_only_the_resize_notifier(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "x-frame-options" not in response.headers
    page = parse_html(response.text)
    scripts = page.find_all("script")
    assert [s.attrs.get("src") for s in scripts] == ["/static/site/embed-size.js"]
    assert all(not s.raw_text.strip() for s in scripts)  # no inline script
    assert discovered(page) == response.headers["link"].split(">")[0].lstrip("<")
    assert 'type="application/json+oembed"' in response.headers["link"]
    record = page.find("p", class_="card-record").find("a")
    assert record.attrs["target"] == "_blank" and "noopener" in record.attrs["rel"]


def test_every_other_page_still_refuses_to_be_framed(client: TestClient) -> None:
    for path in ("/", "/missions/mss", "/facts/mss-funding-received", "/docs"):
        response = client.get(path, headers=HTML)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY", path


def test_the_resize_notifier_posts_the_amp_embed_size_message(client: TestClient) -> None:
    script = client.get("/static/site/embed-size.js").text
    assert 'sentinel: "amp"' in script and 'type: "embed-size"' in script
    assert "postMessage" in script and "height" in script


def test_the_fact_card_gives_the_figure_with_its_qualifier_the_quote_and_source(
    client: TestClient,
) -> None:
    fact = client.get("/facts/hti-displacement-recent-weeks-2025-02").json()
    card = parse_html(client.get("/facts/hti-displacement-recent-weeks-2025-02/card").text)
    assert card.find("p", class_="card-figure").text == fact["quantity"]["as_stated"]
    quote = card.find("blockquote")
    assert quote.text == f"“{fact['citations'][0]['quote']}”"
    assert quote.attrs["cite"] == fact["citations"][0]["source_url"]
    source = card.find("p", class_="card-source")
    assert "HaitiWire" in source.text and "on or after 25 February 2025" in source.text
    assert card.find("p", class_="card-record").find("a").attrs["href"] == f"/facts/{fact['id']}"


def test_a_derived_fact_card_says_it_is_derived_and_quotes_no_headline(client: TestClient) -> None:
    card = parse_html(client.get("/facts/mss-funding-allocated/card").text)
    assert "derived" in card.find("p", class_="card-derived").text
    title = client.get("/sources").json()["items"][0]["title"]
    assert title not in card.text  # a title read from a page address is no headline


def test_the_mission_card_gives_its_key_figures_in_words(client: TestClient) -> None:
    card = parse_html(client.get("/missions/mss/card").text)
    figures = card.find("ul", class_="card-figures").text
    assert "1,000 of 2,500 planned officers deployed" in figures
    assert "$110.8 million received" in figures and "Kenya" in figures
    assert "October 2025" in figures


@pytest.mark.parametrize(
    ("url", "card"),
    [
        ("/facts/mss-funding-received", "/facts/mss-funding-received/card"),
        ("/facts/mss-funding-received/card", "/facts/mss-funding-received/card"),
        ("/missions/mss", "/missions/mss/card"),
        ("/missions/mss/charts/funding.svg", "/missions/mss/charts/funding/card"),
        ("/missions/mss/charts/timeline/card", "/missions/mss/charts/timeline/card"),
    ],
)
def test_oembed_answers_rich_with_the_iframe_of_the_card(
    client: TestClient, url: str, card: str
) -> None:
    response = oembed(client, BASE + url, format="json")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "Mission Facts" and body["provider_url"] == BASE + "/"
    frame = parse_html(body["html"]).find("iframe")
    assert frame.attrs["src"] == BASE + card
    assert (
        int(frame.attrs["width"]) == body["width"] and int(frame.attrs["height"]) == body["height"]
    )
    assert body["title"] and frame.attrs["title"] == body["title"]
    assert client.get(card).status_code == 200


def test_oembed_keeps_within_maxwidth_and_maxheight(client: TestClient) -> None:
    wide = oembed(client, BASE + "/missions/mss/charts/funding.svg").json()
    narrow = oembed(client, BASE + "/missions/mss/charts/funding.svg", maxwidth=300).json()
    assert narrow["width"] == 300 < wide["width"]
    assert narrow["height"] < wide["height"]  # a chart keeps its proportions
    low = oembed(client, BASE + "/facts/mss-funding-received", maxwidth=320, maxheight=150)
    assert (low.json()["width"], low.json()["height"]) == (320, 150)


def test_oembed_refuses_what_it_cannot_embed_as_the_specification_says(client: TestClient) -> None:
    assert_problem(oembed(client, BASE + "/facts/no-such-fact"), 404)
    assert_problem(oembed(client, BASE + "/missions/no-such-mission/card"), 404)
    assert_problem(oembed(client, BASE + "/sources"), 404)
    assert_problem(oembed(client, "https://example.org/facts/mss-funding-received"), 404)
    assert_problem(oembed(client, "javascript:alert(1)"), 404)
    assert_problem(oembed(client, "http://[::1/facts/mss-funding-received"), 404)
    assert_problem(oembed(client, BASE + "/facts/mss-funding-received", format="xml"), 501)
    assert_problem(client.get("/oembed"), 422)


def test_embeddable_pages_advertise_their_oembed_url(client: TestClient) -> None:
    for path in ("/facts/mss-funding-received", "/missions/mss", *CARDS):
        response = client.get(path, headers=HTML)
        href = discovered(parse_html(response.text))
        assert href in response.headers["link"]
        target = parse_qs(urlsplit(href).query)
        assert target["format"] == ["json"] and target["url"] == [BASE + path]
        assert client.get(href.removeprefix(BASE)).json()["type"] == "rich"


def json_ld(client: TestClient, fact_id: str) -> dict[str, Any]:
    page = parse_html(client.get(f"/facts/{fact_id}", headers=HTML).text)
    script = page.find("script", type="application/ld+json")
    document: dict[str, Any] = json.loads(script.raw_text)
    return document


def test_a_fact_has_a_page_of_its_own_for_browsers(client: TestClient) -> None:
    response = client.get("/facts/hti-displacement-recent-weeks-2025-02", headers=HTML)
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    page = parse_html(response.text)
    fact = client.get("/facts/hti-displacement-recent-weeks-2025-02").json()
    assert page.find("h1").text == fact["summary"]
    assert page.find("blockquote").text == f"“{fact['citations'][0]['quote']}”"
    sentence = client.get(f"/facts/{fact['id']}/cite?style=sentence").text.strip()
    assert page.find("p", class_="pasteable").text == sentence
    assert "&lt;iframe" in response.text  # the embed snippet, shown as text
    missing = client.get("/facts/no-such-fact", headers=HTML)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


def test_the_fact_page_describes_the_figure_and_its_citation_in_json_ld(
    client: TestClient,
) -> None:
    fact = client.get("/facts/hti-displacement-recent-weeks-2025-02").json()
    document = json_ld(client, fact["id"])
    assert document["@context"] == "https://schema.org" and document["@type"] == "Claim"
    assert document["url"] == f"{BASE}/facts/{fact['id']}"
    # "over 6,000" is a lower bound, never a value of 6000.
    assert document["mainEntity"] == {
        "@type": "QuantitativeValue",
        "unitText": "people",
        "minValue": 6000,
        "description": "qualifier: at_least",
    }
    quotation = document["citation"][0]
    assert quotation["text"] == fact["citations"][0]["quote"]
    article = quotation["isPartOf"]
    assert article["url"] == fact["citations"][0]["source_url"]
    assert "datePublished" not in article  # the source's date is only "on or after"
    assert "headline" not in article  # the title was read from the page address
    assert document["firstAppearance"] == article


def test_json_ld_of_a_derived_figure_names_its_inputs_and_no_first_appearance(
    client: TestClient,
) -> None:
    document = json_ld(client, "mss-funding-allocated")
    assert document["mainEntity"]["value"] == 62_800_000
    assert document["isBasedOn"] == [
        f"{BASE}/facts/mss-funding-received",
        f"{BASE}/facts/mss-funding-unallocated",
    ]
    assert "firstAppearance" not in document


def test_json_ld_cannot_be_closed_by_the_text_it_holds(editor: Editor) -> None:
    editor.with_source()
    fact = personnel_fact("test-script-in-summary", summary="Test fixture </script><b>x</b> & more")
    assert editor.post("/facts", fact).status_code == 201
    page = editor.client.get("/facts/test-script-in-summary", headers=HTML).text
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(script)["description"] == "Test fixture </script><b>x</b> & more"
    assert quote("</script>") not in script and "<b>" not in script


def test_a_retracted_facts_card_and_page_say_so(editor: Editor) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    retracted = editor.client.delete(
        "/facts/test-personnel-march",
        params={"reason": "Test: retracted"},
        headers={**editor.auth, "If-Match": '"v1"'},
    )
    assert retracted.status_code == 200
    card = parse_html(editor.client.get("/facts/test-personnel-march/card").text)
    assert "This record was retracted" in card.find("p", class_="card-retracted").text
    page = parse_html(editor.client.get("/facts/test-personnel-march", headers=HTML).text)
    document = json.loads(page.find("script", type="application/ld+json").raw_text)
    assert document["creativeWorkStatus"] == "retracted"
