"""A write empties only the kept answers that read what it touched (app.domain.read_scopes):
the others are served from memory, and are still exactly what a fresh read makes."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.db.engine import make_engine
from app.domain.read_scopes import READS
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR
from tests.support.editing import Editor, fixture_source, write_token
from tests.support.statement_counter import counting

# Answers that claim narrow scopes, and answers that read everything, of both figures below.
FUNDING_READS = (
    "/facts/mss-funding-received",
    "/facts/mss-funding-received/cite",
    "/facts/mss-funding-received/history",
    "/facts/mss-funding-allocated/cite",  # derived from received and unallocated
    "/facts?kind=funding.donor",
    "/missions/mss/donors",
    "/missions/mss/donors?format=csv",
    "/missions/mss/funding",
    "/missions/mss/funding?format=csv",
)
PERSONNEL_READS = (
    "/facts/mss-personnel-deployed",
    "/facts/mss-personnel-deployed/cite?style=sentence",
    "/facts/mss-personnel-deployed-share/cite",  # recomputed when deployed is corrected
    "/facts?kind=personnel.deployed&kind=personnel.planned",
    "/missions/mss/personnel",
)
# Kept through every fact's correction: they show sources, no fact.
SOURCE_READS = ("/sources", "/datapackage.json")
EVERYTHING_READS = ("/facts", "/missions/mss", "/countries/HTI", "/search?q=police")
PATHS = (*FUNDING_READS, *PERSONNEL_READS, *SOURCE_READS, *EVERYTHING_READS)


def _app(url: str, cache_mb: int) -> TestClient:
    return TestClient(
        create_app(Settings(database_url=url, seed_dir=SEED_DIR, response_cache_mb=cache_mb))
    )


@pytest.fixture
def fresh(editor: Editor) -> Iterator[TestClient]:
    """A client of the editor's database that keeps nothing: every answer made afresh."""
    with _app(editor.url, cache_mb=0) as client:
        yield client


@pytest.fixture
def elsewhere(editor: Editor) -> Iterator[Editor]:
    """Another app on the editor's database, as another process serving it would be."""
    with _app(editor.url, cache_mb=32) as client:
        yield Editor(client, editor.url, write_token(editor.url, name="test-elsewhere"))


def _correct(writer: Editor, fact_id: str, **changes: Any) -> None:
    response = writer.client.patch(
        f"/facts/{fact_id}",
        json={"reason": "Test fixture correction", **changes},
        headers=writer.auth,
    )
    assert response.status_code == 200, response.text


def _rebuilt(client: TestClient, paths: tuple[str, ...] = PATHS) -> set[str]:
    """The paths whose answer ran a query (the others came from memory), each answer checked
    for the header only the cache may read."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    made = set()
    for path in paths:
        with counting(engine) as seen:
            response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert READS not in response.headers
        if seen:
            made.add(path)
    return made


def _assert_as_made_afresh(client: TestClient, fresh: TestClient) -> None:
    for path in PATHS:
        kept, made = client.get(path), fresh.get(path)
        assert kept.content == made.content, path
        assert READS not in made.headers


def test_a_correction_keeps_the_answers_that_did_not_read_it(
    editor: Editor, elsewhere: Editor, fresh: TestClient
) -> None:
    reader = editor.client
    _rebuilt(reader)
    assert _rebuilt(reader) == set()  # all kept
    # Written by another app on the database: its version scopes tell this one what changed.
    _correct(elsewhere, "mss-personnel-deployed", summary="Test fixture: a corrected summary.")
    assert _rebuilt(reader) == {*PERSONNEL_READS, *EVERYTHING_READS}
    _assert_as_made_afresh(reader, fresh)
    assert "a corrected summary" in reader.get("/facts/mss-personnel-deployed").text

    _correct(editor, "mss-funding-received", summary="Test fixture: received, corrected.")
    assert _rebuilt(reader) == {*FUNDING_READS, *EVERYTHING_READS} - {
        "/facts?kind=funding.donor",
        "/missions/mss/donors",
        "/missions/mss/donors?format=csv",
    }
    _assert_as_made_afresh(reader, fresh)


def test_a_change_of_kind_empties_the_lists_of_both_kinds(
    editor: Editor, fresh: TestClient
) -> None:
    reader = editor.client
    contributors = ("/facts?kind=mission.personnel_contributor", "/missions/mss/contributors")
    paths = (*PATHS, *contributors)
    _rebuilt(reader, paths)
    _correct(editor, "mss-contributor-jam", kind="funding.donor", quantity=None)
    rebuilt = _rebuilt(reader, paths)
    assert {*contributors, "/facts?kind=funding.donor", "/missions/mss/donors"} <= rebuilt
    assert not rebuilt & {*PERSONNEL_READS, "/facts/mss-funding-received"}
    _assert_as_made_afresh(reader, fresh)


def _donor(fact_id: str, country: str) -> dict[str, Any]:
    return {
        "id": fact_id,
        "kind": "funding.donor",
        "summary": "Test fixture: a donor that pledged more.",
        "mission": "mss",
        "country": country,
        "cite": [{"quote": "Donors pledged $5 million more", "source": fixture_source()["id"]}],
    }


def test_every_kept_answer_is_the_fresh_answer_after_each_write(
    editor: Editor, fresh: TestClient
) -> None:
    reader = editor.client
    editor.with_source()
    donor = _donor("test-donor-fixture", "CAN")
    writes = [
        lambda: editor.post("/facts", donor),
        lambda: _correct(editor, "mss-funding-unallocated", summary="Test fixture: unallocated."),
        lambda: _correct(editor, "test-donor-fixture", summary="Test fixture: corrected donor."),
        lambda: editor.client.delete(
            "/facts/test-donor-fixture",
            params={"reason": "Test fixture retraction"},
            headers=editor.auth,
        ),
        lambda: _correct(editor, "mss-personnel-planned", summary="Test fixture: planned."),
    ]
    _rebuilt(reader)
    for write in writes:
        response = write()
        assert response is None or response.status_code < 300, response.text
        _assert_as_made_afresh(reader, fresh)


def test_any_other_write_empties_every_kept_answer(editor: Editor) -> None:
    reader = editor.client
    _rebuilt(reader)
    editor.with_source()  # a new source: not a fact version, so it touches everything
    assert _rebuilt(reader) == set(PATHS)


def test_a_fact_naming_a_country_not_yet_stored_empties_every_kept_answer(
    editor: Editor, fresh: TestClient
) -> None:
    reader = editor.client
    editor.with_source()
    _rebuilt(reader)
    # The write stores the country too (every list of countries shows it), so it is not
    # only a fact version.
    assert editor.post("/facts", _donor("test-donor-new-country", "NOR")).status_code == 201
    assert _rebuilt(reader) == set(PATHS)
    _assert_as_made_afresh(reader, fresh)


def test_a_version_without_scopes_is_read_as_touching_everything(
    editor: Editor, elsewhere: Editor
) -> None:
    reader = editor.client
    _rebuilt(reader)
    _correct(elsewhere, "mss-personnel-deployed", summary="Test fixture: scopes forgotten.")
    # As a writer from before version scopes leaves it: a new version and no rows for it.
    engine = make_engine(editor.url)
    with Session(engine) as session, session.begin():
        session.execute(
            text(
                "DELETE FROM data_version_scope WHERE version = "
                "(SELECT version FROM data_state WHERE id = 1)"
            )
        )
    engine.dispose()
    assert _rebuilt(reader) == set(PATHS)
