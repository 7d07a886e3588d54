"""Choosing the value to show when sources disagree, in one rule every output uses: rank first,
as Wikidata does, then the most recent source, then the latest recorded. A series point is
the figures of one date; a key figure is the preferred value of the latest point of its
highest-ranked figures."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.api.schemas import FactOut
from app.domain.dates import interval
from app.queries import entities

_RANK = {"preferred": 2, "normal": 1, "deprecated": 0}
# The last day each source may have been published, by source id ("" when unknown).
SourceDays = dict[str, str]


def source_days(session: Session, facts: Sequence[FactOut]) -> SourceDays:
    ids = {c.source_id for fact in facts for c in fact.citations}
    days: SourceDays = {}
    for source_id, (value, qualifier) in entities.published_by_id(session, ids=ids).items():
        days[source_id] = interval(value, qualifier)[1] or value or ""
    return days


def _source_day(fact: FactOut, days: SourceDays) -> str:
    return max((days.get(c.source_id, "") for c in fact.citations), default="")


def _key(fact: FactOut, days: SourceDays) -> tuple[int, str, str]:
    return (_RANK.get(fact.rank, 1), _source_day(fact, days), fact.recorded_at.isoformat())


def preferred(facts: Sequence[FactOut], days: SourceDays) -> FactOut | None:
    """The fact to show among the figures of one point."""
    return max(facts, key=lambda fact: _key(fact, days)) if facts else None


def preferred_by(facts: Sequence[FactOut], days: SourceDays) -> str:
    """Which step of the rule chose among the figures of one point."""
    if len(facts) == 1:
        return "only_value"
    keys = sorted((_key(fact, days) for fact in facts), reverse=True)
    first, second = keys[0], keys[1]
    if first[0] != second[0]:
        return "rank"
    if first[1] != second[1]:
        return "latest_source"
    return "latest_record"


def value_of(fact: FactOut) -> object:
    """What two figures must share to agree: the value and its qualifier, or the date."""
    if fact.quantity is not None:
        return (fact.quantity.value, fact.quantity.unit, fact.quantity.qualifier)
    return (fact.date.value, fact.date.qualifier) if fact.date else fact.summary


def point_date(fact: FactOut) -> str | None:
    return fact.date.value if fact.date else None


def _order(fact: FactOut) -> tuple[str, str]:
    """Dates in time order whatever their precision: by the last day each may be."""
    if fact.date is None:
        return ("", "")
    return (fact.date.latest or fact.date.value or "", fact.date.value or "")


def points(facts: Sequence[FactOut]) -> dict[str | None, list[FactOut]]:
    """The facts by date, oldest first (undated ones first of all)."""
    grouped: dict[str | None, list[FactOut]] = {}
    for fact in sorted(facts, key=_order):
        grouped.setdefault(point_date(fact), []).append(fact)
    return grouped


@dataclass(frozen=True)
class Choice:
    """The figure to show, and the others given for the same point that disagree with it."""

    fact: FactOut | None
    disagreeing: tuple[FactOut, ...] = ()


def latest_choice(facts: Sequence[FactOut], days: SourceDays) -> Choice:
    """The figure to show: among the facts of the highest rank given (as Wikidata reads
    ranks), the preferred value of their latest point. Every other non-deprecated figure of
    that date with another value disagrees with it."""
    if not facts:
        return Choice(None)
    top = max(_RANK.get(fact.rank, 1) for fact in facts)
    ranked = [fact for fact in facts if _RANK.get(fact.rank, 1) == top]
    latest = list(points(ranked).values())[-1]
    chosen = preferred(latest, days)
    assert chosen is not None
    same_date = [
        f
        for f in facts
        if point_date(f) == point_date(chosen) and f.rank != "deprecated" and f is not chosen
    ]
    return Choice(chosen, tuple(f for f in same_date if value_of(f) != value_of(chosen)))
