"""Displacement, indicators, statements, countries, actors, sources and health."""

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from app.db.migrate import alembic_config
from tests.support.helpers import by_id


def test_displacement_event_is_a_lower_bound_with_place_period_and_cause(
    client: TestClient,
) -> None:
    items = client.get("/displacement-events").json()["items"]
    assert [i["id"] for i in items] == ["hti-displacement-recent-weeks-2025-02"]
    event = client.get(f"/displacement-events/{items[0]['id']}").json()
    quantity = event["quantity"]
    assert quantity["qualifier"] == "at_least"
    assert quantity["lower_bound"] == 6000 and quantity["upper_bound"] is None
    assert quantity["as_stated"] == "over 6,000 people"
    assert event["attributed_to"] == "UN reports"
    assert event["country"]["iso3"] == "HTI"
    assert event["cause"]
    assert (event["date"]["as_stated"], event["date"]["qualifier"]) == (
        "In recent weeks",
        "on_or_before",
    )


def test_displacement_filters(client: TestClient) -> None:
    def ids(**params: str) -> list[str]:
        response = client.get("/displacement-events", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    event = "hti-displacement-recent-weeks-2025-02"
    assert ids(country="HTI") == [event]
    assert ids(country="hti") == [event]
    assert ids(country="KEN") == []
    assert ids(mission="mss") == []  # the source does not tie it to a mission
    assert ids(date_from="2025-02-01", date_to="2025-02-28") == [event]
    assert ids(date_from="2025-02-25") == [event]
    assert ids(date_from="2025-02-26") == []
    # "In recent weeks", on or before 25 February: its start is unknown, so it may fall in any
    # earlier window; only a window wholly after it leaves it out.
    assert ids(date_to="2025-02-24") == [event]
    assert ids(date_from="2025-01-15", date_to="2025-02-20") == [event]
    # `within` keeps only what is certainly inside: an unbounded start never is.
    assert ids(date_from="2025-01-15", date_to="2025-02-20", date_match="within") == []
    assert ids(date_from="2025-01-01", date_to="2025-03-31", date_match="within") == []


def test_indicator(client: TestClient) -> None:
    items = client.get("/indicators", params={"country": "HTI"}).json()["items"]
    assert len(items) == 1
    indicator = items[0]
    assert indicator["place"] == "Port-au-Prince"
    assert indicator["quantity"]["qualifier"] == "estimate"
    assert indicator["quantity"]["value"] == 85
    assert indicator["quantity"]["unit"] == "percent"
    assert indicator["actor"]["slug"] == "gangs"
    assert client.get(f"/indicators/{indicator['id']}").json()["id"] == indicator["id"]
    assert client.get("/indicators", params={"country": "USA"}).json()["items"] == []


def test_statements_filter_by_actor(client: TestClient) -> None:
    items = by_id(client.get("/statements", params={"actor": "antonio-guterres"}).json()["items"])
    assert "guterres-we-must-act-quickly" in items
    quote = items["guterres-we-must-act-quickly"]
    assert quote["kind"] == "statement.quote"
    assert "We must act quickly" in quote["citations"][0]["quote"]
    assert client.get("/statements", params={"actor": "gangs"}).json()["items"] == []


def test_countries_and_their_roles(client: TestClient) -> None:
    items = {c["iso3"]: c for c in client.get("/countries").json()["items"]}
    assert items["KEN"]["roles"] == ["lead"]
    assert items["USA"]["roles"] == ["council_position", "donor"]
    assert items["HTI"]["roles"] == ["host"]
    assert items["DEU"]["name"] == "Germany"
    haiti = client.get("/countries/hti").json()
    assert haiti["iso3"] == "HTI" and haiti["iso2"] == "HT"
    assert [i["place"] for i in haiti["indicators"]] == ["Port-au-Prince"]
    assert len(haiti["displacement_events"]) == 1
    assert {a["slug"] for a in haiti["actors"]} >= {"haitian-national-police", "gangs"}
    hosted = {f["mission"]["slug"] for f in haiti["role_facts"] if f["role"] == "host"}
    assert hosted == {"mss", "earlier-un-peacekeeping-missions"}


def test_actors(client: TestClient) -> None:
    items = {a["slug"]: a for a in client.get("/actors").json()["items"]}
    assert items["antonio-guterres"]["title"] == "United Nations Secretary-General"
    assert items["antonio-guterres"]["name"] == "António Guterres"
    guterres = client.get("/actors/antonio-guterres").json()
    assert "guterres-we-must-act-quickly" in {f["id"] for f in guterres["facts"]}
    assert {a["slug"] for a in client.get("/actors?country=HTI").json()["items"]} == {
        "gangs",
        "haitian-national-authorities",
        "haitian-national-police",
        "haitian-officials",
    }


def test_source_metadata_is_honest_about_what_is_unknown(client: TestClient) -> None:
    sources = client.get("/sources").json()["items"]
    assert len(sources) == 1
    source = sources[0]
    assert source["title_derived"] is True and source["title_derivation"]
    published = source["published"]
    # The publication day is not in the text: a lower bound, never an invented exact day.
    assert (published["value"], published["qualifier"]) == ("2025-02-25", "on_or_after")
    assert published["resolution"]
    assert source["language"] == "en"
    assert len(source["sha256"]) == 64


def test_source_detail_text_and_spans(client: TestClient) -> None:
    source_id = client.get("/sources").json()["items"][0]["id"]
    body = client.get(f"/sources/{source_id}").json()
    text = body["text"]
    assert len(text) == body["length"]
    assert body["citations"]
    for citation in body["citations"]:
        assert text[citation["start"] : citation["end"]] == citation["quote"]
    # The page's text-to-speech label is kept in the text but never cited.
    furniture_end = text.index("\n")
    assert all(c["start"] > furniture_end for c in body["citations"])


def test_health(client: TestClient, backend: str) -> None:
    body = client.get("/health").json()
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert body == {
        "status": "ok",
        "database": backend,
        "schema_revision": head,
        "facts": 57,
        "writable": True,
    }


def test_health_answers_503_when_the_database_has_no_schema(tmp_path) -> None:
    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unmigrated.db'}"))
    with TestClient(app) as unmigrated:
        response = unmigrated.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["cause"] == "no_schema" and "migrate" in body["detail"]
    content = app.openapi()["paths"]["/health"]["get"]["responses"]["503"]["content"]
    assert list(content) == ["application/problem+json"]


def test_index_links_resolve(client: TestClient) -> None:
    links = client.get("/").json()["links"]
    for name, path in links.items():
        assert client.get(path).status_code == 200, name
