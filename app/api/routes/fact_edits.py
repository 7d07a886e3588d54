"""Writing facts: create, correct (PUT a whole version, PATCH a merge patch) and retract.

Every write needs a write token, runs in one transaction, and answers with the record as it
now stands and its version as `ETag`. A stale `If-Match` gets a 412 and changes nothing.
"""

from typing import Annotated, Any

from fastapi import Body, Header, HTTPException, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel import Session

from app.api.auth import WriterDep
from app.api.present import present_facts
from app.api.problems import problem_responses
from app.api.routes.facts import FactIdPath
from app.api.routing import api_router
from app.api.schemas import FactOut
from app.api.sessions import WriteSessionDep
from app.db.tables import Fact
from app.domain.entity_tags import record_tag
from app.domain.spec import FactCorrection, FactIn, Reason
from app.queries.moment import reading_day
from app.writes.facts import (
    correct_fact,
    create_fact,
    latest_version,
    retract_fact,
    spec_of,
)
from app.writes.transaction import write_transaction

router = api_router(prefix="/facts", tags=["editing"])

IfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        description='The `ETag` of the version you read (e.g. `"v2.20250301"`, or just `"v2"`): '
        "the write is refused with 412 if the record has moved on since.",
    ),
]
# What correcting or retracting a fact can answer besides 200.
EDIT_PROBLEMS = problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 429, 503)


def _answer(session: Session, row: Fact, response: Response) -> FactOut:
    response.headers["ETag"] = record_tag(row.version, reading_day(session))
    response.headers["Location"] = f"/facts/{row.fact_id}"
    return present_facts(session, [row])[0]


@router.post(
    "",
    summary="Create a fact (needs a write token)",
    status_code=201,
    response_model=FactOut,
    responses=problem_responses(400, 401, 403, 405, 409, 413, 422, 429, 503),
)
def add_fact(
    spec: FactIn, token: WriterDep, session: WriteSessionDep, response: Response
) -> FactOut:
    """A new fact of any kind, validated exactly as the seed files are: every citation names a
    stored source (`POST /sources` first) and quotes it verbatim (a quote not in the text is a
    422 naming it), `as_stated` words lie inside the quotes, a derived value is computed from
    its inputs, never sent. Nothing is written unless everything holds."""
    with write_transaction(session, narrow=True) as now:
        row = create_fact(session, spec, at=now, by=token.name)
    return _answer(session, row, response)


@router.put(
    "/{fact_id}",
    summary="Correct a fact with a whole new version (needs a write token)",
    response_model=FactOut,
    responses=EDIT_PROBLEMS,
)
def replace_fact(
    fact_id: FactIdPath,
    correction: FactCorrection,
    token: WriterDep,
    session: WriteSessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> FactOut:
    """The body is the whole fact (as for POST) plus `reason`. It becomes the next version;
    the previous one stays, marked superseded, in `/facts/{id}/history`. Facts derived from
    this one are recomputed as new versions too. Sending what is already stored changes
    nothing."""
    spec = FactIn.model_validate(correction.model_dump(exclude={"reason"}))
    with write_transaction(session, narrow=True) as now:
        row = correct_fact(
            session,
            fact_id,
            spec,
            reason=correction.reason,
            if_match=if_match,
            at=now,
            by=token.name,
        )
    return _answer(session, row, response)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@router.patch(
    "/{fact_id}",
    summary="Correct some fields of a fact (needs a write token)",
    response_model=FactOut,
    responses=EDIT_PROBLEMS,
)
def patch_fact(
    fact_id: FactIdPath,
    patch: Annotated[
        dict[str, Any],
        Body(
            description="A JSON merge patch (RFC 7396) of the fact's fields, with `reason`. "
            "`null` removes a field.",
            examples=[{"reason": "The source says it twice", "summary": "A clearer summary"}],
        ),
    ],
    token: WriterDep,
    session: WriteSessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> FactOut:
    """Change only the fields given; the result is validated as a whole fact and becomes the
    next version, exactly as with PUT."""
    try:
        reason = Reason.model_validate({"reason": patch.pop("reason", None)}).reason
    except ValidationError as error:
        raise RequestValidationError(in_body(error)) from None
    with write_transaction(session, narrow=True) as now:
        current = latest_version(session, fact_id)
        if current is None:
            raise HTTPException(404, f"No fact with id {fact_id!r}. See GET /facts.")
        base = spec_of(session, current)
        try:
            spec = FactIn.model_validate(merge_patch(base, patch))
        except ValidationError as error:
            raise RequestValidationError(in_body(error)) from None
        row = correct_fact(
            session, fact_id, spec, reason=reason, if_match=if_match, at=now, by=token.name
        )
    return _answer(session, row, response)


def in_body(error: ValidationError) -> list[dict[str, Any]]:
    return [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]


@router.delete(
    "/{fact_id}",
    summary="Retract a fact (needs a write token)",
    response_model=FactOut,
    responses=EDIT_PROBLEMS,
)
def delete_fact(
    fact_id: FactIdPath,
    reason: Annotated[
        str, Query(min_length=3, max_length=1000, description="Why the fact is retracted.")
    ],
    token: WriterDep,
    session: WriteSessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> FactOut:
    """Nothing is deleted: the fact gets a last version marked `retracted` with the reason. It
    leaves every list, but `/facts/{id}` still answers with it (and its status), its history
    keeps every version, and `as_of` reads before the retraction still show it."""
    with write_transaction(session, narrow=True) as now:
        row = retract_fact(
            session, fact_id, reason=reason, if_match=if_match, at=now, by=token.name
        )
    return _answer(session, row, response)
