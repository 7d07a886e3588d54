"""One truth, every output: what the JSON says, the CSV, the cite text, the filters, the search
box, the pages and the OpenAPI document say too, and nothing is lost at the edges."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.domain.vocabulary import VOCABULARY, CaveatCode, FactKind, Group
from app.main import create_app
from app.settings import Settings
from app.writes.seed import load_seed
from tests.conftest import DatabaseFactory
from tests.support.editing import TEST_SOURCE_ID, Editor, personnel_fact
from tests.support.endpoints import rows_of_a_document
from tests.support.fixture_seed import MISSION, write_fixture_seed
from tests.support.helpers import assert_problem
from tests.support.html_tree import Element, parse_html

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def every_fact(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/facts", params={"limit": 500}).json()["items"]
    return items


def csv_rows(client: TestClient, path: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(path, params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def scalars(node: Any, skip: frozenset[str] = frozenset()) -> Iterator[Any]:
    """Every non-null scalar of a JSON value, nested ones included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from scalars(value, skip)
    elif isinstance(node, list):
        for value in node:
            yield from scalars(value, skip)
    elif node is not None:
        yield node


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def schema_of(client: TestClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


def fact_list_paths(client: TestClient) -> list[str]:
    """Every GET operation that answers a list of facts, with the mission's slug filled in."""
    paths = []
    for template, operations in schema_of(client)["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        ref = str(ok.get("content", {}).get("application/json", {}).get("schema", {}))
        if "FactList" in ref:
            paths.append(template.replace("{slug}", "mss"))
    return paths


# --- 2. One fact, every output: the CSV holds all the JSON holds ------------------------------

# The CSV writes record links (href) as the ids and codes they hold, and the caveats' sentences
# as their codes. A citation's selectors restate its quote and span, which are in the row, with
# the context around them: the first citation's context has columns of its own (checked below),
# the others' is the source text at their spans. Everything else of the JSON item is in its row.
NOT_IN_ROWS = frozenset({"href", "message", "source_url", "selectors"})


def test_every_fact_list_has_csv(client: TestClient) -> None:
    paths = fact_list_paths(client)
    assert len(paths) >= 10 and "/facts" in paths and "/missions/mss/positions" in paths


def test_the_csv_of_every_fact_list_holds_every_value_of_its_json(client: TestClient) -> None:
    for path in fact_list_paths(client):
        items = client.get(path, params={"limit": 500}).json()["items"]
        rows = {row["id"]: row for row in csv_rows(client, path)}
        assert sorted(rows) == sorted(item["id"] for item in items), path
        for item in items:
            row = rows[item["id"]]
            cells = set(row.values())
            text = "\n".join(row.values())
            for value in scalars(item, NOT_IN_ROWS):
                shown = cell_text(value)
                assert shown in cells or shown in text, (path, item["id"], value)
            quotes = row["quotes"].split("\n")
            assert quotes == [c["quote"] for c in item["citations"]], (path, item["id"])
            by_words = item["citations"][0]["selectors"][0]
            assert (row["quote_prefix"], row["quote_suffix"]) == (
                by_words["prefix"],
                by_words["suffix"],
            )
            assert row["caveats"].split() == [c["code"] for c in item["caveats"]]
            assert row["mission"] == (item["mission"] or {}).get("slug", "")
            assert row["mission_label"] == (item["mission"] or {}).get("label", "")


def csv_list_paths(client: TestClient) -> list[str]:
    """Every list that also answers CSV, with the mission's slug and a search filled in."""
    paths = []
    for template, operations in schema_of(client)["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        if "text/csv" in ok.get("content", {}) and not rows_of_a_document(template):
            paths.append(template.replace("{slug}", "mss"))
    return [path + "?q=mission" if path == "/search" else path for path in paths]


def test_the_csv_of_every_list_holds_every_value_of_its_json(client: TestClient) -> None:
    paths = csv_list_paths(client)
    assert {"/missions", "/sources", "/actors", "/countries", "/changes"} <= set(paths)
    for path in paths:
        base, _, query = path.partition("?")
        params = dict(part.split("=") for part in query.split("&") if part)
        items = client.get(base, params={**params, "limit": 500}).json()["items"]
        rows = csv_rows(client, base, **params)
        # A record's key: its id, slug or code; a citation's, its source and span.
        keys = next(([k] for k in ("id", "slug", "iso3") if k in items[0]), None)
        keys = keys or ["source_id", "start", "end"]
        listed = [[str(item[k]) for k in keys] for item in items]
        assert listed == [[row[k] for k in keys] for row in rows], path
        for item, row in zip(items, rows, strict=True):
            text = "\n".join(row.values())
            # Links are left out: each is built from an id or code that is in the row; so are
            # the selectors of a record's citations (see NOT_IN_ROWS), which a list of
            # citations holds in full.
            skipped = frozenset(
                {"message", "href"}
                | ({"selectors"} if '"citations"' in json.dumps(item) else set())
                # A citation's selectors name their type, the same for every row.
                | ({"type"} if "selectors" in item else set())
            )
            for value in scalars(item, skipped):
                assert cell_text(value) in text, (path, [item[k] for k in keys], value)


def test_positions_csv_says_previously_and_the_hashtags_come_from_the_kinds(
    client: TestClient,
) -> None:
    rows = csv_rows(client, "/missions/mss/positions")
    tenses = {row["country_iso3"]: row["tense"] for row in rows if row["country_iso3"]}
    assert tenses["USA"] == tenses["ECU"] == "previously"
    response = client.get("/displacement-events", params={"format": "csv", "hxl": "true"})
    header, tags = list(csv.reader(io.StringIO(response.text)))[:2]
    tag_of = dict(zip(header, tags, strict=True))
    displacement = VOCABULARY.kinds["displacement"]
    assert tag_of["value"] == displacement.value_tag == "#affected+idps+num"
    assert tag_of["date"] == displacement.date_tag == "#date+occurred"


def test_a_representation_an_endpoint_cannot_give_is_refused(client: TestClient) -> None:
    response = client.get("/missions/mss/personnel", params={"series": "true", "format": "csv"})
    assert_problem(response, 406)
    series = client.get("/missions/mss/personnel", params={"series": "true"}).json()
    # One envelope for every list, series included.
    assert {"items", "limit", "next", "next_cursor"} <= series.keys()
    assert series["mission"]["slug"] == "mss"
    assert all(s["kind_label"] for s in series["items"])


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/missions/mss", "text/csv"),
        ("/facts/mss-funding-received", "text/csv"),
        ("/missions/mss/personnel?series=true", "text/csv"),
        ("/facts", "image/png"),
        ("/health", "application/json;q=0, text/csv"),
    ],
)
def test_an_accept_header_that_allows_none_of_the_answers_is_a_406(
    client: TestClient, path: str, accept: str
) -> None:
    assert_problem(client.get(path, headers={"Accept": accept}), 406)


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        ("/facts", "text/csv", "text/csv"),
        ("/facts/mss-funding-received/cite", "text/plain", "text/plain"),
        ("/missions/mss/charts/timeline.svg", "image/svg+xml", "image/svg+xml"),
        ("/missions/mss", "*/*", "application/json"),
    ],
)
def test_each_representation_an_endpoint_offers_is_given_when_asked(
    client: TestClient, path: str, accept: str, media_type: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


# --- 3. Cite text -------------------------------------------------------------------------------


def cite_text(client: TestClient, fact_id: str) -> str:
    response = client.get(f"/facts/{fact_id}/cite", params={"format": "text"})
    assert response.status_code == 200
    return response.text


def test_cite_text_quotes_every_citation(client: TestClient) -> None:
    for fact in every_fact(client):
        text = cite_text(client, fact["id"])
        for citation in fact["citations"]:
            assert f"“{citation['quote']}”" in text, (fact["id"], citation["quote"])
    assert "China" in cite_text(client, "position-chn-raised-concerns")


def test_cite_text_of_a_derived_figure_gives_its_value_and_its_inputs(client: TestClient) -> None:
    text = cite_text(client, "mss-funding-allocated")
    assert "$62.8 million" in text and "calculated" in text
    for input_id in ("mss-funding-received", "mss-funding-unallocated"):
        stated = client.get(f"/facts/{input_id}").json()
        assert stated["citations"][0]["quote"] in text
    body = client.get("/facts/mss-funding-allocated/cite").json()
    assert [f["id"] for f in body["derived_from"]] == [
        "mss-funding-received",
        "mss-funding-unallocated",
    ]


def test_cite_text_says_who_the_source_attributes_the_claim_to(client: TestClient) -> None:
    assert "According to UN reports" in cite_text(client, "hti-displacement-recent-weeks-2025-02")


def test_a_title_read_from_the_address_is_never_quoted_as_a_headline(client: TestClient) -> None:
    source = client.get("/sources").json()["items"][0]
    assert source["title_derived"] is True
    text = cite_text(client, "mss-funding-received")
    assert source["title"] in text
    assert f'"{source["title"]}"' not in text and f"“{source['title']}”" not in text
    cited = client.get("/facts/mss-funding-received/cite").json()
    assert cited["source"]["title_derived"] is True


# --- 3. Dates as intervals ------------------------------------------------------------------


def test_every_date_exposes_its_interval(client: TestClient) -> None:
    by_id = {fact["id"]: fact for fact in every_fact(client)}
    recent = by_id["hti-displacement-recent-weeks-2025-02"]["date"]
    assert (recent["earliest"], recent["latest"]) == (None, "2025-02-25")
    cholera = by_id["earlier-missions-cholera-2010"]["date"]
    assert (cholera["earliest"], cholera["latest"]) == ("2010-01-01", "2010-12-31")
    mandate = by_id["mss-mandate-end"]["date"]
    assert (mandate["earliest"], mandate["latest"]) == ("2025-10-01", "2025-10-31")
    published = client.get("/sources").json()["items"][0]["published"]
    assert (published["earliest"], published["latest"]) == ("2025-02-25", None)


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2025-01-15", "2025-02-20"),
        ("2010-06-01", "2010-06-30"),
        ("2025-02-25", "2025-02-25"),
        ("2025-10-15", None),
        (None, "2009-12-31"),
        ("2025-03-01", "2025-09-30"),
    ],
)
def test_date_filters_match_every_overlapping_interval_and_within_only_what_is_inside(
    client: TestClient, date_from: str | None, date_to: str | None
) -> None:
    window = {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v}
    dated = [fact for fact in every_fact(client) if fact["date"] and fact["date"]["value"]]

    def meets(date: dict[str, Any]) -> bool:
        return (date_to is None or (date["earliest"] or "0000") <= date_to) and (
            date_from is None or (date["latest"] or "9999") >= date_from
        )

    def inside(date: dict[str, Any]) -> bool:
        if date["qualifier"] == "approximate":
            return False  # its interval is the likeliest period, not a bound
        return (date_from is None or (date["earliest"] or "0000") >= date_from) and (
            date_to is None or (date["latest"] or "9999") <= date_to
        )

    for match, rule in (("overlaps", meets), ("within", inside)):
        body = client.get("/facts", params={**window, "date_match": match, "limit": 500}).json()
        assert {f["id"] for f in body["items"]} == {f["id"] for f in dated if rule(f["date"])}


