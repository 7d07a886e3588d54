"""Writing facts the way the seed does: sources, every kind, citations checked, versions kept."""

from typing import Any

import pytest
from sqlmodel import Session

from app.db.engine import autocommits, for_reads, make_engine
from app.domain.vocabulary import FACT_KINDS
from app.writes.transaction import write_transaction
from tests.support.editing import TEST_SOURCE_ID, TEST_TEXT, Editor, fixture_source, personnel_fact
from tests.support.helpers import assert_problem, version_tag


def _counts(editor: Editor) -> tuple[int, int]:
    """(facts served, changes logged): both move with any write."""
    facts = editor.client.get("/facts", params={"include_total": "true", "limit": 1}).json()
    changes = editor.client.get("/changes", params={"include_total": "true", "limit": 1}).json()
    return facts["total"], changes["total"]


def test_a_source_is_stored_once_by_its_text(editor: Editor) -> None:
    first = editor.post("/sources", fixture_source())
    assert first.status_code == 201
    assert first.headers["location"] == f"/sources/{TEST_SOURCE_ID}"
    stored = first.json()
    assert stored["text"] == TEST_TEXT and stored["length"] == len(TEST_TEXT)

    # The same text again, even under another id, is the stored source: 200, not a copy.
    again = editor.post("/sources", fixture_source(id="test-only-renamed"))
    assert again.status_code == 200
    assert again.json()["id"] == TEST_SOURCE_ID
    assert editor.client.get("/sources/test-only-renamed").status_code == 404

    # Another text under a taken id is a conflict.
    other = fixture_source(text="TEST FIXTURE, another text.")
    assert_problem(editor.post("/sources", other), 409)

    listed = [s["id"] for s in editor.client.get("/sources").json()["items"]]
    assert listed.count(TEST_SOURCE_ID) == 1


def test_a_source_sha256_is_checked_when_given(editor: Editor) -> None:
    body = assert_problem(editor.post("/sources", fixture_source(sha256="0" * 64)), 422)
    assert "sha256" in body["detail"]


def _body_for(kind: str, number: int) -> dict[str, Any]:
    """A minimal fact of this kind, with what the kind needs, citing the test source."""
    values: dict[str, Any] = {
        "mission": "mss",
        "related_mission": "un-support-office",
        "country": "KEN",
        "actor": "antonio-guterres",
        "stance": "supported",
        "place": "Test fixture place",
        "cause": "test fixture cause",
        "role": "test",
        "status": "proposed",
        "topic": "test",
        "date": {"value": "2025-03"},
        "quantity": {"value": 5, "unit": "USD", "qualifier": "exact", "as_stated": "$5 million"},
    }
    body: dict[str, Any] = {
        "id": f"test-kind-{number}",
        "kind": kind,
        "summary": f"Test fixture fact of kind {kind}.",
        "cite": [{"quote": "Donors pledged $5 million more.", "source": TEST_SOURCE_ID}],
    }
    for need in FACT_KINDS[kind].needs:
        body[need] = values[need]
    if "quantity" in body:
        # In the unit the kind is counted in, where it fixes one (people, percent, USD).
        body["quantity"] = {**body["quantity"], "unit": FACT_KINDS[kind].unit or "USD"}
    return body


def test_facts_of_every_kind_can_be_created(editor: Editor) -> None:
    editor.with_source()
    for number, kind in enumerate(sorted(FACT_KINDS)):
        body = _body_for(kind, number)
        if kind in ("funding.allocated", "personnel.deployed_share"):
            continue  # derived kinds: covered by the derivation test below
        response = editor.post("/facts", body)
        assert response.status_code == 201, (kind, response.text)
        created = response.json()
        assert created["kind"] == kind and created["version"] == 1
        assert response.headers["etag"] == version_tag(response, 1)
        (citation,) = created["citations"]
        assert TEST_TEXT[citation["start"] : citation["end"]] == citation["quote"]
        listed = editor.client.get("/facts", params={"kind": kind, "limit": 500}).json()
        assert body["id"] in [fact["id"] for fact in listed["items"]]


