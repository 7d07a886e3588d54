"""Missions and actors written through the API as facts are: a write token, quotes found in
stored sources, a new version per correction with its reason, `If-Match`, history, `as_of`
and the change feed."""

import time
from typing import Any

from tests.support.editing import TEST_SOURCE_ID, Editor, personnel_fact
from tests.support.helpers import assert_problem

QUOTE = {"quote": "This text exists only for the test suite.", "source": TEST_SOURCE_ID}


def mission_body(**changes: Any) -> dict[str, Any]:
    body = {
        "slug": "test-fixture-office",
        "name": "Test Fixture Office",
        "label": "Test Fixture Office (test fixture)",
        "kind": "test_fixture",
        "status": "proposed",
        "description": "A fictional office written for the test suite.",
        "supports": "mss",
        "cite": [QUOTE],
    }
    return {**body, **changes}


def test_a_mission_is_created_corrected_and_kept_in_its_history(editor: Editor) -> None:
    editor.with_source()
    created = editor.post("/missions", mission_body())
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/missions/test-fixture-office"
    assert created.json()["version"] == 1 and created.headers["etag"].startswith('"v1')
    assert created.json()["citations"][0]["quote"] == QUOTE["quote"]
    moment = editor.client.get("/changes", params={"sort": "-id", "limit": 1}).json()["items"][0]
    assert (moment["action"], moment["record_type"], moment["record_id"]) == (
        "created",
        "mission",
        "test-fixture-office",
    )

    read_before = editor.client.get("/missions/test-fixture-office").headers["last-modified"]
    time.sleep(1.1)
    stale = editor.client.patch(
        "/missions/test-fixture-office",
        json={"reason": "Test correction", "label": "Renamed"},
        headers={**editor.auth, "If-Match": '"v9"'},
    )
    assert_problem(stale, 412)
    patched = editor.client.patch(
        "/missions/test-fixture-office",
        json={"reason": "Test correction", "label": "Test Fixture Office, renamed"},
        headers={**editor.auth, "If-Match": '"v1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2 and patched.headers["etag"].startswith('"v2')
    assert patched.json()["label"] == "Test Fixture Office, renamed"
    # A reader revalidating by date what it read before the correction gets the new version
    # (HTTP dates count whole seconds: the read was made more than a second before).
    fresh = editor.client.get(
        "/missions/test-fixture-office", headers={"If-Modified-Since": read_before}
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    # Sending what is stored changes nothing.
    again = editor.client.patch(
        "/missions/test-fixture-office",
        json={"reason": "Test correction", "label": "Test Fixture Office, renamed"},
        headers=editor.auth,
    )
    assert again.json()["version"] == 2

    history = editor.client.get("/missions/test-fixture-office/history").json()
    versions = history["versions"]
    assert [(v["version"], v["reason"], v["recorded_by"]) for v in versions] == [
        (1, "Created", "test-desk"),
        (2, "Test correction", "test-desk"),
    ]
    assert versions[0]["fields"]["label"] == "Test Fixture Office (test fixture)"
    assert versions[0]["superseded_at"] == versions[1]["recorded_at"]
    assert versions[1]["citations"][0]["quote"] == QUOTE["quote"]
    # As it was before the correction, and before it existed.
    then = versions[0]["recorded_at"]
    old = editor.client.get("/missions/test-fixture-office", params={"as_of": then}).json()
    assert old["label"] == "Test Fixture Office (test fixture)" and old["version"] == 1
    earlier = editor.client.get("/missions", params={"as_of": moment["recorded_at"][:19]})
    assert "test-fixture-office" not in {m["slug"] for m in earlier.json()["items"]}
    # The mission it supports now lists it.
    backed = editor.client.get("/missions/mss").json()
    assert "test-fixture-office" in {m["slug"] for m in backed["supported_by"]}
    changes = editor.client.get("/changes", params={"record_type": "mission"}).json()["items"]
    assert ("corrected", "test-fixture-office", 2) in {
        (c["action"], c["record_id"], c["version"]) for c in changes
    }


def test_mission_writes_refuse_what_the_seed_refuses(editor: Editor) -> None:
    editor.with_source()
    anonymous = editor.client.post("/missions", json=mission_body())
    assert_problem(anonymous, 401)
    not_quoted = mission_body(cite=[{"quote": "Words the text lacks.", "source": TEST_SOURCE_ID}])
    assert_problem(editor.post("/missions", not_quoted), 422)
    assert_problem(editor.post("/missions", mission_body(supports="no-such-mission")), 422)
    assert_problem(editor.post("/missions", mission_body(slug="Not A Slug")), 422)
    assert_problem(editor.post("/missions", mission_body(name=None)), 422)  # no name, no reason
    assert_problem(editor.post("/missions", mission_body(slug="mss")), 409)
    # A mission cannot come to support itself through another.
    assert editor.post("/missions", mission_body()).status_code == 201
    loop = editor.client.patch(
        "/missions/mss",
        json={"reason": "Test correction", "supports": "test-fixture-office"},
        headers=editor.auth,
    )
    assert_problem(loop, 422)
    missing = editor.client.patch(
        "/missions/no-such-mission", json={"reason": "Test correction"}, headers=editor.auth
    )
    assert_problem(missing, 404)
    assert_problem(
        editor.client.patch("/missions/mss", json={"label": "x"}, headers=editor.auth), 422
    )  # no reason


def test_an_actor_is_created_and_corrected_the_same_way(editor: Editor) -> None:
    editor.with_source()
    body = {
        "slug": "test-fixture-commander",
        "name": "Test Fixture Commander",
        "kind": "person",
        "cite": [QUOTE],
    }
    assert editor.post("/actors", body).status_code == 201
    patched = editor.client.patch(
        "/actors/test-fixture-commander",
        json={"reason": "Test correction", "title": "Commander (test fixture)"},
        headers=editor.auth,
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert patched.json()["title"] == "Commander (test fixture)"
    history = editor.client.get("/actors/test-fixture-commander/history").json()
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert (
        "title" not in history["versions"][0]["fields"]
        or not history["versions"][0]["fields"]["title"]
    )


def test_a_relation_is_a_cited_fact_read_from_both_missions(editor: Editor) -> None:
    editor.with_source()
    assert editor.post("/missions", mission_body(supports=None)).status_code == 201
    fact = {
        "id": "test-mss-succeeded-by-office",
        "kind": "mission.succeeded_by",
        "summary": "Test fixture: a succession written for the test suite.",
        "mission": "mss",
        "related_mission": "test-fixture-office",
        "date": {"value": "2025-03"},
        "cite": [QUOTE],
    }
    assert editor.post("/facts", fact).status_code == 201
    forward = editor.client.get("/missions/mss").json()["relations"]
    assert ("succeeded_by", "test-fixture-office") in {
        (r["relation"], r["mission"]["slug"]) for r in forward
    }
    backward = editor.client.get("/missions/test-fixture-office").json()["relations"]
    assert [(r["relation"], r["mission"]["slug"]) for r in backward] == [("succeeds", "mss")]
    themselves = {**fact, "id": "test-self", "related_mission": "mss"}
    assert_problem(editor.post("/facts", themselves), 422)
    no_relation = {**fact, "id": "test-odd", "kind": "mission.challenge"}
    assert_problem(editor.post("/facts", no_relation), 422)


def test_a_renamed_mission_is_named_anew_in_every_fact_about_it(editor: Editor) -> None:
    # Lists keep the names they show until the data changes: the next read after a rename
    # shows the new one, in a list, a search and a permalink alike.
    editor.with_source()
    assert editor.post("/missions", mission_body()).status_code == 201
    fact = personnel_fact("test-office-personnel", mission="test-fixture-office")
    assert editor.post("/facts", fact).status_code == 201, "the fact is refused"
    reads = [
        "/facts?mission=test-fixture-office",
        "/facts?q=fixture",
        "/facts?limit=500",
        "/facts/test-office-personnel",
    ]

    def labels() -> set[str]:
        found = set()
        for path in reads:
            answer = editor.client.get(path)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            items = body.get("items", [body])
            found |= {
                item["mission"]["label"] for item in items if item["id"] == "test-office-personnel"
            }
        return found

    assert labels() == {"Test Fixture Office (test fixture)"}
    patched = editor.client.patch(
        "/missions/test-fixture-office",
        json={"reason": "Test correction", "label": "Test Fixture Office, renamed"},
        headers=editor.auth,
    )
    assert patched.status_code == 200, patched.text
    assert labels() == {"Test Fixture Office, renamed"}
