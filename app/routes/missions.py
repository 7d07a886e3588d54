"""/missions and each mission's sub-resources: funding, donors, personnel, positions..."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.db import SessionDep
from app.pagination import PageDep, cut_page
from app.present import mission_ref, present_facts, present_missions
from app.problems import problem_responses
from app.queries import entities
from app.queries.facts import list_completeness, select_facts
from app.routes.common import MissionSlug, fact_page, require_mission
from app.schemas import (
    DonorList,
    FactList,
    Funding,
    KeyFigures,
    MissionDetail,
    MissionSummary,
    Page,
)
from app.vocab import CONTRIBUTOR_KINDS, FACT_KINDS, NEED_KINDS, PERSONNEL_KINDS, TIMELINE_KINDS

router = APIRouter(prefix="/missions", tags=["missions"])

NOT_FOUND = problem_responses(404, 422)
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


@router.get("", summary="List missions", response_model=Page[MissionSummary])
def list_missions(request: Request, session: SessionDep, page: PageDep) -> Page[MissionSummary]:
    """Every mission and body the sources describe: active, proposed or past, ordered by slug.
    Unnamed missions have `name: null` and a `name_unknown_reason`."""
    rows = entities.list_missions(session, limit=page.fetch, offset=page.offset)
    items, next_url = cut_page(request, page, present_missions(session, rows))
    return Page[MissionSummary](items=items, limit=page.limit, offset=page.offset, next=next_url)


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
    by_kind = {fact.kind: fact for fact in facts}
    figures = {name: by_kind.get(kind) for name, kind in KEY_FIGURES.items()}
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
    )


@router.get(
    "/{slug}/funding",
    summary="The mission's trust fund",
    response_model=Funding,
    responses=NOT_FOUND,
)
def get_funding(slug: MissionSlug, session: SessionDep) -> Funding:
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
    )


@router.get(
    "/{slug}/donors",
    summary="Donors to the mission's fund",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_donors(
    slug: MissionSlug, request: Request, session: SessionDep, page: PageDep
) -> FactList:
    """Countries that gave to the mission's fund. Amounts the source does not give are null
    with a reason; `list_complete: false` says the source's list is partial."""
    require_mission(session, slug)
    return fact_page(request, session, page, missions=[slug], kinds=["funding.donor"])


@router.get(
    "/{slug}/contributors",
    summary="Lead nation and personnel contributors",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_contributors(
    slug: MissionSlug, request: Request, session: SessionDep, page: PageDep
) -> FactList:
    """The countries that lead the mission or contribute personnel, each with its `role`."""
    require_mission(session, slug)
    return fact_page(request, session, page, missions=[slug], kinds=CONTRIBUTOR_KINDS)


@router.get(
    "/{slug}/personnel",
    summary="Planned and deployed personnel",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_personnel(
    slug: MissionSlug, request: Request, session: SessionDep, page: PageDep
) -> FactList:
    """Personnel figures: planned, deployed (with its as-of date) and the derived share."""
    require_mission(session, slug)
    return fact_page(request, session, page, missions=[slug], kinds=PERSONNEL_KINDS)


@router.get(
    "/{slug}/positions",
    summary="Positions on turning the mission into UN peacekeeping",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_positions(
    slug: MissionSlug,
    request: Request,
    session: SessionDep,
    page: PageDep,
    stance: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Exact stance: supported, raised_concerns, reconsidering, "
            "preferred_alternative.",
        ),
    ] = None,
) -> FactList:
    """Stances taken in the Security Council debate and beyond, with `tense` as the source
    gives it ("previously", "initially", "current"). Who holds a stance is a country, an actor,
    or, where the source does not say, neither."""
    require_mission(session, slug)
    return fact_page(request, session, page, missions=[slug], kinds=["position"], stance=stance)


@router.get(
    "/{slug}/timeline",
    summary="Dated events, in date order",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_timeline(
    slug: MissionSlug, request: Request, session: SessionDep, page: PageDep
) -> FactList:
    """Dated events of the mission and of missions proposed to back it, oldest first. Each
    date keeps its precision (year, month, day) and qualifier."""
    require_mission(session, slug)
    return fact_page(
        request,
        session,
        page,
        missions=_with_supporters(session, slug),
        kinds=sorted(TIMELINE_KINDS),
        by_date=True,
    )


@router.get(
    "/{slug}/needs",
    summary="What the mission lacks",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_needs(slug: MissionSlug, request: Request, session: SessionDep, page: PageDep) -> FactList:
    """Capabilities, protection of infrastructure, and funding the mission needs."""
    require_mission(session, slug)
    return fact_page(request, session, page, missions=[slug], kinds=NEED_KINDS)


@router.get(
    "/{slug}/proposals",
    summary="Proposals about the mission",
    response_model=FactList,
    responses=NOT_FOUND,
)
def list_proposals(
    slug: MissionSlug, request: Request, session: SessionDep, page: PageDep
) -> FactList:
    """Proposals concerning the mission, including those of bodies proposed to back it: what
    is recommended, by whom, how it would be financed and what it would supply, what was ruled
    out, and its `status` (proposed, ruled_out, under_review, open...)."""
    require_mission(session, slug)
    return fact_page(
        request, session, page, missions=_with_supporters(session, slug), kinds=PROPOSAL_KINDS
    )
