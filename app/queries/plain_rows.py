"""Selects of plain columns, run as SQL on the session's connection.

A select of columns (not of mapped entities) needs nothing of the ORM: no identity map, no
objects. Run through `Session.execute` it still goes the ORM's way, which sets up a loading
context and passes every row through it; on a page of fifty facts that took as long as the
query and the fetch together. A statement made with `plain` carries that mark in its
execution options, which every copy made from it (a filter, an order, a limit, more
columns) keeps, and `read` runs such a statement on the session's connection: the same SQL,
the same transaction, the same rows, without the ORM's pass over them.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Select
from sqlmodel import Session

_PLAIN = "plain_rows"


def plain(statement: Select) -> Select:
    """The select, marked as one whose rows are plain columns (see the module's words)."""
    return statement.execution_options(**{_PLAIN: True})


def read(
    session: Session, statement: Select, parameters: Mapping[str, Any] | None = None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """Every row of the select: on the session's connection when it is marked plain, else
    the ORM's way (a select of entities needs the ORM to make them)."""
    if statement.get_execution_options().get(_PLAIN):
        return session.connection().execute(statement, parameters).all()
    return session.execute(statement, parameters).all()
