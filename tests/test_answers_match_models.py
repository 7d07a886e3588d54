"""Answers are built once, straight to bytes, and not run through their response models again:
so the models are held to the answers here instead. Each sampled live answer must validate
against the operation's documented response model, and the model must write it back exactly
as it was served: no field missing, none extra, no value in another form (a count as 1000.0,
a time without its zone)."""

import json
from collections.abc import Iterator, Sequence
from types import UnionType
from typing import Any, Union, get_args, get_origin

import fastapi.routing
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from starlette.routing import BaseRoute

from app.api.routing import AnsweredOnce
from app.main import create_app
from tests.support.endpoints import EXAMPLE_PATHS

# Beyond each operation's example: pages, filters, a search, a moment in the past, the lists
# with their completeness and caveats, the shapes that only some requests give.
MORE_ANSWERS = [
    ("/facts", "/facts?limit=3"),
    ("/facts", "/facts?kind=funding.donor"),
    ("/facts", "/facts?q=cholera"),
    ("/facts", "/facts?mission=mss&sort=-date&limit=7"),
    ("/facts", "/facts?as_of=2025-03-01T00:00:00Z"),
    ("/facts", "/facts?derived=true"),
    ("/missions/{slug}", "/missions/un-support-office"),
    ("/missions/{slug}/personnel", "/missions/mss/personnel?series=true"),
    ("/missions/{slug}/contributors", "/missions/mss/contributors?series=true"),
    ("/missions/{slug}/series", "/missions/mss/series"),
    ("/search", "/search?q=peacekeeping"),
    ("/displacement-events", "/displacement-events?sort=-date&limit=2"),
]


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # a router the app includes
        if included is not None:
            yield from _api_routes(included.routes)


def _models() -> dict[str, Any]:
    """Each GET path's documented 200 model."""
    return {
        route.path: route.response_model
        for route in _api_routes(create_app().routes)
        if route.methods and "GET" in route.methods and route.response_model
    }


MODELS = _models()
SAMPLES = [
    (template, path)
    for template, path in [*EXAMPLE_PATHS.items(), *MORE_ANSWERS]
    if template in MODELS
]


def test_every_documented_model_is_sampled() -> None:
    assert {template for template, _ in SAMPLES} == set(MODELS) & set(EXAMPLE_PATHS)
    assert len({template for template, _ in SAMPLES}) >= 25


@pytest.mark.parametrize(("template", "path"), SAMPLES, ids=[p for _, p in SAMPLES])
def test_a_live_answer_is_what_its_model_would_write(
    client: TestClient, template: str, path: str
) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    served = json.loads(response.content)
    model = MODELS[template]
    # An operation documented as one of several shapes (a list, or its series) serves one.
    shapes = get_args(model) if get_origin(model) in (Union, UnionType) else (model,)
    written = []
    for shape in shapes:
        adapter: TypeAdapter[Any] = TypeAdapter(shape)
        try:
            validated = adapter.validate_json(response.content)
        except ValidationError:
            continue
        written.append(adapter.dump_python(validated, mode="json"))
    assert written, f"{path} matches none of {shapes}"
    assert served in written


def test_every_route_writes_its_answers_once() -> None:
    """Every operation, the pages' and the editors' included, is an AnsweredOnce route: a
    router made with plain APIRouter would have its answers checked twice."""
    routes = list(_api_routes(create_app().routes))
    assert len(routes) >= 60
    assert [route.path for route in routes if not isinstance(route, AnsweredOnce)] == []


# Read operations whose route returns its response model (not plain values or a Response).
MODEL_ANSWERS = [
    "/missions/mss",
    "/facts/mss-funding-received",
    "/facts/mss-funding-received/history",
    "/countries/HTI",
    "/sources/haitiwire-2025-02-mss-support-office",
    "/missions/mss/funding",
]


@pytest.mark.parametrize("path", MODEL_ANSWERS)
def test_a_model_answer_is_not_checked_again_in_a_worker_thread(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """FastAPI hands a returned model to a worker thread to validate it again; written here
    at once, a read runs its route in one worker thread and nothing else in any."""
    handed: list[Any] = []
    run = fastapi.routing.run_in_threadpool

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        handed.append(func)
        return await run(func, *args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "run_in_threadpool", counted)
    response = uncached.get(
        path, headers={"Accept": "application/json", "Accept-Encoding": "identity"}
    )
    assert response.status_code == 200, response.text
    assert len(handed) == 1, handed
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(response.content))
