"""Selecting current fact versions by kind, subject and date."""

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import RECORD_CURRENT, Fact


def select_facts(
    session: Session,
    *,
    kinds: Collection[str] | None = None,
    missions: Collection[str] | None = None,
    country: str | None = None,
    actor: str | None = None,
    stance: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    by_date: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Fact]:
    """Current versions, in a stable order: by kind then id, or by date then id."""
    query = select(Fact).where(Fact.record_status == RECORD_CURRENT)
    if kinds is not None:
        query = query.where(col(Fact.kind).in_(kinds))
    if missions is not None:
        query = query.where(col(Fact.mission_slug).in_(missions))
    if country is not None:
        query = query.where(Fact.country_iso3 == country)
    if actor is not None:
        query = query.where(Fact.actor_slug == actor)
    if stance is not None:
        query = query.where(Fact.stance == stance)
    # A date held at year or month precision is a period; it matches a range it overlaps.
    # Its ISO prefix compares with the range's ends cut to the same length.
    if date_from is not None:
        query = query.where(
            col(Fact.date_value)
            >= func.substr(date_from.isoformat(), 1, func.length(Fact.date_value))
        )
    if date_to is not None:
        query = query.where(col(Fact.date_value) <= date_to.isoformat())
    if by_date:
        query = query.order_by(col(Fact.date_value), col(Fact.fact_id))
    else:
        query = query.order_by(col(Fact.kind), col(Fact.fact_id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return session.exec(query).all()


def get_fact(
    session: Session, *, fact_id: str, kinds: Collection[str] | None = None
) -> Fact | None:
    query = select(Fact).where(Fact.fact_id == fact_id, Fact.record_status == RECORD_CURRENT)
    if kinds is not None:
        query = query.where(col(Fact.kind).in_(kinds))
    return session.exec(query).first()


def count_current_facts(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(Fact).where(Fact.record_status == RECORD_CURRENT)
    ).one()
