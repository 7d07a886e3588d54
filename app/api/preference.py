"""Choosing the value to show when sources disagree: rank first, as Wikidata does, then the
figure's date, then the latest recorded."""

from collections.abc import Sequence

from app.api.schemas import FactOut

_RANK = {"preferred": 2, "normal": 1, "deprecated": 0}


def _key(fact: FactOut) -> tuple[int, str, str]:
    date = fact.date.value if fact.date and fact.date.value else ""
    return (_RANK.get(fact.rank, 1), date, fact.recorded_at.isoformat())


def preferred(facts: Sequence[FactOut]) -> FactOut | None:
    """The fact to show among several of one kind: highest rank, latest date, latest record."""
    return max(facts, key=_key) if facts else None


def preferred_by(facts: Sequence[FactOut]) -> str:
    """Why `preferred` chose as it did among facts of one date."""
    if len(facts) == 1:
        return "only_value"
    ranks = {_RANK.get(fact.rank, 1) for fact in facts}
    top = max(ranks)
    if sum(1 for fact in facts if _RANK.get(fact.rank, 1) == top) == 1:
        return "rank"
    return "latest_record"
