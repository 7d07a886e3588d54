"""The SVG charts: parsed as XML and checked against the JSON API's figures."""

import calendar
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.helpers import assert_problem

SVG = "http://www.w3.org/2000/svg"
CHARTS = ("personnel", "funding", "timeline")
CHART_PATHS = {f"/missions/{{slug}}/charts/{name}.svg" for name in CHARTS}


def ns(tag: str) -> str:
    return f"{{{SVG}}}{tag}"


def fetch(client: TestClient, slug: str, name: str) -> ET.Element:
    response = client.get(f"/missions/{slug}/charts/{name}.svg")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    return ET.fromstring(response.content)


def texts(svg: ET.Element, css_class: str | None = None) -> list[str]:
    return [
        t.text or ""
        for t in svg.iter(ns("text"))
        if css_class is None or t.get("class") == css_class
    ]


def bars(svg: ET.Element) -> dict[str, ET.Element]:
    return {
        r.get("data-figure", ""): r for r in svg.iter(ns("rect")) if "bar" in r.get("class", "")
    }


@pytest.fixture(scope="module")
def slugs(client: TestClient) -> list[str]:
    return [m["slug"] for m in client.get("/missions").json()["items"]]


@pytest.fixture(scope="module")
def key_figures(client: TestClient) -> dict[str, Any]:
    figures: dict[str, Any] = client.get("/missions/mss").json()["key_figures"]
    return figures


@pytest.fixture(scope="module")
def source(client: TestClient) -> dict[str, Any]:
    item: dict[str, Any] = client.get("/sources").json()["items"][0]
    return item


def test_every_chart_operation_is_documented_and_tested(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    charts = {path for path in paths if path.endswith(".svg")}
    assert charts == CHART_PATHS
    for path in charts:
        operation = paths[path]["get"]
        assert operation["tags"] == ["missions"]
        assert operation["summary"] and len(operation["description"]) > 80
        assert list(operation["responses"]["200"]["content"]) == ["image/svg+xml"]
        assert list(operation["responses"]["404"]["content"]) == ["application/problem+json"]


@pytest.mark.parametrize("name", CHARTS)
def test_unknown_mission_is_a_404_problem(client: TestClient, name: str) -> None:
    assert_problem(client.get(f"/missions/no-such-mission/charts/{name}.svg"), 404)
    assert_problem(client.get(f"/missions/Bad_Slug/charts/{name}.svg"), 422)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_accessible_sized_and_credited(
    client: TestClient, slugs: list[str], source: dict[str, Any], name: str
) -> None:
    year, month, day = (int(p) for p in source["published"]["value"].split("-"))
    published = f"{day} {calendar.month_name[month]} {year}"
    for slug in slugs:
        svg = fetch(client, slug, name)
        assert svg.tag == ns("svg")
        # <title> and <desc> come first, and the image is labelled by them.
        first, second = list(svg)[:2]
        assert first.tag == ns("title") and (first.text or "").strip()
        assert second.tag == ns("desc") and len(second.text or "") > 40
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{first.get('id')} {second.get('id')}"
        x, y, width, height = (float(v) for v in (svg.get("viewBox") or "").split())
        assert (x, y) == (0, 0) and width > 0 and height > 0
        assert float(svg.get("width") or 0) == 600
        assert float(svg.get("height") or 0) == pytest.approx(height * 600 / width, abs=0.1)
        # Every text lies inside the drawing.
        for text in svg.iter(ns("text")):
            assert 0 < float(text.get("y") or 0) <= height
        credit = " ".join(texts(svg, "credit"))
        assert "Source: " in credit and source["publisher"] in credit, credit
        assert published in credit
        assert "font-family" in svg.attrib and "url(" not in (svg.get("font-family") or "")
        assert not list(svg.iter(ns("image"))) and not list(svg.iter(ns("script")))


def test_personnel_chart_shows_the_key_figures(
    client: TestClient, key_figures: dict[str, Any]
) -> None:
    deployed = key_figures["personnel_deployed"]["quantity"]
    planned = key_figures["personnel_planned"]["quantity"]
    share = key_figures["personnel_deployed_share"]
    svg = fetch(client, "mss", "personnel")
    words = " ".join(texts(svg))
    assert f"Planned: {planned['value']:,} {planned['unit']}" in words
    assert f"Deployed: {deployed['value']:,} {deployed['unit']}" in words
    assert f"{share['quantity']['value']:g}% (derived:" in words
    drawn = bars(svg)
    ratio = float(drawn["Deployed"].get("width") or 0) / float(drawn["Planned"].get("width") or 1)
    assert ratio == pytest.approx(deployed["value"] / planned["value"], abs=0.005)
    title = svg.find(ns("title"))
    assert title is not None and f"{deployed['value']:,} of {planned['value']:,}" in (
        title.text or ""
    )


def test_funding_chart_marks_the_derived_part(
    client: TestClient, key_figures: dict[str, Any]
) -> None:
    funding = client.get("/missions/mss/funding").json()
    received = funding["received"]["quantity"]["value"]
    allocated = funding["allocated"]
    unallocated = funding["unallocated"]["quantity"]["value"]
    assert allocated["derived"] and received == key_figures["funding_received"]["quantity"]["value"]
    svg = fetch(client, "mss", "funding")
    drawn = bars(svg)
    full = float(drawn["Received"].get("width") or 0)
    part = drawn["Allocated"]
    assert "derived" in (part.get("class") or "").split()
    assert (part.get("fill") or "").startswith("url(#")  # hatched, not only coloured
    assert float(part.get("width") or 0) / full == pytest.approx(
        allocated["quantity"]["value"] / received, abs=0.005
    )
    assert float(drawn["Unallocated"].get("width") or 0) / full == pytest.approx(
        unallocated / received, abs=0.005
    )
    words = " ".join(texts(svg))
    assert f"${allocated['quantity']['value'] / 1e6:g} million (derived:" in words
    assert "hatched" in words
    if funding["need"] and funding["need"]["quantity"]["value"] is None:
        assert re.search(r"Still needed: unknown", words)


def test_timeline_chart_follows_the_json_timeline(client: TestClient, slugs: list[str]) -> None:
    for slug in slugs:
        events = client.get(f"/missions/{slug}/timeline").json()["items"]
        shown = texts(fetch(client, slug, "timeline"), "when")
        assert len(shown) == len(events), (slug, shown)
        for event, text in zip(events, shown, strict=True):
            parts = [int(p) for p in event["date"]["value"].split("-")]
            month = calendar.month_name[parts[1]] if len(parts) > 1 else ""
            expected = " ".join(str(p) for p in (*parts[2:], month, parts[0]) if p)
            assert expected in text, (expected, text)
            if event["date"]["precision"] != "day":
                assert f"({event['date']['precision']} only)" in text


def test_missing_figures_are_written_unknown_not_drawn_as_zero(client: TestClient) -> None:
    detail = client.get("/missions/un-support-office").json()
    assert "personnel_planned" in detail["key_figures"]["unknown"]
    svg = fetch(client, "un-support-office", "personnel")
    assert not bars(svg)
    assert any("Planned: unknown" in text for text in texts(svg))
