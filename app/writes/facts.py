"""Creating, correcting and retracting facts through the API, by the seed's own rules: the
same input model (`FactIn`), quotes found in stored sources, `as_stated` inside the quotes,
derived values computed, never typed."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.db.tables import (
    RECORD_CURRENT,
    RECORD_RETRACTED,
    Actor,
    Country,
    Fact,
    FactCitation,
    Mission,
)
from app.domain.countries import lookup_country
from app.domain.derivation import Figure, derive
from app.domain.entity_tags import record_tag, version_tag
from app.domain.errors import Conflict, Invalid, NotFound, StaleVersion
from app.domain.quotes import words_outside_quotes
from app.domain.read_scopes import EVERYTHING
from app.domain.spec import FactIn
from app.queries.search import index_fact_versions
from app.queries.state import touch
from app.writes.citing import citation_ids, cite_of, cited_spans, resolve_citations
from app.writes.versions import API_ORIGIN, add_version, fact_content, retract, same_content


def record_etag(row: Fact) -> str:
    """The validator of a fact record: its version (If-Match compares against it)."""
    return record_tag(row.version)


def latest_version(session: Session, fact_id: str) -> Fact | None:
    """The version served by id now: current, or the retraction."""
    query = select(Fact).where(Fact.fact_id == fact_id, col(Fact.superseded_at).is_(None))
    return session.exec(query).first()


def check_if_match(if_match: str | None, row: Fact) -> None:
    """RFC 9110 If-Match, strong comparison: a stale version gets a 412 and nothing changes."""
    if if_match is None:
        return
    # The tag of a compressed answer names the same version.
    tags = [version_tag(tag.strip()) for tag in if_match.split(",")]
    if "*" in tags or record_etag(row) in tags:
        return
    raise StaleVersion(
        f"The record is at version {row.version} (ETag {record_etag(row)}), not the one "
        "If-Match names. Read it again, then send the change.",
        current_etag=record_etag(row),
    )


def _check_references(session: Session, spec: FactIn) -> None:
    if spec.mission and session.get(Mission, spec.mission) is None:
        raise Invalid("body", "mission", f"unknown mission {spec.mission!r}; see GET /missions")
    if spec.related_mission and session.get(Mission, spec.related_mission) is None:
        raise Invalid(
            "body",
            "related_mission",
            f"unknown mission {spec.related_mission!r}; see GET /missions",
        )
    if spec.actor and session.get(Actor, spec.actor) is None:
        raise Invalid("body", "actor", f"unknown actor {spec.actor!r}; see GET /actors")
    if spec.country and session.get(Country, spec.country) is None:
        country = lookup_country(spec.country)
        assert country is not None  # the input model checked the code
        session.add(Country(**country.fields()))
        # A new country is more than a fact version: every list of countries shows it.
        touch(session, [EVERYTHING])


def _derived_value(session: Session, spec: FactIn) -> tuple[float | None, str | None, str | None]:
    """(value, qualifier, formula) of a derived fact, computed from its inputs' current values."""
    if spec.derived is None:
        return None, None, None
    figures: list[Figure | None] = []
    for input_id in spec.derived.inputs:
        row = session.exec(
            select(Fact).where(Fact.fact_id == input_id, Fact.record_status == RECORD_CURRENT)
        ).first()
        if row is None:
            raise Invalid("body", "derived", f"unknown input fact {input_id!r}")
        if row.value is None or row.unit is None or row.qualifier is None:
            figures.append(None)
        else:
            figures.append((row.value, row.unit, row.qualifier))
    try:
        value, formula = derive(spec.derived, figures)
    except ValueError as error:
        raise Invalid("body", "derived", str(error)) from None
    return value, "exact", formula


def _content_and_citations(session: Session, spec: FactIn) -> tuple[dict[str, Any], list[int]]:
    _check_references(session, spec)
    spans = resolve_citations(session, spec.cite)
    stated = [part.as_stated if part else None for part in (spec.quantity, spec.date)]
    outside = words_outside_quotes(stated, spans)
    if outside:
        raise Invalid("body", "as_stated", f"{outside[0]!r} is not in the fact's quotes")
    value, qualifier, formula = _derived_value(session, spec)
    content = fact_content(spec, value=value, qualifier=qualifier, formula=formula)
    return content, citation_ids(session, spans)


def create_fact(
    session: Session,
    spec: FactIn,
    *,
    at: datetime,
    by: str,
    origin: str = API_ORIGIN,
    reason: str = "Created",
) -> Fact:
    if session.exec(select(Fact.row_id).where(Fact.fact_id == spec.id)).first() is not None:
        raise Conflict(
            f"A fact with id {spec.id!r} exists. Correct it with PUT or PATCH /facts/{spec.id}.",
        )
    content, cited = _content_and_citations(session, spec)
    row = add_version(
        session,
        fact_id=spec.id,
        content=content,
        citation_ids=cited,
        reason=reason,
        at=at,
        by=by,
        origin=origin,
    )
    index_fact_versions(session, [row])
    return row


