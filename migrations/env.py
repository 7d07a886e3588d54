"""Alembic environment: the models' metadata is the target; SQLite gets batch mode."""

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Engine, engine_from_config, event, pool
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from app.db.tables import UTCDateTime, managed_outside_models
from app.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", get_settings().database_url.replace("%", "%%"))

target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the app's own column types as plain SQLAlchemy types, so revisions import nothing
    from the app and stay valid when the models move on."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and type(obj).__module__.startswith("sqlmodel"):
        return f"sa.String(length={obj.length})" if getattr(obj, "length", None) else "sa.String()"
    return False


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave the full-text index (FTS5 tables, a GIN expression index) to the revisions that
    build it by hand: the models cannot describe it, so comparing would only report noise."""
    return not managed_outside_models(name)


def _options(dialect_name: str) -> dict[str, Any]:
    return {
        # Each revision commits alone: one that fails midway is undone whole, and the database
        # stays at the last revision that completed. SQLite can roll back DDL too, once the
        # driver stops committing on its own (see _sqlite_transactional_ddl).
        "transactional_ddl": True,
        "transaction_per_migration": True,
        "target_metadata": target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        "render_as_batch": dialect_name == "sqlite",
        "render_item": render_item,
        "compare_type": True,
        "include_name": include_name,
    }


def _sqlite_transactional_ddl(engine: Engine) -> None:
    """Python's sqlite3 driver opens transactions only before INSERT/UPDATE/DELETE, so CREATE
    and DROP statements would commit one by one. Let SQLAlchemy issue BEGIN itself instead."""

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, literal_binds=True, **_options(str(url).split(":")[0]))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, **_options(connectable.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    if engine.dialect.name == "sqlite":
        _sqlite_transactional_ddl(engine)
    with engine.connect() as connection:
        context.configure(connection=connection, **_options(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
