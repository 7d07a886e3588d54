"""/missions and each mission's sub-resources: funding, donors, personnel, positions..."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from app.api.csv_columns import MISSION_COLUMNS, fact_columns
from app.api.formats import FormatDep, csv_openapi, csv_response
from app.api.pagination import PageDep
from app.api.preference import preferred, preferred_by
from app.api.present import mission_ref, present_facts, present_missions
from app.api.problems import problem_responses
from app.api.routes.common import (
    FactSortByDate,
    FactSortByKind,
    MissionSlug,
    require_mission,
)
from app.api.routes.listing import csv_filename, entity_list, fact_list
from app.api.schemas import (
    DonorList,
    FactList,
    FactOut,
    Funding,
    KeyFigures,
    MissionDetail,
    MissionSummary,
    Page,
    PersonnelSeries,
    Series,
    SeriesPoint,
    SeriesValue,
)
from app.api.sessions import SessionDep
from app.domain.caveats import merged
from app.domain.vocabulary import (
    CONTRIBUTOR_KINDS,
    FACT_KINDS,
    NEED_KINDS,
    PERSONNEL_KINDS,
    TIMELINE_KINDS,
)
from app.queries import entities
from app.queries.facts import list_completeness, select_facts

router = APIRouter(prefix="/missions", tags=["missions"])

NOT_FOUND = problem_responses(404, 422)
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {200: csv_openapi(), **NOT_FOUND}
FUNDING_TAG = "#value+funding+usd"
KEY_FIGURES = {
    "personnel_deployed": "personnel.deployed",
    "personnel_planned": "personnel.planned",
    "personnel_deployed_share": "personnel.deployed_share",
    "funding_received": "funding.received",
    "funding_unallocated": "funding.unallocated",
    "funding_allocated": "funding.allocated",
    "lead_nation": "mission.lead_nation",
    "mandate_end": "mission.mandate_end",
}
NOTE_KINDS = ("mission.challenge", "mission.characterization", "mission.controversy")
PROPOSAL_KINDS = tuple(kind for kind in FACT_KINDS if kind.startswith("proposal."))
SUB_RESOURCES = (
    "funding",
    "donors",
    "contributors",
    "personnel",
    "positions",
    "timeline",
    "needs",
    "proposals",
)


def _with_supporters(session: SessionDep, slug: str) -> list[str]:
    """The mission and the missions proposed to back it: their facts concern it too."""
    return [slug, *(m.slug for m in entities.missions_supporting(session, slug=slug))]


@router.get(
    "",
    summary="List missions",
    response_model=Page[MissionSummary],
    responses={200: csv_openapi(), **problem_responses(422)},
)
def list_missions(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    status: Annotated[
        str | None,
        Query(max_length=40, description="Exact status: `active`, `proposed` or `past`."),
    ] = None,
    kind: Annotated[
        str | None,
        Query(max_length=60, description="Exact kind, e.g. `multinational_security_support`."),
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=200, description=entities.MISSION_SORTING.describe())
    ] = None,
) -> Page[MissionSummary] | Response:
    """Every mission and body the sources describe: active, proposed or past. Unnamed missions
    have `name: null` and a `name_unknown_reason`."""
    return entity_list(
        request,
        session,
        page,
        output,
        query=entities.mission_query(status=status, kind=kind),
        sorting=entities.MISSION_SORTING,
        sort=sort,
        present=present_missions,
        columns=MISSION_COLUMNS,
    )


@router.get(
    "/{slug}",
    summary="One mission, with its key figures",
    response_model=MissionDetail,
    responses=NOT_FOUND,
)
def get_mission(slug: MissionSlug, session: SessionDep) -> MissionDetail:
    """The mission, its key figures (personnel deployed vs planned, funding received and
    unallocated, lead nation, mandate end), each with citations, and notes about it. A key
    figure the sources do not give is null and listed under `key_figures.unknown`."""
    mission = require_mission(session, slug)
    summary = present_missions(session, [mission])[0]
    rows = select_facts(session, missions=[slug], kinds=[*KEY_FIGURES.values(), *NOTE_KINDS])
    facts = present_facts(session, rows)
    # Where sources disagree, the preferred figure (by rank, then date, then record) is shown.
    figures = {
        name: preferred([fact for fact in facts if fact.kind == kind])
        for name, kind in KEY_FIGURES.items()
    }
    unknown = {
        name: "The sources hold no such figure for this mission."
        for name, fact in figures.items()
        if fact is None
    }
    return MissionDetail(
        **summary.model_dump(),
        key_figures=KeyFigures(**figures, unknown=unknown),
        notes=[fact for fact in facts if fact.kind in NOTE_KINDS],
        supported_by=[
            ref
            for m in entities.missions_supporting(session, slug=slug)
            if (ref := mission_ref(m)) is not None
        ],
        links={name: f"/missions/{slug}/{name}" for name in SUB_RESOURCES},
        caveats=merged(fact.caveats for fact in facts if fact.kind in KEY_FIGURES.values()),
    )


@router.get(
    "/{slug}/funding",
    summary="The mission's trust fund",
    response_model=Funding,
    responses={200: csv_openapi("The funding facts as CSV rows."), **NOT_FOUND},
)
def get_funding(
    slug: MissionSlug, request: Request, session: SessionDep, output: FormatDep
) -> Funding | Response:
    """Received and unallocated amounts as stated, the allocated amount derived from them
    (marked `derived`, with its formula), the need for more funding (no figure given), and
    the donors: each amount unknown, and the list marked partial."""
    mission = require_mission(session, slug)
    rows = select_facts(
        session,
        missions=[slug],
        kinds=[
            "funding.received",
            "funding.unallocated",
            "funding.allocated",
            "funding.need",
            "funding.donor",
        ],
    )
    facts = present_facts(session, rows)
    if output.csv:
        columns = fact_columns(value_tag=FUNDING_TAG)
        return csv_response(columns, [facts], hxl=output.hxl, filename=csv_filename(request))
    by_kind = {fact.kind: fact for fact in facts if fact.kind != "funding.donor"}
    donors = [fact for fact in facts if fact.kind == "funding.donor"]
    received = by_kind.get("funding.received")
    donors_complete, donor_notes = list_completeness(
        session, missions=[slug], kinds=["funding.donor"]
    )
    ref = mission_ref(mission)
    assert ref is not None
    return Funding(
        mission=ref,
        received=received,
        unallocated=by_kind.get("funding.unallocated"),
        allocated=by_kind.get("funding.allocated"),
        need=by_kind.get("funding.need"),
        donors=DonorList(
            complete=donors_complete, note=" ".join(donor_notes) or None, items=donors
        ),
        as_of=received.date if received else None,
        caveats=merged(fact.caveats for fact in facts),
    )


@router.get(
    "/{slug}/donors",
    summary="Donors to the mission's fund",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_donors(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """Countries that gave to the mission's fund. Amounts the source does not give are null
    with a reason; `list_complete: false` says the source's list is partial."""
    require_mission(session, slug)
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        value_tag=FUNDING_TAG,
        missions=[slug],
        kinds=["funding.donor"],
    )


