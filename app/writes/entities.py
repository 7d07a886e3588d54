"""Creating and correcting missions and actors, as facts are: validated by the seed's input
models, every quote found in a stored source, each change a new version in `entity_version`
with its reason, its editor and its entry in the change feed. The `mission` and `actor` tables
hold the current version, which facts refer to."""

from dataclasses import dataclass, field
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
from app.writes.citing import citation_ids, cite_of, cited_spans, resolve_citations
from app.writes.versions import log_change


@dataclass(frozen=True)
class EntityType:
    """What differs between missions and actors: their table, citation link and input model."""

    name: str  # as the change feed and entity_version name it
    model: type[Mission] | type[Actor]
    link: type[MissionCitation] | type[ActorCitation]
    key: str  # the link's column naming the entity
    spec: type[MissionIn] | type[ActorIn]
    listed_at: str  # where to find the records
    # The input model's fields stored under another column name; the others keep theirs.
    renamed: dict[str, str] = field(default_factory=dict)

    def columns(self, spec: MissionIn | ActorIn) -> dict[str, Any]:
        """The table's columns, from the input model's fields (enum members as their values)."""
        values = spec.model_dump(mode="json", exclude={"cite"})
        return {self.renamed.get(name, name): value for name, value in values.items()}

    def fields(self, row: Mission | Actor) -> dict[str, Any]:
        """The input model's fields, from the table's columns: what a merge patch applies to."""
        names = set(self.spec.model_fields) - {"cite"}
        return {name: getattr(row, self.renamed.get(name, name)) for name in names}


MISSIONS = EntityType(
    "mission",
    Mission,
    MissionCitation,
    "mission_slug",
    MissionIn,
    "GET /missions",
    {"host_country": "host_country_iso3", "supports": "supports_mission_slug"},
)
ACTORS = EntityType(
    "actor", Actor, ActorCitation, "actor_slug", ActorIn, "GET /actors", {"country": "country_iso3"}
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
    row = stored_entity(session, kind, slug)
    if row is None:
        raise NotFound(f"No {kind.name} {slug!r}. See {kind.listed_at}.")
    linked = linked_citation_ids(session, kind, slug)
    cites = [cite_of(citation, text) for citation, text in cited_spans(session, linked)]
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
