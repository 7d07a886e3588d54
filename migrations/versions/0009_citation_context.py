"""citation context: each citation keeps its quote's prefix and suffix

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:20:00.000000

A citation's context (up to 32 code points before and after its span, the Web Annotation
selector's prefix and suffix) was cut out of the source text on every read, which reads the
whole text: on sources of tens of kilobytes, most of the time of a page's citations. A source's
text never changes, so the context is worked out once, here for the citations already stored
and by the writers from now on. Both engines count `substr` positions in code points, as
spans do, so the values equal app.domain.quotes.quote_context.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTEXT_CHARS = 32  # app.domain.quotes.CONTEXT_CHARS when this revision was written
_TEXT = "(SELECT source.text FROM source WHERE source.id = citation.source_id)"
_PREFIX_FROM = (
    f"(CASE WHEN char_start > {CONTEXT_CHARS} THEN char_start - {CONTEXT_CHARS} ELSE 0 END)"
)


def upgrade() -> None:
    with op.batch_alter_table("citation") as batch:
        batch.add_column(sa.Column("prefix", sa.Text(), nullable=True))
        batch.add_column(sa.Column("suffix", sa.Text(), nullable=True))
    op.execute(
        "UPDATE citation SET "
        f"prefix = substr({_TEXT}, {_PREFIX_FROM} + 1, char_start - {_PREFIX_FROM}), "
        f"suffix = substr({_TEXT}, char_end + 1, {CONTEXT_CHARS})"
    )
    with op.batch_alter_table("citation") as batch:
        batch.alter_column("prefix", existing_type=sa.Text(), nullable=False)
        batch.alter_column("suffix", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("citation") as batch:
        batch.drop_column("suffix")
        batch.drop_column("prefix")