@router.get(
    "/{slug}/contributors",
    summary="Lead nation and personnel contributors",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_contributors(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """The countries that lead the mission or contribute personnel, each with its `role`."""
    require_mission(session, slug)
    return fact_list(
        request, session, page, output, sort=sort, missions=[slug], kinds=CONTRIBUTOR_KINDS
    )


@router.get(
    "/{slug}/personnel",
    summary="Planned and deployed personnel, as a list or as time series",
    response_model=FactList | PersonnelSeries,
    responses=LIST_RESPONSES,
)
def list_personnel(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
    series: Annotated[
        bool,
        Query(
            description="`true`: the figures over time instead, one series per kind, one "
            "point per date; where sources disagree on a date, every value is shown and the "
            "preferred one is marked."
        ),
    ] = False,
) -> FactList | PersonnelSeries | Response:
    """Personnel figures: planned, deployed (with its as-of date) and the derived share. With
    `series=true`, the same figures as time series (JSON only; the list's paging does not
    apply)."""
    require_mission(session, slug)
    if series:
        return _personnel_series(session, slug)
    return fact_list(
        request, session, page, output, sort=sort, missions=[slug], kinds=PERSONNEL_KINDS
    )


def _personnel_series(session: Session, slug: str) -> PersonnelSeries:
    rows = select_facts(session, by_date=True, missions=[slug], kinds=PERSONNEL_KINDS)
    by_kind: dict[str, dict[str | None, list[FactOut]]] = {}
    for fact in present_facts(session, rows):
        date = fact.date.value if fact.date else None
        by_kind.setdefault(fact.kind, {}).setdefault(date, []).append(fact)
    series = []
    for kind in PERSONNEL_KINDS:
        points = []
        for date, facts in by_kind.get(kind, {}).items():
            chosen = preferred(facts)
            values = {fact.quantity.value if fact.quantity else None for fact in facts}
            points.append(
                SeriesPoint(
                    date=date,
                    disagree=len(values) > 1,
                    preferred_by=preferred_by(facts),  # type: ignore[arg-type]
                    values=[SeriesValue(preferred=fact is chosen, fact=fact) for fact in facts],
                )
            )
        if points:
            units = {v.fact.quantity.unit for p in points for v in p.values if v.fact.quantity}
            unit = units.pop() if len(units) == 1 else None
            series.append(Series(kind=kind, unit=unit, points=points))
    return PersonnelSeries(mission=slug, series=series)


@router.get(
    "/{slug}/positions",
    summary="Positions on turning the mission into UN peacekeeping",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_positions(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
    stance: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Exact stance: supported, raised_concerns, reconsidering, "
            "preferred_alternative.",
        ),
    ] = None,
) -> FactList | Response:
    """Stances taken in the Security Council debate and beyond, with `tense` as the source
    gives it ("previously", "initially", "current"). Who holds a stance is a country, an actor,
    or, where the source does not say, neither."""
    require_mission(session, slug)
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        missions=[slug],
        kinds=["position"],
        stance=stance,
    )


@router.get(
    "/{slug}/timeline",
    summary="Dated events, in date order",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_timeline(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByDate = None,
) -> FactList | Response:
    """Dated events of the mission and of missions proposed to back it, oldest first. Each
    date keeps its precision (year, month, day) and qualifier."""
    require_mission(session, slug)
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        date_tag="#date+occurred",
        missions=_with_supporters(session, slug),
        kinds=sorted(TIMELINE_KINDS),
        by_date=True,
    )


@router.get(
    "/{slug}/needs",
    summary="What the mission lacks",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_needs(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """Capabilities, protection of infrastructure, and funding the mission needs."""
    require_mission(session, slug)
    return fact_list(request, session, page, output, sort=sort, missions=[slug], kinds=NEED_KINDS)


@router.get(
    "/{slug}/proposals",
    summary="Proposals about the mission",
    response_model=FactList,
    responses=LIST_RESPONSES,
)
def list_proposals(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """Proposals concerning the mission, including those of bodies proposed to back it: what
    is recommended, by whom, how it would be financed and what it would supply, what was ruled
    out, and its `status` (proposed, ruled_out, under_review, open...)."""
    require_mission(session, slug)
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        missions=_with_supporters(session, slug),
        kinds=PROPOSAL_KINDS,
    )
