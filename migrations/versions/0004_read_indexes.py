"""indexes that serve list pages in their sort order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 22:15:00.000000

A page of current facts of a kind, sorted by kind and id or by date and id, is read from these
indexes in order: no sort of the whole list per request, however deep the cursor. The few facts
that say whether their list is complete have a partial index of their own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_fact_record_status_kind_fact_id",
        "fact",
        ["record_status", "kind", "fact_id"],
    )
    op.create_index(
        "ix_fact_record_status_kind_date_value_fact_id",
        "fact",
        ["record_status", "kind", "date_value", "fact_id"],
    )
    listed = sa.text("list_complete IS NOT NULL OR list_note IS NOT NULL")
    op.create_index(
        "ix_fact_listed",
        "fact",
        ["kind", "record_status"],
        sqlite_where=listed,
        postgresql_where=listed,
    )


def downgrade() -> None:
    op.drop_index("ix_fact_listed", table_name="fact")
    op.drop_index("ix_fact_record_status_kind_date_value_fact_id", table_name="fact")
    op.drop_index("ix_fact_record_status_kind_fact_id", table_name="fact")