def test_a_date_resolved_elsewhere_says_so_and_its_chart_too(client: TestClient) -> None:
    letter = client.get("/facts/guterres-letter-to-security-council").json()
    assert "date_resolved_elsewhere" in [c["code"] for c in letter["caveats"]]
    assert "Voice of America" in letter["date"]["resolved_from"]
    chart = client.get("/missions/mss/charts/timeline.svg").text
    assert "Voice of America" in chart


# --- 3. Unknowns, caveat filter, list-wide caveats ------------------------------------------


def test_the_caveat_filter_lists_exactly_the_facts_carrying_the_caveat(client: TestClient) -> None:
    facts = every_fact(client)
    for code in CaveatCode:
        body = client.get("/facts", params={"caveat": code.value, "limit": 500}).json()
        expected = {f["id"] for f in facts if code.value in [c["code"] for c in f["caveats"]]}
        assert {f["id"] for f in body["items"]} == expected, code
    unknown = client.get("/facts", params={"caveat": "value_unknown", "limit": 500}).json()
    ids = {fact["id"] for fact in unknown["items"]}
    assert {"mss-contributor-jam", "mss-funding-need", "mss-donor-can"} <= ids
    assert len(ids) < len(facts)


def test_every_expected_figure_is_null_with_a_reason(client: TestClient) -> None:
    for contributor in client.get("/missions/mss/contributors").json()["items"]:
        # The source names each contributor but gives no count: null, with the reason.
        assert contributor["personnel"] is None and contributor["personnel_unknown_reason"]
        quantity = contributor["role_fact"]["quantity"]
        assert quantity["unit"] == "officers"
        assert quantity["value"] is None
        assert quantity["unknown_reason"] == contributor["personnel_unknown_reason"]
    funding = client.get("/missions/earlier-un-peacekeeping-missions/funding").json()
    for part in ("received", "unallocated", "allocated", "need"):
        assert funding[part] is None and funding["unknown"][part]
    mission = client.get("/missions/mss").json()
    named = {entry["fact_id"] for entry in mission["unknown"]}
    unknown = client.get("/facts", params={"caveat": "value_unknown", "mission": "mss"}).json()
    assert named >= {fact["id"] for fact in unknown["items"]}
    assert all(entry["reason"] for entry in mission["unknown"])


