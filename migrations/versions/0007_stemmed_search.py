"""search by English stems, and facts found by their kind's label

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:30:00.000000

The search index held folded words, so "displaced" did not find "displacing". It now holds
their stems (app.domain.search_text.stem), and a fact's entry also holds its kind and the
kind's label ("people displaced"). The entries are rebuilt from the words they held; the
SQLite full-text table follows through its triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.domain.search_text import index_words
from app.domain.vocabulary import VOCABULARY

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

entry = sa.table(
    "search_entry",
    sa.column("id", sa.Integer),
    sa.column("entry_type", sa.String),
    sa.column("entry_id", sa.String),
    sa.column("tokens", sa.Text),
)
fact = sa.table("fact", sa.column("row_id", sa.Integer), sa.column("kind", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    kinds = {str(row_id): kind for row_id, kind in connection.execute(sa.select(fact))}
    rows = connection.execute(
        sa.select(entry.c.id, entry.c.entry_type, entry.c.entry_id, entry.c.tokens)
    ).all()
    for entry_id, entry_type, record_id, tokens in rows:
        # Stored tokens are folded words: stemming them gives what indexing the text now gives.
        text = tokens
        kind = kinds.get(record_id) if entry_type == "fact" else None
        if kind is not None:
            text = f"{text} {kind} {VOCABULARY.label(kind)}"
        connection.execute(
            entry.update().where(entry.c.id == entry_id).values(tokens=index_words(text))
        )


def downgrade() -> None:
    # The folded words cannot be recovered from their stems; the next seed load, or any
    # write, indexes anew. Stems still find themselves, so search keeps working meanwhile.
    pass
