"""Writing missions and actors: create, correct (a JSON merge patch) and read their history.

The same tokens, transactions, `If-Match` versions, history and change feed as facts; one
declaration per record type (`EDITABLE`) gives each its routes.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Body, Path, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.api.auth import WriterDep
from app.api.present import present_actors, present_missions, quote_out
from app.api.problems import problem_responses
from app.api.routes.common import SLUG_PATTERN
from app.api.routes.fact_edits import IfMatch, in_body, merge_patch
from app.api.routing import api_router
from app.api.schemas import ActorOut, EntityHistory, EntityVersionOut, MissionSummary
from app.api.sessions import SessionDep, WriteSessionDep
from app.db.tables import EntityVersion
from app.domain.entity_tags import record_tag
from app.domain.errors import NotFound
from app.domain.spec import ActorIn, MissionIn, Reason
from app.queries.citations import citations_by_id
from app.queries.moment import reading_as_of, reading_day
from app.writes.entities import (
    ACTORS,
    MISSIONS,
    EntityType,
    correct_entity,
    create_entity,
    current_spec,
    entity_versions,
)
from app.writes.transaction import write_transaction
from app.writes.versions import API_ORIGIN

router = api_router(tags=["editing"])

CREATE_PROBLEMS = problem_responses(400, 401, 403, 405, 409, 413, 422, 429, 503)
EDIT_PROBLEMS = problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 429, 503)


@dataclass(frozen=True)
class Editable:
    kind: EntityType
    out: type[BaseModel]
    present: Callable[[Session, Sequence[Any]], Sequence[BaseModel]]
    example: dict[str, Any]


EDITABLE = (
    Editable(
        MISSIONS,
        MissionSummary,
        present_missions,
        {
            "slug": "example-support-force",
            "name": "Example Support Force",
            "label": "Example Support Force",
            "kind": "multinational_security_support",
            "status": "active",
            "description": "A force the quoted source describes.",
            "cite": [{"quote": "the Example Support Force", "source": "a-stored-source"}],
        },
    ),
    Editable(
        ACTORS,
        ActorOut,
        present_actors,
        {
            "slug": "example-commander",
            "name": "Example Commander",
            "kind": "person",
            "cite": [{"quote": "its commander", "source": "a-stored-source"}],
        },
    ),
)


def _answer(
    session: Session, editable: Editable, slug: str, version: EntityVersion, response: Response
) -> BaseModel:
    response.headers["ETag"] = record_tag(version.version, reading_day(session))
    response.headers["Location"] = f"/{editable.kind.name}s/{slug}"
    row = session.get(editable.kind.model, slug)
    return editable.present(session, [row])[0]


def _history(session: Session, editable: Editable, slug: str) -> EntityHistory:
    kind = editable.kind
    as_of = reading_as_of(session)
    versions = [
        v for v in entity_versions(session, kind, slug) if as_of is None or v.recorded_at <= as_of
    ]
    if not versions:
        raise NotFound(f"No {kind.name} {slug!r}. See {kind.listed_at}.")
    cited = citations_by_id(
        session, ids={i for v in versions for i in v.content.get("citation_ids", [])}
    )
    return EntityHistory(
        slug=slug,
        record_type=kind.name,  # type: ignore[arg-type]
        versions=[
            EntityVersionOut(
                version=v.version,
                recorded_at=v.recorded_at,
                superseded_at=_superseded(v.superseded_at, as_of),
                recorded_by=v.recorded_by,
                reason=v.change_reason,
                origin=v.origin,
                fields={k: x for k, x in v.content.items() if k != "citation_ids"},
                citations=[
                    quote_out(*tuple(cited[i])[1:])
                    for i in v.content.get("citation_ids", [])
                    if i in cited
                ],
            )
            for v in versions
        ],
    )


def _superseded(at: datetime | None, as_of: datetime | None) -> datetime | None:
    return at if as_of is None or (at is not None and at <= as_of) else None


def _add_routes(editable: Editable) -> None:
    kind = editable.kind
    noun = kind.name
    spec_model = kind.spec
    SlugPath = Annotated[
        str, Path(pattern=SLUG_PATTERN, max_length=100, description=f"The {noun}'s slug.")
    ]

    def create(
        parsed: Annotated[spec_model, Body(examples=[editable.example])],  # type: ignore[valid-type]
        token: WriterDep,
        session: WriteSessionDep,
        response: Response,
    ) -> Any:
        spec: MissionIn | ActorIn = parsed
        with write_transaction(session) as now:
            version = create_entity(session, kind, spec, at=now, by=token.name, origin=API_ORIGIN)
        response.status_code = 201
        return _answer(session, editable, spec.slug, version, response)

    def correct(
        slug: SlugPath,
        patch: Annotated[
            dict[str, Any],
            Body(
                description=f"A JSON merge patch (RFC 7396) of the {noun}'s fields, with "
                "`reason`. `null` removes a field; `cite` replaces the citations.",
                examples=[{"reason": "The source names it", "label": "A clearer label"}],
            ),
        ],
        token: WriterDep,
        session: WriteSessionDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> Any:
        try:
            reason = Reason.model_validate({"reason": patch.pop("reason", None)}).reason
        except ValidationError as error:
            raise RequestValidationError(in_body(error)) from None
        with write_transaction(session) as now:
            base = current_spec(session, kind, slug)
            try:
                parsed = spec_model.model_validate(merge_patch(base, patch))
            except ValidationError as error:
                raise RequestValidationError(in_body(error)) from None
            version = correct_entity(
                session,
                kind,
                slug,
                parsed,
                reason=reason,
                if_match=if_match,
                at=now,
                by=token.name,
                origin=API_ORIGIN,
            )
        return _answer(session, editable, slug, version, response)

    def history(slug: SlugPath, session: SessionDep) -> EntityHistory:
        return _history(session, editable, slug)

    router.add_api_route(
        f"/{noun}s",
        create,
        methods=["POST"],
        summary=f"Create a {noun} (needs a write token)",
        description=f"A new {noun}, validated as the seed files are: every citation names a "
        "stored source and quotes it verbatim. It is version 1, in its history and the change "
        "feed.",
        status_code=201,
        response_model=editable.out,
        responses=CREATE_PROBLEMS,
    )
    router.add_api_route(
        f"/{noun}s/{{slug}}",
        correct,
        methods=["PATCH"],
        summary=f"Correct some fields of a {noun} (needs a write token)",
        description="Change only the fields given; the result is validated as a whole and "
        "becomes the next version (sending what is stored changes nothing). A stale `If-Match` "
        "gets a 412.",
        response_model=editable.out,
        responses=EDIT_PROBLEMS,
    )
    router.add_api_route(
        f"/{noun}s/{{slug}}/history",
        history,
        methods=["GET"],
        summary=f"Every version of a {noun}: who, when and why",
        description="All versions, oldest first, each with its fields and citations as that "
        "version stated them. With `as_of`, the history as it stood then.",
        response_model=EntityHistory,
        responses=problem_responses(404, 422),
        tags=[f"{noun}s"],
    )


for _editable in EDITABLE:
    _add_routes(_editable)