def test_a_derived_fact_is_computed_and_recomputed_when_its_input_changes(editor: Editor) -> None:
    editor.with_source()
    later = personnel_fact(
        "test-personnel-later",
        summary="Test fixture: a later count of 1,150 officers.",
        quantity={"value": 1150, "unit": "officers", "qualifier": "exact"},
        date={"value": "2025-03"},
        cite=[
            {"quote": "A later count put the figure at 1,150 officers.", "source": TEST_SOURCE_ID}
        ],
    )
    assert editor.post("/facts", personnel_fact()).status_code == 201
    assert editor.post("/facts", later).status_code == 201
    derived = {
        "id": "test-personnel-difference",
        "kind": "personnel.deployed",
        "summary": "Test fixture: how far the two counts differ.",
        "mission": "mss",
        "derived": {
            "operation": "difference",
            "inputs": ["test-personnel-march", "test-personnel-later"],
            "unit": "officers",
        },
        "cite": [{"quote": "A later count put the figure", "source": TEST_SOURCE_ID}],
    }
    # A value sent for a derived fact is refused: it is computed, never typed.
    typed = {**derived, "quantity": {"value": 1, "unit": "officers", "qualifier": "exact"}}
    assert_problem(editor.post("/facts", typed), 422)
    response = editor.post("/facts", derived)
    assert response.status_code == 201, response.text
    fact = response.json()
    assert fact["derived"] is True and fact["quantity"]["value"] == 50
    assert fact["derivation"]["formula"] == "test-personnel-march - test-personnel-later"

    corrected = {
        **personnel_fact(quantity={"value": 1300, "unit": "officers", "qualifier": "exact"}),
        "reason": "Test: the input moves",
    }
    assert (
        editor.client.put(
            "/facts/test-personnel-march", json=corrected, headers=editor.auth
        ).status_code
        == 200
    )
    recomputed = editor.client.get("/facts/test-personnel-difference").json()
    assert recomputed["quantity"]["value"] == 150 and recomputed["version"] == 2
    history = editor.client.get("/facts/test-personnel-difference/history").json()
    assert "test-personnel-march" in history["versions"][1]["reason"]

    # An input cannot be retracted while a current fact derives from it.
    response = editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "test"}, headers=editor.auth
    )
    assert "test-personnel-difference" in assert_problem(response, 409)["detail"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"cite": [{"quote": "1,201 officers", "source": TEST_SOURCE_ID}]}, "1,201 officers"),
        ({"cite": [{"quote": "Donors pledged", "source": "no-such-source"}]}, "no-such-source"),
        ({"cite": [{"quote": "Donors pledged"}]}, "source"),
        ({"mission": "no-such-mission"}, "no-such-mission"),
        ({"actor": "no-such-actor"}, "no-such-actor"),
        ({"country": "XXX"}, "XXX"),
        ({"kind": "no.such.kind"}, "no.such.kind"),
        (
            {
                "quantity": {
                    "value": 1200,
                    "unit": "officers",
                    "qualifier": "exact",
                    "as_stated": "twelve hundred",
                }
            },
            "twelve hundred",
        ),
        ({"quantity": {"value": 1200, "unit": "officers"}}, "qualifier"),
        ({"date": {"value": "2025-02-30"}}, "2025-02-30"),
        ({"id": "Not A Slug"}, "id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_an_invalid_fact_is_refused_whole_and_names_the_problem(
    editor: Editor, change: dict[str, Any], needle: str
) -> None:
    editor.with_source()
    before = _counts(editor)
    body = assert_problem(editor.post("/facts", {**personnel_fact(), **change}), 422)
    assert needle in body["detail"]
    assert _counts(editor) == before


def test_the_same_id_twice_is_a_conflict(editor: Editor) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    assert_problem(editor.post("/facts", personnel_fact()), 409)
    assert_problem(editor.post("/facts", personnel_fact("mss-funding-received")), 409)


