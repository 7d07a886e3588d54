"""/missions and each mission's sub-resources: funding, donors, personnel, positions..."""

from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlmodel import Session

from app.api.csv_columns import MISSION_COLUMNS, fact_columns
from app.api.formats import FormatDep, OutputFormat, list_openapi, rows_response
from app.api.http_dates import last_modified
from app.api.mission_life import (
    CONTRIBUTOR_COLUMNS,
    SERIES_COLUMNS,
    contributors_of,
    funding_stages_of,
    key_figure_choices,
    mandates_out,
    mission_series,
    relations_out,
    series_rows,
)
from app.api.pagination import PageDep, page_of_items
from app.api.present import (
    caveat,
    merged,
    mission_lives_of,
    mission_ref,
    present_facts,
    present_missions,
)
from app.api.problems import invalid, not_acceptable, problem_responses
from app.api.routes.common import (
    FactSortByKind,
    Iso3Query,
    MissionSlug,
    require_mission,
)
from app.api.routes.fact_lists import STANCE, FactListRoute, add_fact_list_routes
from app.api.routes.listing import csv_filename, entity_list, fact_list
from app.api.routing import api_router
from app.api.schemas import (
    ContributorOut,
    Contributors,
    FactGroup,
    FactList,
    FactOut,
    Funding,
    KeyFigures,
    MissionDetail,
    MissionSeries,
    MissionSummary,
    Page,
    Series,
    UnknownFigure,
)
from app.api.sessions import SessionDep
from app.domain.read_scopes import kind_scope, reads_header
from app.domain.vocabulary import (
    VOCABULARY,
    CaveatCode,
    CountryRole,
    Group,
    MissionStatus,
    funding_parts,
    funding_stages,
    kinds_in,
    mandate_parts,
    quantity_kinds,
    relation_kinds,
)
from app.queries import entities
from app.queries.facts import list_completeness, select_facts
from app.queries.moment import reading_as_of