def test_list_caveats_are_said_of_the_whole_list(client: TestClient) -> None:
    for path in fact_list_paths(client):
        whole = client.get(path, params={"limit": 500}).json()
        page = client.get(path, params={"limit": 1}).json()
        assert page["caveats"] == whole["caveats"], path
        assert page["list_complete"] == whole["list_complete"], path
    proposals = client.get("/missions/mss/proposals", params={"limit": 3}).json()
    assert proposals["list_complete"] is False
    assert "list_partial" in [c["code"] for c in proposals["caveats"]]


# --- 3. Closed vocabularies and unknown parameters ------------------------------------------


def closed_parameters(client: TestClient) -> Iterator[tuple[str, str, list[str]]]:
    for template, operations in schema_of(client)["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            schema = parameter["schema"]
            branches = [schema, *schema.get("anyOf", [])]
            branches += [b["items"] for b in branches if isinstance(b.get("items"), dict)]
            enums = [b.get("enum") for b in branches if b.get("enum")]
            enums += [
                schema_of(client)["components"]["schemas"][b["$ref"].rsplit("/", 1)[1]]["enum"]
                for b in branches
                if "$ref" in b
            ]
            path = template.replace("{slug}", "mss")
            if enums and "{" not in path:
                yield path, parameter["name"], enums[0]


def test_every_closed_filter_refuses_an_unknown_value_naming_the_allowed(
    client: TestClient,
) -> None:
    seen = set()
    for path, name, allowed in closed_parameters(client):
        seen.add(name)
        problem = assert_problem(client.get(path, params={name: "no_such_value"}), 422)
        assert problem["errors"][0]["loc"] == ["query", name]
        assert all(value in problem["errors"][0]["msg"] for value in allowed), (path, name)
    assert {"stance", "kind", "caveat", "qualifier", "role", "status", "date_match"} <= seen


# --- 3. Search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("displaced", "hti-displacement-recent-weeks-2025-02"),  # the text says "displacing"
        ("displacements", "hti-displacement-recent-weeks-2025-02"),
        ("people displaced", "hti-displacement-recent-weeks-2025-02"),  # the kind's label
        ("territory controlled", "hti-gang-control-port-au-prince"),
        ("deploying", "mss-personnel-deployed"),
        ("Antonio", "guterres-we-must-act-quickly"),  # accents still folded
    ],
)
def test_search_finds_words_by_their_stem_and_kinds_by_their_label(
    client: TestClient, query: str, expected: str
) -> None:
    hits = client.get("/search", params={"q": query, "limit": 500}).json()["items"]
    assert expected in {hit["id"] for hit in hits}, query
    facts = client.get("/facts", params={"q": query, "limit": 500}).json()["items"]
    assert expected in {fact["id"] for fact in facts}, query


