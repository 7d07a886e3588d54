"""Lists of facts that differ only in what they hold, declared as data.

Each `FactListRoute` names its path, the vocabulary group whose kinds it lists, its words for
the OpenAPI document and the filters it takes; `add_fact_list_routes` builds one operation per
declaration, with the same paging, sort, CSV and HXL, completeness and caveats as every list.
"""

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response
from sqlmodel import Session

from app.api.formats import FormatDep, OutputFormat, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep, PageParams
from app.api.present import present_facts
from app.api.problems import problem_responses
from app.api.routes.common import (
    SLUG_PATTERN,
    ActorQuery,
    DateFrom,
    DateMatchQuery,
    DateTo,
    FactSortByDate,
    FactSortByKind,
    Iso3Query,
    MissionQuery,
    MissionSlug,
    StanceQuery,
    check_range,
    require_mission,
)
from app.api.routes.listing import fact_list
from app.api.schemas import FactList, FactOut
from app.api.sessions import SessionDep
from app.domain.vocabulary import DateMatch, Group, kinds_in
from app.queries import entities
from app.queries.facts import get_fact

FactIdPath = Annotated[
    str, Path(pattern=SLUG_PATTERN, max_length=120, description="The fact's permanent id.")
]


@dataclass(frozen=True)
class Filter:
    """A query parameter of a list, and the query filter it becomes."""

    name: str
    annotation: Any
    to_filters: Callable[[Any], dict[str, Any]]
    default: Any = None


COUNTRY = Filter("country", Iso3Query, lambda v: {"country": v.upper() if v else None})
MISSION = Filter("mission", MissionQuery, lambda v: {"missions": [v] if v else None})
ACTOR = Filter("actor", ActorQuery, lambda v: {"actor": v})
STANCE = Filter("stance", StanceQuery, lambda v: {"stance": v})
DATE_FROM = Filter("date_from", DateFrom, lambda v: {"date_from": v})
DATE_TO = Filter("date_to", DateTo, lambda v: {"date_to": v})
DATE_MATCH = Filter(
    "date_match", DateMatchQuery, lambda v: {"date_match": v}, default=DateMatch.overlaps
)
DATES = (DATE_FROM, DATE_TO, DATE_MATCH)


@dataclass(frozen=True)
class FactListRoute:
    path: str  # under the router's prefix; a mission's lists start with /{slug}/
    group: Group
    summary: str
    description: str
    filters: tuple[Filter, ...] = ()
    by_date: bool = False
    tags: tuple[str, ...] = ()
    # A mission's list: its facts, and with `with_supporters` those of missions proposed to
    # back it (a support office's proposals concern the mission it would support).
    of_mission: bool = False
    with_supporters: bool = False
    # What one item is called, to serve each by its id at `{path}/{fact_id}` too.
    one: str | None = None


def _missions(session: Session, route: FactListRoute, slug: str | None) -> list[str] | None:
    if not route.of_mission:
        return None
    assert slug is not None
    require_mission(session, slug)
    if not route.with_supporters:
        return [slug]
    return [slug, *(m.slug for m in entities.missions_supporting(session, slug=slug))]


def _endpoint(route: FactListRoute) -> Callable[..., Response]:
    def list_facts_of_group(
        request: Request,
        session: Session,
        page: PageParams,
        output: OutputFormat,
        sort: str | None = None,
        slug: str | None = None,
        **values: Any,
    ) -> Response:
        check_range(values.get("date_from"), values.get("date_to"))
        filters: dict[str, Any] = {}
        for spec in route.filters:
            filters.update(spec.to_filters(values.get(spec.name, spec.default)))
        missions = _missions(session, route, slug)
        if missions is not None:
            filters["missions"] = missions
        return fact_list(
            request,
            session,
            page,
            output,
            sort=sort,
            by_date=route.by_date,
            kinds=kinds_in(route.group),
            **filters,
        )

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        *([inspect.Parameter("slug", keyword, annotation=MissionSlug)] if route.of_mission else []),
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("session", keyword, annotation=SessionDep),
        inspect.Parameter("page", keyword, annotation=PageDep),
        inspect.Parameter("output", keyword, annotation=FormatDep),
        inspect.Parameter(
            "sort",
            keyword,
            annotation=FactSortByDate if route.by_date else FactSortByKind,
            default=None,
        ),
        *(
            inspect.Parameter(spec.name, keyword, annotation=spec.annotation, default=spec.default)
            for spec in route.filters
        ),
    ]
    # FastAPI reads the operation's parameters from this signature.
    list_facts_of_group.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=FactList | Response
    )
    list_facts_of_group.__name__ = "list_" + route.path.strip("/").split("/")[-1].replace("-", "_")
    list_facts_of_group.__doc__ = route.description
    return list_facts_of_group


def _one_endpoint(route: FactListRoute) -> Callable[..., FactOut]:
    def get_one_of_group(fact_id: FactIdPath, session: SessionDep, response: Response) -> FactOut:
        row = get_fact(session, fact_id=fact_id, kinds=kinds_in(route.group))
        if row is None:
            raise HTTPException(404, f"No {route.one} with id {fact_id!r}.")
        response.headers.update(last_modified([row.recorded_at]))
        return present_facts(session, [row])[0]

    get_one_of_group.__name__ = f"get_{(route.one or '').replace(' ', '_')}"
    get_one_of_group.__doc__ = f"One {route.one} by its id."
    return get_one_of_group


def add_fact_list_routes(router: APIRouter, routes: Sequence[FactListRoute]) -> None:
    for route in routes:
        if route.one is not None:
            router.add_api_route(
                f"{route.path}/{{fact_id}}",
                _one_endpoint(route),
                methods=["GET"],
                summary=f"One {route.one}",
                response_model=FactOut,
                responses=problem_responses(404, 422),
                tags=list(route.tags) or None,
            )
        statuses = (404, 422) if route.of_mission else (422,)
        router.add_api_route(
            route.path,
            _endpoint(route),
            methods=["GET"],
            summary=route.summary,
            response_model=FactList,
            responses={200: list_openapi(), **problem_responses(*statuses)},
            tags=list(route.tags) or None,
        )
