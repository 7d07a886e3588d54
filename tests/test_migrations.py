"""Alembic owns the schema: head matches the models, on SQLite and on PostgreSQL."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401
from app.db.migrate import alembic_config, at_head, head_revision, upgrade
from app.db.tables import managed_outside_models
from tests.conftest import PG_URL, DatabaseFactory
from tests.support.servers import python_output


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not managed_outside_models(name)


TABLES = {
    "source",
    "citation",
    "country",
    "mission",
    "actor",
    "mission_citation",
    "actor_citation",
    "fact",
    "fact_citation",
    "data_state",
    "search_entry",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(
    request: pytest.FixtureRequest, tmp_path: Path, make_database: DatabaseFactory
) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    if not PG_URL:
        pytest.skip("no PostgreSQL: set TEST_DATABASE_URL (CI always does)")
    return make_database()


def test_upgrade_head_builds_the_models_schema(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_back(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
    engine.dispose()


def test_named_constraints(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        uniques = {u["name"] for u in inspector.get_unique_constraints("citation")}
        assert "uq_citation_source_id_char_start_char_end" in uniques
        foreign = {f["name"] for f in inspector.get_foreign_keys("fact")}
        assert "fk_fact_mission_slug_mission" in foreign
    engine.dispose()


def test_the_newest_revision_is_read_from_the_file_names() -> None:
    # A start skips alembic when the schema is at head, and knows head from the revisions'
    # file names: that holds only while each file is named after its revision, in one line.
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert scripts.get_heads() == [head_revision()]
    for revision in scripts.walk_revisions():
        assert Path(revision.path).name.startswith(f"{revision.revision}_")


def test_a_schema_is_at_head_only_at_the_newest_revision(empty_url: str) -> None:
    engine = create_engine(empty_url)
    try:
        assert not at_head(engine)  # no schema at all
        upgrade(empty_url)
        assert at_head(engine)
        scripts = ScriptDirectory.from_config(alembic_config(empty_url))
        previous = scripts.get_revision(head_revision()).down_revision
        command.downgrade(alembic_config(empty_url), str(previous))
        assert not at_head(engine)  # one revision behind: a start migrates it
        upgrade(empty_url)
        assert at_head(engine)
    finally:
        engine.dispose()


def test_a_start_on_a_schema_at_head_runs_no_migration(tmp_path: Path) -> None:
    # What `serve` does before it listens, in a process of its own: alembic is loaded (and
    # its environment run) only for a database that needs a revision.
    url = f"sqlite:///{tmp_path / 'start.db'}"
    probe = (
        "import sys; from app.cli import prepare_database; prepare_database(); "
        "print('alembic' in sys.modules)"
    )

    def start() -> str:
        return python_output(probe, url)[-1]

    assert start() == "True"  # empty: migrated, then seeded
    assert start() == "False"  # at head and seeded: nothing to run
    engine = create_engine(url)
    try:
        assert at_head(engine)
    finally:
        engine.dispose()
