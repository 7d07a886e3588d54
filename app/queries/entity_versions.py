"""Missions and actors as they were recorded: the version of each served at the read's
moment (the current one, or the one of `as_of`)."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, col, select

from app.db.tables import Actor, EntityVersion, Mission
from app.queries.moment import reading_as_of
from app.queries.plain_rows import plain, read

E = TypeVar("E", Mission, Actor)
ENTITY_TYPE = {Mission: "mission", Actor: "actor"}


def version_served(as_of: datetime | None) -> Any:
    if as_of is None:
        return col(EntityVersion.superseded_at).is_(None)
    return and_(
        col(EntityVersion.recorded_at) <= as_of,
        or_(col(EntityVersion.superseded_at).is_(None), col(EntityVersion.superseded_at) > as_of),
    )


SEED_ORIGIN = "seed"


def existing_at(entity_type: str, as_of: datetime) -> Any:
    """The slugs of the records of this type served at `as_of` (a subquery): those recorded by
    then, and those of the seed, which is the database's starting point (its records are
    shown from their first version even before the seed was loaded, so a moment before the
    database existed still finds the missions its facts will be about)."""
    return select(EntityVersion.entity_id).where(
        EntityVersion.entity_type == entity_type,
        or_(col(EntityVersion.recorded_at) <= as_of, col(EntityVersion.origin) == SEED_ORIGIN),
    )


def versions_of(
    session: Session, *, entity_type: str, slugs: Collection[str]
) -> dict[str, EntityVersion]:
    """The version of each record served at the read's moment: the one of `as_of`, or, for a
    seed record not yet recorded then, its first (see `existing_at`)."""
    if not slugs:
        return {}
    as_of = reading_as_of(session)
    query = select(EntityVersion).where(
        EntityVersion.entity_type == entity_type, col(EntityVersion.entity_id).in_(slugs)
    )
    if as_of is None:
        current = session.exec(query.where(version_served(None))).all()
        return {row.entity_id: row for row in current}
    found: dict[str, EntityVersion] = {}
    for row in session.exec(query.order_by(col(EntityVersion.version))).all():
        if row.recorded_at <= as_of:
            found[row.entity_id] = row  # later versions recorded by then replace earlier ones
        elif row.version == 1 and row.origin == SEED_ORIGIN:
            found[row.entity_id] = row
    return found


# Made once: a page of the present needs only the numbers, not the versions' recorded content.
_CURRENT_NUMBERS = plain(
    select(EntityVersion.entity_id, EntityVersion.version).where(
        EntityVersion.entity_type == bindparam("entity_type"),
        col(EntityVersion.entity_id).in_(bindparam("slugs", expanding=True)),
        version_served(None),
    )
)


def version_numbers(
    session: Session, *, entity_type: str, slugs: Collection[str]
) -> dict[str, int]:
    """The number of each record's version served at the read's moment (see `versions_of`)."""
    if not slugs:
        return {}
    if reading_as_of(session) is None:
        parameters = {"entity_type": entity_type, "slugs": list(slugs)}
        return {row[0]: row[1] for row in read(session, _CURRENT_NUMBERS, parameters)}
    versions = versions_of(session, entity_type=entity_type, slugs=slugs)
    return {slug: version.version for slug, version in versions.items()}


def as_recorded(session: Session, rows: Sequence[E]) -> list[E]:
    """The records as the read's moment saw them: with `as_of`, each one's fields are those of
    its version then (and a record not yet created is left out); otherwise the rows as they
    are. The rows returned are never added to the session."""
    if reading_as_of(session) is None or not rows:
        return list(rows)
    model = type(rows[0])
    versions = versions_of(
        session, entity_type=ENTITY_TYPE[model], slugs=[row.slug for row in rows]
    )
    recorded = []
    for row in rows:
        version = versions.get(row.slug)
        if version is not None:
            fields = {k: v for k, v in version.content.items() if k != "citation_ids"}
            recorded.append(model(**fields, recorded_at=version.recorded_at))
    return recorded
