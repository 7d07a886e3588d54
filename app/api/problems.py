"""One error shape everywhere: RFC 9457 problem details (application/problem+json)."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.request_ids import HEADER as REQUEST_ID_HEADER
from app.api.request_ids import redacted_query, request_id_of
from app.api.security_policy import baseline_headers
from app.db.errors import unavailable
from app.domain.errors import Conflict, DomainError, Invalid, NotFound, StaleVersion, TooLarge

PROBLEM_JSON = "application/problem+json"
# RFC 9110 renamed these; older Pythons still carry the RFC 7231 phrases.
# Longest `instance` echoed back whole.
MAX_INSTANCE = 2048
_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


def status_phrase(status: int) -> str:
    return _PHRASES.get(status) or HTTPStatus(status).phrase


log = logging.getLogger("app.errors")


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: e.g. ['query', 'limit'].")
    msg: str = Field(description="What is wrong with the field.")
    type: str = Field(description="Machine-readable error type.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(default="about:blank", description="about:blank: see the status code.")
    title: str = Field(description="The HTTP status phrase.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong, for a person.")
    instance: str = Field(description="The path and query that failed.")
    errors: list[FieldError] | None = Field(default=None, description="Field errors (422 only).")
    request_id: str | None = Field(
        default=None,
        description="The request's id, also in the X-Request-ID header and the server's logs: "
        "quote it when reporting a problem.",
    )


# A 422 names at most this many field errors, each message cut to this length: a huge
# invalid value is never echoed back.
MAX_ERRORS = 20
MAX_MESSAGE = 1000  # room for a closed list of allowed values (the fact kinds)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_path(request: Request, limit: int = 200) -> str:
    """The request's path, cut short: a detail never echoes a huge URL back."""
    path = request.url.path
    return path if len(path) <= limit else path[:limit] + "..."


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem answer; `extensions` are further members (RFC 9457 section 3.2)."""
    query = redacted_query(request.url.query)
    instance = request.url.path + (f"?{query}" if query else "")
    if len(instance) > MAX_INSTANCE:
        # A problem never echoes a huge URL back: the path alone, cut if it must be.
        instance = request.url.path[:MAX_INSTANCE]
    body = Problem(
        title=status_phrase(status),
        status=status,
        detail=detail,
        instance=instance,
        errors=[FieldError(**error) for error in errors] if errors is not None else None,
        request_id=request_id_of(request.scope),
    )
    return JSONResponse(
        {**jsonable_encoder(body, exclude_none=True), **(extensions or {})},
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {shown_path(request)}. See /docs for the endpoints."
    return problem_response(request, exc.status_code, detail, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only where and why: the rejected input is not echoed back (it may be huge or binary).
    errors = [
        {
            "loc": [shorten(str(p), 100) if not isinstance(p, int) else p for p in e["loc"]],
            "msg": shorten(e["msg"], MAX_MESSAGE),
            "type": e["type"],
        }
        for e in exc.errors()[:MAX_ERRORS]
    ]
    reasons = "; ".join(".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in errors)
    return problem_response(request, 422, f"Invalid request. {reasons}", errors=errors)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database that is busy, unwritable or unreachable is a 503 with Retry-After; any other
    database error is a 500. Either way the answer is complete and the connection stays
    usable (an error that escaped to the server would close it)."""
    assert isinstance(exc, SQLAlchemyError)
    condition = unavailable(exc)
    if condition is None:
        return await unexpected_error(request, exc)
    log.warning(
        "database %s on %s %s request_id=%s: %s",
        condition.cause,
        request.method,
        request.url.path,
        request_id_of(request.scope),
        shorten(str(getattr(exc, "orig", exc)), 300),
    )
    headers = {"Retry-After": str(condition.retry_after)}
    return problem_response(request, 503, condition.detail, headers=headers)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The details (exception, SQL, traceback) go to the log only, filed under the request id.
    request_id = request_id_of(request.scope)
    log.exception(
        "unhandled error on %s %s request_id=%s",
        request.method,
        request.url.path,
        request_id,
        exc_info=exc,
    )
    # This answer is built outside the middleware stack, so it carries the headers itself.
    headers = baseline_headers()
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    return problem_response(
        request,
        500,
        "The server failed to answer; the error is logged under the request id.",
        headers=headers,
    )


# Each domain error's HTTP status: the one place where the layers below meet HTTP.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    StaleVersion: 412,
    TooLarge: 413,
}


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    if isinstance(exc, Invalid):
        # The same shape as a 422 of the parameter types.
        return await _validation_error(request, invalid(exc.where, exc.name, exc.detail))
    status = next(code for kind, code in DOMAIN_STATUS.items() if isinstance(exc, kind))
    headers = {"ETag": exc.current_etag} if isinstance(exc, StaleVersion) else None
    return problem_response(request, status, exc.detail, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems an operation can answer with."""
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": status_phrase(status),
        }
        for status in statuses
    }


def invalid(where: str, name: str, message: str) -> RequestValidationError:
    """A 422 for a check the parameter types cannot express (a range, a cursor), in the same
    shape as any other 422."""
    return RequestValidationError([{"loc": (where, name), "msg": message, "type": "value_error"}])


def not_acceptable(detail: str) -> HTTPException:
    """A 406: the operation cannot give the representation asked for (never a silent JSON)."""
    return HTTPException(406, detail)
