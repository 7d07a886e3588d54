"""/displacement-events, /indicators and /statements: facts listed across missions."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response

from app.api.formats import FormatDep, csv_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import present_facts
from app.api.problems import problem_responses
from app.api.routes.common import (
    ActorQuery,
    DateFrom,
    DateMatchQuery,
    DateTo,
    FactSortByDate,
    FactSortByKind,
    Iso3Query,
    MissionQuery,
    check_range,
)
from app.api.routes.listing import fact_list
from app.api.schemas import FactList, FactOut
from app.api.sessions import SessionDep
from app.domain.vocabulary import DateMatch, Group, kinds_in
from app.queries.facts import get_fact

router = APIRouter()

FactId = Annotated[
    str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120, description="A fact id.")
]


def _one(
    session: SessionDep, response: Response, fact_id: str, kinds: Sequence[str], what: str
) -> FactOut:
    row = get_fact(session, fact_id=fact_id, kinds=kinds)
    if row is None:
        raise HTTPException(404, f"No {what} with id {fact_id!r}.")
    response.headers.update(last_modified([row.recorded_at]))
    return present_facts(session, [row])[0]


@router.get(
    "/displacement-events",
    tags=["displacement"],
    summary="Displacement events",
    response_model=FactList,
    responses={200: csv_openapi(), **problem_responses(422)},
)
def list_displacement_events(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    country: Iso3Query = None,
    mission: MissionQuery = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    date_match: DateMatchQuery = DateMatch.overlaps,
    sort: FactSortByDate = None,
) -> FactList | Response:
    """People displaced: a count with its qualifier ("over 6,000" is `at_least`), place, period,
    cause and attribution ("UN reports"), in date order. A date is the interval of days it may be:
    one held at month or year precision, or known only by a bound, matches every window it may
    overlap (`date_match=within` keeps only those certainly inside)."""
    check_range(date_from, date_to)
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        kinds=kinds_in(Group.displacement),
        country=country.upper() if country else None,
        missions=[mission] if mission else None,
        date_from=date_from,
        date_to=date_to,
        date_match=date_match,
        by_date=True,
    )


@router.get(
    "/displacement-events/{fact_id}",
    tags=["displacement"],
    summary="One displacement event",
    response_model=FactOut,
    responses=problem_responses(404, 422),
)
def get_displacement_event(fact_id: FactId, session: SessionDep, response: Response) -> FactOut:
    """One displacement event by its id."""
    return _one(session, response, fact_id, kinds_in(Group.displacement), "displacement event")


@router.get(
    "/indicators",
    tags=["indicators"],
    summary="Indicators (e.g. territorial control)",
    response_model=FactList,
    responses={200: csv_openapi(), **problem_responses(422)},
)
def list_indicators(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    country: Iso3Query = None,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """Measured conditions of a place: e.g. gangs control an estimated 85% of Port-au-Prince.
    Each has a place, a country, a quantity with its qualifier and an as-of date."""
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        kinds=kinds_in(Group.indicator),
        country=country.upper() if country else None,
    )


@router.get(
    "/indicators/{fact_id}",
    tags=["indicators"],
    summary="One indicator",
    response_model=FactOut,
    responses=problem_responses(404, 422),
)
def get_indicator(fact_id: FactId, session: SessionDep, response: Response) -> FactOut:
    """One indicator by its id."""
    return _one(session, response, fact_id, kinds_in(Group.indicator), "indicator")


@router.get(
    "/statements",
    tags=["statements"],
    summary="Quotes, warnings and assessments",
    response_model=FactList,
    responses={200: csv_openapi(), **problem_responses(422)},
)
def list_statements(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    actor: ActorQuery = None,
    sort: FactSortByKind = None,
) -> FactList | Response:
    """What named actors said, warned or assessed (kinds statement.quote, statement.warning,
    statement.assessment). Filter by `actor` slug, e.g. `antonio-guterres`."""
    return fact_list(
        request, session, page, output, sort=sort, kinds=kinds_in(Group.statement), actor=actor
    )
