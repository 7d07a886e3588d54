"""Valid JSON, hostile content: formulas for spreadsheets, numbers no double holds, control
characters that break XML, links that run script, repeated quotes, deep nesting, texts too
big to index, timestamps outside any calendar, conditional requests that would hide errors."""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.formats import FORMULA_STARTS
from app.domain.search_text import MAX_INDEX_BYTES
from app.middleware.json_guard import MAX_DEPTH
from tests.support.db_state import database_state
from tests.support.editing import TEST_SOURCE_ID, Editor, fixture_source, personnel_fact
from tests.support.helpers import assert_problem

# Texts that spreadsheets would run: a formula, a command, a lookup, an SQL-ish sum, a tab.
FORMULAS = [
    '=HYPERLINK("https://example.org/x","click")',
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tleading tab",
]
FORMULA_TEXT = (
    "TEST FIXTURE, NOT A REAL SOURCE. "
    + " ".join(f"Cell {n}: {formula}" for n, formula in enumerate(FORMULAS[:4]))
    + " The fixture mission had 1,200 officers."
)


def _csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def _formula_fact(fact_id: str, summary: str, quote: str) -> dict[str, Any]:
    return personnel_fact(
        fact_id,
        summary=summary,
        quantity={"value": -5, "unit": "officers", "qualifier": "exact"},
        date={"value": "2025-03"},
        cite=[{"quote": quote, "source": TEST_SOURCE_ID}],
    )


def test_no_csv_cell_is_a_formula_and_numbers_stay_numbers(editor: Editor) -> None:
    source = fixture_source(text=FORMULA_TEXT, title=FORMULAS[0], publisher=FORMULAS[1])
    assert editor.post("/sources", source).status_code == 201
    for number, formula in enumerate(FORMULAS[:4]):
        fact = _formula_fact(f"test-formula-{number}", formula, formula)
        assert editor.post("/facts", fact).status_code == 201, formula
    # A correction's reason lands in the change feed's CSV.
    patch = {"reason": FORMULAS[3], "summary": FORMULAS[4]}
    response = editor.client.patch(
        "/facts/test-formula-0",
        content=json.dumps(patch),
        headers={**editor.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text

    tables = {
        "facts": _csv_rows(editor.client.get("/facts?format=csv&mission=mss")),
        "sources": _csv_rows(editor.client.get("/sources?format=csv")),
        "changes": _csv_rows(editor.client.get("/changes?format=csv")),
        "search": _csv_rows(editor.client.get("/search?q=cell&format=csv")),
        "personnel": _csv_rows(editor.client.get("/missions/mss/personnel?format=csv")),
    }
    seen_formulas = 0
    for name, rows in tables.items():
        assert rows, name
        for row in rows:
            for column, cell in row.items():
                if column in ("value", "lower_bound", "upper_bound") and cell:
                    float(cell)  # numeric cells are plain numbers, negatives included
                    continue
                assert not cell.startswith(FORMULA_STARTS), (name, column, cell)
                if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                    seen_formulas += 1
    assert seen_formulas >= 10  # the hostile texts are there, neutralized, not dropped
    facts = {row["id"]: row for row in tables["facts"]}
    assert facts["test-formula-1"]["value"] == "-5"
    assert facts["test-formula-1"]["summary"] == "'" + FORMULAS[1]
    assert facts["test-formula-0"]["summary"] == "'" + FORMULAS[4]
    sources = {row["id"]: row for row in tables["sources"]}
    assert sources[TEST_SOURCE_ID]["title"] == "'" + FORMULAS[0]
    # The JSON keeps the text exactly as sent.
    assert editor.client.get("/facts/test-formula-1").json()["summary"] == FORMULAS[1]


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]
INEXACT = ["9007199254740993", "123456789012345678901234567890", "0.1000000000000000000001"]


@pytest.mark.parametrize("number", NON_FINITE + INEXACT)
def test_numbers_that_cannot_be_stored_as_sent_are_422_on_every_write(
    editor: Editor, number: str
) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    before = database_state(editor.url)
    fact = json.dumps(personnel_fact("test-number", quantity={"value": 1, "unit": "officers"}))
    fact = fact.replace('"value": 1,', f'"value": {number},', 1)
    correction = json.dumps({**personnel_fact(), "reason": "Test fixture correction"})
    correction = correction.replace('"value": 1200,', f'"value": {number},', 1)
    patch = json.dumps({"reason": "Test fixture correction", "quantity": {"value": 0}})
    patch = patch.replace('"value": 0', f'"value": {number}')
    writes = [
        ("POST", "/facts", fact, "application/json"),
        ("PUT", "/facts/test-personnel-march", correction, "application/json"),
        ("PATCH", "/facts/test-personnel-march", patch, "application/merge-patch+json"),
    ]
    for method, path, body, content_type in writes:
        assert number in body
        headers = {**editor.auth, "Content-Type": content_type}
        response = editor.client.request(method, path, content=body, headers=headers)
        problem = assert_problem(response, 422)
        assert problem["errors"], (method, problem)
    assert database_state(editor.url) == before


# Characters no XML document can hold, each sent as a JSON escape.
REFUSED_CHARACTERS = {
    "C0 control": "\\u0001",
    "escape (terminal colours)": "\\u001b[31m",
    "carriage return": "\\r",
    "vertical tab": "\\u000b",
    "DEL": "\\u007f",
    "C1 control (NEL)": "\\u0085",
    "lone surrogate": "\\ud800",
    "noncharacter": "\\uffff",
    "NUL": "\\u0000",
}


@pytest.mark.parametrize("escaped", REFUSED_CHARACTERS.values(), ids=REFUSED_CHARACTERS.keys())
def test_control_characters_are_refused_in_every_text_field(editor: Editor, escaped: str) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    before = database_state(editor.url)
    marker = "MARKER"
    bodies = [
        ("POST", "/sources", fixture_source(id="test-only-other", title=marker, text="Other.")),
        ("POST", "/sources", fixture_source(id="test-only-other", text=f"Other {marker}.")),
        ("POST", "/sources", fixture_source(id="test-only-other", not_citable=[marker])),
        ("POST", "/facts", personnel_fact("test-text", summary=marker)),
        ("POST", "/facts", personnel_fact("test-text", place=marker)),
        ("PUT", "/facts/test-personnel-march", {**personnel_fact(), "reason": marker}),
        ("PATCH", "/facts/test-personnel-march", {"reason": "Fixture", "cause": marker}),
        ("PATCH", "/facts/test-personnel-march", {"reason": "Fixture", marker: "x"}),
    ]
    for method, path, body in bodies:
        raw = json.dumps(body).replace(marker, f"a{escaped}b")
        headers = {**editor.auth, "Content-Type": "application/json"}
        response = editor.client.request(method, path, content=raw, headers=headers)
        assert_problem(response, 422)
    response = editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "a\x01b"}, headers=editor.auth
    )
    assert_problem(response, 422)
    assert database_state(editor.url) == before


