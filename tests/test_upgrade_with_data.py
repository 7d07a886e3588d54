"""Upgrades keep data: a database made at the first revision, holding the seed and edited
records, is upgraded to head, stepped back one revision and upgraded again, and holds every
record, version and citation after each step. Interrupted seeding and interrupted migrations
leave the database as it was.

Every future migration must keep this module green.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, Table, create_engine, inspect, select, text
from sqlmodel import SQLModel

from app.cli import prepare_database
from app.db.engine import make_engine
from app.db.migrate import alembic_config, upgrade
from app.domain.quotes import CONTEXT_CHARS, quote_context
from app.main import create_app
from app.settings import Settings, get_settings
from app.writes import seed as writer
from app.writes.seed import load_seed
from tests.conftest import SEED_DIR, DatabaseFactory
from tests.support.db_state import database_state

FIRST_REVISION = "0001"
CORRECTED = "mss-lead-nation"
RETRACTED = "mss-most-immediate-response"
Dump = dict[str, list[tuple[Any, ...]]]


def edit_seed(seed_dir: Path) -> None:
    """A correction (the fact gets version 2) and a removal (the fact is retracted)."""
    facts = seed_dir / "facts.yaml"
    text_ = facts.read_text("utf-8")
    text_ = text_.replace("summary: Kenya leads the MSS.", "summary: Kenya is the lead nation.", 1)
    start = text_.index(f"  - id: {RETRACTED}\n")
    end = text_.index("  # --- Funding")
    facts.write_text(text_[:start] + text_[end:], "utf-8")


def columns_of(url: str) -> dict[str, list[str]]:
    """The tables (but Alembic's own) and their columns, as the database has them now."""
    engine = create_engine(url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        found = {
            table: [column["name"] for column in inspector.get_columns(table)]
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }
    engine.dispose()
    return found


def dump(url: str, tables: dict[str, list[str]]) -> Dump:
    """Every row of these tables, these columns only, in a stable order."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {
            table: sorted(
                (
                    tuple(row)
                    for row in connection.execute(
                        text(f'SELECT {", ".join(columns)} FROM "{table}"')
                    )
                ),
                key=repr,
            )
            for table, columns in tables.items()
        }
    engine.dispose()
    return rows


def copy_rows(source: Engine, target_url: str, tables: dict[str, list[str]]) -> None:
    """Copy the rows of `tables` (their columns only) in foreign-key order."""
    target = create_engine(target_url)
    ordered = [t for t in SQLModel.metadata.sorted_tables if t.name in tables]
    assert {t.name for t in ordered} == set(tables), "a table the models no longer know"
    with source.connect() as reading, target.begin() as writing:
        for table in ordered:
            columns = [table.c[name] for name in tables[table.name]]
            # Written through the target's own table shape: columns added later are left out.
            table = Table(table.name, MetaData(), autoload_with=writing)
            rows = [dict(row._mapping) for row in reading.execute(select(*columns))]
            if rows:
                writing.execute(table.insert(), rows)
        if writing.dialect.name == "postgresql":
            # Rows were written with their ids: move each id sequence past them.
            for table in ordered:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        column.autoincrement == "auto" and column.type.python_type is int
                    ):
                        writing.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                f"'{column.name}'), coalesce(max({column.name}), 0) + 1, false) "
                                f'FROM "{table.name}"'
                            )
                        )
    target.dispose()


@pytest.fixture
def first_revision_with_data(make_database: DatabaseFactory, seed_copy: Path) -> str:
    """A database at the first revision holding the seed, a corrected fact and a retracted one.

    The loader writes the schema of head, so the records are made on a head database and
    copied into the first revision's tables, column by column as that revision has them."""
    made = make_database()
    upgrade(made)
    engine = make_engine(made)
    load_seed(engine, SEED_DIR)
    edit_seed(seed_copy)
    report = load_seed(engine, seed_copy)
    assert report.changes["fact"] == {"versioned": 1, "retracted": 1}
    old = make_database()
    upgrade(old, FIRST_REVISION)
    copy_rows(engine, old, columns_of(old))
    engine.dispose()
    return old


def assert_records_intact(rows: Dump) -> None:
    """The edits are there: versions kept, the retraction kept, every citation linked."""
    facts = {(f[1], f[2]): f for f in rows["fact"]}  # (fact_id, version) -> row
    # The seed's facts, a second version of the corrected one, a last one of the retracted one.
    assert len(rows["fact"]) == 57 + 2
    assert {(fact_id, version) for fact_id, version in facts if fact_id == RETRACTED} == {
        (RETRACTED, 1),
        (RETRACTED, 2),
    }
    assert {(fact_id, version) for fact_id, version in facts if fact_id == CORRECTED} == {
        (CORRECTED, 1),
        (CORRECTED, 2),
    }
    assert len(rows["fact_citation"]) >= len(rows["fact"])
    assert rows["citation"] and rows["source"] and rows["mission"] and rows["actor"]


def test_upgrade_downgrade_and_upgrade_keep_every_row(first_revision_with_data: str) -> None:
    url = first_revision_with_data
    tables = columns_of(url)
    assert set(tables) >= {"fact", "fact_citation", "citation", "source", "mission"}
    before = dump(url, tables)
    assert_records_intact(before)
    config = alembic_config(url)

    command.upgrade(config, "head")
    assert dump(url, tables) == before
    command.downgrade(config, "-1")
    assert dump(url, tables) == before
    command.upgrade(config, "head")
    assert dump(url, tables) == before


def test_the_upgraded_database_serves_its_records(
    first_revision_with_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `serve` does on start: upgrade, and build what the new revisions add (the search
    index) from the records already there; the API then answers with those records."""
    url = first_revision_with_data
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        prepare_database()
    finally:
        get_settings.cache_clear()
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR))
    with TestClient(app) as client:
        assert client.get("/health").json()["facts"] == 56  # current facts: one retracted
        corrected = client.get(f"/facts/{CORRECTED}").json()
        assert corrected["version"] == 2 and corrected["summary"] == "Kenya is the lead nation."
        # Retracted: out of the lists, still readable by id with its status.
        retracted = client.get(f"/facts/{RETRACTED}")
        assert retracted.status_code == 200
        assert retracted.json()["record_status"] == "retracted"
        listed = client.get("/facts", params={"limit": 500}).json()["items"]
        assert RETRACTED not in {fact["id"] for fact in listed}
        found = client.get("/search", params={"q": "lead nation"}).json()["items"]
        assert CORRECTED in {item["id"] for item in found}
    app.state.engine.dispose()


# --- Interrupted work leaves the database as it was -------------------------------------------


def test_seeding_interrupted_after_writing_leaves_the_database_as_it_was(
    make_database: DatabaseFactory, seed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    load_seed(engine, SEED_DIR)
    before = database_state(engine)
    edit_seed(seed_copy)

    def fail_at_the_end(*args: Any) -> None:
        raise OSError("the disk filled up")  # after every fact was versioned and retracted

    monkeypatch.setattr(writer, "rebuild_search_index", fail_at_the_end)
    with pytest.raises(OSError):
        load_seed(engine, seed_copy)
    assert database_state(engine) == before
    engine.dispose()


def test_seeding_refused_by_the_database_midway_leaves_it_as_it_was(
    make_database: DatabaseFactory, seed_copy: Path, backend: str
) -> None:
    """The database itself fails a statement halfway through the load (a trigger stands in
    for a full disk or a constraint): nothing of the load stays."""
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    load_seed(engine, SEED_DIR)
    edit_seed(seed_copy)
    with engine.begin() as connection:
        if backend == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_versions BEFORE INSERT ON fact WHEN NEW.version > 1 "
                    "BEGIN SELECT RAISE(ABORT, 'no space left'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_versions() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'no space left'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_versions BEFORE INSERT ON fact FOR EACH ROW "
                    "WHEN (NEW.version > 1) EXECUTE FUNCTION refuse_versions()"
                )
            )
    before = database_state(engine)
    with pytest.raises(Exception, match="no space left"):
        load_seed(engine, seed_copy)
    assert database_state(engine) == before
    engine.dispose()


def test_a_migration_interrupted_midway_leaves_the_database_as_it_was(
    first_revision_with_data: str,
) -> None:
    """The second revision fails after its first table is made (a table it is about to create
    already exists): the revision is undone whole, on SQLite as on PostgreSQL, and the upgrade
    succeeds once the obstacle is gone."""
    url = first_revision_with_data
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE search_entry (obstacle INTEGER)"))
    before = database_state(engine)
    config = alembic_config(url)
    with pytest.raises(Exception, match="search_entry"):
        command.upgrade(config, "head")
    assert database_state(engine) == before  # no data_state table, still at the first revision
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE search_entry"))
    tables = columns_of(url)
    rows = dump(url, tables)
    command.upgrade(config, "head")
    assert dump(url, tables) == rows
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version FROM data_state")).scalar_one() == 0
    engine.dispose()


def test_missions_and_actors_get_their_first_version_on_upgrade(
    first_revision_with_data: str,
) -> None:
    """Revision 0008 versions missions and actors: each stored one gets version 1, holding
    its columns and its citations in order, so its history starts from what was there."""
    url = first_revision_with_data
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        versions = connection.execute(
            text("SELECT entity_type, entity_id, version, content FROM entity_version")
        ).all()
        for entity_type, key in (("mission", "mission_slug"), ("actor", "actor_slug")):
            rows = connection.execute(text(f"SELECT * FROM {entity_type}")).mappings().all()
            links = connection.execute(
                text(f"SELECT {key}, citation_id FROM {entity_type}_citation ORDER BY position")
            ).all()
            assert rows
            for row in rows:
                (content,) = [
                    c if isinstance(c, dict) else json.loads(c)
                    for t, slug, version, c in versions
                    if (t, slug, version) == (entity_type, row["slug"], 1)
                ]
                fields = {k: v for k, v in row.items() if k != "recorded_at"}
                assert {k: content[k] for k in fields} == fields
                assert content["citation_ids"] == [c for s, c in links if s == row["slug"]]
        assert len(versions) == sum(
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("mission", "actor")
        )
    engine.dispose()
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR))
    with TestClient(app) as client:
        (version,) = client.get("/missions/mss/history").json()["versions"]
        assert version["version"] == 1 and version["citations"]
        assert client.get("/missions/mss").json()["version"] == 1
    app.state.engine.dispose()


def test_citations_get_their_quotes_context_on_upgrade(first_revision_with_data: str) -> None:
    """Revision 0009 keeps each citation's context: the prefix and suffix its span has in its
    source's text, exactly as the writers work them out (code points at both ends)."""
    url = first_revision_with_data
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        texts: dict[str, str] = dict(connection.execute(text("SELECT id, text FROM source")).all())
        citations = connection.execute(
            text("SELECT source_id, char_start, char_end, prefix, suffix FROM citation")
        ).all()
    engine.dispose()
    assert citations
    at_start = [c for c in citations if c.char_start < CONTEXT_CHARS]
    assert at_start, "the seed cites its source's opening words"
    for source_id, start, end, prefix, suffix in citations:
        assert (prefix, suffix) == quote_context(texts[source_id], start, end)