def _editable(session: Session, fact_id: str, if_match: str | None) -> Fact:
    row = latest_version(session, fact_id)
    if row is None:
        raise NotFound(f"No fact with id {fact_id!r}. See GET /facts.")
    check_if_match(if_match, row)
    if row.record_status == RECORD_RETRACTED:
        raise Conflict(
            f"The fact {fact_id!r} is retracted; a retraction is final. Create a new fact."
        )
    return row


def _dependents(session: Session, fact_id: str) -> list[Fact]:
    """Current facts derived from this one."""
    rows = session.exec(
        select(Fact).where(Fact.record_status == RECORD_CURRENT, col(Fact.derived).is_(True))
    ).all()
    return [row for row in rows if fact_id in (row.derived_from or [])]


def correct_fact(
    session: Session,
    fact_id: str,
    spec: FactIn,
    *,
    reason: str,
    if_match: str | None,
    at: datetime,
    by: str,
    origin: str = API_ORIGIN,
) -> Fact:
    """A new version, unless nothing changed (then the current one, untouched). Facts derived
    from this one are recomputed in the same transaction, each as a new version."""
    if spec.id != fact_id:
        raise Invalid("body", "id", f"the body's id {spec.id!r} is not the path's {fact_id!r}")
    current = _editable(session, fact_id, if_match)
    content, cited = _content_and_citations(session, spec)
    assert current.row_id is not None
    if same_content(current, content) and _citation_ids_of(session, current) == cited:
        return current
    row = add_version(
        session,
        fact_id=fact_id,
        content=content,
        citation_ids=cited,
        reason=reason,
        at=at,
        by=by,
        origin=origin,
        previous=current,
    )
    written = [row]
    for dependent in _dependents(session, fact_id):
        written.append(_recompute(session, dependent, changed=fact_id, at=at, by=by))
    index_fact_versions(session, written)
    return row


def _recompute(session: Session, dependent: Fact, *, changed: str, at: datetime, by: str) -> Fact:
    spec = FactIn.model_validate(spec_of(session, dependent))
    try:
        value, qualifier, formula = _derived_value(session, spec)
    except Invalid as error:
        why = error.detail
        raise Invalid(
            "body",
            "quantity",
            f"{dependent.fact_id!r} is derived from this fact and cannot be recomputed: {why}",
        ) from None
    content = fact_content(spec, value=value, qualifier=qualifier, formula=formula)
    return add_version(
        session,
        fact_id=dependent.fact_id,
        content=content,
        citation_ids=_citation_ids_of(session, dependent),
        reason=f"Recomputed: its input {changed!r} was corrected",
        at=at,
        by=by,
        origin=dependent.origin,
        previous=dependent,
    )


def retract_fact(
    session: Session, fact_id: str, *, reason: str, if_match: str | None, at: datetime, by: str
) -> Fact:
    current = _editable(session, fact_id, if_match)
    dependents = _dependents(session, fact_id)
    if dependents:
        names = ", ".join(repr(row.fact_id) for row in dependents)
        raise Conflict(f"Facts derived from {fact_id!r} must be retracted first: {names}.")
    row = retract(
        session,
        current=current,
        citation_ids=_citation_ids_of(session, current),
        reason=reason,
        at=at,
        by=by,
        origin=API_ORIGIN,
    )
    index_fact_versions(session, [row])
    return row


def _citation_ids_of(session: Session, row: Fact) -> list[int]:
    query = (
        select(FactCitation.citation_id)
        .where(FactCitation.fact_row_id == row.row_id)
        .order_by(col(FactCitation.position))
    )
    return list(session.exec(query).all())


def spec_of(session: Session, row: Fact) -> dict[str, Any]:
    """A stored version written back as the input model's fields: what PATCH merges into."""
    cites = [cite_of(c, text) for c, text in cited_spans(session, _citation_ids_of(session, row))]
    spec: dict[str, Any] = {
        "id": row.fact_id,
        "kind": row.kind,
        "summary": row.summary,
        "mission": row.mission_slug,
        "country": row.country_iso3,
        "actor": row.actor_slug,
        "cite": cites,
        "rank": row.rank,
    }
    for name in ("role", "stance", "tense", "status", "topic", "place", "cause"):
        spec[name] = getattr(row, name)
    spec["attributed_to"] = row.attributed_to
    spec["list_complete"] = row.list_complete
    spec["list_note"] = row.list_note
    spec["instrument"] = row.instrument
    spec["related_mission"] = row.related_mission_slug
    if row.derived:
        operation = "percent_of" if (row.formula or "").endswith("* 100") else "difference"
        spec["derived"] = {"operation": operation, "inputs": row.derived_from, "unit": row.unit}
    elif row.unit is not None:
        spec["quantity"] = {
            "value": row.value,
            "unit": row.unit,
            "qualifier": row.qualifier,
            "lower_bound": row.lower_bound,
            "upper_bound": row.upper_bound,
            "as_stated": row.quantity_as_stated,
            "unknown_reason": row.value_unknown_reason,
        }
    if row.date_value is not None or row.date_as_stated is not None:
        spec["date"] = {
            "value": row.date_value,
            "precision": row.date_precision,
            "qualifier": row.date_qualifier,
            "as_stated": row.date_as_stated,
            "resolution": row.date_resolution,
            "resolved_from": row.date_resolved_from,
        }
    return {key: value for key, value in spec.items() if value is not None}
