"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 17:24:56.392796
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "country",
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.Column("iso2", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("official_name", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("iso3", name=op.f("pk_country")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("title_derived", sa.Boolean(), nullable=False),
        sa.Column("title_derivation", sa.String(), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("published_value", sa.String(length=10), nullable=True),
        sa.Column("published_precision", sa.String(length=8), nullable=True),
        sa.Column("published_qualifier", sa.String(length=16), nullable=True),
        sa.Column("published_as_stated", sa.String(), nullable=True),
        sa.Column("published_resolution", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_sha256")),
    )
    op.create_table(
        "actor",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_iso3"], ["country.iso3"], name=op.f("fk_actor_country_iso3_country")
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_actor")),
    )
    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "char_start >= 0 AND char_end > char_start", name=op.f("ck_citation_span")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_citation_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
        sa.UniqueConstraint(
            "source_id",
            "char_start",
            "char_end",
            name=op.f("uq_citation_source_id_char_start_char_end"),
        ),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citation_source_id"), ["source_id"], unique=False)

    op.create_table(
        "mission",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("name_unknown_reason", sa.String(), nullable=True),
        sa.Column("acronym", sa.String(length=20), nullable=True),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("host_country_iso3", sa.String(length=3), nullable=True),
        sa.Column("supports_mission_slug", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_country_iso3"],
            ["country.iso3"],
            name=op.f("fk_mission_host_country_iso3_country"),
        ),
        sa.ForeignKeyConstraint(
            ["supports_mission_slug"],
            ["mission.slug"],
            name=op.f("fk_mission_supports_mission_slug_mission"),
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_mission")),
    )
    op.create_table(
        "actor_citation",
        sa.Column("actor_slug", sa.String(length=100), nullable=False),
        sa.Column("citation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_slug"], ["actor.slug"], name=op.f("fk_actor_citation_actor_slug_actor")
        ),
        sa.ForeignKeyConstraint(
            ["citation_id"], ["citation.id"], name=op.f("fk_actor_citation_citation_id_citation")
        ),
        sa.PrimaryKeyConstraint("actor_slug", "citation_id", name=op.f("pk_actor_citation")),
    )
    op.create_table(
        "fact",
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("fact_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_status", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("change_reason", sa.String(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("mission_slug", sa.String(length=100), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("actor_slug", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("stance", sa.String(length=40), nullable=True),
        sa.Column("tense", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("topic", sa.String(), nullable=True),
        sa.Column("place", sa.String(), nullable=True),
        sa.Column("cause", sa.String(), nullable=True),
        sa.Column("attributed_to", sa.String(), nullable=True),
        sa.Column("list_complete", sa.Boolean(), nullable=True),
        sa.Column("list_note", sa.String(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("qualifier", sa.String(length=20), nullable=True),
        sa.Column("lower_bound", sa.Float(), nullable=True),
        sa.Column("upper_bound", sa.Float(), nullable=True),
        sa.Column("quantity_as_stated", sa.String(), nullable=True),
        sa.Column("value_unknown_reason", sa.String(), nullable=True),
        sa.Column("date_value", sa.String(length=10), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=True),
        sa.Column("date_qualifier", sa.String(length=16), nullable=True),
        sa.Column("date_as_stated", sa.String(), nullable=True),
        sa.Column("date_resolution", sa.Text(), nullable=True),
        sa.Column("derived", sa.Boolean(), nullable=False),
        sa.Column("formula", sa.String(), nullable=True),
        sa.Column("derived_from", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "record_status IN ('current', 'superseded', 'retracted')",
            name=op.f("ck_fact_record_status"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_fact_version_positive")),
        sa.ForeignKeyConstraint(
            ["actor_slug"], ["actor.slug"], name=op.f("fk_fact_actor_slug_actor")
        ),
        sa.ForeignKeyConstraint(
            ["country_iso3"], ["country.iso3"], name=op.f("fk_fact_country_iso3_country")
        ),
        sa.ForeignKeyConstraint(
            ["mission_slug"], ["mission.slug"], name=op.f("fk_fact_mission_slug_mission")
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_fact")),
        sa.UniqueConstraint("fact_id", "version", name=op.f("uq_fact_fact_id_version")),
    )
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_country_iso3"), ["country_iso3"], unique=False)
        batch_op.create_index(batch_op.f("ix_fact_fact_id"), ["fact_id"], unique=False)
        batch_op.create_index("ix_fact_kind_record_status", ["kind", "record_status"], unique=False)
        batch_op.create_index(batch_op.f("ix_fact_mission_slug"), ["mission_slug"], unique=False)
        batch_op.create_index(
            "uq_fact_current_fact_id",
            ["fact_id"],
            unique=True,
            sqlite_where=sa.text("record_status = 'current'"),
            postgresql_where=sa.text("record_status = 'current'"),
        )

    op.create_table(
        "mission_citation",
        sa.Column("mission_slug", sa.String(length=100), nullable=False),
        sa.Column("citation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citation_id"], ["citation.id"], name=op.f("fk_mission_citation_citation_id_citation")
        ),
        sa.ForeignKeyConstraint(
            ["mission_slug"],
            ["mission.slug"],
            name=op.f("fk_mission_citation_mission_slug_mission"),
        ),
        sa.PrimaryKeyConstraint("mission_slug", "citation_id", name=op.f("pk_mission_citation")),
    )
    op.create_table(
        "fact_citation",
        sa.Column("fact_row_id", sa.Integer(), nullable=False),
        sa.Column("citation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citation_id"], ["citation.id"], name=op.f("fk_fact_citation_citation_id_citation")
        ),
        sa.ForeignKeyConstraint(
            ["fact_row_id"], ["fact.row_id"], name=op.f("fk_fact_citation_fact_row_id_fact")
        ),
        sa.PrimaryKeyConstraint("fact_row_id", "citation_id", name=op.f("pk_fact_citation")),
    )
    with op.batch_alter_table("fact_citation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fact_citation_citation_id"), ["citation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fact_citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_citation_citation_id"))

    op.drop_table("fact_citation")
    op.drop_table("mission_citation")
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_fact_current_fact_id",
            sqlite_where=sa.text("record_status = 'current'"),
            postgresql_where=sa.text("record_status = 'current'"),
        )
        batch_op.drop_index(batch_op.f("ix_fact_mission_slug"))
        batch_op.drop_index("ix_fact_kind_record_status")
        batch_op.drop_index(batch_op.f("ix_fact_fact_id"))
        batch_op.drop_index(batch_op.f("ix_fact_country_iso3"))

    op.drop_table("fact")
    op.drop_table("actor_citation")
    op.drop_table("mission")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citation_source_id"))

    op.drop_table("citation")
    op.drop_table("actor")
    op.drop_table("source")
    op.drop_table("country")