router = api_router(prefix="/missions", tags=["missions"])

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
SUB_RESOURCES = (
    "funding",
    "personnel",
    "contributors",
    "series",
    "history",
    *(r.path.rsplit("/", 1)[-1] for r in MISSION_LISTS),
)


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
        query=entities.mission_query(status=status, kind=kind, as_of=reading_as_of(session)),
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
    # Every fact about the mission, and the other missions' facts relating to it, read and
    # presented once: the key figures, notes, mandate periods, relations, unknowns and the
    # status are all drawn from them.
    involved = select_facts(session, involving=slug)
    rows = [row for row in involved if row.mission_slug == slug]
    relating = [
        row for row in involved if row.related_mission_slug == slug and row.kind in relation_kinds()
    ]
    summary = present_missions(session, [mission], lives=mission_lives_of(rows))[0]
    # Key figures, notes, mandate periods and relations.
    shown = {
        *VOCABULARY.key_figures().values(),
        *kinds_in(Group.note),
        *mandate_parts(),
        *relation_kinds(),
    }
    # Only what the answer shows is presented: the facts of those kinds, and the unknowns.
    own = [r for r in rows if r.kind in shown or (r.unit is not None and r.value is None)]
    presented = dict(
        zip(
            (row.row_id for row in own + relating),
            present_facts(session, own + relating),
            strict=True,
        )
    )
    facts = [presented[row.row_id] for row in own]
    # Each key figure is the preferred value of its latest point (app.api.preference).
    choices = key_figure_choices(session, facts)
    figures = {name: choice.fact for name, choice in choices.items()}
    disagreements = {
        name: [fact.id for fact in choice.disagreeing]
        for name, choice in choices.items()
        if choice.disagreeing
    }
    missing = {name: NO_FIGURE for name, fact in figures.items() if fact is None}
    response.headers.update(last_modified([mission.recorded_at, *(f.recorded_at for f in facts)]))
    supporting = entities.missions_supporting(session, slug=slug)
    unknown_facts = [
        fact for fact in facts if CaveatCode.value_unknown in {c.code for c in fact.caveats}
    ]
    return MissionDetail(
        **summary.model_dump(),
        key_figures=KeyFigures(**figures, unknown=missing, disagreements=disagreements),
        mandates=mandates_out(rows, facts),
        relations=relations_out(
            session,
            mission,
            facts,
            relating=[presented[row.row_id] for row in relating],
            supporting=supporting,
        ),
        notes=[fact for fact in facts if fact.kind in kinds_in(Group.note)],
        supported_by=[ref for m in supporting if (ref := mission_ref(m)) is not None],
        links={name: f"/missions/{slug}/{name}" for name in SUB_RESOURCES},
        caveats=merged(
            [
                summary.status.caveats,
                *(fact.caveats for fact in figures.values() if fact is not None),
                [caveat(CaveatCode.sources_disagree)] if disagreements else [],
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
    # The facts it reads: these kinds, and those of the money by stage.
    reads = reads_header(kind_scope(kind) for kind in [*kinds, *funding_stages()])
    if output.rows:
        columns = fact_columns(kinds=kinds)
        return rows_response(output, columns, facts, filename=csv_filename(request), headers=reads)
    response.headers.update(reads)
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
        stages=funding_stages_of(session, slug),
        as_of=received.date if received else None,
        unknown={part: why or NO_FIGURE for part, why in unknown.items()},
        caveats=merged(fact.caveats for fact in facts),
    )


add_fact_list_routes(router, MISSION_LISTS)


SeriesFlag = Annotated[
    bool,
    Query(
        description="`true`: the figures over time instead, one series per kind (and per "
        "country), one point per date; where sources disagree on a date, every value is shown "
        "and the preferred one is marked (JSON only)."
    ),
]


def _json_only(output: OutputFormat) -> None:
    if output.rows:
        raise not_acceptable(
            "The series are JSON here: ask for application/json (without `format`), or for "
            "GET /missions/{slug}/series, which is also CSV and NDJSON."
        )


def _series_page(session: Session, slug: str, series: list[Series]) -> MissionSeries:
    mission = mission_ref(require_mission(session, slug))
    assert mission is not None
    return MissionSeries(
        mission=mission, items=series, limit=max(len(series), 1), next=None, next_cursor=None
    )


@router.get(
    "/{slug}/personnel",
    summary="Planned and deployed personnel, as a list or as time series",
    response_model=FactList | MissionSeries,
    responses={**LIST_RESPONSES, **problem_responses(406)},
)
def list_personnel(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    sort: FactSortByKind = None,
    series: SeriesFlag = False,
) -> FactList | MissionSeries | Response:
    """Personnel figures: planned, deployed (with its as-of date) and the derived share. With
    `series=true`, the same figures as time series (JSON only; the list's paging does not
    apply)."""
    require_mission(session, slug)
    kinds = kinds_in(Group.personnel)
    if series:
        _json_only(output)
        return _series_page(session, slug, mission_series(session, slug, kinds=kinds))
    return fact_list(request, session, page, output, sort=sort, missions=[slug], kinds=kinds)


@router.get(
    "/{slug}/contributors",
    summary="Contributing countries: role and latest personnel count, or counts over time",
    response_model=Contributors | MissionSeries,
    responses={**LIST_RESPONSES, **problem_responses(406)},
)
def list_contributors(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    series: SeriesFlag = False,
) -> Contributors | MissionSeries | Response:
    """Per country: its roles (lead nation, personnel contributor), the fact stating its main
    role, its latest cited count of personnel deployed (the preferred value of the latest
    date, others that disagree named), or null with the reason where no source gives one.
    With `series=true`, each country's counts over time. CSV and NDJSON: one row per country,
    its facts' columns prefixed `personnel_` and `role_fact_`."""
    mission = mission_ref(require_mission(session, slug))
    assert mission is not None
    kinds = kinds_in(Group.contributor)
    if series:
        _json_only(output)
        counted = [k for k in kinds if k in quantity_kinds()]
        return _series_page(session, slug, mission_series(session, slug, kinds=counted))
    found = contributors_of(session, slug)
    if output.rows and not page.limit_given:
        return rows_response(output, CONTRIBUTOR_COLUMNS, found, filename=csv_filename(request))
    one = page_of_items(request, found, key=_contributor_key, page=page)
    if output.rows:
        return rows_response(output, CONTRIBUTOR_COLUMNS, one.rows, filename=csv_filename(request))
    complete, notes = list_completeness(session, missions=[slug], kinds=kinds)
    return Contributors(
        mission=mission,
        items=one.rows,
        limit=page.limit,
        next=one.next_url,
        next_cursor=one.next_cursor,
        total=one.total,
        list_complete=complete,
        list_note=" ".join(notes) or None,
    )


def _contributor_key(contributor: ContributorOut) -> str:
    """Lead nations first, then each role's countries by code: the order the pages show."""
    return f"{list(CountryRole).index(contributor.role)}-{contributor.iso3}"


QuantityKind = Annotated[
    str | None,
    Query(
        max_length=60,
        pattern=r"^[a-z][a-z_.]*$",
        description="The figure: any kind that holds a quantity, e.g. `personnel.deployed`, "
        "`funding.pledged`, `personnel.contributed`. Without it, every figure of the mission.",
        examples=["personnel.deployed"],
    ),
]


@router.get(
    "/{slug}/series",
    summary="Any figure of the mission over time, with every source's value",
    response_model=MissionSeries,
    responses={200: list_openapi("One row per value of each point."), **NOT_FOUND},
)
def get_series(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    output: FormatDep,
    kind: QuantityKind = None,
    country: Iso3Query = None,
) -> MissionSeries | Response:
    """The figures of one kind (or of every kind) over time: one series per kind and subject
    (the mission, or each country or actor the figures are of), one point per date with every
    value sources gave for it, `disagree` when they differ, and the preferred one marked with
    the step of the rule that chose it (rank, then the most recent source, then the latest
    recorded). As CSV
    or NDJSON, one row per value."""
    require_mission(session, slug)
    if kind is not None and kind not in quantity_kinds():
        known = ", ".join(quantity_kinds())
        raise invalid("query", "kind", f"{kind[:60]!r} holds no figures; one of: {known}")
    code = country.upper() if country else None
    kinds = [kind] if kind else list(quantity_kinds())
    series = mission_series(session, slug, kinds=kinds, country=code)
    if output.rows:
        return rows_response(
            output, SERIES_COLUMNS, series_rows(series), filename=csv_filename(request)
        )
    return _series_page(session, slug, series)
