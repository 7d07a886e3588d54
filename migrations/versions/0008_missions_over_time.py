"""missions over time: mandate instruments, related missions, versions of missions and actors

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:30:00.000000

A fact may name the instrument that authorizes a mandate (so the facts of one mandate period
are those naming the same instrument) and another mission (its successor, or the mission it
backs). Missions and actors become versioned records like facts: `entity_version` holds every
version, and the change feed may name them. Every mission and actor already stored gets its
first version, as it stands, with its citations, so no record is lost and history starts from
what was there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_TYPES = "record_type IN ('fact', 'source')"
_NEW_TYPES = "record_type IN ('fact', 'source', 'mission', 'actor')"


def upgrade() -> None:
    with op.batch_alter_table("fact") as batch:
        batch.add_column(sa.Column("instrument", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("related_mission_slug", sa.String(length=100), nullable=True))
        batch.create_foreign_key(
            op.f("fk_fact_related_mission_slug_mission"),
            "mission",
            ["related_mission_slug"],
            ["slug"],
        )
    _read_indexes_in_their_order()
    with op.batch_alter_table("change") as batch:
        batch.drop_constraint(op.f("ck_change_record_type"), type_="check")
        batch.create_check_constraint(op.f("ck_change_record_type"), _NEW_TYPES)
    op.create_table(
        "entity_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("change_reason", sa.String(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "entity_type IN ('mission', 'actor')", name=op.f("ck_entity_version_entity_type")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_entity_version_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_version")),
        sa.UniqueConstraint(
            "entity_type",
            "entity_id",
            "version",
            name=op.f("uq_entity_version_entity_type_entity_id_version"),
        ),
    )
    op.create_index(op.f("ix_entity_version_entity_id"), "entity_version", ["entity_id"])
    _first_versions()


# The read indexes of revision 0004, in the order it made them.
_READ_INDEXES = (
    ("ix_fact_record_status_kind_fact_id", ["record_status", "kind", "fact_id"], None),
    (
        "ix_fact_record_status_kind_date_value_fact_id",
        ["record_status", "kind", "date_value", "fact_id"],
        None,
    ),
    (
        "ix_fact_listed",
        ["kind", "record_status"],
        "list_complete IS NOT NULL OR list_note IS NOT NULL",
    ),
)


def _read_indexes_in_their_order() -> None:
    """On SQLite the foreign key is added by copying the table, which makes its indexes again
    in an arbitrary order; where two indexes cost the planner the same, it takes the one made
    last. Making the read indexes again in their own order keeps the plans of revision 0004
    (a list's completeness read from the partial index of the few marked facts)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, columns, where in _READ_INDEXES:
        op.drop_index(name, table_name="fact")
        condition = sa.text(where) if where else None
        op.create_index(name, "fact", columns, sqlite_where=condition)


def _first_versions() -> None:
    """Version 1 of every stored mission and actor: its columns and its citations, in order."""
    connection = op.get_bind()
    metadata = sa.MetaData()
    versions = sa.Table("entity_version", metadata, autoload_with=connection)
    for entity_type, table_name, link_name, key in (
        ("mission", "mission", "mission_citation", "mission_slug"),
        ("actor", "actor", "actor_citation", "actor_slug"),
    ):
        table = sa.Table(table_name, metadata, autoload_with=connection)
        link = sa.Table(link_name, metadata, autoload_with=connection)
        cited: dict[str, list[int]] = {}
        for slug, citation_id in connection.execute(
            sa.select(link.c[key], link.c.citation_id).order_by(link.c[key], link.c.position)
        ):
            cited.setdefault(slug, []).append(citation_id)
        for row in connection.execute(sa.select(table)).mappings():
            content = {name: value for name, value in row.items() if name != "recorded_at"}
            content["citation_ids"] = cited.get(row["slug"], [])
            connection.execute(
                versions.insert().values(
                    entity_type=entity_type,
                    entity_id=row["slug"],
                    version=1,
                    recorded_at=row["recorded_at"],
                    recorded_by="seed",
                    change_reason="Recorded before missions and actors kept versions",
                    origin="seed",
                    content=content,
                )
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_entity_version_entity_id"), table_name="entity_version")
    op.drop_table("entity_version")
    op.execute("DELETE FROM change WHERE record_type IN ('mission', 'actor')")
    with op.batch_alter_table("change") as batch:
        batch.drop_constraint(op.f("ck_change_record_type"), type_="check")
        batch.create_check_constraint(op.f("ck_change_record_type"), _OLD_TYPES)
    with op.batch_alter_table("fact") as batch:
        batch.drop_constraint(op.f("fk_fact_related_mission_slug_mission"), type_="foreignkey")
        batch.drop_column("related_mission_slug")
        batch.drop_column("instrument")
