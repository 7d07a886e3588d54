"""The mission endpoints, through HTTP, against the seeded database."""

from fastapi.testclient import TestClient

from tests.support.helpers import by_id


def test_missions_list_holds_the_three_missions_of_the_source(client: TestClient) -> None:
    body = client.get("/missions").json()
    missions = {m["slug"]: m for m in body["items"]}
    assert set(missions) == {"mss", "un-support-office", "earlier-un-peacekeeping-missions"}
    assert body["next"] is None
    assert missions["mss"]["name"] == "Multinational Security Support mission"
    assert missions["mss"]["acronym"] == "MSS"
    assert missions["mss"]["host_country"] == {"iso3": "HTI", "name": "Haiti"}
    assert missions["un-support-office"]["status"]["value"] == "proposed"
    assert missions["un-support-office"]["supports"]["slug"] == "mss"
    earlier = missions["earlier-un-peacekeeping-missions"]
    # The source does not name the earlier missions; no name is invented.
    assert earlier["name"] is None
    assert "does not name them" in earlier["name_unknown_reason"]
    assert earlier["status"]["stated"] == "past" and earlier["status"]["value"] == "ended"
    assert all(m["citations"] for m in missions.values())


def test_mission_detail_key_figures(client: TestClient) -> None:
    body = client.get("/missions/mss").json()
    figures = body["key_figures"]
    deployed = figures["personnel_deployed"]["quantity"]
    assert (deployed["value"], deployed["unit"], deployed["qualifier"]) == (
        1000,
        "officers",
        "exact",
    )
    assert deployed["as_stated"] == "only 1,000 officers"
    assert figures["personnel_planned"]["quantity"]["value"] == 2500
    share = figures["personnel_deployed_share"]
    assert share["derived"] is True
    assert share["quantity"]["value"] == 40
    assert share["quantity"]["as_stated"] is None
    assert share["derivation"]["derived_from"] == [
        "mss-personnel-deployed",
        "mss-personnel-planned",
    ]
    assert figures["funding_received"]["quantity"]["value"] == 110_800_000
    assert figures["funding_unallocated"]["quantity"]["value"] == 48_000_000
    assert figures["lead_nation"]["country"]["iso3"] == "KEN"
    mandate = figures["mandate_end"]["date"]
    assert (mandate["value"], mandate["precision"], mandate["as_stated"]) == (
        "2025-10",
        "month",
        "until October 2025",
    )
    assert figures["unknown"] == {}
    kinds = {note["kind"] for note in body["notes"]}
    assert kinds == {"mission.challenge", "mission.characterization"}
    assert [m["slug"] for m in body["supported_by"]] == ["un-support-office"]
    assert body["links"]["funding"] == "/missions/mss/funding"


def test_mission_without_figures_says_they_are_unknown(client: TestClient) -> None:
    body = client.get("/missions/earlier-un-peacekeeping-missions").json()
    assert body["key_figures"]["personnel_deployed"] is None
    assert "personnel_deployed" in body["key_figures"]["unknown"]
    controversy = [n["summary"] for n in body["notes"]]
    assert any("human rights abuses" in s for s in controversy)


def test_funding(client: TestClient) -> None:
    body = client.get("/missions/mss/funding").json()
    assert body["received"]["quantity"]["as_stated"] == "$110.8 million"
    assert body["received"]["quantity"]["unit"] == "USD"
    assert body["unallocated"]["quantity"]["value"] == 48_000_000
    allocated = body["allocated"]
    assert allocated["derived"] is True
    assert allocated["quantity"]["value"] == 62_800_000
    assert allocated["derivation"]["formula"] == "mss-funding-received - mss-funding-unallocated"
    need = body["need"]["quantity"]
    assert need["value"] is None and need["unknown_reason"]
    donors = body["donors"]
    assert donors["list_complete"] is False
    assert "countries including" in donors["list_note"]
    assert {d["country"]["iso3"] for d in donors["items"]} == {"CAN", "FRA", "DEU", "USA"}
    for donor in donors["items"]:
        # The source gives no per-donor amount: null with a reason, never 0.
        assert donor["quantity"]["value"] is None
        assert donor["quantity"]["unknown_reason"]
    assert body["as_of"]["value"] == "2025-02-25"


def test_donors_list(client: TestClient) -> None:
    body = client.get("/missions/mss/donors").json()
    assert body["list_complete"] is False
    assert len(body["items"]) == 4


