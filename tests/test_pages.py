"""The HTML pages, checked without a browser: content negotiation, what each page shows (with
expected values taken from the JSON API), structure and accessibility, and no outside
resources. tests/test_browser.py renders the same pages in Chromium."""

import calendar
import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.helpers import assert_problem, walk_citations, walk_facts
from tests.support.html_tree import Element, parse_html

# What Chromium sends when it navigates to a page.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SOURCE_ID = "haitiwire-2025-02-mss-support-office"
PAGES = ["/", "/missions/mss", f"/sources/{SOURCE_ID}"]
SVG = "http://www.w3.org/2000/svg"
MISSION_SECTIONS = ("funding", "personnel", "contributors", "positions", "timeline", "needs")


def page(client: TestClient, path: str) -> Element:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return parse_html(response.text)


@pytest.fixture(scope="module")
def missions(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/missions").json()["items"]
    return items


@pytest.fixture(scope="module")
def mss(client: TestClient) -> dict[str, Any]:
    detail: dict[str, Any] = client.get("/missions/mss").json()
    return detail


@pytest.fixture(scope="module")
def mss_page(client: TestClient) -> Element:
    return page(client, "/missions/mss")


def links(tree: Element) -> set[str]:
    return {a.attrs["href"] for a in tree.find_all("a") if "href" in a.attrs}


def row_of(tree: Element, kind: str) -> Element:
    return tree.find("tr", data_kind=kind)


# --- Content negotiation -------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/json, text/html;q=0.5",
        "text/html;q=0.4, application/json;q=0.9",
        "text/html, application/json",  # a tie stays JSON
    ],
)
def test_json_clients_keep_getting_the_same_json(
    client: TestClient, path: str, accept: str | None
) -> None:
    plain = client.get(path, headers={"Accept": "application/json"})
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == plain.json()
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html", "text/*", "text/html;q=0.9"])
def test_clients_preferring_html_get_the_page(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "accept" in response.headers["vary"].lower()
    assert parse_html(response.text).find("h1").text


@pytest.mark.parametrize(
    "path", ["/missions", "/missions/mss/funding", "/sources", "/health", "/openapi.json"]
)
def test_other_urls_answer_json_even_to_browsers(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


def test_the_pages_internal_prefix_is_not_public(client: TestClient) -> None:
    for path in ("/_pages", "/_pages/missions/mss"):
        assert_problem(client.get(path, headers={"Accept": BROWSER_ACCEPT}), 404)


@pytest.mark.parametrize("path", ["/missions/no-such-mission", "/sources/no-such-source"])
def test_unknown_ids_are_404_in_either_form(client: TestClient, path: str) -> None:
    html = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert html.status_code == 404
    assert html.headers["content-type"].startswith("text/html")
    assert "no-such" in parse_html(html.text).find("main").text
    assert_problem(client.get(path), 404)


# --- What the mission page shows, against the JSON -----------------------------------------


def test_every_key_figure_is_shown_with_its_citation(
    mss: dict[str, Any], mss_page: Element
) -> None:
    figures = {k: v for k, v in mss["key_figures"].items() if k != "unknown" and v}
    assert len(figures) >= 6
    for fact in figures.values():
        row = row_of(mss_page, fact["kind"])
        hrefs = links(row)
        for citation in fact["citations"]:
            assert citation["href"] in hrefs, fact["id"]
        quantity = fact["quantity"]
        if quantity and quantity["value"] is not None:
            value = quantity["value"]
            if quantity["unit"] == "USD":
                expected = f"${value / 1_000_000:g} million"
            elif quantity["unit"] == "percent":
                expected = f"{value:g}%"
            else:
                expected = f"{value:,} {quantity['unit']}"
            assert expected in row.text, (expected, row.text)
        if fact["derived"]:
            assert "derived" in row.text.lower()
            assert "not stated by the source" in row.text
        elif quantity and quantity["as_stated"]:
            # The source's own words, as the figure itself or quoted beside it.
            assert quantity["as_stated"] in row.text
        if fact["country"]:
            assert fact["country"]["name"] in row.text


def test_derived_figures_give_their_formula_in_words(
    mss: dict[str, Any], mss_page: Element
) -> None:
    allocated = mss["key_figures"]["funding_allocated"]
    assert allocated["derived"]
    text = row_of(mss_page, "funding.allocated").text
    # received - unallocated, named by what the inputs are
    assert "funds received minus funds unallocated" in text
    assert allocated["derivation"]["formula"] not in text  # ids are not words


def test_deployed_against_planned_in_words(mss: dict[str, Any], mss_page: Element) -> None:
    deployed = mss["key_figures"]["personnel_deployed"]["quantity"]
    planned = mss["key_figures"]["personnel_planned"]["quantity"]
    expected = f"{deployed['value']:,} of {planned['value']:,} planned {planned['unit']}"
    headline = mss_page.find("p", class_="headline")
    assert expected in headline.text


def test_mission_without_figures_shows_them_as_unknown(client: TestClient) -> None:
    detail = client.get("/missions/un-support-office").json()
    unknown = detail["key_figures"]["unknown"]
    assert unknown, "this mission has no key figures in the seed"
    tree = page(client, "/missions/un-support-office")
    kinds = {
        "personnel_deployed": "personnel.deployed",
        "funding_received": "funding.received",
        "mandate_end": "mission.mandate_end",
    }
    for name, kind in kinds.items():
        if name in unknown:
            row = row_of(tree, kind)
            value = row.find_all("td")[0]
            assert value.text.startswith("unknown"), row.text
            assert "0" not in value.text


def test_donors_listed_as_partial_with_unknown_amounts(
    client: TestClient, mss_page: Element
) -> None:
    donors = client.get("/missions/mss/donors").json()
    assert donors["list_complete"] is False
    section = mss_page.find("section", id="funding")
    assert "list partial" in section.text
    for donor in donors["items"]:
        row = next(r for r in section.find_all("tr") if donor["country"]["name"] in r.text)
        assert donor["quantity"]["value"] is None
        assert "unknown" in row.text
        assert donor["quantity"]["unknown_reason"] in row.text


def test_contributors_with_completeness_as_the_source_gives_it(
    client: TestClient, mss_page: Element
) -> None:
    contributors = client.get("/missions/mss/contributors").json()
    section = mss_page.find("section", id="contributors")
    expected = {None: "completeness not stated", False: "list partial", True: "list complete"}
    assert expected[contributors["list_complete"]] in section.text
    names = [r.find("th").text for r in section.find("tbody").find_all("tr")]
    assert names == [fact["country"]["name"] for fact in contributors["items"]]


def test_displacement_and_indicators_keep_their_qualifiers(
    client: TestClient, mss: dict[str, Any], mss_page: Element
) -> None:
    iso3 = mss["host_country"]["iso3"]
    facts = [
        *client.get("/displacement-events", params={"country": iso3}).json()["items"],
        *client.get("/indicators", params={"country": iso3}).json()["items"],
    ]
    qualifiers = {fact["quantity"]["qualifier"] for fact in facts}
    assert {"at_least", "estimate"} <= qualifiers
    section = mss_page.find("section", id="situation")
    for fact in facts:
        row = next(r for r in section.find_all("tr") if fact["citations"][0]["href"] in links(r))
        stated = fact["quantity"]["as_stated"]
        # "over 6,000 people", "an estimated 85%": the qualifier is in the figure itself.
        figure = row.find("strong", class_="figure").text
        assert figure.lower() == stated.lower(), (figure, stated)


def test_dates_are_shown_at_their_precision(client: TestClient, mss_page: Element) -> None:
    timeline = client.get("/missions/mss/timeline").json()["items"]
    precisions = {fact["date"]["precision"] for fact in timeline}
    assert {"day", "month"} <= precisions
    times = {
        t.attrs["datetime"]: t.text
        for t in mss_page.find("section", id="timeline").iter()
        if t.tag == "time"
    }
    for fact in timeline:
        value = fact["date"]["value"]
        parts = [int(p) for p in value.split("-")]
        month = calendar.month_name[parts[1]] if len(parts) > 1 else ""
        expected = " ".join(str(p) for p in (*parts[2:], month, parts[0]) if p)
        assert times[value].endswith(expected), (times[value], expected)
        if len(parts) == 2:
            assert not re.search(rf"\d {month}", times[value]), "a month shown with a day"


def test_positions_name_who_took_them_or_say_it_is_unknown(
    client: TestClient, mss_page: Element
) -> None:
    positions = client.get("/missions/mss/positions").json()["items"]
    tables = mss_page.find("section", id="positions").find_all("tbody")
    council, others = ([row for row in t.find_all("tr")] for t in tables)
    # Countries' stances, set in the Council's debate, first; the rest under their own heading.
    in_order = [f for f in positions if f["country"]] + [f for f in positions if not f["country"]]
    assert len(council) == sum(1 for f in positions if f["country"])
    for fact, row in zip(in_order, council + others, strict=True):
        who = row.find("th").text
        holder = fact["country"] or fact["actor"]
        assert who.startswith(holder["name"]) if holder else who.startswith("unknown")
    assert "Other positions" in mss_page.find("section", id="positions").text


def test_open_questions_and_proposals_are_listed(client: TestClient, mss_page: Element) -> None:
    proposals = client.get("/missions/mss/proposals", params={"limit": 500}).json()["items"]
    open_questions = [f for f in proposals if f["kind"] == "proposal.open_question"]
    assert open_questions
    section = mss_page.find("section", id="open-questions")
    for fact in open_questions:
        assert fact["summary"] in section.text
    others = mss_page.find("section", id="proposals").text
    assert all(f["summary"] in others for f in proposals if f not in open_questions)


@pytest.mark.parametrize("resource", ["funding", *MISSION_SECTIONS, "proposals"])
def test_every_fact_of_every_section_is_cited_on_the_page(
    client: TestClient, mss_page: Element, resource: str
) -> None:
    params = {} if resource == "funding" else {"limit": 500}  # funding is not a list
    body = client.get(f"/missions/mss/{resource}", params=params).json()
    hrefs = links(mss_page)
    facts = list(walk_facts(body))
    assert facts
    for fact in facts:
        assert any(c["href"] in hrefs for c in fact["citations"]), fact["id"]


def test_each_section_links_its_json_and_csv(mss_page: Element) -> None:
    hrefs = links(mss_page)
    for resource in [*MISSION_SECTIONS, "donors", "proposals"]:
        url = f"/missions/mss/{resource}"
        assert url in hrefs and f"{url}?format=csv" in hrefs, resource
    assert {"/docs", "/redoc"} <= hrefs


# --- The fact sheet ------------------------------------------------------------------------


def test_fact_sheet_lists_every_mission_with_its_figures(
    client: TestClient, missions: list[dict[str, Any]], mss: dict[str, Any]
) -> None:
    tree = page(client, "/")
    for mission in missions:
        section = tree.find("section", id=mission["slug"])
        assert mission["label"] in section.find("h2").text
        assert mission["href"] in links(section)
    section = tree.find("section", id="mss")
    for resource in ("personnel", "funding"):
        url = f"/missions/mss/{resource}"
        assert {url, f"{url}?format=csv"} <= links(section)
    for fact in (v for k, v in mss["key_figures"].items() if k != "unknown" and v):
        assert fact["citations"][0]["href"] in links(section), fact["id"]
    assert {"/docs", "/redoc"} <= links(tree)


def test_fact_sheet_says_which_figures_are_unknown(
    client: TestClient, missions: list[dict[str, Any]]
) -> None:
    tree = page(client, "/")
    for mission in missions:
        unknown = client.get(mission["href"]).json()["key_figures"]["unknown"]
        section = tree.find("section", id=mission["slug"])
        if unknown:
            note = section.find("p", class_="unknown-figures").text
            assert "unknown" in note
            assert len(note.split(":", 1)[1].split(",")) == len(unknown)


@pytest.mark.parametrize("path", ["/", "/missions/mss"])
def test_pages_show_the_charts_with_their_description_as_alt_text(
    client: TestClient, path: str
) -> None:
    images = {img.attrs["src"]: img for img in page(client, path).find_all("img")}
    for name in ("personnel", "funding", "timeline"):
        src = f"/missions/mss/charts/{name}.svg"
        assert src in images, src
        desc = ET.fromstring(client.get(src).content).find(f"{{{SVG}}}desc")
        assert desc is not None and desc.text
        assert images[src].attrs["alt"] == desc.text


# --- The source page -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/sources/{SOURCE_ID}").json()
    return body


@pytest.fixture(scope="module")
def source_page(client: TestClient) -> Element:
    return page(client, f"/sources/{SOURCE_ID}")


def test_source_page_shows_the_whole_text_escaped(
    source: dict[str, Any], source_page: Element
) -> None:
    text = source_page.find("div", class_="source-text").raw_text
    assert text == source["text"]


def test_every_cited_span_is_a_target_holding_its_quote(
    source: dict[str, Any], source_page: Element
) -> None:
    body = source_page.find("div", class_="source-text")
    assert source["citations"]
    for citation in source["citations"]:
        anchor = f"cite-{citation['start']}-{citation['end']}"
        element = body.find(id=anchor)
        assert "cite" in element.classes
        pieces = [element, *body.find_all(data_continues=anchor)]
        assert "".join(p.raw_text for p in pieces) == citation["quote"], anchor
        assert citation["href"].endswith(f"#{anchor}")


def test_quotes_that_cross_are_highlighted_in_every_piece(source_page: Element) -> None:
    pieces = source_page.where(lambda element: "data-continues" in element.attrs)
    continued = {piece.attrs["data-continues"] for piece in pieces}
    style = "".join(s.raw_text for s in source_page.find_all("style"))
    assert continued, "the seed has quotes that share words"
    for anchor in continued:
        assert f"#{anchor}:target" in style


def test_every_citation_on_the_mission_pages_lands_on_the_source_page(
    client: TestClient, missions: list[dict[str, Any]], source_page: Element
) -> None:
    anchors = {e.attrs["id"] for e in source_page.iter() if "cite" in e.classes}
    for mission in missions:
        hrefs = [h for h in links(page(client, mission["href"])) if "#cite-" in h]
        assert hrefs
        for href in hrefs:
            path, anchor = href.split("#")
            assert path == f"/sources/{SOURCE_ID}"
            assert anchor in anchors, href


def test_source_page_links_the_original_and_names_its_date(
    source: dict[str, Any], source_page: Element
) -> None:
    assert source["url"] in links(source_page)
    year, month, day = (int(p) for p in source["published"]["value"].split("-"))
    assert f"on or after {day} {calendar.month_name[month]} {year}" in source_page.text


# --- Structure, accessibility, self-containment ---------------------------------------------


ALL_PAGES = [*PAGES, "/missions/un-support-office", "/missions/earlier-un-peacekeeping-missions"]


@pytest.mark.parametrize("path", ALL_PAGES)
def test_headings_start_at_one_h1_and_never_skip_a_level(client: TestClient, path: str) -> None:
    tree = page(client, path)
    levels = [int(e.tag[1]) for e in tree.iter() if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


@pytest.mark.parametrize("path", ALL_PAGES)
def test_tables_have_captions_and_headers(client: TestClient, path: str) -> None:
    for table in page(client, path).find_all("table"):
        assert table.find("caption").text
        assert [th.attrs.get("scope") for th in table.find("thead").find_all("th")] == (
            ["col"] * len(table.find("thead").find_all("th"))
        )
        for row in table.find("tbody").find_all("tr"):
            assert row.find("th").attrs.get("scope") == "row"


@pytest.mark.parametrize("path", ALL_PAGES)
def test_pages_load_nothing_from_elsewhere(client: TestClient, path: str) -> None:
    tree = page(client, path)
    html = tree.find("html")
    assert html.attrs["lang"] == "en"
    assert tree.find("meta", name="viewport")
    assert not tree.find_all("script"), "the pages need no JavaScript"
    for element in tree.iter():
        for attribute in ("src", "srcset", "poster", "data"):
            if attribute in element.attrs:
                assert element.attrs[attribute].startswith("/"), element
        if element.tag == "link" and element.attrs.get("type") == "application/json+oembed":
            # oEmbed discovery: no browser loads it; a CMS reads its own origin's address.
            assert element.attrs["href"].startswith("http://testserver/oembed?"), element
            assert client.get(element.attrs["href"]).json()["type"] == "rich"
        elif element.tag == "link":
            assert element.attrs["href"].startswith("/"), element
            assert client.get(element.attrs["href"]).status_code == 200
    for style in tree.find_all("style"):
        assert "url(" not in style.raw_text and "@import" not in style.raw_text
    external = {h for h in links(tree) if not h.startswith(("/", "#"))}
    sources = {s["url"] for s in client.get("/sources").json()["items"]}
    assert external <= sources, external - sources


def test_stylesheet_uses_system_fonts_and_highlights_targets(client: TestClient) -> None:
    css = client.get("/static/site/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@font-face" not in css.text and "url(" not in css.text
    assert ".cite:target" in css.text


def test_citations_of_every_response_are_linked_somewhere_in_the_pages(
    client: TestClient, missions: list[dict[str, Any]]
) -> None:
    """Every figure of the mission pages links to a quote; none of them is left uncited."""
    shown = set()
    for mission in missions:
        shown |= links(page(client, mission["href"]))
    for mission in missions:
        for name in ("", "/funding", "/contributors", "/positions", "/timeline", "/needs"):
            body = client.get(mission["href"] + name).json()
            for citation in walk_citations(body.get("key_figures", body)):
                assert citation["href"] in shown, citation["href"]


def test_redoc_bundle_reaches_for_no_cdn(client: TestClient) -> None:
    redoc = parse_html(client.get("/redoc").text)
    bundle_url = next(s.attrs["src"] for s in redoc.find_all("script") if "src" in s.attrs)
    bundle = client.get(bundle_url)
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert "cdn.redoc.ly" not in bundle.text


def test_favicon_is_served_for_documents_that_name_none(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert ET.fromstring(icon.content).tag == f"{{{SVG}}}svg"
