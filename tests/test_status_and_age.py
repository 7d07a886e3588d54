"""A mission's status and a figure's age, said for the day an answer is for: never `active` past
the end of the last known mandate, and every old figure flagged `stale`. The day is set with
the `today` setting (MISSION_FACTS_TODAY), so these tests control the clock."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.editing import fixture_source, personnel_fact, write_token
from tests.support.html_tree import parse_html

MANDATE_END = "mss-mandate-end"  # "authorized until October 2025"


def app_on(url: str, today: date, **settings: Any) -> TestClient:
    return TestClient(
        create_app(Settings(database_url=url, seed_dir=SEED_DIR, today=today, **settings))
    )


@pytest.fixture
def on_day(seeded_url: str) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(today: date, **settings: Any) -> TestClient:
        client = app_on(seeded_url, today, **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


def status(client: TestClient, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/missions/mss", params=params).json()["status"]
    return found


def test_before_its_mandate_ends_the_mission_is_active_and_says_why(on_day: Any) -> None:
    found = status(on_day(date(2025, 3, 1)))
    assert found["value"] == "active" and found["stated"] == "active"
    assert found["as_of"] == "2025-03-01"
    assert found["fact_ids"] == [MANDATE_END] and "2025-10-31" in found["rule"]
    assert found["caveats"] == []


def test_past_its_last_known_mandate_it_is_never_said_to_be_active(on_day: Any) -> None:
    client = on_day(date(2026, 12, 1))
    found = status(client)
    assert found["value"] == "unknown" and found["stated"] == "active"
    assert found["as_of"] == "2026-12-01" and found["fact_ids"] == [MANDATE_END]
    assert [c["code"] for c in found["caveats"]] == ["mandate_ended"]
    detail = client.get("/missions/mss").json()
    assert "mandate_ended" in {c["code"] for c in detail["caveats"]}
    listed = {m["slug"]: m["status"] for m in client.get("/missions").json()["items"]}
    assert listed["mss"] == found


@pytest.mark.parametrize(
    ("day", "value"), [(date(2025, 10, 31), "active"), (date(2025, 11, 1), "unknown")]
)
def test_the_mandates_last_day_is_the_last_active_one(on_day: Any, day: date, value: str) -> None:
    # "October 2025" may be any day of the month: the mission is active through its last.
    assert status(on_day(day))["value"] == value


def test_as_of_asks_for_that_days_status(on_day: Any) -> None:
    client = on_day(date(2026, 12, 1))
    found = status(client, as_of="2025-03-01T12:00:00Z")
    assert found["as_of"] == "2025-03-01" and found["value"] == "active"


def test_proposed_and_past_missions_keep_what_the_source_says(on_day: Any) -> None:
    listed = {
        m["slug"]: m["status"] for m in on_day(date(2026, 12, 1)).get("/missions").json()["items"]
    }
    assert listed["un-support-office"]["value"] == "proposed"
    assert listed["earlier-un-peacekeeping-missions"]["value"] == "ended"
    assert listed["earlier-un-peacekeeping-missions"]["stated"] == "past"


def figures(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/facts", params={"limit": 500}).json()["items"]
    return items


def codes(fact: dict[str, Any]) -> set[str]:
    return {c["code"] for c in fact["caveats"]}


def test_old_figures_are_flagged_stale_and_the_filter_agrees(on_day: Any) -> None:
    client = on_day(date(2026, 12, 1))
    facts = figures(client)
    old = {
        f["id"]
        for f in facts
        if f["quantity"] is not None
        and f["date"] is not None
        and f["date"]["latest"] is not None
        and f["date"]["latest"] < "2026-06-04"  # 180 days before 2026-12-01
    }
    assert "hti-displacement-recent-weeks-2025-02" in old and "mss-personnel-deployed" in old
    assert {f["id"] for f in facts if "stale" in codes(f)} == old
    # An event of 2010 is history, not an old figure.
    cholera = next(f for f in facts if f["id"] == "earlier-missions-cholera-2010")
    assert "stale" not in codes(cholera)
    filtered = client.get("/facts", params={"caveat": "stale", "limit": 500}).json()
    assert {f["id"] for f in filtered["items"]} == old
    assert "stale" in {c["code"] for c in filtered["caveats"]}
    key = client.get("/missions/mss").json()["key_figures"]["personnel_deployed"]
    assert "stale" in codes(key)
    row = client.get("/facts", params={"format": "csv", "kind": "personnel.deployed"}).text
    assert "stale" in row


def test_fresh_figures_are_not_stale_and_the_age_is_a_setting(on_day: Any) -> None:
    assert not any("stale" in codes(f) for f in figures(on_day(date(2025, 3, 1))))
    patient = on_day(date(2026, 12, 1), stale_after_days=1000)
    assert not any("stale" in codes(f) for f in figures(patient))


def test_an_answer_and_its_tag_do_not_outlive_their_day(seeded_url: str) -> None:
    with app_on(seeded_url, date(2025, 3, 1)) as client:
        before = client.get("/missions/mss")
        assert client.get("/missions/mss").headers["etag"] == before.headers["etag"]
        client.app.state.settings = Settings(  # type: ignore[attr-defined]
            database_url=seeded_url, seed_dir=SEED_DIR, today=date(2026, 12, 1)
        )
        after = client.get("/missions/mss")
        assert after.json()["status"]["value"] == "unknown"  # not the answer kept yesterday
        assert after.headers["etag"] != before.headers["etag"]
        assert (
            client.get(
                "/missions/mss", headers={"If-None-Match": before.headers["etag"]}
            ).status_code
            == 200
        )


def test_pages_and_cards_say_the_status_of_the_day(on_day: Any) -> None:
    client = on_day(date(2026, 12, 1))
    page = parse_html(client.get("/missions/mss", headers={"Accept": "text/html"}).text)
    assert page.find("span", class_="badge").text == "unknown"
    assert "last known mandate ended by 2025-10-31" in page.find("p", class_="note").text
    card = parse_html(client.get("/missions/mss/card").text)
    assert card.find("span", class_="badge").text == "unknown"


def test_the_missions_csv_holds_the_status_and_its_basis(on_day: Any) -> None:
    text = on_day(date(2026, 12, 1)).get("/missions", params={"format": "csv"}).text
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    mss = rows["mss"]
    assert (mss["status"], mss["status_stated"], mss["status_as_of"]) == (
        "unknown",
        "active",
        "2026-12-01",
    )
    assert mss["status_facts"] == MANDATE_END and mss["status_caveats"] == "mandate_ended"


def test_a_write_answers_with_the_caveats_a_read_would_give(make_database: DatabaseFactory) -> None:
    url = migrated_and_seeded(make_database())
    token = {"Authorization": f"Bearer {write_token(url)}"}
    with app_on(url, date(2026, 12, 1)) as client:
        assert client.post("/sources", json=fixture_source(), headers=token).status_code == 201
        written = client.post("/facts", json=personnel_fact(), headers=token)
        assert written.status_code == 201, written.text
        assert "stale" in codes(written.json())  # dated March 2025, read in December 2026
        assert codes(written.json()) == codes(client.get("/facts/test-personnel-march").json())


def test_a_records_tag_names_its_day_and_a_write_still_takes_it(
    make_database: DatabaseFactory,
) -> None:
    """A figure's page says whether it is old, so its tag is for one day: revalidated the next
    day it is answered afresh; a write's If-Match takes the tag of any day, or the plain
    version."""
    url = migrated_and_seeded(make_database())
    token = write_token(url)
    with app_on(url, date(2025, 3, 1)) as client:
        first = client.get("/facts/mss-personnel-deployed")
        assert first.headers["etag"].startswith('"v1.20250301')
        assert "stale" not in [c["code"] for c in first.json()["caveats"]]
        client.app.state.settings = Settings(  # type: ignore[attr-defined]
            database_url=url, seed_dir=SEED_DIR, today=date(2026, 12, 1)
        )
        later = client.get(
            "/facts/mss-personnel-deployed", headers={"If-None-Match": first.headers["etag"]}
        )
        assert later.status_code == 200 and later.headers["etag"].startswith('"v1.20261201')
        assert "stale" in [c["code"] for c in later.json()["caveats"]]
        corrected = client.patch(
            "/facts/mss-personnel-deployed",
            json={"reason": "Test correction", "summary": "Test fixture: the same figure."},
            headers={"Authorization": f"Bearer {token}", "If-Match": first.headers["etag"]},
        )
        assert corrected.status_code == 200, corrected.text
        assert corrected.headers["etag"].startswith('"v2.20261201')
    client.app.state.engine.dispose()  # type: ignore[attr-defined]