# Accepted, and hostile to whoever writes them into markup without escaping.
HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    "]]><!-- -->&amp;&#0;",
    "\"' onload='alert(1)",
    "\u202eevil\u202c right-to-left override",
    "tab\there and\nnew line",
    "emoji \U0001f600 and a combining e\u0301",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY y 'z'>]>&y;",
]


def _xml_outputs(client: TestClient) -> dict[str, bytes]:
    paths = [
        "/changes.atom",
        "/missions/mss/charts/personnel.svg",
        "/missions/mss/charts/funding.svg",
        "/missions/mss/charts/timeline.svg",
    ]
    outputs = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        outputs[path] = response.content
    return outputs


def test_every_xml_output_stays_well_formed_after_hostile_writes(editor: Editor) -> None:
    text = "TEST FIXTURE, NOT A REAL SOURCE. " + " ".join(
        f"Item {n}: {s} had 1,{n}00 officers." for n, s in enumerate(HOSTILE_STRINGS)
    )
    source = fixture_source(text=text, title=HOSTILE_STRINGS[0], publisher=HOSTILE_STRINGS[1])
    assert editor.post("/sources", source).status_code == 201
    for number, hostile in enumerate(HOSTILE_STRINGS):
        fact = personnel_fact(
            f"test-hostile-{number}",
            summary=hostile,
            place=hostile,
            quantity={"value": 1000 + number * 100, "unit": "officers", "qualifier": "exact"},
            date={"value": f"2025-0{number % 9 + 1}", "as_stated": None},
            cite=[{"quote": f"Item {number}: {hostile}", "source": TEST_SOURCE_ID}],
        )
        response = editor.post("/facts", fact)
        assert response.status_code == 201, response.text
        patch = {"reason": f"Fixture {hostile}", "cause": hostile}
        response = editor.client.patch(
            f"/facts/test-hostile-{number}", json=patch, headers=editor.auth
        )
        assert response.status_code == 200, response.text
    outputs = _xml_outputs(editor.client)
    for body in outputs.values():
        ElementTree.fromstring(body)  # raises on a document that is not well-formed
    feed = outputs["/changes.atom"].decode()
    assert "<script>" not in feed and "&lt;script&gt;" in feed
    # The HTML pages escape them too: no hostile markup survives as markup.
    for path in ("/", "/missions/mss", f"/sources/{TEST_SOURCE_ID}"):
        page = editor.client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200, path
        assert "<script>alert(1)" not in page.text, path


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/file",
        "https:example.org",
        "//example.org/page",
        "https://",
        "https://exa mple.org/",
    ],
)
def test_a_source_url_must_be_a_web_address(editor: Editor, url: str) -> None:
    before = database_state(editor.url)
    problem = assert_problem(editor.post("/sources", fixture_source(url=url)), 422)
    assert problem["errors"][0]["loc"][-1] == "url"
    assert database_state(editor.url) == before


