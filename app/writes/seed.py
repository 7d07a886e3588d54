"""Writing a resolved seed in one transaction: idempotent, and append-only for facts."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from app.db.tables import (
    RECORD_CURRENT,
    Actor,
    ActorCitation,
    Citation,
    Country,
    Fact,
    FactCitation,
    Mission,
    MissionCitation,
    utcnow,
)
from app.domain.countries import lookup_country
from app.domain.quotes import Span
from app.queries.search import rebuild_search_index
from app.queries.state import bump_data_version
from app.writes.citing import new_citation
from app.writes.entities import (
    ACTORS,
    MISSIONS,
    EntityType,
    latest_entity_version,
    record_version,
    stored_entity,
)
from app.writes.seed_files import Seed, read_seed
from app.writes.sources import source_row
from app.writes.start_checks import search_index_built
from app.writes.versions import add_version, fact_content, log_change, retract, same_content

SEED_ORIGIN = "seed"
SEED_AUTHOR = "seed"


@dataclass
class SeedReport:
    """What a load changed, by table: inserted, updated (entities) or versioned (facts)."""

    changes: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, table: str, what: str) -> None:
        self.changes.setdefault(table, {}).setdefault(what, 0)
        self.changes[table][what] += 1

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        if not self.changes:
            return "nothing changed: the database already holds this seed"
        return "; ".join(
            f"{table}: " + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            for table, counts in sorted(self.changes.items())
        )


def _upsert(session: Session, row: SQLModel, report: SeedReport) -> str | None:
    """Insert a row, or update the stored one field by field; counts only real changes.
    `inserted`, `updated`, or None when nothing changed."""
    model = type(row)
    table = model.__table__  # type: ignore[attr-defined]
    (key_column,) = table.primary_key.columns  # every upserted entity has a one-column key
    stored = session.get(model, getattr(row, key_column.name))
    if stored is None:
        session.add(row)
        report.count(table.name, "inserted")
        return "inserted"
    changed = False
    for name in row.model_fields_set - {"recorded_at"}:
        if getattr(stored, name) != getattr(row, name):
            setattr(stored, name, getattr(row, name))
            changed = True
    if changed:
        report.count(table.name, "updated")
        return "updated"
    return None


SpanKey = tuple[str, int, int]


def _stored_citation_ids(session: Session) -> dict[SpanKey, int]:
    """Every stored citation's id by (source, start, end), read in one query."""
    rows = session.exec(
        select(Citation.source_id, Citation.char_start, Citation.char_end, Citation.id)
    )
    return {(source, start, end): cid for source, start, end, cid in rows if cid is not None}


def _citation_ids(
    session: Session, known: dict[SpanKey, int], spans: list[Span], report: SeedReport
) -> list[int]:
    """Ids of the citations of these spans, inserting (and remembering) the new ones."""
    ids = []
    for span in spans:
        key = (span.source_id, span.start, span.end)
        if key not in known:
            citation = new_citation(span)
            session.add(citation)
            session.flush()
            assert citation.id is not None
            known[key] = citation.id
            report.count("citation", "inserted")
        ids.append(known[key])
    return ids


def _link_citations(
    session: Session,
    link: type[MissionCitation] | type[ActorCitation],
    key: dict[str, str],
    citation_ids: list[int],
    report: SeedReport,
) -> bool:
    """Make an entity's citation links exactly `citation_ids`, in order; True if they changed."""
    ((key_name, key_value),) = key.items()
    key_column = getattr(link, key_name)
    stored: Sequence[Any] = session.exec(select(link).where(key_column == key_value)).all()
    current = [(row.citation_id, row.position) for row in sorted(stored, key=lambda r: r.position)]
    if current == [(cid, i) for i, cid in enumerate(citation_ids)]:
        return False
    for row in stored:
        session.delete(row)
    session.flush()
    for position, citation_id in enumerate(citation_ids):
        session.add(link(**key, citation_id=citation_id, position=position))
    report.count(str(link.__tablename__), "relinked")
    return True


def _write_cited(
    session: Session,
    kind: EntityType,
    row: Mission | Actor,
    spans: list[Span],
    known: dict[SpanKey, int],
    report: SeedReport,
) -> None:
    """Upsert an entity, make its citation links exactly these spans, and record a version
    when anything changed (or none is recorded yet)."""
    upserted = _upsert(session, row, report)
    session.flush()
    cited = _citation_ids(session, known, spans, report)
    relinked = _link_citations(session, kind.link, {kind.key: row.slug}, cited, report)
    first = latest_entity_version(session, kind, row.slug) is None
    if upserted or relinked or first:
        stored = stored_entity(session, kind, row.slug)
        assert stored is not None
        at = utcnow()
        if upserted == "updated" or relinked:
            stored.recorded_at = at  # the current version's time (Last-Modified)
        reason = (
            "Loaded from the seed files"
            if upserted == "inserted" or first
            else ("Corrected in the seed files")
        )
        record_version(
            session,
            kind,
            stored,
            cited,
            reason=reason,
            at=at,
            by=SEED_AUTHOR,
            origin=SEED_ORIGIN,
        )
        report.count("entity_version", "recorded")


