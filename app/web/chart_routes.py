"""/missions/{slug}/charts/*.svg: the fact sheet's charts, public so newsrooms can embed them."""

from collections.abc import Callable
from typing import Any

from fastapi.responses import Response
from sqlmodel import Session

from app.api.problems import problem_responses
from app.api.routes.common import MissionSlug, require_mission
from app.api.routing import api_router
from app.api.sessions import SessionDep
from app.web import mission_charts
from app.web.charts import Chart
from app.web.sheet import MissionSheet, build_sheet

SVG = "image/svg+xml"

router = api_router(prefix="/missions", tags=["missions"])


class SvgResponse(Response):
    media_type = SVG


def _responses(what: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": f"An SVG chart of {what}.", "content": {SVG: {}}},
        **problem_responses(404, 422),
    }


def _render(
    session: Session, slug: str, draw: Callable[[Session, MissionSheet], Chart]
) -> SvgResponse:
    mission = require_mission(session, slug)
    return SvgResponse(draw(session, build_sheet(session, mission)).svg)


@router.get(
    "/{slug}/charts/personnel.svg",
    summary="Chart: personnel deployed against planned",
    response_class=SvgResponse,
    responses=_responses("personnel deployed against planned"),
)
def personnel_chart(slug: MissionSlug, session: SessionDep) -> SvgResponse:
    """Personnel deployed and planned as two bars on one scale, each value written out with
    its qualifier, and the derived deployed share marked as derived. Unknown figures are
    written "unknown", never drawn as zero. A credit line names the source and its date.
    Embed it with `<img src="/missions/mss/charts/personnel.svg" alt="...">`."""
    return _render(session, slug, mission_charts.personnel)


@router.get(
    "/{slug}/charts/funding.svg",
    summary="Chart: trust fund received, allocated and unallocated",
    response_class=SvgResponse,
    responses=_responses("the mission's trust fund"),
)
def funding_chart(slug: MissionSlug, session: SessionDep) -> SvgResponse:
    """The money received, and the same total split into its allocated and unallocated
    parts. The allocated part is derived (received minus unallocated), so it is hatched and
    labelled "derived" with its formula. Funding still needed is shown as unknown when the
    source gives no figure. A credit line names the source and its date."""
    return _render(session, slug, mission_charts.funding)


@router.get(
    "/{slug}/charts/timeline.svg",
    summary="Chart: the mission's dated events",
    response_class=SvgResponse,
    responses=_responses("the mission's dated events"),
)
def timeline_chart(slug: MissionSlug, session: SessionDep) -> SvgResponse:
    """The events of `GET /missions/{slug}/timeline`, oldest first, each dated at the
    precision the source gives: a day as a dot, a month or a year as an open bar, with the
    date written out ("October 2025", not "1 October 2025"). A credit line names the source
    and its date."""
    return _render(session, slug, mission_charts.timeline)
