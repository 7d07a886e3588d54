"""Creating and correcting missions and actors, as facts are: validated by the seed's input
models, every quote found in a stored source, each change a new version in `entity_version`
with its reason, its editor and its entry in the change feed. The `mission` and `actor` tables
hold the current version, which facts refer to."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlmodel import Session, col, select

from app.db.tables import (
    Actor,
    ActorCitation,
    Country,
    EntityVersion,
    Mission,
    MissionCitation,
)
from app.domain.countries import lookup_country
from app.domain.entity_tags import record_tag, version_tag
from app.domain.errors import Conflict, Invalid, NotFound, StaleVersion
from app.domain.spec import ActorIn, Cited, MissionIn
from app.writes.citing import citation_ids, cited_spans, resolve_citations
from app.writes.versions import log_change


@dataclass(frozen=True)
class EntityType:
    """What differs between missions and actors: their table, citation link and input model."""

    name: str  # as the change feed and entity_version name it
    model: type[Mission] | type[Actor]
    link: type[MissionCitation] | type[ActorCitation]
    key: str  # the link's column naming the entity
    spec: type[MissionIn] | type[ActorIn]
    # The input model's fields -> the table's columns.
    columns: Callable[[Any], dict[str, Any]]
    # The table's columns -> the input model's fields (what a merge patch applies to).
    fields: Callable[[Any], dict[str, Any]]
    listed_at: str  # where to find the records


def _mission_columns(spec: MissionIn) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.name,
        "name_unknown_reason": spec.name_unknown_reason,
        "acronym": spec.acronym,
        "label": spec.label,
        "kind": spec.kind,
        "status": str(spec.status),
        "description": spec.description,
        "host_country_iso3": spec.host_country,
        "supports_mission_slug": spec.supports,
    }


def _mission_fields(row: Mission) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "name_unknown_reason": row.name_unknown_reason,
        "acronym": row.acronym,
        "label": row.label,
        "kind": row.kind,
        "status": row.status,
        "description": row.description,
        "host_country": row.host_country_iso3,
        "supports": row.supports_mission_slug,
    }


def _actor_columns(spec: ActorIn) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.name,
        "kind": str(spec.kind),
        "title": spec.title,
        "country_iso3": spec.country,
    }


def _actor_fields(row: Actor) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "title": row.title,
        "country": row.country_iso3,
    }


MISSIONS = EntityType(
    "mission",
    Mission,
    MissionCitation,
    "mission_slug",
    MissionIn,
    _mission_columns,
    _mission_fields,
    "GET /missions",
)
ACTORS = EntityType(
    "actor",
    Actor,
    ActorCitation,
    "actor_slug",
    ActorIn,
    _actor_columns,
    _actor_fields,
    "GET /actors",
)


def entity_content(row: Mission | Actor, citations: list[int]) -> dict[str, Any]:
    """A version's content: the record's columns (its bookkeeping aside) and its citations."""
    content = {name: getattr(row, name) for name in type(row).model_fields if name != "recorded_at"}
    return {**content, "citation_ids": citations}


def stored_entity(session: Session, kind: EntityType, slug: str) -> Mission | Actor | None:
    return cast(Mission | Actor | None, session.get(kind.model, slug))


def linked_citation_ids(session: Session, kind: EntityType, slug: str) -> list[int]:
    link = kind.link
    query = (
        select(link.citation_id).where(getattr(link, kind.key) == slug).order_by(col(link.position))
    )
    return list(session.exec(query).all())


def latest_entity_version(session: Session, kind: EntityType, slug: str) -> EntityVersion | None:
    query = select(EntityVersion).where(
        EntityVersion.entity_type == kind.name,
        EntityVersion.entity_id == slug,
        col(EntityVersion.superseded_at).is_(None),
    )
    return session.exec(query).first()


def entity_versions(session: Session, kind: EntityType, slug: str) -> list[EntityVersion]:
    query = (
        select(EntityVersion)
        .where(EntityVersion.entity_type == kind.name, EntityVersion.entity_id == slug)
        .order_by(col(EntityVersion.version))
    )
    return list(session.exec(query).all())


def record_version(
    session: Session,
    kind: EntityType,
    row: Mission | Actor,
    citations: list[int],
    *,
    reason: str,
    at: datetime,
    by: str,
    origin: str,
) -> EntityVersion:
    """The next version of a record as `row` now stands, superseding the previous one at the
    same instant, and its entry in the change feed."""
    slug = row.slug
    previous = latest_entity_version(session, kind, slug)
    if previous is not None:
        previous.superseded_at = at
        session.add(previous)
    version = EntityVersion(
        entity_type=kind.name,
        entity_id=slug,
        version=previous.version + 1 if previous else 1,
        recorded_at=at,
        recorded_by=by,
        change_reason=reason,
        origin=origin,
        content=entity_content(row, citations),
    )
    session.add(version)
    log_change(
        session,
        action="created" if previous is None else "corrected",
        record_type=kind.name,
        record_id=slug,
        version=version.version,
        reason=reason,
        at=at,
        by=by,
    )
    return version


def _check_references(session: Session, kind: EntityType, columns: dict[str, Any]) -> None:
    for column in ("host_country_iso3", "country_iso3"):
        code = columns.get(column)
        if code and session.get(Country, code) is None:
            country = lookup_country(code)
            assert country is not None  # the input model checked the code
            session.add(Country(**country.fields()))
    supports = columns.get("supports_mission_slug")
    if supports is not None:
        if supports == columns["slug"]:
            raise Invalid("body", "supports", "a mission cannot support itself")
        chain, at = [columns["slug"]], supports
        while at is not None:
            backed = session.get(Mission, at)
            if backed is None:
                raise Invalid("body", "supports", f"unknown mission {at!r}; see GET /missions")
            if at in chain:
                raise Invalid("body", "supports", f"missions would support each other: {chain}")
            chain.append(at)
            at = backed.supports_mission_slug


def _relink(session: Session, kind: EntityType, slug: str, citations: list[int]) -> None:
    link = kind.link
    for stored in session.exec(select(link).where(getattr(link, kind.key) == slug)).all():
        session.delete(stored)
    session.flush()
    session.add_all(
        link.model_validate({kind.key: slug, "citation_id": cid, "position": position})
        for position, cid in enumerate(citations)
    )


def _cited(session: Session, spec: Cited) -> list[int]:
    return citation_ids(session, resolve_citations(session, spec.cite))


def create_entity(
    session: Session,
    kind: EntityType,
    spec: MissionIn | ActorIn,
    *,
    at: datetime,
    by: str,
    origin: str,
    reason: str = "Created",
) -> EntityVersion:
    columns = kind.columns(spec)
    if session.get(kind.model, spec.slug) is not None:
        raise Conflict(
            f"A {kind.name} with slug {spec.slug!r} exists. Correct it with "
            f"PATCH /{kind.name}s/{spec.slug}."
        )
    _check_references(session, kind, columns)
    citations = _cited(session, spec)
    row = kind.model(**columns, recorded_at=at)
    session.add(row)
    session.flush()
    _relink(session, kind, spec.slug, citations)
    return record_version(session, kind, row, citations, reason=reason, at=at, by=by, origin=origin)


def check_entity_match(if_match: str | None, version: EntityVersion) -> None:
    """If-Match against the record's version, as for facts: a stale one changes nothing."""
    if if_match is None:
        return
    tags = [version_tag(tag.strip()) for tag in if_match.split(",")]
    if "*" in tags or record_tag(version.version) in tags:
        return
    raise StaleVersion(
        f"The record is at version {version.version} (ETag {record_tag(version.version)}), "
        "not the one If-Match names. Read it again, then send the change.",
        current_etag=record_tag(version.version),
    )