# --- 3. Pages -------------------------------------------------------------------------------


def html(client: TestClient, path: str) -> Element:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return parse_html(response.text)


def test_the_mission_page_shows_every_statement(client: TestClient) -> None:
    section = html(client, "/missions/mss").find("section", id="statements")
    for fact in client.get("/statements").json()["items"]:
        for citation in fact["citations"]:
            assert citation["quote"] in section.text, fact["id"]
    assert "We must act quickly" in section.text


def test_the_front_page_has_the_displacement_count_and_the_control_estimate(
    client: TestClient,
) -> None:
    text = html(client, "/").text
    assert "over 6,000 people" in text
    assert "an estimated 85%" in text


def test_council_positions_are_those_of_countries_the_rest_apart(client: TestClient) -> None:
    section = html(client, "/missions/mss").find("section", id="positions")
    tables = section.find_all("table")
    council, others = (table.text for table in tables)
    for fact in client.get("/missions/mss/positions").json()["items"]:
        holder = fact["country"] or fact["actor"]
        if fact["country"]:
            assert fact["country"]["name"] in council and fact["country"]["name"] not in others
        elif holder:
            assert holder["name"] in others and holder["name"] not in council


# --- 3. OpenAPI ---------------------------------------------------------------------------


def test_every_closed_field_is_an_enum_and_descriptions_are_their_own(client: TestClient) -> None:
    models = schema_of(client)["components"]["schemas"]
    fact = models["FactOut"]["properties"]

    def enum_of(node: dict[str, Any]) -> list[str]:
        for branch in [node, *node.get("anyOf", [])]:
            if "enum" in branch:
                return list(branch["enum"])
            if "$ref" in branch:
                return list(models[branch["$ref"].rsplit("/", 1)[1]]["enum"])
        return []

    for name in ("stance", "tense", "status", "role", "rank", "record_status", "kind"):
        assert enum_of(fact[name]), name
    assert set(enum_of(fact["kind"])) == set(VOCABULARY.kinds)
    title = models["SourceSummary"]["properties"]["title"]["description"]
    assert "Office" not in title and "title" in title
    assert "testserver" not in client.get("/openapi.json").text


