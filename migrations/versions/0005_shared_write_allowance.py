"""write rate limits counted in the database, shared by every process

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:30:00.000000

Each worker process used to count write attempts for itself, so `--workers 2` let a client
write twice as often as configured. The buckets now live in this table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "write_allowance",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_write_allowance")),
    )
    op.create_index(op.f("ix_write_allowance_updated"), "write_allowance", ["updated"])


def downgrade() -> None:
    op.drop_index(op.f("ix_write_allowance_updated"), table_name="write_allowance")
    op.drop_table("write_allowance")
