"""/missions and each mission's sub-resources: funding, donors, personnel, positions..."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from app.api.csv_columns import MISSION_COLUMNS, fact_columns
from app.api.formats import FormatDep, list_openapi, rows_response
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.preference import preferred, preferred_by
from app.api.present import merged, mission_ref, present_facts, present_missions
from app.api.problems import not_acceptable, problem_responses
from app.api.routes.common import (
    FactSortByKind,
    MissionSlug,
    require_mission,
)
from app.api.routes.fact_lists import STANCE, FactListRoute, add_fact_list_routes
from app.api.routes.listing import csv_filename, entity_list, fact_list
from app.api.schemas import (
    FactGroup,
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
    UnknownFigure,
)
from app.api.sessions import SessionDep
from app.domain.vocabulary import (
    VOCABULARY,
    CaveatCode,
    Group,
    MissionStatus,
    funding_parts,
    kinds_in,
)
from app.queries import entities
from app.queries.facts import list_completeness, select_facts

router = APIRouter(prefix="/missions", tags=["missions"])

NOT_FOUND = problem_responses(404, 422)
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {200: list_openapi(), **NOT_FOUND}
NO_FIGURE = "The sources hold no such figure for this mission."


MISSION_LISTS = (
    FactListRoute(
        "/{slug}/donors",
        Group.donor,
        "Donors to the mission's fund",
        """Countries that gave to the mission's fund. Amounts the source does not give are null
    with a reason; `list_complete: false` says the source's list is partial.""",
        of_mission=True,
    ),
    FactListRoute(
        "/{slug}/contributors",
        Group.contributor,
        "Lead nation and personnel contributors",
        """The countries that lead the mission or contribute personnel, each with its `role`;
    the officers each sends are null with a reason where the source does not say.""",
        of_mission=True,
    ),
    FactListRoute(
        "/{slug}/positions",
        Group.position,
        "Positions on turning the mission into UN peacekeeping",
        """Stances taken in the Security Council debate and beyond, with `tense` as the source
    gives it ("previously", "initially", "current"). Who holds a stance is a country, an
    actor, or, where the source does not say, neither.""",
        filters=(STANCE,),
        of_mission=True,
    ),
    FactListRoute(
        "/{slug}/timeline",
        Group.timeline,
        "Dated events, in date order",
        """Dated events of the mission and of missions proposed to back it, oldest first. Each
    date keeps its precision (year, month, day) and qualifier.""",
        by_date=True,
        of_mission=True,
        with_supporters=True,
    ),
    FactListRoute(
        "/{slug}/needs",
        Group.need,
        "What the mission lacks",
        "Capabilities, protection of infrastructure, and funding the mission needs.",
        of_mission=True,
    ),
    FactListRoute(
        "/{slug}/proposals",
        Group.proposal,
        "Proposals about the mission",
        """Proposals concerning the mission, including those of bodies proposed to back it:
    what is recommended, by whom, how it would be financed and what it would supply, what was
    ruled out, and its `status` (proposed, ruled_out, under_review, open...).""",
        of_mission=True,
        with_supporters=True,
    ),
)
SUB_RESOURCES = ("funding", "personnel", *(r.path.rsplit("/", 1)[-1] for r in MISSION_LISTS))


