"""/actors: the people, bodies and groups the sources name."""

from typing import Annotated

from fastapi import HTTPException, Path, Query, Request, Response

from app.api.csv_columns import ACTOR_COLUMNS
from app.api.formats import FormatDep, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import present_actors, present_facts
from app.api.problems import problem_responses
from app.api.routes.common import SLUG_PATTERN, Iso3Query
from app.api.routes.listing import entity_list
from app.api.routing import api_router
from app.api.schemas import ActorDetail, ActorOut, Page
from app.api.sessions import SessionDep
from app.queries import entities
from app.queries.facts import select_facts
from app.queries.moment import reading_as_of

router = api_router(prefix="/actors", tags=["actors"])


@router.get(
    "",
    summary="People, bodies and groups",
    response_model=Page[ActorOut],
    responses={200: list_openapi(), **problem_responses(422)},
)
def list_actors(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    country: Iso3Query = None,
    kind: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Exact kind: person, body, group, government or organization.",
        ),
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=200, description=entities.ACTOR_SORTING.describe())
    ] = None,
) -> Page[ActorOut] | Response:
    """Everyone the facts attribute something to, with the quotes that name them."""
    return entity_list(
        request,
        session,
        page,
        output,
        query=entities.actor_query(
            country=country.upper() if country else None,
            kind=kind,
            as_of=reading_as_of(session),
        ),
        sorting=entities.ACTOR_SORTING,
        sort=sort,
        present=present_actors,
        columns=ACTOR_COLUMNS,
    )


@router.get(
    "/{slug}",
    summary="One actor and what it said or did",
    response_model=ActorDetail,
    responses=problem_responses(404, 422),
)
def get_actor(
    slug: Annotated[
        str,
        Path(
            pattern=SLUG_PATTERN,
            max_length=100,
            description="The actor's slug.",
            examples=["antonio-guterres"],
        ),
    ],
    session: SessionDep,
    response: Response,
) -> ActorDetail:
    """The actor, and the facts attributed to it: statements, proposals, positions."""
    actor = entities.actors_by_slug(session, slugs=[slug]).get(slug)
    if actor is None:
        raise HTTPException(404, f"No actor with slug {slug!r}. See GET /actors.")
    out = present_actors(session, [actor])[0]
    facts = present_facts(session, select_facts(session, actor=slug))
    response.headers.update(last_modified([actor.recorded_at, *(f.recorded_at for f in facts)]))
    return ActorDetail(**out.model_dump(), facts=facts)