def test_web_addresses_are_accepted(editor: Editor) -> None:
    assert (
        editor.post("/sources", fixture_source(url="HTTP://example.org/a?b=c")).status_code == 201
    )


def test_the_same_quote_twice_is_a_422_and_the_same_span_twice_is_one_citation(
    editor: Editor,
) -> None:
    editor.with_source()
    quote = "By March 2025 the mission had 1,200 officers in the country"
    before = database_state(editor.url)
    twice = [{"quote": quote, "source": TEST_SOURCE_ID}] * 2
    problem = assert_problem(editor.post("/facts", personnel_fact(cite=twice)), 422)
    assert "cite each quote once" in problem["detail"]
    assert database_state(editor.url) == before
    same_span = [
        {"quote": quote, "source": TEST_SOURCE_ID},
        {"quote": quote, "source": TEST_SOURCE_ID, "occurrence": 1},
    ]
    response = editor.post("/facts", personnel_fact(cite=same_span))
    assert response.status_code == 201, response.text
    assert len(response.json()["citations"]) == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200, 5000, 100_000])
def test_json_nested_past_the_limit_is_400_never_a_500(editor: Editor, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = json.dumps(personnel_fact()).replace('"place"', '"x"')[:-1] + f', "topic": {nested}}}'
    for method, path in (("POST", "/facts"), ("PATCH", "/facts/mss-funding-received")):
        headers = {**editor.auth, "Content-Type": "application/json"}
        response = editor.client.request(method, path, content=body, headers=headers)
        problem = assert_problem(response, 400)
        assert f"more than {MAX_DEPTH} levels" in problem["detail"]


def test_nesting_up_to_the_limit_reaches_the_input_checks(editor: Editor) -> None:
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    body = json.dumps({"id": "x", "topic": "placeholder"}).replace('"placeholder"', nested)
    headers = {**editor.auth, "Content-Type": "application/json"}
    response = editor.client.post("/facts", content=body, headers=headers)
    assert_problem(response, 422)  # read, then refused by the fact's own rules


def test_a_text_too_big_for_the_search_index_is_413_on_every_engine(editor: Editor) -> None:
    numbers = " ".join(str(n) for n in range(10**5, 10**5 + 130_000))  # 900 KB, all distinct
    before = database_state(editor.url)
    response = editor.post("/sources", fixture_source(text=numbers))
    problem = assert_problem(response, 413)
    assert str(MAX_INDEX_BYTES) in problem["detail"]
    assert database_state(editor.url) == before
    # A long text of ordinary words is indexed and found.
    prose = "TEST FIXTURE. " + "The fixture mission counted its officers again. " * 8000
    response = editor.post("/sources", fixture_source(id="test-only-long", text=prose))
    assert response.status_code == 201, response.text[:300]
    found = editor.client.get("/search", params={"q": "counted officers"}).json()
    assert "test-only-long" in [hit["id"] for hit in found["items"]]


def test_a_huge_invalid_value_is_not_echoed_back(editor: Editor) -> None:
    editor.with_source()
    huge = "k" * 500_000
    response = editor.post("/facts", personnel_fact(kind=huge))
    assert_problem(response, 422)
    assert len(response.content) < 5_000
    response = editor.post("/facts", {huge: 1, **personnel_fact()})
    assert_problem(response, 422)
    assert len(response.content) < 5_000


OUT_OF_RANGE = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00"]
TIMED_PATHS = [
    "/facts",
    "/facts/mss-funding-received",
    "/facts/mss-funding-received/history",
    "/missions/mss",
    "/missions/mss/funding",
    "/missions/mss/personnel",
    "/search?q=haiti",
    "/sources",
    "/countries/HTI",
    "/changes",
    "/changes.atom",
]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_timestamps_outside_the_calendar_are_422_everywhere(
    client: TestClient, moment: str
) -> None:
    for path in TIMED_PATHS:
        joiner = "&" if "?" in path else "?"
        response = client.get(f"{path}{joiner}as_of={moment}")
        assert_problem(response, 422)
        assert response.json()["errors"][0]["loc"] == ["query", "as_of"], path
    for path in ("/changes", "/changes.atom"):
        response = client.get(path, params={"since": moment})
        assert_problem(response, 422)
        assert response.json()["errors"][0]["loc"] == ["query", "since"], path


def test_if_none_match_star_never_hides_an_error(client: TestClient) -> None:
    star = {"If-None-Match": "*"}
    assert_problem(client.get("/facts/no-such-fact", headers=star), 404)
    assert_problem(client.get("/facts?limit=0", headers=star), 422)
    assert_problem(client.get("/missions/nowhere/funding", headers=star), 404)
    assert_problem(client.get("/facts?as_of=soon", headers=star), 422)
    # A representation that exists is "not modified" for `*`, cached or not.
    for _ in range(2):
        response = client.get("/missions/mss/funding", headers=star)
        assert response.status_code == 304 and response.content == b""
    assert client.get("/facts/mss-funding-received", headers=star).status_code == 304
    assert client.get("/missions/mss/funding").status_code == 200