@router.get(
    "",
    summary="List missions",
    response_model=Page[MissionSummary],
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_missions(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    status: Annotated[
        MissionStatus | None,
        Query(description="Missions whose source states this status (`status.stated`)."),
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


def _figure_name(fact: FactOut) -> str:
    """ "donor (Canada)": what the unknown figure is, and whose."""
    subject = fact.country or fact.actor
    label = VOCABULARY.label(fact.kind)
    return f"{label} ({subject.name})" if subject else label


@router.get(
    "/{slug}",
    summary="One mission, with its key figures",
    response_model=MissionDetail,
    responses=NOT_FOUND,
)
def get_mission(slug: MissionSlug, session: SessionDep, response: Response) -> MissionDetail:
    """The mission, its key figures (personnel deployed vs planned, funding received and
    unallocated, lead nation, mandate end), each with citations, and notes about it. A key
    figure the sources do not give is null and listed under `key_figures.unknown`; `unknown`
    lists every figure about the mission that the sources leave unknown, key or not."""
    mission = require_mission(session, slug)
    summary = present_missions(session, [mission])[0]
    key_kinds = VOCABULARY.key_figures()
    rows = select_facts(
        session, missions=[slug], kinds=[*key_kinds.values(), *kinds_in(Group.note)]
    )
    facts = present_facts(session, rows)
    # Where sources disagree, the preferred figure (by rank, then date, then record) is shown.
    figures = {
        name: preferred([fact for fact in facts if fact.kind == kind])
        for name, kind in key_kinds.items()
    }
    missing = {name: NO_FIGURE for name, fact in figures.items() if fact is None}
    response.headers.update(last_modified([mission.recorded_at, *(f.recorded_at for f in facts)]))
    unknown_facts = present_facts(
        session, select_facts(session, missions=[slug], caveat=CaveatCode.value_unknown)
    )
    return MissionDetail(
        **summary.model_dump(),
        key_figures=KeyFigures(**figures, unknown=missing),
        notes=[fact for fact in facts if fact.kind in kinds_in(Group.note)],
        supported_by=[
            ref
            for m in entities.missions_supporting(session, slug=slug)
            if (ref := mission_ref(m)) is not None
        ],
        links={name: f"/missions/{slug}/{name}" for name in SUB_RESOURCES},
        caveats=merged(
            [
                summary.status.caveats,
                *(fact.caveats for fact in facts if fact.kind in key_kinds.values()),
            ]
        ),
        unknown=[
            *(
                UnknownFigure(figure=name, fact_id=None, reason=why)
                for name, why in missing.items()
            ),
            *(
                UnknownFigure(
                    figure=_figure_name(fact),
                    fact_id=fact.id,
                    reason=fact.quantity.unknown_reason if fact.quantity else None,
                )
                for fact in unknown_facts
            ),
        ],
    )


@router.get(
    "/{slug}/funding",
    summary="The mission's trust fund",
    response_model=Funding,
    responses={200: list_openapi("The funding facts as CSV or NDJSON rows."), **NOT_FOUND},
)
def get_funding(
    slug: MissionSlug, request: Request, response: Response, session: SessionDep, output: FormatDep
) -> Funding | Response:
    """Received and unallocated amounts as stated, the allocated amount derived from them
    (marked `derived`, with its formula), the need for more funding (no figure given), and
    the donors: each amount unknown, and the list marked partial. Every figure that is null,
    or whose value is null, is named in `unknown` with the reason."""
    mission = require_mission(session, slug)
    kinds = [*kinds_in(Group.funding), *kinds_in(Group.donor)]
    facts = present_facts(session, select_facts(session, missions=[slug], kinds=kinds))
    if output.rows:
        columns = fact_columns(kinds=kinds)
        return rows_response(output, columns, [facts], filename=csv_filename(request))
    response.headers.update(last_modified(fact.recorded_at for fact in facts))
    by_kind = {fact.kind: fact for fact in facts if fact.kind in kinds_in(Group.funding)}
    donors = [fact for fact in facts if fact.kind in kinds_in(Group.donor)]
    parts = {part: by_kind.get(kind) for part, kind in funding_parts().items()}
    unknown = {
        part: fact.quantity.unknown_reason if fact and fact.quantity else NO_FIGURE
        for part, fact in parts.items()
        if fact is None or (fact.quantity and fact.quantity.value is None)
    }
    donors_complete, donor_notes = list_completeness(
        session, missions=[slug], kinds=kinds_in(Group.donor)
    )
    ref = mission_ref(mission)
    assert ref is not None
    received = parts["received"]
    return Funding(
        mission=ref,
        **parts,
        donors=FactGroup(
            list_complete=donors_complete, list_note=" ".join(donor_notes) or None, items=donors
        ),
        as_of=received.date if received else None,
        unknown={part: why or NO_FIGURE for part, why in unknown.items()},
        caveats=merged(fact.caveats for fact in facts),
    )


add_fact_list_routes(router, MISSION_LISTS)


@router.get(
    "/{slug}/personnel",
    summary="Planned and deployed personnel, as a list or as time series",
    response_model=FactList | PersonnelSeries,
    responses={**LIST_RESPONSES, **problem_responses(406)},
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
        if output.rows:
            raise not_acceptable(
                "The series are JSON only: ask for application/json (without `format`), "
                "or for the list, which is also CSV and NDJSON."
            )
        return _personnel_series(session, slug)
    return fact_list(
        request, session, page, output, sort=sort, missions=[slug], kinds=kinds_in(Group.personnel)
    )


def _personnel_series(session: Session, slug: str) -> PersonnelSeries:
    rows = select_facts(session, by_date=True, missions=[slug], kinds=kinds_in(Group.personnel))
    by_kind: dict[str, dict[str | None, list[FactOut]]] = {}
    for fact in present_facts(session, rows):
        date = fact.date.value if fact.date else None
        by_kind.setdefault(fact.kind, {}).setdefault(date, []).append(fact)
    series = []
    for kind in kinds_in(Group.personnel):
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
            series.append(
                Series(kind=kind, kind_label=VOCABULARY.label(kind), unit=unit, points=points)
            )
    mission = mission_ref(require_mission(session, slug))
    assert mission is not None
    return PersonnelSeries(
        mission=mission, items=series, limit=len(series), next=None, next_cursor=None
    )
