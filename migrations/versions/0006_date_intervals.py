"""dates as intervals, and where a date was resolved from

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00.000000

Each fact version keeps the first and last day its date may be (from its value, precision and
qualifier), so date filters match every record whose interval overlaps the window, and the
origin of a date resolved from outside the cited text. Tenses become a closed list: the one
free phrase stored so far, "at least for now", is `for_now`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.domain.dates import interval

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fact") as batch:
        batch.add_column(sa.Column("date_resolved_from", sa.Text(), nullable=True))
        batch.add_column(sa.Column("date_earliest", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("date_latest", sa.String(length=10), nullable=True))
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("published_resolved_from", sa.Text(), nullable=True))
    fact = sa.table(
        "fact",
        sa.column("row_id", sa.Integer),
        sa.column("date_value", sa.String),
        sa.column("date_qualifier", sa.String),
        sa.column("date_earliest", sa.String),
        sa.column("date_latest", sa.String),
        sa.column("tense", sa.String),
    )
    connection = op.get_bind()
    dated = connection.execute(
        sa.select(fact.c.row_id, fact.c.date_value, fact.c.date_qualifier).where(
            fact.c.date_value.is_not(None)
        )
    ).all()
    for row_id, value, qualifier in dated:
        earliest, latest = interval(value, qualifier)
        connection.execute(
            fact.update()
            .where(fact.c.row_id == row_id)
            .values(date_earliest=earliest, date_latest=latest)
        )
    connection.execute(
        fact.update().where(fact.c.tense == "at least for now").values(tense="for_now")
    )


def downgrade() -> None:
    fact = sa.table("fact", sa.column("tense", sa.String))
    op.get_bind().execute(
        fact.update().where(fact.c.tense == "for_now").values(tense="at least for now")
    )
    with op.batch_alter_table("source") as batch:
        batch.drop_column("published_resolved_from")
    with op.batch_alter_table("fact") as batch:
        batch.drop_column("date_latest")
        batch.drop_column("date_earliest")
        batch.drop_column("date_resolved_from")
