"""Fact versions: adding one, retracting, and logging each change. Nothing is overwritten: a
new version supersedes the previous one at the same instant, so at any moment exactly one
version (or none) was the one served."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from app.db.tables import (
    RECORD_CURRENT,
    RECORD_RETRACTED,
    RECORD_SUPERSEDED,
    Change,
    Fact,
    FactCitation,
)
from app.domain.dates import interval
from app.domain.read_scopes import fact_write_scopes
from app.domain.spec import FactIn
from app.queries.state import touch

# Who wrote a record: the curated seed files, or the write API.
API_ORIGIN = "api"

# The columns a fact version is compared on: everything but its bookkeeping.
_BOOKKEEPING = {
    "row_id",
    "fact_id",
    "version",
    "record_status",
    "recorded_at",
    "superseded_at",
    "recorded_by",
    "change_reason",
    "origin",
}
CONTENT_COLUMNS = [name for name in Fact.model_fields if name not in _BOOKKEEPING]


def fact_content(
    spec: FactIn,
    *,
    value: float | None = None,
    qualifier: str | None = None,
    formula: str | None = None,
) -> dict[str, Any]:
    """The column values a fact version takes from its input model; `value`, `qualifier` and
    `formula` are the computed ones of a derived fact."""
    quantity, when, derivation = spec.quantity, spec.date, spec.derived
    earliest, latest = interval(when.value, when.qualifier) if when else (None, None)
    content: dict[str, Any] = {
        "kind": spec.kind,
        "mission_slug": spec.mission,
        "country_iso3": spec.country,
        "actor_slug": spec.actor,
        "summary": spec.summary,
        "role": spec.role,
        "stance": spec.stance,
        "tense": spec.tense,
        "status": spec.status,
        "topic": spec.topic,
        "place": spec.place,
        "cause": spec.cause,
        "attributed_to": spec.attributed_to,
        "list_complete": spec.list_complete,
        "list_note": spec.list_note,
        "instrument": spec.instrument,
        "related_mission_slug": spec.related_mission,
        "value": quantity.value if quantity else value,
        "unit": quantity.unit if quantity else (derivation.unit if derivation else None),
        "qualifier": quantity.qualifier if quantity else qualifier,
        "lower_bound": quantity.lower_bound if quantity else value,
        "upper_bound": quantity.upper_bound if quantity else value,
        "quantity_as_stated": quantity.as_stated if quantity else None,
        "value_unknown_reason": quantity.unknown_reason if quantity else None,
        "date_value": when.value if when else None,
        "date_precision": when.precision if when else None,
        "date_qualifier": when.qualifier if when else None,
        "date_as_stated": when.as_stated if when else None,
        "date_resolution": when.resolution if when else None,
        "date_resolved_from": when.resolved_from if when else None,
        "date_earliest": earliest,
        "date_latest": latest,
        "derived": derivation is not None,
        "formula": formula,
        "derived_from": list(derivation.inputs) if derivation else None,
        "rank": spec.rank,
    }
    assert set(content) == set(CONTENT_COLUMNS), set(content) ^ set(CONTENT_COLUMNS)
    # Enum members compare equal to their values, but are stored as plain strings.
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in content.items()}


def same_content(row: Fact, content: dict[str, Any]) -> bool:
    return all(getattr(row, name) == content[name] for name in CONTENT_COLUMNS)


def log_change(
    session: Session,
    *,
    action: str,
    record_type: str,
    record_id: str,
    at: datetime,
    by: str,
    version: int | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        Change(
            recorded_at=at,
            recorded_by=by,
            action=action,
            record_type=record_type,
            record_id=record_id,
            version=version,
            reason=reason,
        )
    )


def add_version(
    session: Session,
    *,
    fact_id: str,
    content: dict[str, Any],
    citation_ids: list[int],
    reason: str,
    at: datetime,
    by: str,
    origin: str,
    previous: Fact | None = None,
    status: str = RECORD_CURRENT,
) -> Fact:
    """Add the next version of a fact (the first when there is no `previous`), superseding the
    previous one at the same instant, and log the change."""
    if previous is not None:
        previous.record_status, previous.superseded_at = RECORD_SUPERSEDED, at
        session.add(previous)
        session.flush()  # the partial unique index allows one current version at a time
    version = previous.version + 1 if previous is not None else 1
    row = Fact(
        fact_id=fact_id,
        version=version,
        record_status=status,
        recorded_at=at,
        recorded_by=by,
        origin=origin,
        change_reason=reason,
        **content,
    )
    session.add(row)
    session.flush()
    assert row.row_id is not None
    kinds = [previous.kind, row.kind] if previous is not None else [row.kind]
    touch(session, fact_write_scopes(fact_id, kinds))
    session.add_all(
        FactCitation(fact_row_id=row.row_id, citation_id=citation_id, position=position)
        # Two quotes that find the same span are one citation (the link's key is the pair).
        for position, citation_id in enumerate(dict.fromkeys(citation_ids))
    )
    if status == RECORD_RETRACTED:
        action = "retracted"
    else:
        action = "created" if previous is None else "corrected"
    log_change(
        session,
        action=action,
        record_type="fact",
        record_id=fact_id,
        version=version,
        reason=reason,
        at=at,
        by=by,
    )
    return row


def retract(
    session: Session,
    *,
    current: Fact,
    citation_ids: list[int],
    reason: str,
    at: datetime,
    by: str,
    origin: str,
) -> Fact:
    """Retract a fact: a last version, same content, marked retracted with the reason. It
    leaves every list but stays readable by its id, with its history."""
    content = {name: getattr(current, name) for name in CONTENT_COLUMNS}
    return add_version(
        session,
        fact_id=current.fact_id,
        content=content,
        citation_ids=citation_ids,
        reason=reason,
        at=at,
        by=by,
        origin=origin,
        previous=current,
        status=RECORD_RETRACTED,
    )
