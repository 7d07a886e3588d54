"""The change feed: every create, correction and retraction, as JSON pages and as Atom."""

import xml.etree.ElementTree as ElementTree

from tests.support.editing import Editor, personnel_fact
from tests.support.helpers import assert_problem

ATOM = "{http://www.w3.org/2005/Atom}"


def _write_a_story(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    put = {**personnel_fact(summary="Test fixture: corrected."), "reason": "Test correction"}
    assert editor.client.put(
        "/facts/test-personnel-march", json=put, headers=editor.auth
    ).is_success
    assert editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "Test retraction"}, headers=editor.auth
    ).is_success


def test_changes_list_every_write_with_who_when_why(editor: Editor) -> None:
    seeded = editor.client.get("/changes", params={"include_total": "true"}).json()["total"]
    assert seeded == 67  # the seed: 57 facts, 1 source, 3 missions and 6 actors
    _write_a_story(editor)
    newest = editor.client.get("/changes", params={"sort": "-id", "limit": 4}).json()["items"]
    assert [(c["action"], c["record_type"], c["record_id"], c["version"]) for c in newest] == [
        ("retracted", "fact", "test-personnel-march", 3),
        ("corrected", "fact", "test-personnel-march", 2),
        ("created", "fact", "test-personnel-march", 1),
        ("created", "source", "test-only-fixture-source", None),
    ]
    assert [c["reason"] for c in newest[:2]] == ["Test retraction", "Test correction"]
    assert {c["recorded_by"] for c in newest} == {"test-desk"}
    times = [c["recorded_at"] for c in newest]
    assert times == sorted(times, reverse=True)
    # Each change links to the record and to the record exactly as the change left it.
    corrected = editor.client.get(newest[1]["version_href"]).json()
    assert corrected["version"] == 2 and corrected["summary"] == "Test fixture: corrected."
    assert editor.client.get(newest[0]["href"]).json()["record_status"] == "retracted"
    assert editor.client.get(f"/changes/{newest[0]['id']}").json() == newest[0]
    assert_problem(editor.client.get("/changes/999999"), 404)
    # Past what an integer column holds: refused before any query (schemathesis found it).
    for number in ("2147483648", "4611686018427387903", "0", "-1", "x"):
        assert_problem(editor.client.get(f"/changes/{number}"), 422)


def test_since_and_cursors_read_the_feed_without_gaps(editor: Editor) -> None:
    _write_a_story(editor)
    everything = editor.client.get("/changes", params={"limit": 500}).json()["items"]
    mark = everything[-4]["recorded_at"]  # the source was the 4th newest change
    since = editor.client.get("/changes", params={"since": mark}).json()["items"]
    assert [c["action"] for c in since] == ["created", "corrected", "retracted"]

    walked, url = [], "/changes?limit=7"
    while url:
        page = editor.client.get(url).json()
        walked += page["items"]
        url = page["next"]
    assert walked == everything
    assert [c["id"] for c in walked] == sorted(c["id"] for c in walked)

    assert_problem(editor.client.get("/changes", params={"since": "last week"}), 422)
    assert_problem(editor.client.get("/changes", params={"record_type": "person"}), 422)
    csv = editor.client.get("/changes", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.count("\n") == len(everything) + 1


def test_the_atom_feed(editor: Editor) -> None:
    _write_a_story(editor)
    response = editor.client.get("/changes.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://testserver/changes.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50  # the latest 50, newest first
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Fact test-personnel-march retracted (version 3)"
    assert first.findtext(f"{ATOM}summary") == "Test retraction"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "test-desk"
    assert feed.findtext(f"{ATOM}updated") == first.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in first.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/facts/test-personnel-march"
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    only_sources = ElementTree.fromstring(
        editor.client.get("/changes.atom", params={"record_type": "source"}).content
    )
    assert len(only_sources.findall(f"{ATOM}entry")) == 2
