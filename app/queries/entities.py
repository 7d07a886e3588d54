"""Missions, actors, countries and sources: the entities facts are about or cite."""

from collections.abc import Collection, Sequence

from sqlmodel import Session, col, select

from app.models import RECORD_CURRENT, Actor, Country, Fact, Mission, Source


def list_missions(session: Session, *, limit: int, offset: int) -> Sequence[Mission]:
    query = select(Mission).order_by(col(Mission.slug)).limit(limit).offset(offset)
    return session.exec(query).all()


def missions_by_slug(session: Session, *, slugs: Collection[str]) -> dict[str, Mission]:
    if not slugs:
        return {}
    rows = session.exec(select(Mission).where(col(Mission.slug).in_(slugs))).all()
    return {row.slug: row for row in rows}


def missions_supporting(session: Session, *, slug: str) -> Sequence[Mission]:
    query = select(Mission).where(Mission.supports_mission_slug == slug).order_by(col(Mission.slug))
    return session.exec(query).all()


def countries_by_code(session: Session, *, codes: Collection[str]) -> dict[str, Country]:
    if not codes:
        return {}
    rows = session.exec(select(Country).where(col(Country.iso3).in_(codes))).all()
    return {row.iso3: row for row in rows}


def list_countries(session: Session, *, limit: int, offset: int) -> Sequence[Country]:
    query = select(Country).order_by(col(Country.iso3)).limit(limit).offset(offset)
    return session.exec(query).all()


def country_roles(session: Session, *, codes: Collection[str]) -> Sequence[tuple[str, str]]:
    """Distinct (iso3, fact kind) pairs of the current facts about these countries."""
    if not codes:
        return []
    facts = select(Fact.country_iso3, Fact.kind).where(
        col(Fact.country_iso3).in_(codes), Fact.record_status == RECORD_CURRENT
    )
    return session.exec(facts.distinct()).all()  # type: ignore[return-value]


def actors_by_slug(session: Session, *, slugs: Collection[str]) -> dict[str, Actor]:
    if not slugs:
        return {}
    rows = session.exec(select(Actor).where(col(Actor.slug).in_(slugs))).all()
    return {row.slug: row for row in rows}


def list_actors(
    session: Session, *, country: str | None = None, limit: int, offset: int
) -> Sequence[Actor]:
    query = select(Actor)
    if country is not None:
        query = query.where(Actor.country_iso3 == country)
    return session.exec(query.order_by(col(Actor.slug)).limit(limit).offset(offset)).all()


def list_sources(session: Session, *, limit: int, offset: int) -> Sequence[Source]:
    return session.exec(select(Source).order_by(col(Source.id)).limit(limit).offset(offset)).all()


def get_source(session: Session, *, source_id: str) -> Source | None:
    return session.get(Source, source_id)