def _write_facts(
    session: Session, seed: Seed, known: dict[SpanKey, int], report: SeedReport
) -> None:
    now = utcnow()
    # The latest version of every fact: current, or retracted (and then re-added if seeded).
    latest = {
        row.fact_id: row
        for row in session.exec(select(Fact).where(col(Fact.superseded_at).is_(None)))
    }
    current_links: dict[int, list[int]] = {}
    for link in session.exec(
        select(FactCitation)
        .join(Fact, col(Fact.row_id) == FactCitation.fact_row_id)
        .where(Fact.record_status == RECORD_CURRENT)
        .order_by(col(FactCitation.fact_row_id), col(FactCitation.position))
    ):
        current_links.setdefault(link.fact_row_id, []).append(link.citation_id)
    seeded: set[str] = set()
    for resolved in seed.facts:
        fact_id = resolved.spec.id
        seeded.add(fact_id)
        content = fact_content(
            resolved.spec,
            value=resolved.value,
            qualifier=resolved.qualifier,
            formula=resolved.formula,
        )
        citation_ids = _citation_ids(session, known, resolved.spans, report)
        stored = latest.get(fact_id)
        if stored is not None and stored.record_status == RECORD_CURRENT:
            assert stored.row_id is not None
            unchanged = same_content(stored, content)
            if unchanged and current_links.get(stored.row_id) == citation_ids:
                continue
            reason, what = "Corrected in the seed files", "versioned"
        else:
            reason, what = "Loaded from the seed files", "inserted"
        add_version(
            session,
            fact_id=fact_id,
            content=content,
            citation_ids=citation_ids,
            reason=reason,
            at=now,
            by=SEED_AUTHOR,
            origin=SEED_ORIGIN,
            previous=stored,
        )
        report.count("fact", what)
    # Seed facts no longer in the seed are retracted, never deleted; other origins are untouched.
    for stored in latest.values():
        gone = stored.fact_id not in seeded and stored.record_status == RECORD_CURRENT
        if gone and stored.origin == SEED_ORIGIN:
            assert stored.row_id is not None
            retract(
                session,
                current=stored,
                citation_ids=current_links.get(stored.row_id, []),
                reason="Removed from the seed files",
                at=now,
                by=SEED_AUTHOR,
                origin=SEED_ORIGIN,
            )
            report.count("fact", "retracted")


def write_seed(session: Session, seed: Seed) -> SeedReport:
    """Bring the database in line with the seed. The caller owns the transaction."""
    report = SeedReport()
    for code in sorted(seed.country_codes):
        country = lookup_country(code)
        assert country is not None  # validated by the input models
        _upsert(session, Country(**country.fields()), report)
    for loaded in seed.sources.values():
        spec = loaded.spec
        source = source_row(
            spec, text=loaded.text, sha256=loaded.sha256, by=SEED_AUTHOR, origin=SEED_ORIGIN
        )
        if _upsert(session, source, report) == "inserted":
            log_change(
                session,
                action="created",
                record_type="source",
                record_id=spec.id,
                reason="Loaded from the seed files",
                at=source.recorded_at,
                by=SEED_AUTHOR,
            )
    session.flush()

    known = _stored_citation_ids(session)
    for mission in seed.missions_in_dependency_order():
        row = Mission(
            slug=mission.slug,
            name=mission.name,
            name_unknown_reason=mission.name_unknown_reason,
            acronym=mission.acronym,
            label=mission.label,
            kind=mission.kind,
            status=mission.status,
            description=mission.description,
            host_country_iso3=mission.host_country,
            supports_mission_slug=mission.supports,
        )
        _write_cited(session, MISSIONS, row, seed.mission_spans[mission.slug], known, report)
    for actor in seed.facts_file.actors:
        row_actor = Actor(
            slug=actor.slug,
            name=actor.name,
            kind=actor.kind,
            title=actor.title,
            country_iso3=actor.country,
        )
        _write_cited(session, ACTORS, row_actor, seed.actor_spans[actor.slug], known, report)
    session.flush()
    _write_facts(session, seed, known, report)
    if report.changed or not search_index_built(session):
        rebuild_search_index(session)
    if report.changed:
        bump_data_version(session)
    return report


def load_seed(engine: Engine, seed_dir: Path) -> SeedReport:
    """Validate everything first, then write it all in one transaction or not at all."""
    seed = read_seed(seed_dir)
    with Session(engine) as session, session.begin():
        return write_seed(session, seed)