def test_contributors_have_roles(client: TestClient) -> None:
    body = client.get("/missions/mss/contributors").json()
    roles = {item["country"]["iso3"]: item["role"] for item in body["items"]}
    assert roles == {
        "KEN": "lead",
        "BHS": "personnel_contributor",
        "BLZ": "personnel_contributor",
        "SLV": "personnel_contributor",
        "GTM": "personnel_contributor",
        "JAM": "personnel_contributor",
    }
    # The source neither marks this list partial nor claims it complete.
    assert body["list_complete"] is None


def test_personnel(client: TestClient) -> None:
    items = by_id(client.get("/missions/mss/personnel").json()["items"])
    assert set(items) == {
        "mss-personnel-deployed",
        "mss-personnel-planned",
        "mss-personnel-deployed-share",
    }
    deployed = items["mss-personnel-deployed"]
    assert deployed["date"]["as_stated"] == "so far"
    assert deployed["date"]["resolution"]


def test_positions_keep_tense_and_partial_lists(client: TestClient) -> None:
    items = by_id(client.get("/missions/mss/positions").json()["items"])
    usa = items["position-usa-supported-transition"]
    assert (usa["stance"], usa["tense"], usa["list_complete"]) == ("supported", "previously", False)
    assert items["position-chn-raised-concerns"]["stance"] == "raised_concerns"
    assert items["position-haitian-officials-reconsidering"]["actor"]["slug"] == "haitian-officials"
    unattributed = items["position-non-un-led-preferred-initially"]
    assert unattributed["country"] is None and unattributed["actor"] is None
    supported = client.get("/missions/mss/positions", params={"stance": "supported"}).json()
    assert {i["country"]["iso3"] for i in supported["items"]} == {"USA", "ECU"}


def test_timeline_is_in_date_order_with_precision(client: TestClient) -> None:
    items = client.get("/missions/mss/timeline").json()["items"]
    dates = [(item["id"], item["date"]["value"], item["date"]["precision"]) for item in items]
    assert dates == [
        ("guterres-letter-to-security-council", "2025-02-25", "day"),
        ("mss-mandate-end", "2025-10", "month"),
    ]
    letter = items[0]["date"]
    assert letter["as_stated"] == "on Tuesday"
    assert "25 February 2025" in letter["resolution"]
    earlier = client.get("/missions/earlier-un-peacekeeping-missions/timeline").json()["items"]
    assert [(i["date"]["value"], i["date"]["precision"]) for i in earlier] == [("2010", "year")]


def test_needs(client: TestClient) -> None:
    items = client.get("/missions/mss/needs").json()["items"]
    topics = {item["topic"] for item in items if item["topic"]}
    assert {
        "stronger intelligence capabilities",
        "specialized police units",
        "ports",
        "airports",
        "oil terminals",
    } <= topics
    assert any(item["kind"] == "funding.need" for item in items)


def test_proposals_include_the_support_office(client: TestClient) -> None:
    items = by_id(client.get("/missions/mss/proposals").json()["items"])
    assert items["mss-peacekeeping-transition-ruled-out"]["status"] == "ruled_out"
    assert items["mss-peacekeeping-transition-ruled-out"]["tense"] == "for_now"
    recommended = items["support-office-recommended"]
    assert recommended["actor"]["slug"] == "antonio-guterres"
    assert recommended["status"] == "proposed"
    assert "peacekeeping budget" in items["support-office-financing"]["summary"]
    supplies = {i["topic"] for i in items.values() if i["kind"] == "proposal.supply"}
    assert supplies == {"drones", "fuel", "ground and air transport", "other non-lethal assistance"}
    assert items["support-office-under-review"]["status"] == "under_review"
    assert items["dual-track-strategy"]["kind"] == "proposal.strategy"
    assert items["support-office-open-question"]["status"] == "open"


def test_pagination_walks_every_item_once(client: TestClient) -> None:
    full = client.get("/missions/mss/proposals", params={"limit": 500}).json()["items"]
    seen: list[str] = []
    url: str | None = "/missions/mss/proposals?limit=3"
    while url:
        page = client.get(url).json()
        assert len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    assert seen == [item["id"] for item in full]
    assert len(seen) == len(set(seen)) > 3


def test_list_completeness_describes_the_whole_list_on_every_page(client: TestClient) -> None:
    whole = client.get("/missions/mss/donors").json()
    page = client.get("/missions/mss/donors", params={"limit": 1}).json()
    pages = 0
    while True:
        pages += 1
        assert len(page["items"]) == 1
        assert page["list_complete"] is False
        assert "countries including" in page["list_note"]
        # The caveats are the whole list's too, whatever the page holds.
        assert page["caveats"] == whole["caveats"]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert pages == len(whole["items"]) > 1
