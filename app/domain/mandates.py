"""Mandate periods, gathered from cited facts: each period is the facts of one mission that
name the same authorizing instrument (its adoption, start, end and ceiling). A renewal is a
further instrument, so a further period; facts naming no instrument form a period of their
own, since nothing says which mandate they belong to.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.vocabulary import MandatePart

_RANK = {"preferred": 2, "normal": 1, "deprecated": 0}


@dataclass(frozen=True)
class MandateFact:
    """What a period needs of one fact: which part it gives, and the days it may be."""

    fact_id: str
    part: MandatePart
    instrument: str | None
    earliest: date | None
    latest: date | None
    value: float | None
    rank: str
    recorded_at: datetime

    @property
    def reading(self) -> tuple[date | None, date | None, float | None]:
        return self.earliest, self.latest, self.value


def preferred_first(facts: Iterable[MandateFact]) -> list[MandateFact]:
    """Highest rank first, then the latest recorded: the first is the one a period uses."""
    return sorted(facts, key=lambda f: (_RANK.get(f.rank, 1), f.recorded_at), reverse=True)


@dataclass(frozen=True)
class Period:
    instrument: str | None
    parts: dict[MandatePart, list[MandateFact]] = field(default_factory=dict)

    def chosen(self, part: MandatePart) -> MandateFact | None:
        facts = self.parts.get(part)
        return facts[0] if facts else None

    @property
    def start(self) -> date | None:
        """The first day the period may start; None when no start is known."""
        fact = self.chosen(MandatePart.start)
        return fact.earliest if fact else None

    @property
    def end(self) -> date | None:
        """The last day the period may end; None when no end is known."""
        fact = self.chosen(MandatePart.end)
        return fact.latest if fact else None

    @property
    def has_end(self) -> bool:
        return self.chosen(MandatePart.end) is not None

    def disagreements(self) -> list[MandatePart]:
        """The parts on which the period's facts differ."""
        return [part for part, facts in self.parts.items() if len({f.reading for f in facts}) > 1]

    @property
    def fact_ids(self) -> tuple[str, ...]:
        return tuple(f.fact_id for facts in self.parts.values() for f in facts)

    def _order(self) -> tuple[date, str]:
        days = [self.start, *(f.earliest for fs in self.parts.values() for f in fs)]
        known = [day for day in days if day is not None]
        return (min(known) if known else date.max, self.instrument or "")


def mandate_periods(facts: Sequence[MandateFact]) -> list[Period]:
    """The periods these facts describe, oldest first."""
    grouped: dict[str | None, dict[MandatePart, list[MandateFact]]] = {}
    for fact in facts:
        grouped.setdefault(fact.instrument, {}).setdefault(fact.part, []).append(fact)
    periods = [
        Period(
            instrument,
            {part: preferred_first(parts[part]) for part in MandatePart if part in parts},
        )
        for instrument, parts in grouped.items()
    ]
    return sorted(periods, key=Period._order)
