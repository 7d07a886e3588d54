"""CSV for every list and for a mission's funding, the HXL hashtag row, and format choice."""

import csv
import io
from typing import Any

import hxl
import pytest
from fastapi.testclient import TestClient

from app.api.routes import listing
from tests.support.endpoints import LIST_PATHS
from tests.support.helpers import assert_problem

CSV_PATHS = [*LIST_PATHS, "/missions/mss/funding"]
# HXL core hashtags this API uses (hxlstandard.org dictionary): each column's base tag is one.
HXL_CORE = {"#meta", "#indicator", "#description", "#org", "#country", "#status", "#loc",
            "#cause", "#value", "#affected", "#date"}  # fmt: skip


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def csv_of(client: TestClient, path: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(path, params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.text)))


def json_items(client: TestClient, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    funding = path.endswith("/funding")  # one record, not a list: it takes no `limit`
    body = client.get(path, params=params if funding else {**params, "limit": 500}).json()
    if "items" in body:
        return body["items"]
    return [f for f in (body["received"], body["unallocated"], body["allocated"], body["need"])
            if f] + body["donors"]["items"]  # fmt: skip


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("path", CSV_PATHS)
def test_csv_holds_the_same_records_as_the_json(client: TestClient, path: str) -> None:
    path, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&") if p)
    rows = csv_of(client, path, **params)
    items = json_items(client, path, params)
    key = next(k for k in ("id", "slug", "iso3") if k in rows[0])
    assert sorted(r[key] for r in rows) == sorted(i[key] for i in items)
    by_key = {item[key]: item for item in items}
    for row in rows:
        item = by_key[row[key]]
        if "quantity" in item:  # a fact: its flattened parts equal the JSON's
            quantity, when = item["quantity"] or {}, item["date"] or {}
            assert row["value"] == cell(quantity.get("value"))
            assert row["qualifier"] == cell(quantity.get("qualifier"))
            assert row["as_stated"] == cell(quantity.get("as_stated"))
            assert row["lower_bound"] == cell(quantity.get("lower_bound"))
            assert row["date"] == cell(when.get("value"))
            assert row["date_precision"] == cell(when.get("precision"))
            assert row["derived"] == cell(item["derived"])
            assert row["quote"] == item["citations"][0]["quote"]
            assert row["source_url"] == item["citations"][0]["source_url"]
            assert row["caveats"].split() == [c["code"] for c in item["caveats"]]


def test_csv_quotes_commas_quotes_and_keeps_unicode(client: TestClient) -> None:
    rows = csv_of(client, "/facts")
    quotes = [row["quote"] for row in rows]
    assert any("," in q for q in quotes) and any("\u2019" in q for q in quotes)
    assert any('"' in row["summary"] for row in rows)  # "dual-track strategy"
    raw = client.get("/facts", params={"format": "csv"}).content
    assert "\u2019".encode() in raw  # UTF-8, not escaped or transcoded


def test_accept_header_selects_csv_and_json_stays_the_default(client: TestClient) -> None:
    by_accept = client.get("/facts", headers={"Accept": "text/csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert by_accept.text == client.get("/facts", params={"format": "csv"}).text
    preferring_json = client.get("/facts", headers={"Accept": "application/json, text/csv;q=0.5"})
    assert preferring_json.headers["content-type"] == "application/json"
    assert client.get("/facts").headers["content-type"] == "application/json"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/facts", headers={"Accept": browser}).headers["content-type"] == (
        "application/json"
    )


@pytest.mark.parametrize("value", ["xml", "CSV", "xlsx", "json;", ""])
def test_unknown_format_is_a_422_listing_the_allowed(client: TestClient, value: str) -> None:
    body = assert_problem(client.get("/facts", params={"format": value}), 422)
    assert "json, csv" in body["errors"][0]["msg"]


def test_hxl_row_is_valid_hxl(client: TestClient) -> None:
    response = client.get("/displacement-events", params={"format": "csv", "hxl": "true"})
    header, tags, *rows = read_csv(response.text)
    assert len(header) == len(tags) and rows
    for tag in tags:
        assert tag.split("+")[0] in HXL_CORE, tag
    dataset = hxl.data(hxl.input.make_input(io.BytesIO(response.content)))
    assert [column.display_tag for column in dataset.columns] == tags
    records = list(dataset)
    assert records[0].get("#affected+idps+num") == "6000"
    assert records[0].get("#country+code") == "HTI"
    assert records[0].get("#date+occurred") == "2025-02-25"
    funding = client.get("/missions/mss/funding", params={"format": "csv", "hxl": "true"})
    funding_tags = read_csv(funding.text)[1]
    assert "#value+funding+usd" in funding_tags and "#meta+source" in funding_tags
    assert_problem(client.get("/facts", params={"hxl": "true"}), 422)  # HXL is a CSV row


def test_csv_without_limit_streams_the_whole_list_in_batches(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "STREAM_BATCH", 4)
    ids = [row["id"] for row in csv_of(client, "/facts", sort="-date")]
    walked = []
    url: str | None = "/facts?sort=-date&limit=500"
    while url:
        page = client.get(url).json()
        walked += [f["id"] for f in page["items"]]
        url = page["next"]
    assert ids == walked and len(ids) > 50


@pytest.mark.parametrize("output", ["csv", "ndjson"])
def test_a_whole_list_that_fits_in_one_batch_comes_with_its_length(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    # A short list is answered whole, so a client knows its size; a longer one is streamed.
    asked = {
        "params": {"format": output, "sort": "-date"},
        "headers": {"Accept-Encoding": "identity"},
    }
    whole = uncached.get("/facts", **asked)
    assert whole.headers["content-length"] == str(len(whole.content))
    monkeypatch.setattr(listing, "STREAM_BATCH", 4)
    streamed = uncached.get("/facts", **asked)
    assert "content-length" not in streamed.headers
    assert streamed.content == whole.content


def test_csv_with_a_limit_is_one_page_with_a_link_to_the_next(client: TestClient) -> None:
    first = client.get("/facts", params={"format": "csv", "limit": 5})
    assert len(read_csv(first.text)) == 1 + 5
    next_url = first.headers["link"].split(">")[0].lstrip("<")
    second = client.get(next_url)
    assert second.headers["content-type"].startswith("text/csv")
    ids = [row[0] for row in read_csv(first.text)[1:] + read_csv(second.text)[1:]]
    json_ids = [f["id"] for f in client.get("/facts", params={"limit": 10}).json()["items"]]
    assert ids == json_ids
