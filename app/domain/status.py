"""A mission's status at a moment, computed from what its sources state, never assumed.

A source states a status when it was written ("active", "proposed", "past"); mandate periods
say from when and until when a mission is authorized; a succession says another mission took
over. Past the end of its last known mandate, a mission the source called active is not said
to be active any more: nothing known says it was renewed, nor that it stopped, so its status
is `unknown`, with the caveat `mandate_ended`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.mandates import Period
from app.domain.vocabulary import CaveatCode, MissionState, MissionStatus


@dataclass(frozen=True)
class Succession:
    """A cited succession: the successor's label, and the first day it may have taken over."""

    fact_id: str
    successor: str
    on: date | None


@dataclass(frozen=True)
class StatusAt:
    value: MissionState
    moment: date
    rule: str
    fact_ids: tuple[str, ...]
    caveats: tuple[CaveatCode, ...] = ()


def _named(period: Period) -> str:
    return f" ({period.instrument})" if period.instrument else ""


def mission_status_at(
    *,
    stated: str,
    periods: Sequence[Period],
    successions: Sequence[Succession] = (),
    moment: date,
) -> StatusAt:
    """The status of a mission on `moment`, and the rule and facts that gave it."""
    if stated == MissionStatus.proposed:
        return StatusAt(MissionState.proposed, moment, "The source describes it as proposed.", ())
    if stated == MissionStatus.past:
        return StatusAt(MissionState.ended, moment, "The source describes it as past.", ())
    taken_over = [s for s in successions if s.on is not None and s.on <= moment]
    if taken_over:
        first = min(taken_over, key=lambda s: s.on or date.max)
        assert first.on is not None
        return StatusAt(
            MissionState.succeeded,
            moment,
            f"Succeeded by the mission `{first.successor}` from {first.on.isoformat()} at the "
            "latest.",
            (first.fact_id,),
        )
    ends = [period for period in periods if period.has_end]
    if not ends or any(p.end is None for p in ends) or len(ends) < len(periods):
        return StatusAt(
            MissionState.active,
            moment,
            "The source describes it as active, and no end of its mandate is known.",
            tuple(f for period in periods for f in period.fact_ids),
        )
    starts = [p.start for p in periods if p.start is not None]
    if len(starts) == len(periods) and moment < min(starts):
        first_period = min(periods, key=lambda p: p.start or date.max)
        return StatusAt(
            MissionState.proposed,
            moment,
            f"Not yet started: its first known mandate{_named(first_period)} starts on "
            f"{min(starts).isoformat()} at the earliest.",
            first_period.fact_ids,
        )
    for period in periods:
        assert period.end is not None
        started = period.start is None or period.start <= moment
        if started and moment <= period.end:
            return StatusAt(
                MissionState.active,
                moment,
                f"The source describes it as active, authorized{_named(period)} until "
                f"{period.end.isoformat()} at the latest.",
                period.fact_ids,
            )
    last = max(ends, key=lambda p: p.end or date.min)
    assert last.end is not None
    if moment > last.end:
        rule = (
            f"Its last known mandate{_named(last)} ended by {last.end.isoformat()}; no later "
            "mandate, and no end of the mission, is known."
        )
    else:
        rule = "Between its known mandates: none is known to cover this day."
    return StatusAt(MissionState.unknown, moment, rule, last.fact_ids, (CaveatCode.mandate_ended,))
