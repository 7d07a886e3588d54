"""A mission's status at a moment, computed from what its sources state, never assumed.

A source states a status when it was written ("active", "proposed", "past"); a mandate says
until when a mission is authorized. Past the end of its last known mandate, a mission the
source called active is not said to be active any more: nothing known says it was renewed,
nor that it stopped, so its status is `unknown`, with the caveat `mandate_ended`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.vocabulary import CaveatCode, MissionState, MissionStatus


@dataclass(frozen=True)
class MandateEnd:
    """A cited end of a mandate: the fact that states it and the last day it may be."""

    fact_id: str
    latest: date | None  # "October 2025": 2025-10-31; None when the end has no upper bound


@dataclass(frozen=True)
class StatusAt:
    value: MissionState
    moment: date
    rule: str
    fact_ids: tuple[str, ...]
    caveats: tuple[CaveatCode, ...] = ()


def mission_status_at(*, stated: str, mandate_ends: Sequence[MandateEnd], moment: date) -> StatusAt:
    """The status of a mission on `moment`, and the rule and facts that gave it."""
    if stated == MissionStatus.proposed:
        return StatusAt(MissionState.proposed, moment, "The source describes it as proposed.", ())
    if stated == MissionStatus.past:
        return StatusAt(MissionState.ended, moment, "The source describes it as past.", ())
    bounded = [end for end in mandate_ends if end.latest is not None]
    if not bounded or len(bounded) < len(mandate_ends):
        return StatusAt(
            MissionState.active,
            moment,
            "The source describes it as active, and no end of its mandate is known.",
            tuple(end.fact_id for end in mandate_ends),
        )
    last = max(bounded, key=lambda end: end.latest or date.min)
    assert last.latest is not None
    if moment <= last.latest:
        return StatusAt(
            MissionState.active,
            moment,
            f"The source describes it as active, authorized until {last.latest.isoformat()} "
            "at the latest.",
            (last.fact_id,),
        )
    return StatusAt(
        MissionState.unknown,
        moment,
        f"Its last known mandate ended by {last.latest.isoformat()}; no later mandate, and no "
        "end of the mission, is known.",
        (last.fact_id,),
        (CaveatCode.mandate_ended,),
    )
