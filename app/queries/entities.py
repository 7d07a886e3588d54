"""Missions, actors, countries and sources: the entities facts are about or cite."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, bindparam
from sqlmodel import Session, col, select

from app.db.tables import Actor, Country, Fact, Mission, Source
from app.domain.vocabulary import VOCABULARY
from app.queries.entity_versions import as_recorded, existing_at
from app.queries.moment import fact_served, reading_as_of, source_served
from app.queries.plain_rows import plain, read
from app.queries.sorting import SortField, Sorting
from app.queries.version_memo import VersionMemo

_MISSION_KEY = SortField("slug", col(Mission.slug))
MISSION_SORTING = Sorting(
    fields={
        "slug": _MISSION_KEY,
        "label": SortField("label", col(Mission.label)),
        "kind": SortField("kind", col(Mission.kind)),
        "status": SortField(
            "status", col(Mission.status), description="the status the source states"
        ),
    },
    default="slug",
    key=_MISSION_KEY,
)
_COUNTRY_KEY = SortField("iso3", col(Country.iso3))
COUNTRY_SORTING = Sorting(
    fields={"iso3": _COUNTRY_KEY, "name": SortField("name", col(Country.name))},
    default="iso3",
    key=_COUNTRY_KEY,
)
_ACTOR_KEY = SortField("slug", col(Actor.slug))
ACTOR_SORTING = Sorting(
    fields={
        "slug": _ACTOR_KEY,
        "name": SortField("name", col(Actor.name)),
        "kind": SortField("kind", col(Actor.kind)),
    },
    default="slug",
    key=_ACTOR_KEY,
)
_SOURCE_KEY = SortField("id", col(Source.id))
SOURCE_SORTING = Sorting(
    fields={
        "id": _SOURCE_KEY,
        "published": SortField("published", col(Source.published_value), nullable=True),
        "publisher": SortField("publisher", col(Source.publisher)),
    },
    default="id",
    key=_SOURCE_KEY,
)


def mission_query(
    *, status: str | None = None, kind: str | None = None, as_of: datetime | None = None
) -> Select:
    query = select(Mission)
    if as_of is not None:
        query = query.where(col(Mission.slug).in_(existing_at("mission", as_of)))
    if status is not None:
        query = query.where(Mission.status == status)
    if kind is not None:
        query = query.where(Mission.kind == kind)
    return query


# The lookups of a page, made once for reads of the present: building each statement again
# cost more than running it. A read at `as_of` builds its own.
_MISSIONS_BY_SLUG = mission_query().where(col(Mission.slug).in_(bindparam("keys", expanding=True)))
_MISSIONS_SUPPORTING = (
    mission_query().where(col(Mission.supports_mission_slug) == bindparam("slug"))
).order_by(col(Mission.slug))
_COUNTRIES_BY_CODE = select(Country).where(col(Country.iso3).in_(bindparam("keys", expanding=True)))
_SOURCES_BY_ID = select(Source).where(col(Source.id).in_(bindparam("keys", expanding=True)))
# Only the dates: a source's row holds its whole text.
_PUBLISHED_BY_ID = plain(
    select(Source.id, Source.published_value, Source.published_qualifier).where(
        col(Source.id).in_(bindparam("keys", expanding=True))
    )
)


def missions_by_slug(session: Session, *, slugs: Collection[str]) -> dict[str, Mission]:
    if not slugs:
        return {}
    as_of = reading_as_of(session)
    if as_of is None:
        rows = session.scalars(_MISSIONS_BY_SLUG, {"keys": list(slugs)}).all()
    else:
        query = mission_query(as_of=as_of).where(col(Mission.slug).in_(slugs))
        rows = session.scalars(query).all()
    return {row.slug: row for row in rows}


class Names(NamedTuple):
    """What a reference to each entity named shows: missions' labels, countries' and actors'
    names, by key."""

    missions: dict[str, str]
    countries: dict[str, str]
    actors: dict[str, str]


# The names read at each data version, by key, added to as lists name more: lists name the
# same missions, countries and actors page after page. Past the bound, names not kept are read
# each time, so the store stays small however many entities there are.
_NAMES_READ: VersionMemo[Names] = VersionMemo(kept=8)
_NAMES_KEPT = 20_000


def names(
    session: Session,
    *,
    missions: Collection[str],
    countries: Collection[str],
    actors: Collection[str],
) -> Names:
    """The names of the entities given by key (those found): what a list shows of the
    entities its items refer to."""
    known = _NAMES_READ.get(session, "names", lambda: Names({}, {}, {}))
    wanted = (
        (known.missions, col(Mission.slug), col(Mission.label), missions),
        (known.countries, col(Country.iso3), col(Country.name), countries),
        (known.actors, col(Actor.slug), col(Actor.name), actors),
    )
    found = []
    for store, key, name, keys in wanted:
        named = {k: store[k] for k in keys if k in store}  # entries are never removed
        missing = [k for k in keys if k not in named]
        if missing:
            statement = plain(select(key, name).where(key.in_(missing)))
            found_now = {row[0]: row[1] for row in read(session, statement)}
            named.update(found_now)
            if len(store) < _NAMES_KEPT:
                store.update(found_now)
        found.append(named)
    return Names(*found)


def missions_supporting(session: Session, *, slug: str) -> Sequence[Mission]:
    """The missions backing this one, as the read's moment recorded them (a mission's
    `supports` may have been corrected since: read at `as_of`, its version then decides)."""
    as_of = reading_as_of(session)
    if as_of is None:
        return session.scalars(_MISSIONS_SUPPORTING, {"slug": slug}).all()
    query = mission_query(as_of=as_of).order_by(col(Mission.slug))
    rows = as_recorded(session, session.scalars(query).all())
    return [row for row in rows if row.supports_mission_slug == slug]


def countries_by_code(session: Session, *, codes: Collection[str]) -> dict[str, Country]:
    if not codes:
        return {}
    rows = session.scalars(_COUNTRIES_BY_CODE, {"keys": list(codes)}).all()
    return {row.iso3: row for row in rows}


def country_query(*, role: str | None = None, as_of: datetime | None = None) -> Select:
    """Countries, or those with a served fact of one of the kinds that give `role`."""
    query = select(Country)
    if role is not None:
        kinds = VOCABULARY.kinds_with_role(role)
        holders = select(Fact.country_iso3).where(col(Fact.kind).in_(kinds), fact_served(as_of))
        query = query.where(col(Country.iso3).in_(holders))
    return query


def country_roles(session: Session, *, codes: Collection[str]) -> Sequence[tuple[str, str]]:
    """Distinct (iso3, fact kind) pairs of the current facts about these countries."""
    if not codes:
        return []
    facts = select(Fact.country_iso3, Fact.kind).where(
        col(Fact.country_iso3).in_(codes), fact_served(reading_as_of(session))
    )
    return session.exec(facts.distinct()).all()  # type: ignore[return-value]


def actors_by_slug(session: Session, *, slugs: Collection[str]) -> dict[str, Actor]:
    if not slugs:
        return {}
    query = actor_query(as_of=reading_as_of(session)).where(col(Actor.slug).in_(slugs))
    return {row.slug: row for row in session.scalars(query).all()}


def actor_query(
    *, country: str | None = None, kind: str | None = None, as_of: datetime | None = None
) -> Select:
    query = select(Actor)
    if as_of is not None:
        query = query.where(col(Actor.slug).in_(existing_at("actor", as_of)))
    if country is not None:
        query = query.where(Actor.country_iso3 == country)
    if kind is not None:
        query = query.where(Actor.kind == kind)
    return query


def actors_of_country(session: Session, *, country: str) -> list[Actor]:
    query = actor_query(country=country, as_of=reading_as_of(session))
    return as_recorded(session, session.scalars(query.order_by(col(Actor.slug))).all())


def source_query(
    *, publisher: str | None = None, language: str | None = None, as_of: datetime | None = None
) -> Select:
    query = select(Source).where(source_served(as_of))
    if publisher is not None:
        query = query.where(Source.publisher == publisher)
    if language is not None:
        query = query.where(Source.language == language)
    return query


def sources_by_id(session: Session, *, ids: Collection[str]) -> dict[str, Source]:
    if not ids:
        return {}
    rows = session.scalars(_SOURCES_BY_ID, {"keys": list(ids)}).all()
    return {row.id: row for row in rows}


def published_by_id(
    session: Session, *, ids: Collection[str]
) -> dict[str, tuple[str | None, str | None]]:
    """Each source's date of publication as stated (value, qualifier), by id."""
    if not ids:
        return {}
    return {
        row[0]: (row[1], row[2]) for row in read(session, _PUBLISHED_BY_ID, {"keys": list(ids)})
    }


def get_source(session: Session, *, source_id: str) -> Source | None:
    query = source_query(as_of=reading_as_of(session)).where(col(Source.id) == source_id)
    return session.scalars(query).first()


def all_missions(session: Session) -> Sequence[Mission]:
    """Every mission by slug: for pages that show them all (there are a handful)."""
    query = mission_query(as_of=reading_as_of(session))
    return session.scalars(query.order_by(col(Mission.slug))).all()


def all_sources(session: Session) -> Sequence[Source]:
    query = source_query(as_of=reading_as_of(session))
    return session.scalars(query.order_by(col(Source.id))).all()
