"""Who may write: tokens from the command line, Bearer authentication, read-only replicas."""

import hashlib
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from app import cli
from app.db.engine import make_engine
from app.db.tables import ApiToken
from app.settings import get_settings
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.editing import Editor, editor_for, fixture_source
from tests.support.helpers import assert_problem


@pytest.fixture
def cli_database(make_database: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = migrated_and_seeded(make_database())
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_token_lifecycle_through_the_command_line(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["token", "create", "--name", "newsroom", "--scope", "write"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("mft_") and len(token) > 40

    # Only a hash is stored: the secret is in no column of the token's row.
    engine = make_engine(cli_database)
    with Session(engine) as session:
        (row,) = session.exec(select(ApiToken)).all()
        stored = " ".join(str(value) for value in row.model_dump().values())
        secret = token.split("_", 2)[2]
        assert secret not in stored
        assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()

    assert cli.main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "newsroom" in listed and "write" in listed and token not in listed
    assert secret not in listed

    # The same name twice is refused.
    assert cli.main(["token", "create", "--name", "newsroom"]) == 1
    capsys.readouterr()

    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=cli_database))
    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {token}"}
        assert client.post("/sources", json=fixture_source(), headers=auth).status_code == 201
        assert cli.main(["token", "revoke", "--name", "newsroom"]) == 0
        assert "revoked" in capsys.readouterr().out
        again = fixture_source(id="test-only-second", text="TEST FIXTURE, second text.")
        body = assert_problem(client.post("/sources", json=again, headers=auth), 403)
        assert "revoked" in body["detail"]
    app.state.engine.dispose()
    engine.dispose()
    assert cli.main(["token", "revoke", "--name", "nobody"]) == 1


def test_no_token_is_401_with_a_bearer_challenge(editor: Editor) -> None:
    response = editor.client.post("/sources", json=fixture_source())
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith('Bearer realm="mission-facts"')
    for path, method in (("/facts", "POST"), ("/facts/mss-funding-received", "PUT")):
        response = editor.client.request(method, path, json={})
        assert_problem(response, 401)
    response = editor.client.delete("/facts/mss-funding-received", params={"reason": "test"})
    assert_problem(response, 401)
    # Nothing was written by any of them.
    assert editor.client.get("/sources/test-only-fixture-source").status_code == 404


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("Basic dXNlcjpwYXNz", "invalid_request"),
        ("Bearer", "invalid_request"),
        ("Bearer ", "invalid_request"),
        ("Bearer not-a-token", "invalid_token"),
        ("Bearer mft_000000000000_wrongsecret", "invalid_token"),
        ("Bearer mft__", "invalid_token"),
    ],
)
def test_malformed_or_unknown_tokens_are_401(editor: Editor, header: str, error: str) -> None:
    response = editor.client.post(
        "/sources", json=fixture_source(), headers={"Authorization": header}
    )
    assert_problem(response, 401)
    assert f'error="{error}"' in response.headers["www-authenticate"]


def test_a_right_id_with_a_wrong_secret_is_401(editor: Editor) -> None:
    token_id = editor.token.split("_")[1]
    forged = f"mft_{token_id}_{'x' * 43}"
    response = editor.client.post(
        "/sources", json=fixture_source(), headers={"Authorization": f"Bearer {forged}"}
    )
    assert_problem(response, 401)


def test_a_read_scoped_token_is_403(editor: Editor) -> None:
    reader = editor.add_token("analyst", scope="read")
    response = editor.client.post(
        "/sources", json=fixture_source(), headers={"Authorization": f"Bearer {reader}"}
    )
    body = assert_problem(response, 403)
    assert "only read" in body["detail"]
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_tokens_never_reach_the_logs(editor: Editor, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert editor.post("/sources", fixture_source()).status_code == 201
    editor.client.post("/facts", json={}, headers={"Authorization": "Bearer mft_a_b"})
    secret = editor.token.split("_", 2)[2]
    assert secret not in caplog.text
    assert editor.token not in caplog.text


def test_reads_stay_public(editor: Editor) -> None:
    assert editor.client.get("/facts/mss-funding-received").status_code == 200
    assert editor.client.get("/changes").status_code == 200


def test_bodies_over_the_limit_are_413(editor: Editor) -> None:
    huge = fixture_source(text="TEST FIXTURE " + "x" * (1024 * 1024))
    response = editor.post("/sources", huge)
    body = assert_problem(response, 413)
    assert str(1024 * 1024) in body["detail"]
    assert editor.client.get("/sources/test-only-fixture-source").status_code == 404


def test_a_smaller_configured_limit_and_chunked_bodies(make_database: DatabaseFactory) -> None:
    url = migrated_and_seeded(make_database())
    for editor in editor_for(url, max_body_bytes=2048):
        small = fixture_source(text="TEST FIXTURE, short.")
        assert editor.post("/sources", small).status_code == 201
        big = fixture_source(id="test-only-big", text="TEST FIXTURE " + "y" * 4000)
        assert_problem(editor.post("/sources", big), 413)

        # Without a Content-Length (a streamed body) the limit holds as well.
        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b" " * 1000

        response = editor.client.post(
            "/sources",
            content=chunks(),
            headers={**editor.auth, "Content-Type": "application/json"},
        )
        assert_problem(response, 413)


def test_read_only_replica_refuses_writes_and_opens_the_database_read_only(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    for editor in editor_for(url, read_only=True):
        response = editor.post("/sources", fixture_source())
        body = assert_problem(response, 405)
        assert "read-only" in body["detail"]
        assert response.headers["allow"] == "GET, HEAD"
        for method, path in (("PUT", "/facts/x"), ("PATCH", "/facts/x"), ("DELETE", "/facts/x")):
            assert_problem(editor.client.request(method, path, headers=editor.auth), 405)
        assert editor.client.get("/missions/mss/funding").status_code == 200
        # The connection itself cannot write, whatever code tried.
        engine = editor.client.app.state.engine  # type: ignore[attr-defined]
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text("UPDATE data_state SET version = version + 1"))
