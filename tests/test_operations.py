"""Secrets and operations: tokens never travel in URLs or logs, token names say something,
revocation never guesses, and a database that cannot be written or reached is a 503."""

import logging
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import cli
from app.db.engine import make_engine
from app.db.tables import ApiToken
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.editing import Editor, fixture_source, write_token
from tests.support.helpers import assert_problem


@pytest.mark.parametrize("name", ["access_token", "token", "api_key", "Access_Token"])
def test_a_token_in_the_url_is_refused_and_never_logged_or_echoed(
    editor: Editor, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    secret = editor.token
    with caplog.at_level(logging.INFO):
        for method, path in (("GET", "/facts"), ("GET", "/missions/mss"), ("POST", "/sources")):
            response = editor.client.request(
                method, f"{path}?limit=2&{name}={secret}", json=fixture_source()
            )
            problem = assert_problem(response, 400)
            assert "Authorization" in problem["detail"]
            assert secret not in response.text
            assert problem["instance"].endswith(f"{name}=REDACTED")
    # What the server logs (the test's own HTTP client logs its requests too).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("app"))
    assert "REDACTED" in logged
    # The part after the id: the secret itself may begin with "_".
    assert secret not in logged and secret.split("_", 2)[2] not in logged
    # Nothing was written with it.
    assert editor.client.get("/sources/test-only-fixture-source").status_code == 404


@pytest.mark.parametrize(
    "name", ["", "   ", "desk\x1b[31m", "desk\nfake log line", "a\tb", "x" * 101]
)
def test_the_cli_refuses_blank_or_control_character_token_names(
    make_database: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    url = migrated_and_seeded(make_database())
    monkeypatch.setenv("DATABASE_URL", url)
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["token", "create", "--name", name]) == 1
    finally:
        cli.get_settings.cache_clear()
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(ApiToken)).all() == []
    engine.dispose()


def test_revoke_takes_an_explicit_id_or_name_and_never_guesses(
    make_database: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    url = migrated_and_seeded(make_database())
    monkeypatch.setenv("DATABASE_URL", url)
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["token", "create", "--name", "first"]) == 0
        first_id = capsys.readouterr().out.strip().split("_")[1]
        # A second token whose name is the first one's id.
        assert cli.main(["token", "create", "--name", first_id]) == 0
        capsys.readouterr()
        assert cli.main(["token", "revoke", "--name", first_id]) == 0
        engine = make_engine(url)
        with Session(engine) as session:
            tokens = {t.name: t for t in session.exec(select(ApiToken))}
            assert tokens[first_id].revoked_at is not None
            assert tokens["first"].revoked_at is None  # the id-looking name hit only its own
        assert cli.main(["token", "revoke", "--id", first_id]) == 0
        with Session(engine) as session:
            revoked = session.get(ApiToken, first_id)
            assert revoked is not None and revoked.revoked_at is not None
        engine.dispose()
        assert cli.main(["token", "revoke", "--id", "000000000000"]) == 1
    finally:
        cli.get_settings.cache_clear()
    # Neither, or both: a usage error.
    for args in ([], ["--id", "a", "--name", "b"], ["first"]):
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "token", "revoke", *args],
            capture_output=True,
            text=True,
            env={"DATABASE_URL": url, "PATH": ""},
        )
        assert result.returncode == 2, args


def test_an_unwritable_database_is_a_503_on_health_and_on_writes(
    make_database: DatabaseFactory,
) -> None:
    url = migrated_and_seeded(make_database())
    token = write_token(url)
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR))
    # The server believes it may write, but the database refuses every write (a read-only
    # file on SQLite, a read-only session on PostgreSQL).
    app.state.engine.dispose()
    app.state.engine = make_engine(url, read_only=True)
    with TestClient(app) as client:
        response = client.get("/health")
        problem = assert_problem(response, 503)
        assert problem["cause"] == "unwritable" and "cannot be written" in problem["detail"]
        assert response.headers["retry-after"]
        auth = {"Authorization": f"Bearer {token}"}
        response = client.post("/sources", json=fixture_source(), headers=auth)
        assert_problem(response, 503)
        assert int(response.headers["retry-after"]) >= 1
        assert client.get("/missions/mss/funding").status_code == 200  # reads go on
    app.state.engine.dispose()


def test_an_unreachable_database_is_a_503_on_health_and_on_writes(
    make_database: DatabaseFactory, tmp_path
) -> None:
    url = migrated_and_seeded(make_database())
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR))
    app.state.engine.dispose()
    # Nothing listens on port 1 of this machine.
    app.state.engine = make_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    with TestClient(app, raise_server_exceptions=False) as client:
        problem = assert_problem(client.get("/health"), 503)
        assert problem["cause"] == "unreachable"
        response = client.post("/sources", json=fixture_source(), headers={"Authorization": "x"})
        assert_problem(response, 503)
    app.state.engine.dispose()


def test_a_failed_request_is_answered_without_the_error_reaching_the_server(
    seeded_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=seeded_url, seed_dir=SEED_DIR))

    @app.get("/fails")
    def fails() -> None:
        raise RuntimeError("a fault of the server")

    # The test client raises whatever reaches the server: nothing may, or uvicorn would close
    # the connection and the client's next request on it would get no answer.
    with caplog.at_level(logging.ERROR), TestClient(app) as client:
        body = assert_problem(client.get("/fails"), 500)
        assert "fault" not in body["detail"]
        assert client.get("/missions/mss").status_code == 200
    assert any("request_id=" + body["request_id"] in r.getMessage() for r in caplog.records)
    app.state.engine.dispose()