def current_spec(session: Session, kind: EntityType, slug: str) -> dict[str, Any]:
    """The record as the input model's fields, citations included: what a patch merges into."""
    row = session.get(kind.model, slug)
    if row is None:
        raise NotFound(f"No {kind.name} {slug!r}. See {kind.listed_at}.")
    cites = []
    for citation, text in cited_spans(session, linked_citation_ids(session, kind, slug)):
        cite: dict[str, Any] = {"quote": citation.quote, "source": citation.source_id}
        starts = [i for i in range(len(text)) if text.startswith(citation.quote, i)]
        if len(starts) > 1:
            cite["occurrence"] = starts.index(citation.char_start) + 1
        cites.append(cite)
    fields = {name: value for name, value in kind.fields(row).items() if value is not None}
    return {**fields, "cite": cites}


def correct_entity(
    session: Session,
    kind: EntityType,
    slug: str,
    spec: MissionIn | ActorIn,
    *,
    reason: str,
    if_match: str | None,
    at: datetime,
    by: str,
    origin: str,
) -> EntityVersion:
    """A new version, unless nothing changed (then the current one, untouched)."""
    if spec.slug != slug:
        raise Invalid("body", "slug", f"the body's slug {spec.slug!r} is not the path's {slug!r}")
    row = stored_entity(session, kind, slug)
    current = latest_entity_version(session, kind, slug)
    if row is None or current is None:
        raise NotFound(f"No {kind.name} {slug!r}. See {kind.listed_at}.")
    check_entity_match(if_match, current)
    columns = kind.columns(spec)
    _check_references(session, kind, columns)
    citations = _cited(session, spec)
    if _same(row, columns, current, citations):
        return current
    for name, value in columns.items():
        setattr(row, name, value)
    row.recorded_at = at  # the current version's time: what Last-Modified is read from
    session.add(row)
    _relink(session, kind, slug, citations)
    return record_version(session, kind, row, citations, reason=reason, at=at, by=by, origin=origin)


def _same(
    row: Mission | Actor, columns: dict[str, Any], current: EntityVersion, cited: list[int]
) -> bool:
    unchanged = all(getattr(row, name) == value for name, value in columns.items())
    return unchanged and current.content.get("citation_ids") == cited
