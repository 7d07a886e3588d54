"""/health: is the database there and at the expected schema?"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import SessionDep
from app.queries.facts import count_current_facts
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    summary="Service and database health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer."}},
)
def health(session: SessionDep) -> Health | JSONResponse:
    """Checks that the database answers and reports its schema revision and fact count."""
    dialect = session.get_bind().dialect.name
    try:
        revision = session.exec(text("SELECT version_num FROM alembic_version")).scalar()  # type: ignore[call-overload]
        facts = count_current_facts(session)
    except SQLAlchemyError:
        body = Health(status="unavailable", database=dialect, schema_revision=None, facts=0)
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ok", database=dialect, schema_revision=revision, facts=facts)
