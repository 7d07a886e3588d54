"""/health: can the database be read, is it at the expected schema, and does it take writes?"""

import time
from typing import Literal

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.api.problems import PROBLEM_JSON, Problem, problem_response, shorten
from app.api.rate_limit import locked_allowance
from app.api.routing import api_router
from app.api.schemas import Health
from app.api.sessions import SessionDep
from app.db.errors import unavailable
from app.queries.facts import count_current_facts
from app.writes.transaction import take_write_lock

router = api_router(tags=["health"])

# The row /health writes to prove the database takes writes (the rate limits' table: a
# bucket nobody is limited by, removed with the idle ones).
PROBE_KEY = "health:probe"


Cause = Literal["no_schema", "unreachable", "unwritable"]


class HealthProblem(Problem):
    cause: Cause = Field(
        description="no_schema (not migrated), unreachable (the database does not answer) or "
        "unwritable (read-only file, full disk: writes would fail)."
    )
    database: str = Field(description="sqlite or postgresql.")


def _prove_writable(engine: Engine) -> None:
    """Commit one small write, as every write does (in a write session of its own, taking
    the write lock first)."""
    with Session(engine) as session:
        take_write_lock(session)
        now = time.time()
        locked_allowance(session, PROBE_KEY, now=now, full=0.0).updated = now
        session.commit()


def _unhealthy(request: Request, cause: Cause, database: str, detail: str) -> JSONResponse:
    extensions = {"cause": cause, "database": database}
    headers = {"Retry-After": "30"}
    return problem_response(request, 503, detail, headers=headers, extensions=extensions)


@router.get(
    "/health",
    summary="Service and database health",
    response_model=Health,
    responses={
        503: {
            "model": HealthProblem,
            "content": {PROBLEM_JSON: {}},
            "description": "The database cannot be reached, is not migrated, or cannot be "
            "written (on a server that takes writes): a problem naming the cause.",
        }
    },
)
def health(request: Request, session: SessionDep) -> Health | JSONResponse:
    """Checks that the database answers, reports its schema revision and fact count, and, on
    a server that takes writes, commits one small write to prove that writes would succeed
    (a database file that turned read-only or a full disk is a 503 here, not a 500 on the
    next edit)."""
    dialect = session.get_bind().dialect.name
    try:
        revision = session.exec(text("SELECT version_num FROM alembic_version")).scalar()  # type: ignore[call-overload]
        facts = count_current_facts(session)
    except SQLAlchemyError as error:
        condition = unavailable(error)
        if condition is not None and condition.cause == "unreachable":
            return _unhealthy(request, "unreachable", dialect, condition.detail)
        detail = "The database has no schema: run `mission-facts migrate`."
        return _unhealthy(request, "no_schema", dialect, detail)
    read_only = request.app.state.settings.read_only
    if not read_only:
        try:
            _prove_writable(request.app.state.engine)
        except SQLAlchemyError as error:
            condition = unavailable(error)
            if condition is None or condition.cause != "busy":
                reason = shorten(str(getattr(error, "orig", error)), 200)
                return _unhealthy(
                    request, "unwritable", dialect, f"The database cannot be written: {reason}"
                )
            # Busy with other writes: writes queue, they do not fail. Healthy.
    return Health(
        status="ok",
        database=dialect,  # type: ignore[arg-type]  # one of the two engines served
        schema_revision=revision,
        facts=facts,
        writable=not read_only,
    )
