"""version scopes: what each data version changed, so a write empties only the answers it touches

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:30:00.000000

The response cache used to forget every answer when the data version moved. Writes now say
which scopes they touched (a fact by its id, the facts of a kind), and an answer that read
none of them stays cached. Versions written before this revision have no rows here, and a
version without rows is read as having changed everything, so nothing needs filling in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_version_scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version_scope")),
    )
    op.create_index(op.f("ix_data_version_scope_version"), "data_version_scope", ["version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_version_scope_version"), table_name="data_version_scope")
    op.drop_table("data_version_scope")
