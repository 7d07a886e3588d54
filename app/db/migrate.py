"""Alembic, driven from code: the schema is always brought to `head` the same way.

Alembic is imported only when there is a revision to run: most starts of a server find the
schema at head (`at_head`, one query), and importing alembic and running its environment
would be a good part of the time to the first answer.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
# An arbitrary constant: the PostgreSQL advisory lock that serialises start-up preparation.
_PREPARE_LOCK_KEY = 7_310_452_118


def alembic_config(database_url: str) -> "Config":
    from alembic.config import Config

    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would read a % in a password as a reference.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    from app.db.engine import make_engine

    make_engine(database_url).dispose()  # an SQLite file's folder is made if it is missing
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str:
    """The newest revision. The revisions are one line, each file named after its revision
    ("0008_missions_over_time.py" is revision "0008"; tests/test_migrations.py holds alembic
    to it), so the newest is read from the names without loading alembic."""
    names = (path.name for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))
    return max(name.split("_", 1)[0] for name in names)


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is at the newest revision: nothing to migrate."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no schema yet
        return False
    return [row[0] for row in found] == [head_revision()]


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Several API processes may start at once on one database: one migrates and seeds while
    the others wait, then find the work done. PostgreSQL: an advisory lock; an SQLite file: an
    exclusive lock on a file beside it."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.startup-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PREPARE_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PREPARE_LOCK_KEY})
            connection.commit()
