"""editorial writes: API tokens, the change log, ranks, and search entries per fact version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:00:00.000000

Existing rows are kept and described: every stored fact version and source gets its entry in
the change log, citations take their source's recording time, and the search entries of
current facts are re-keyed from the fact id to the version's row id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('read', 'write')", name=op.f("ck_api_token_scope")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("name", name=op.f("uq_api_token_name")),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("record_type", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.CheckConstraint(
            "action IN ('created', 'corrected', 'retracted')", name=op.f("ck_change_action")
        ),
        sa.CheckConstraint("record_type IN ('fact', 'source')", name=op.f("ck_change_record_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    op.create_index(op.f("ix_change_recorded_at"), "change", ["recorded_at"], unique=False)

    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("not_citable", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("recorded_by", sa.String(length=100), nullable=False, server_default="seed")
        )
        batch.add_column(
            sa.Column("origin", sa.String(length=20), nullable=False, server_default="seed")
        )
    with op.batch_alter_table("citation") as batch:
        batch.add_column(
            sa.Column(
                "recorded_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    op.execute(
        "UPDATE citation SET recorded_at = "
        "(SELECT source.recorded_at FROM source WHERE source.id = citation.source_id)"
    )
    with op.batch_alter_table("fact") as batch:
        batch.add_column(
            sa.Column("rank", sa.String(length=12), nullable=False, server_default="normal")
        )

    # The change log starts with what the database already holds, oldest first.
    op.execute(
        "INSERT INTO change (recorded_at, recorded_by, action, record_type, record_id, "
        "version, reason) SELECT recorded_at, recorded_by, action, record_type, record_id, "
        "version, reason FROM ("
        "SELECT recorded_at, recorded_by, "
        "CASE WHEN record_status = 'retracted' THEN 'retracted' "
        "WHEN version = 1 THEN 'created' ELSE 'corrected' END AS action, "
        "'fact' AS record_type, fact_id AS record_id, version, change_reason AS reason, "
        "row_id AS tiebreak FROM fact "
        "UNION ALL "
        "SELECT recorded_at, 'seed', 'created', 'source', id, NULL, NULL, 0 FROM source"
        ") AS existing ORDER BY recorded_at, record_type DESC, tiebreak"
    )
    # Search entries are now one per fact version: re-key those of current facts.
    op.execute(
        "DELETE FROM search_entry WHERE entry_type = 'fact' AND NOT EXISTS ("
        "SELECT 1 FROM fact WHERE fact.fact_id = search_entry.entry_id "
        "AND fact.record_status = 'current')"
    )
    op.execute(
        "UPDATE search_entry SET entry_id = (SELECT CAST(fact.row_id AS VARCHAR(120)) "
        "FROM fact WHERE fact.fact_id = search_entry.entry_id "
        "AND fact.record_status = 'current') WHERE entry_type = 'fact'"
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM search_entry WHERE entry_type = 'fact' AND NOT EXISTS ("
        "SELECT 1 FROM fact WHERE CAST(fact.row_id AS VARCHAR(120)) = search_entry.entry_id "
        "AND fact.record_status = 'current')"
    )
    op.execute(
        "UPDATE search_entry SET entry_id = (SELECT fact.fact_id FROM fact "
        "WHERE CAST(fact.row_id AS VARCHAR(120)) = search_entry.entry_id) "
        "WHERE entry_type = 'fact'"
    )
    with op.batch_alter_table("fact") as batch:
        batch.drop_column("rank")
    with op.batch_alter_table("citation") as batch:
        batch.drop_column("recorded_at")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("origin")
        batch.drop_column("recorded_by")
        batch.drop_column("not_citable")
    op.drop_index(op.f("ix_change_recorded_at"), table_name="change")
    op.drop_table("change")
    op.drop_table("api_token")