def test_corrections_add_versions_and_keep_the_old_ones(editor: Editor) -> None:
    editor.with_source()
    created = editor.post("/facts", personnel_fact())
    assert created.headers["etag"] == version_tag(created, 1)
    put = {**personnel_fact(summary="Test fixture: corrected summary."), "reason": "Test fix"}
    response = editor.client.put(
        "/facts/test-personnel-march", json=put, headers={**editor.auth, "If-Match": '"v1"'}
    )
    assert response.status_code == 200 and response.headers["etag"] == version_tag(response, 2)
    assert response.json()["summary"] == "Test fixture: corrected summary."

    # The same content again changes nothing.
    same = editor.client.put("/facts/test-personnel-march", json=put, headers=editor.auth)
    assert same.status_code == 200 and same.headers["etag"] == version_tag(same, 2)

    patched = editor.client.patch(
        "/facts/test-personnel-march",
        json={"reason": "Test patch", "quantity": {"as_stated": None}},
        headers={**editor.auth, "If-Match": '"v2"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["quantity"]["as_stated"] is None
    assert patched.json()["summary"] == "Test fixture: corrected summary."

    history = editor.client.get("/facts/test-personnel-march/history").json()
    assert [(v["version"], v["record_status"]) for v in history["versions"]] == [
        (1, "superseded"),
        (2, "superseded"),
        (3, "current"),
    ]
    assert [v["reason"] for v in history["versions"]] == ["Created", "Test fix", "Test patch"]
    assert {v["recorded_by"] for v in history["versions"]} == {"test-desk"}
    assert history["versions"][0]["superseded_at"] == history["versions"][1]["recorded_at"]
    assert history["versions"][0]["record"]["summary"] == personnel_fact()["summary"]
    assert history["versions"][2]["superseded_at"] is None


def test_a_stale_if_match_is_412_and_changes_nothing(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    put = {**personnel_fact(summary="Test fixture: first editor."), "reason": "Test one"}
    assert (
        editor.client.put(
            "/facts/test-personnel-march", json=put, headers={**editor.auth, "If-Match": '"v1"'}
        ).status_code
        == 200
    )
    before = editor.client.get("/facts/test-personnel-march").content
    second = {**personnel_fact(summary="Test fixture: second editor."), "reason": "Test two"}
    for stale in ('"v1"', 'W/"v2"', '"v9"'):
        response = editor.client.put(
            "/facts/test-personnel-march", json=second, headers={**editor.auth, "If-Match": stale}
        )
        assert_problem(response, 412)
        # The version the record is at, which If-Match takes as it is.
        assert response.headers["etag"] == '"v2"'

        patch = editor.client.patch(
            "/facts/test-personnel-march",
            json={"reason": "Test", "summary": "x"},
            headers={**editor.auth, "If-Match": stale},
        )
        assert_problem(patch, 412)
        delete = editor.client.delete(
            "/facts/test-personnel-march",
            params={"reason": "Test"},
            headers={**editor.auth, "If-Match": stale},
        )
        assert_problem(delete, 412)
    assert editor.client.get("/facts/test-personnel-march").content == before
    response = editor.client.get("/facts/test-personnel-march")
    assert response.headers["etag"] == version_tag(response, 2)
    assert (
        editor.client.get(
            "/facts/test-personnel-march", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_a_correction_must_keep_the_id_and_give_a_reason(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    put = {**personnel_fact("test-other-id"), "reason": "Test"}
    response = editor.client.put("/facts/test-personnel-march", json=put, headers=editor.auth)
    assert "id" in assert_problem(response, 422)["detail"]
    response = editor.client.put(
        "/facts/test-personnel-march", json=personnel_fact(), headers=editor.auth
    )
    assert "reason" in assert_problem(response, 422)["detail"]
    response = editor.client.patch(
        "/facts/test-personnel-march", json={"summary": "x"}, headers=editor.auth
    )
    assert "reason" in assert_problem(response, 422)["detail"]
    response = editor.client.delete("/facts/test-personnel-march", headers=editor.auth)
    assert "reason" in assert_problem(response, 422)["detail"]
    put = {**personnel_fact("test-unknown"), "reason": "Test"}
    assert_problem(editor.client.put("/facts/test-unknown", json=put, headers=editor.auth), 404)
    patch = {"reason": "Test", "summary": "x"}
    response = editor.client.patch("/facts/test-unknown", json=patch, headers=editor.auth)
    assert_problem(response, 404)


def test_retraction_leaves_the_lists_but_not_the_record(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    response = editor.client.delete(
        "/facts/test-personnel-march",
        params={"reason": "Test: the count was for another mission"},
        headers={**editor.auth, "If-Match": '"v1"'},
    )
    assert response.status_code == 200
    assert response.json()["record_status"] == "retracted"
    assert response.headers["etag"] == version_tag(response, 2)

    listed = editor.client.get("/facts", params={"kind": "personnel.deployed"}).json()
    assert "test-personnel-march" not in [fact["id"] for fact in listed["items"]]
    personnel = editor.client.get("/missions/mss/personnel").json()
    assert "test-personnel-march" not in [fact["id"] for fact in personnel["items"]]
    found = editor.client.get("/facts", params={"q": "1,200"}).json()
    assert "test-personnel-march" not in [fact["id"] for fact in found["items"]]

    record = editor.client.get("/facts/test-personnel-march")
    assert record.status_code == 200
    assert record.json()["record_status"] == "retracted"
    history = editor.client.get("/facts/test-personnel-march/history").json()
    assert [v["record_status"] for v in history["versions"]] == ["superseded", "retracted"]
    assert history["versions"][1]["reason"] == "Test: the count was for another mission"

    # A retraction is final.
    again = editor.client.delete(
        "/facts/test-personnel-march", params={"reason": "Test"}, headers=editor.auth
    )
    assert_problem(again, 409)
    put = {**personnel_fact(), "reason": "Test"}
    response = editor.client.put("/facts/test-personnel-march", json=put, headers=editor.auth)
    assert_problem(response, 409)
    assert_problem(
        editor.client.delete("/facts/test-nothing", params={"reason": "Test"}, headers=editor.auth),
        404,
    )


def test_a_seeded_fact_can_be_corrected_and_the_seed_keeps_its_history(editor: Editor) -> None:
    current = editor.client.get("/facts/mss-funding-received")
    etag = current.headers["etag"]
    patch = {"reason": "Test: the summary is reworded", "summary": "Test fixture summary."}
    response = editor.client.patch(
        "/facts/mss-funding-received", json=patch, headers={**editor.auth, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    fact = response.json()
    assert fact["summary"] == "Test fixture summary."
    # Everything else, the citations included, is as it was.
    before = current.json()
    for key in ("quantity", "date", "citations", "kind", "mission"):
        assert fact[key] == before[key]
    # The allocated figure derives from it: recomputed, same value, new version.
    allocated = editor.client.get("/facts/mss-funding-allocated").json()
    assert allocated["version"] == 2 and allocated["quantity"]["value"] == 62_800_000


def test_written_facts_are_searchable(editor: Editor) -> None:
    editor.with_source()
    editor.post("/facts", personnel_fact())
    found = editor.client.get("/search", params={"q": "march mission officers"}).json()
    ids = {(hit["type"], hit["id"]) for hit in found["items"]}
    assert ("fact", "test-personnel-march") in ids
    assert ("source", TEST_SOURCE_ID) in ids


def test_a_write_refuses_a_session_that_commits_each_statement(seeded_url: str) -> None:
    # Read sessions run in autocommit on PostgreSQL (app.db.engine.for_reads): a write in one
    # would commit statement by statement, and a failure would leave half of it.
    engine = make_engine(seeded_url)
    try:
        reads = for_reads(engine)
        assert autocommits(reads) == (engine.dialect.name != "sqlite")
        each_statement = engine.execution_options(isolation_level="AUTOCOMMIT")
        with (
            Session(each_statement) as session,
            pytest.raises(RuntimeError, match="write"),
            write_transaction(session),
        ):
            pytest.fail("the write ran")
        with Session(engine) as session, write_transaction(session):
            pass  # the write engine's sessions write
    finally:
        engine.dispose()
