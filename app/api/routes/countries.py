"""/countries: every role a country plays, and what is measured about it."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import HTTPException, Path, Query, Request, Response
from sqlmodel import Session

from app.api.csv_columns import COUNTRY_COLUMNS
from app.api.formats import FormatDep, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import actor_ref, present_facts
from app.api.problems import problem_responses
from app.api.routes.listing import entity_list
from app.api.routing import api_router
from app.api.schemas import CountryDetail, CountrySummary, Page
from app.api.sessions import SessionDep
from app.db.tables import Country
from app.domain.countries import lookup_country
from app.domain.vocabulary import VOCABULARY, CountryRole, Group, kinds_in
from app.queries import entities
from app.queries.facts import select_facts
from app.queries.moment import reading_as_of

router = api_router(prefix="/countries", tags=["countries"])

Iso3Path = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code, e.g. HTI.", examples=["HTI"]
    ),
]


def _roles(kinds: set[str]) -> list[CountryRole]:
    roles = VOCABULARY.country_roles()
    return sorted({roles[k] for k in kinds if k in roles})


def present_countries(session: Session, rows: Sequence[Country]) -> list[CountrySummary]:
    kinds: dict[str, set[str]] = {}
    for iso3, kind in entities.country_roles(session, codes=[r.iso3 for r in rows]):
        kinds.setdefault(iso3, set()).add(kind)
    return [
        CountrySummary(
            iso3=row.iso3,
            iso2=row.iso2,
            name=row.name,
            roles=_roles(kinds.get(row.iso3, set())),
            href=f"/countries/{row.iso3}",
        )
        for row in rows
    ]


@router.get(
    "",
    summary="Countries the facts involve",
    response_model=Page[CountrySummary],
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_countries(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    role: Annotated[CountryRole | None, Query(description="Countries with this role.")] = None,
    sort: Annotated[
        str | None, Query(max_length=200, description=entities.COUNTRY_SORTING.describe())
    ] = None,
) -> Page[CountrySummary] | Response:
    """Countries with at least one fact, by ISO 3166-1 alpha-3 code, with their roles."""
    return entity_list(
        request,
        session,
        page,
        output,
        query=entities.country_query(role=role, as_of=reading_as_of(session)),
        sorting=entities.COUNTRY_SORTING,
        sort=sort,
        present=present_countries,
        columns=COUNTRY_COLUMNS,
    )


@router.get(
    "/{iso3}",
    summary="One country: its roles and indicators",
    response_model=CountryDetail,
    responses=problem_responses(404, 422),
)
def get_country(iso3: Iso3Path, session: SessionDep, response: Response) -> CountryDetail:
    """Every role the country plays across missions (host, lead, personnel contributor, donor,
    council position), with the facts that state them, and the indicators and displacement
    events about it."""
    code = iso3.upper()
    country = entities.countries_by_code(session, codes=[code]).get(code)
    if country is None:
        known = lookup_country(code)
        reason = f"no fact involves {known.name}" if known else "it is not an ISO 3166-1 code"
        raise HTTPException(404, f"No country {code!r}: {reason}.")
    facts = present_facts(session, select_facts(session, country=code))
    role_facts = [f for f in facts if f.kind in VOCABULARY.country_roles()]
    actors = entities.actors_of_country(session, country=code)
    response.headers.update(last_modified(f.recorded_at for f in facts))
    return CountryDetail(
        iso3=country.iso3,
        iso2=country.iso2,
        name=country.name,
        official_name=country.official_name,
        roles=_roles({f.kind for f in role_facts}),
        href=f"/countries/{code}",
        role_facts=role_facts,
        indicators=[f for f in facts if f.kind in kinds_in(Group.indicator)],
        displacement_events=[f for f in facts if f.kind in kinds_in(Group.displacement)],
        actors=[ref for actor in actors if (ref := actor_ref(actor)) is not None],
    )
