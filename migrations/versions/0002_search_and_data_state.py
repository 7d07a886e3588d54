"""full-text search entries and the data version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:50:00.000000

Existing data is indexed by the next seed load or write (the loader rebuilds the search
entries whenever it changes anything, and on its first run against this revision).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_state")),
    )
    op.execute("INSERT INTO data_state (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)")
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_type", sa.String(length=10), nullable=False),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "entry_type IN ('fact', 'source')", name=op.f("ck_search_entry_entry_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
        sa.UniqueConstraint(
            "entry_type", "entry_id", name=op.f("uq_search_entry_entry_type_entry_id")
        ),
    )
    if op.get_bind().dialect.name == "sqlite":
        # An external-content FTS5 index, kept in step with search_entry by triggers.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "tokens, content='search_entry', content_rowid='id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_entry BEGIN "
            "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_entry BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_entry BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); "
            "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_entry_tokens_tsv ON search_entry "
            "USING gin (to_tsvector('simple', tokens))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entry_tokens_tsv")
    op.drop_table("search_entry")
    op.drop_table("data_state")
