"""Alembic owns the schema: head matches the models, on SQLite and on PostgreSQL."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401
from app.db.migrate import alembic_config, upgrade
from app.db.tables import managed_outside_models
from tests.conftest import PG_URL, DatabaseFactory


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
