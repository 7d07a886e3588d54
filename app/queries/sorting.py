"""Sort orders of lists and reading rows after a position in them (keyset pagination).

A list's order always ends with the row's unique key, so the rows after a position are
exactly those after its sort values: no OFFSET, and no row skipped or repeated. The HTTP side
(cursors, pages, links) is app.api.pagination.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, true, tuple_
from sqlmodel import Session

from app.domain.errors import Invalid
from app.queries.plain_rows import read


@dataclass(frozen=True)
class SortField:
    """A field a list can be sorted on: its public name and the SQL expression behind it."""

    name: str
    column: Any
    nullable: bool = False
    kind: type = str  # how the cursor's JSON value reads back: str, int, float or datetime
    description: str = ""


@dataclass(frozen=True)
class Ordering:
    """The resolved order of a list: (field, descending) pairs, ending with the unique key."""

    fields: tuple[tuple[SortField, bool], ...]
    spec: str  # as the client wrote it (or the default), for the cursor's fingerprint

    def order_by(self) -> list[Any]:
        clauses = []
        for field, descending in self.fields:
            clause = field.column.desc() if descending else field.column.asc()
            clauses.append(clause.nulls_last() if field.nullable else clause)
        return clauses


@dataclass(frozen=True)
class Sorting:
    """The sort fields a list offers, its default order and its unique key."""

    fields: dict[str, SortField]
    default: str
    key: SortField

    def describe(self) -> str:
        names = ", ".join(f"`{name}`" for name in self.fields)
        return (
            f"Comma-separated fields to sort on, `-` before a field for descending: {names}. "
            f"Default `{self.default}`. Ties are broken by `{self.key.name}`; missing values "
            "sort last."
        )

    def resolve(self, spec: str | None) -> Ordering:
        spec = spec or self.default
        fields: list[tuple[SortField, bool]] = []
        for part in spec.split(","):
            name = part.strip()
            descending = name.startswith("-")
            name = name.removeprefix("-")
            field = self.fields.get(name)
            if field is None:
                allowed = ", ".join(self.fields)
                raise Invalid("query", "sort", f"unknown sort field {name!r}; use: {allowed}")
            if any(existing.name == name for existing, _ in fields):
                raise Invalid("query", "sort", f"{name!r} is given twice")
            fields.append((field, descending))
        if all(field.name != self.key.name for field, _ in fields):
            fields.append((self.key, False))
        return Ordering(fields=tuple(fields), spec=spec)


# --- Keyset conditions ----------------------------------------------------------------------


def _equal(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _after(field: SortField, descending: bool, value: Any) -> ColumnElement[bool]:
    """Rows after `value` in this field's order; missing values sort last."""
    if value is None:
        return false()  # nothing sorts after the missing values but by the next field
    beyond = field.column < value if descending else field.column > value
    return or_(beyond, field.column.is_(None)) if field.nullable else beyond


def after_condition(ordering: Ordering, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the row with these sort values, in the list's order."""
    fields = ordering.fields
    same_direction = len({descending for _, descending in fields}) == 1
    if same_direction and not any(field.nullable for field, _ in fields):
        # A row-value comparison, which both backends answer from a matching index.
        columns = tuple_(*(field.column for field, _ in fields))
        row = tuple_(*values)
        return columns < row if fields[0][1] else columns > row
    alternatives = []
    for i, (field, descending) in enumerate(fields):
        equal_before = [
            _equal(f.column, v) for (f, _), v in zip(fields[:i], values[:i], strict=True)
        ]
        alternatives.append(and_(true(), *equal_before, _after(field, descending, values[i])))
    return or_(*alternatives)


def page_query(
    query: Select, ordering: Ordering, start: Sequence[Any] | None, fetch: int
) -> Select:
    """`query` with its sort values as its last columns, ordered, from `start`, `fetch` rows."""
    keyed = query.add_columns(*(field.column for field, _ in ordering.fields))
    if start is not None:
        keyed = keyed.where(after_condition(ordering, start))
    return keyed.order_by(None).order_by(*ordering.order_by()).limit(fetch)


def _nullable_lead(ordering: Ordering) -> bool:
    """An order led by a field that may be missing (e.g. a date), then non-null fields, all
    one way: the rows after a cursor are those with the field after it, then the missing."""
    fields = ordering.fields
    return (
        fields[0][0].nullable
        and not any(field.nullable for field, _ in fields[1:])
        and len({descending for _, descending in fields}) == 1
    )


def _beyond(fields: Sequence[tuple[SortField, bool]], values: Sequence[Any]) -> Any:
    columns = tuple_(*(field.column for field, _ in fields))
    row = tuple_(*values)
    return columns < row if fields[0][1] else columns > row


def read_rows(
    session: Session, query: Select, ordering: Ordering, start: Sequence[Any] | None, fetch: int
) -> list[Any]:
    """Up to `fetch` rows of `query` after `start`, in order, with their sort values last.

    Led by a nullable field, the rows after a cursor are read in two index ranges, the present
    values then the missing ones, each a row-value comparison: one condition joining them
    with OR would make both backends read the list from its start up to the cursor."""
    if start is None or not _nullable_lead(ordering):
        return list(read(session, page_query(query, ordering, start, fetch)))
    keyed = query.add_columns(*(field.column for field, _ in ordering.fields))
    keyed = keyed.order_by(None).order_by(*ordering.order_by())
    lead = ordering.fields[0][0].column
    if start[0] is None:
        parts = [keyed.where(lead.is_(None), _beyond(ordering.fields[1:], start[1:]))]
    else:
        parts = [
            keyed.where(lead.is_not(None), _beyond(ordering.fields, start)),
            keyed.where(lead.is_(None)),
        ]
    rows: list[Any] = []
    for part in parts:
        rows += read(session, part.limit(fetch - len(rows)))
        if len(rows) >= fetch:
            break
    return rows
