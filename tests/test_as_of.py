"""Time travel: `as_of` answers as the API did at that moment, byte for byte."""

import time
from datetime import UTC, datetime, timedelta

from tests.support.editing import Editor, fixture_source, personnel_fact
from tests.support.helpers import assert_problem

# Reads whose answers the writes below change.
PATHS = [
    "/facts?kind=personnel.deployed",
    "/facts/test-personnel-march",
    "/facts/test-personnel-march/history",
    "/facts/mss-funding-received",
    "/missions/mss",
    "/missions/mss/personnel",
    "/missions/mss/personnel?series=true",
    "/missions/mss/funding",
    "/sources",
    "/search?q=officers",
    "/facts?q=officers",
    "/changes?record_type=source",
    "/countries?role=donor",
    "/facts?kind=personnel.deployed&format=csv",
]


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _tick() -> datetime:
    """A moment strictly between two writes."""
    time.sleep(0.01)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return moment


def _with_as_of(path: str, moment: datetime) -> str:
    return path + ("&" if "?" in path else "?") + f"as_of={_stamp(moment)}"


def test_as_of_reproduces_earlier_answers_byte_for_byte(editor: Editor) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    moment = _tick()
    then = {path: editor.client.get(path) for path in PATHS}

    # The story moves on: a correction, a new source and donor, a retraction, a seed fix.
    later = fixture_source(id="test-only-later", text="TEST FIXTURE, a later text.")
    assert editor.post("/sources", later).status_code == 201
    put = {**personnel_fact(summary="Test fixture: reworded."), "reason": "Test correction"}
    assert editor.client.put(
        "/facts/test-personnel-march", json=put, headers=editor.auth
    ).is_success
    donor = {
        "id": "test-donor",
        "kind": "funding.donor",
        "summary": "Test fixture donor.",
        "mission": "mss",
        "country": "NOR",
        "cite": [
            {"quote": "Donors pledged $5 million more.", "source": "test-only-fixture-source"}
        ],
    }
    assert editor.post("/facts", donor).status_code == 201
    patch = {"reason": "Test: reworded", "summary": "Test fixture summary."}
    assert editor.client.patch(
        "/facts/mss-funding-received", json=patch, headers=editor.auth
    ).is_success
    assert editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "Test retraction"}, headers=editor.auth
    ).is_success

    for path, earlier in then.items():
        now = editor.client.get(path)
        assert now.content != earlier.content, f"{path} should have changed"
        replay = editor.client.get(_with_as_of(path, moment))
        assert replay.status_code == earlier.status_code == 200, path
        if "format=csv" in path:
            assert replay.content == earlier.content, path
            continue
        # Byte for byte, apart from links that carry the as_of parameter themselves.
        assert replay.json().get("next") is None and earlier.json().get("next") is None
        assert replay.content == earlier.content, path


def test_as_of_before_a_record_existed(editor: Editor) -> None:
    before = _tick()
    editor.with_source()
    editor.post("/facts", personnel_fact())
    response = editor.client.get(_with_as_of("/facts/test-personnel-march", before))
    assert_problem(response, 404)
    response = editor.client.get(_with_as_of("/sources/test-only-fixture-source", before))
    assert_problem(response, 404)
    listed = editor.client.get(_with_as_of("/facts?kind=personnel.deployed", before)).json()
    assert "test-personnel-march" not in [fact["id"] for fact in listed["items"]]
    assert editor.client.get("/facts/test-personnel-march").status_code == 200


def test_as_of_a_retracted_record_shows_it_as_it_was(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    moment = _tick()
    editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "Test"}, headers=editor.auth
    )
    then = editor.client.get(_with_as_of("/facts/test-personnel-march", moment)).json()
    assert then["record_status"] == "current" and then["version"] == 1
    history = editor.client.get(_with_as_of("/facts/test-personnel-march/history", moment)).json()
    assert [v["record_status"] for v in history["versions"]] == ["current"]
    assert history["versions"][0]["superseded_at"] is None


def test_bad_as_of_values_are_422(editor: Editor) -> None:
    future = datetime.now(UTC) + timedelta(days=1)
    for value in ("yesterday", "2025-02-30T00:00:00Z", "0", _stamp(future), "x" * 41):
        response = editor.client.get("/facts", params={"as_of": value})
        body = assert_problem(response, 422)
        assert "as_of" in body["detail"]
    # A timestamp without an offset is read as UTC.
    assert editor.client.get("/facts", params={"as_of": "2026-01-01T00:00:00"}).status_code == 200


def test_series_show_disagreeing_sources_with_the_preferred_one_marked(editor: Editor) -> None:
    editor.with_source()
    seeded = editor.client.get("/facts/mss-personnel-deployed").json()
    date = seeded["date"]["value"]
    quote = {
        "quote": "A later count put the figure at 1,150 officers.",
        "source": "test-only-fixture-source",
    }
    disagreeing = personnel_fact(
        "test-personnel-same-date",
        summary="Test fixture: another count for the same date.",
        quantity={"value": 1150, "unit": "officers", "qualifier": "exact"},
        date={"value": date},
        cite=[quote],
        rank="preferred",
    )
    assert editor.post("/facts", disagreeing).status_code == 201
    assert editor.post("/facts", personnel_fact()).status_code == 201
    body = editor.client.get("/missions/mss/personnel", params={"series": "true"}).json()
    (deployed,) = [s for s in body["items"] if s["kind"] == "personnel.deployed"]
    assert deployed["unit"] == "officers"
    dates = [point["date"] for point in deployed["points"]]
    assert dates == sorted(dates) and set(dates) == {date, "2025-03"}
    (same_date,) = [p for p in deployed["points"] if p["date"] == date]
    assert same_date["disagree"] is True and same_date["preferred_by"] == "rank"
    values = {v["fact"]["id"]: v["preferred"] for v in same_date["values"]}
    assert values == {"mss-personnel-deployed": False, "test-personnel-same-date": True}
    for value in same_date["values"]:
        assert value["fact"]["citations"], "each point carries its own citation"
    (march,) = [p for p in deployed["points"] if p["date"] == "2025-03"]
    assert march["disagree"] is False and march["preferred_by"] == "only_value"
    # The mission's key figure: rank first, then the latest date.
    key = editor.client.get("/missions/mss").json()["key_figures"]["personnel_deployed"]
    assert key["id"] == "test-personnel-same-date"
