"""The route class of every router: an answer is turned into bytes once.

FastAPI checks what a route returns against the route's response model before writing it:
it validates the object again, and for a route that runs in a worker thread it sends that
check to a worker thread of its own. A route here returns an instance of its response model,
built (and so validated) from the rows it read, so the check finds nothing and costs a thread
hop and a walk over the whole answer. This route writes such an answer with the response
field's own serializer, the one FastAPI uses after its check, so the bytes are the same; any
other return value (a plain value, a Response, a subclass of the model) goes FastAPI's usual
way. The response model still describes the answer in the OpenAPI schema, and the fuzzing
tests (tests/test_fuzz.py) check sampled live answers against that schema.
"""

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

from fastapi import APIRouter, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel

# The name under which a wrapped endpoint is handed the response FastAPI makes for headers
# and status set during the request, when the endpoint does not ask for it itself.
_SUB_RESPONSE = "answer_headers_"


def _model_classes(annotation: Any) -> frozenset[type[BaseModel]]:
    """The model classes an answer may be an instance of to be written as it is: the
    response model, or the models of a union of them."""
    members = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
    found = [m for m in (members or (annotation,)) if isinstance(m, type)]
    return frozenset(m for m in found if issubclass(m, BaseModel))


def _response_parameter(endpoint: Callable[..., Any]) -> str | None:
    for name, parameter in inspect.signature(endpoint).parameters.items():
        annotation = parameter.annotation
        if isinstance(annotation, type) and issubclass(annotation, Response):
            return name
    return None


class AnsweredOnce(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        wrapped = endpoint
        if not (inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint)):
            wrapped = self._writing_models(endpoint)
        super().__init__(path, wrapped, **kwargs)
        field = self.response_field
        self._models: frozenset[type[BaseModel]] = frozenset()
        if field is not None and isinstance(self.response_class, DefaultPlaceholder):
            self._models = _model_classes(field.field_info.annotation)

    def _writing_models(self, endpoint: Callable[..., Any]) -> Callable[..., Any]:
        own = _response_parameter(endpoint)
        name = own or _SUB_RESPONSE

        def written(answer: Any, values: dict[str, Any]) -> Any:
            return self._bytes(answer, values[name]) if type(answer) in self._models else answer

        def arguments(values: dict[str, Any]) -> dict[str, Any]:
            return values if own else {k: v for k, v in values.items() if k != _SUB_RESPONSE}

        if inspect.iscoroutinefunction(endpoint):

            @functools.wraps(endpoint)
            async def wrapper(**values: Any) -> Any:
                return written(await endpoint(**arguments(values)), values)

        else:

            @functools.wraps(endpoint)
            def wrapper(**values: Any) -> Any:
                return written(endpoint(**arguments(values)), values)

        signature = inspect.signature(endpoint)
        if own is None:
            extra = inspect.Parameter(
                _SUB_RESPONSE, inspect.Parameter.KEYWORD_ONLY, annotation=Response
            )
            signature = signature.replace(parameters=[*signature.parameters.values(), extra])
        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        return wrapper

    def _bytes(self, answer: BaseModel, sub_response: Response) -> Response:
        """What FastAPI writes for an answer its check passes: the field's JSON, the status
        the route or the request set, the headers the request set."""
        field = self.response_field
        assert field is not None
        content = field.serialize_json(
            answer,
            include=self.response_model_include,
            exclude=self.response_model_exclude,
            by_alias=self.response_model_by_alias,
            exclude_unset=self.response_model_exclude_unset,
            exclude_defaults=self.response_model_exclude_defaults,
            exclude_none=self.response_model_exclude_none,
        )
        status = sub_response.status_code or self.status_code or 200
        if not is_body_allowed_for_status_code(status):
            content = b""
        response = Response(content, status_code=status, media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        return response


def api_router(**kwargs: Any) -> APIRouter:
    """A router whose routes write their answers once (see AnsweredOnce)."""
    return APIRouter(route_class=AnsweredOnce, **kwargs)