# --- 4. Last-Modified ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/missions/mss",
        "/missions/mss/funding",
        "/facts/mss-funding-received",
        "/displacement-events/hti-displacement-recent-weeks-2025-02",
        "/indicators/hti-gang-control-port-au-prince",
        "/countries/HTI",
        "/actors/antonio-guterres",
        "/sources/haitiwire-2025-02-mss-support-office",
        "/changes/1",
        "/facts",
    ],
)
def test_detail_and_list_answers_say_when_their_records_last_changed(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["last-modified"].endswith("GMT")
    again = client.get(path, headers={"If-Modified-Since": response.headers["last-modified"]})
    assert again.status_code == 304


# --- 1. A kind added in one declaration appears in every output --------------------------

TRAINERS = FactKind(
    name="need.trainers",
    description="Trainers a mission needs (a kind added by a test).",
    label="trainers needed",
    groups=frozenset({Group.need}),
    needs=frozenset({"mission", "quantity"}),
    value_tag="#capacity+trainers+num",
)


@pytest.fixture
def added_kind(make_database: DatabaseFactory, tmp_path: Path) -> Iterator[TestClient]:
    VOCABULARY.add(TRAINERS)
    try:
        fact: dict[str, object] = {
            "id": "esf-trainers-needed",
            "kind": TRAINERS.name,
            "mission": MISSION,
            "summary": "The Example Support Force needs about 40 trainers (test fixture).",
            "quantity": {
                "value": 40,
                "unit": "trainers",
                "qualifier": "approximate",
                "as_stated": "about 40 trainers",
            },
            "cite": ["it needs about 40 trainers for its new academy"],
        }
        seed = write_fixture_seed(tmp_path / "seed", [fact])
        url = make_database()
        upgrade(url)
        engine = make_engine(url)
        load_seed(engine, seed)
        engine.dispose()
        app = create_app(Settings(database_url=url, seed_dir=seed))
        with TestClient(app) as client:
            yield client
        app.state.engine.dispose()
    finally:
        VOCABULARY.remove(TRAINERS.name)


def test_a_kind_declared_once_appears_in_every_output(added_kind: TestClient) -> None:
    client = added_kind
    fact = client.get("/facts/esf-trainers-needed").json()
    assert fact["kind"] == TRAINERS.name and fact["kind_label"] == TRAINERS.label
    assert [c["code"] for c in fact["caveats"]] == ["approximate"]
    # Filters: by kind, and in the list of the group it is declared in.
    listed = client.get("/facts", params={"kind": TRAINERS.name}).json()["items"]
    assert [f["id"] for f in listed] == ["esf-trainers-needed"]
    needs = client.get(f"/missions/{MISSION}/needs").json()["items"]
    assert [f["id"] for f in needs] == ["esf-trainers-needed"]
    # CSV and HXL: the row, with the value under the kind's own hashtag.
    csv_params = {"kind": TRAINERS.name, "format": "csv", "hxl": "true"}
    response = client.get("/facts", params=csv_params)
    header, tags, row = list(csv.reader(io.StringIO(response.text)))[:3]
    assert dict(zip(header, tags, strict=True))["value"] == TRAINERS.value_tag
    assert dict(zip(header, row, strict=True))["kind_label"] == TRAINERS.label
    # HTML: the needs section of the mission's page, labelled and in words.
    section = html(client, f"/missions/{MISSION}").find("section", id="needs")
    assert "Trainers needed" in section.text and "about 40 trainers" in section.text
    # Cite text: the quote and the source.
    text = client.get("/facts/esf-trainers-needed/cite", params={"format": "text"}).text
    assert "“it needs about 40 trainers for its new academy”" in text
    assert "Test fixture (not a real publisher)" in text
    # Search by the kind's label.
    hits = client.get("/search", params={"q": "trainers needed"}).json()["items"]
    assert "esf-trainers-needed" in {hit["id"] for hit in hits}
    # OpenAPI: the kind is in the enums of the fact's `kind` and of the `kind` filter.
    schema = schema_of(client)
    assert TRAINERS.name in schema["components"]["schemas"]["FactOut"]["properties"]["kind"]["enum"]
    (kind_filter,) = [
        p for p in schema["paths"]["/facts"]["get"]["parameters"] if p["name"] == "kind"
    ]
    assert TRAINERS.name in str(kind_filter["schema"])
    # A kind nobody declared is refused, naming the declared ones.
    problem = assert_problem(client.get("/facts", params={"kind": "need.nothing"}), 422)
    assert TRAINERS.name in problem["errors"][0]["msg"]


def test_a_kind_counted_in_one_unit_refuses_another(editor: Editor) -> None:
    editor.with_source()
    body = {
        "id": "test-donor-in-euros",
        "kind": "funding.donor",
        "summary": "Test fixture donor.",
        "mission": "mss",
        "country": "NOR",
        "quantity": {"value": 5_000_000, "unit": "EUR", "qualifier": "exact"},
        "cite": [{"quote": "Donors pledged $5 million more.", "source": TEST_SOURCE_ID}],
    }
    problem = assert_problem(editor.post("/facts", body), 422)
    assert "counted in USD, not EUR" in problem["detail"]
    assert VOCABULARY.kinds["funding.donor"].unit == "USD"


def test_list_caveats_follow_a_write_at_once(editor: Editor) -> None:
    editor.with_source()
    path = "/missions/mss/personnel"

    def codes() -> list[str]:
        page = editor.client.get(path, params={"limit": 1}).json()
        return [c["code"] for c in page["caveats"]]

    assert "upper_bound" not in codes()
    body = personnel_fact(
        "test-personnel-at-most",
        quantity={"value": 1200, "unit": "officers", "qualifier": "at_most"},
    )
    assert editor.post("/facts", body).status_code == 201
    assert "upper_bound" in codes()
