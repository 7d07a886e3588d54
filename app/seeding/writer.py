"""Writing a resolved seed in one transaction: idempotent, and append-only for facts."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from app.countries import lookup_country
from app.models import (
    RECORD_CURRENT,
    RECORD_RETRACTED,
    RECORD_SUPERSEDED,
    Actor,
    ActorCitation,
    Citation,
    Fact,
    FactCitation,
    Mission,
    MissionCitation,
    SearchEntry,
    Source,
    utcnow,
)
from app.queries.search import rebuild_search_index
from app.queries.state import bump_data_version
from app.seeding.files import ResolvedFact, Seed, Span, read_seed

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


def _upsert(session: Session, row: SQLModel, report: SeedReport) -> None:
    """Insert a row, or update the stored one field by field; counts only real changes."""
    model = type(row)
    table = model.__table__  # type: ignore[attr-defined]
    (key_column,) = table.primary_key.columns  # every upserted entity has a one-column key
    stored = session.get(model, getattr(row, key_column.name))
    if stored is None:
        session.add(row)
        report.count(table.name, "inserted")
        return
    changed = False
    for name in row.model_fields_set - {"recorded_at"}:
        if getattr(stored, name) != getattr(row, name):
            setattr(stored, name, getattr(row, name))
            changed = True
    if changed:
        report.count(table.name, "updated")


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
            citation = Citation(
                source_id=span.source_id, char_start=span.start, char_end=span.end, quote=span.quote
            )
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
) -> None:
    """Make an entity's citation links exactly `citation_ids`, in order."""
    ((key_name, key_value),) = key.items()
    key_column = getattr(link, key_name)
    stored: Sequence[Any] = session.exec(select(link).where(key_column == key_value)).all()
    current = [(row.citation_id, row.position) for row in sorted(stored, key=lambda r: r.position)]
    if current == [(cid, i) for i, cid in enumerate(citation_ids)]:
        return
    for row in stored:
        session.delete(row)
    session.flush()
    for position, citation_id in enumerate(citation_ids):
        session.add(link(**key, citation_id=citation_id, position=position))
    report.count(str(link.__tablename__), "relinked")


def _write_cited(
    session: Session,
    row: Mission | Actor,
    link: type[MissionCitation] | type[ActorCitation],
    key: dict[str, str],
    spans: list[Span],
    known: dict[SpanKey, int],
    report: SeedReport,
) -> None:
    """Upsert an entity and make its citation links exactly these spans."""
    _upsert(session, row, report)
    session.flush()
    _link_citations(session, link, key, _citation_ids(session, known, spans, report), report)


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


def fact_content(resolved: ResolvedFact) -> dict[str, Any]:
    """The column values a fact version takes from its input model."""
    spec = resolved.spec
    quantity, when, derivation = spec.quantity, spec.date, spec.derived
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
        "value": quantity.value if quantity else resolved.value,
        "unit": quantity.unit if quantity else (derivation.unit if derivation else None),
        "qualifier": quantity.qualifier if quantity else resolved.qualifier,
        "lower_bound": quantity.lower_bound if quantity else resolved.value,
        "upper_bound": quantity.upper_bound if quantity else resolved.value,
        "quantity_as_stated": quantity.as_stated if quantity else None,
        "value_unknown_reason": quantity.unknown_reason if quantity else None,
        "date_value": when.value if when else None,
        "date_precision": when.precision if when else None,
        "date_qualifier": when.qualifier if when else None,
        "date_as_stated": when.as_stated if when else None,
        "date_resolution": when.resolution if when else None,
        "derived": derivation is not None,
        "formula": resolved.formula,
        "derived_from": list(derivation.inputs) if derivation else None,
    }
    assert set(content) == set(CONTENT_COLUMNS), set(content) ^ set(CONTENT_COLUMNS)
    # Enum members compare equal to their values, but are stored as plain strings.
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in content.items()}


def _add_version(
    session: Session,
    fact_id: str,
    version: int,
    content: dict[str, Any],
    citation_ids: list[int],
    reason: str,
) -> None:
    row = Fact(
        fact_id=fact_id,
        version=version,
        recorded_by=SEED_AUTHOR,
        origin=SEED_ORIGIN,
        change_reason=reason,
        **content,
    )
    session.add(row)
    session.flush()
    assert row.row_id is not None
    for position, citation_id in enumerate(citation_ids):
        session.add(
            FactCitation(fact_row_id=row.row_id, citation_id=citation_id, position=position)
        )


def _write_facts(
    session: Session, seed: Seed, known: dict[SpanKey, int], report: SeedReport
) -> None:
    now = utcnow()
    current = {
        row.fact_id: row
        for row in session.exec(select(Fact).where(Fact.record_status == RECORD_CURRENT))
    }
    current_links: dict[int, list[int]] = {}
    for link in session.exec(
        select(FactCitation)
        .join(Fact, col(Fact.row_id) == FactCitation.fact_row_id)
        .where(Fact.record_status == RECORD_CURRENT)
        .order_by(col(FactCitation.fact_row_id), col(FactCitation.position))
    ):
        current_links.setdefault(link.fact_row_id, []).append(link.citation_id)
    latest_version = dict(
        session.exec(select(Fact.fact_id, Fact.version).order_by(col(Fact.version))).all()
    )
    for resolved in seed.facts:
        fact_id = resolved.spec.id
        content = fact_content(resolved)
        citation_ids = _citation_ids(session, known, resolved.spans, report)
        stored = current.pop(fact_id, None)
        if stored is not None:
            assert stored.row_id is not None
            same = all(getattr(stored, name) == content[name] for name in CONTENT_COLUMNS)
            if same and current_links.get(stored.row_id) == citation_ids:
                continue
            stored.record_status, stored.superseded_at = RECORD_SUPERSEDED, now
            session.add(stored)
            session.flush()  # the partial unique index allows one current version at a time
            reason, what = "Corrected in the seed files", "versioned"
        else:
            reason, what = "Loaded from the seed files", "inserted"
        version = latest_version.get(fact_id, 0) + 1
        _add_version(session, fact_id, version, content, citation_ids, reason)
        report.count("fact", what)
    # Seed facts no longer in the seed are retracted, never deleted; other origins are untouched.
    for stored in current.values():
        if stored.origin == SEED_ORIGIN:
            stored.record_status, stored.superseded_at = RECORD_RETRACTED, now
            stored.change_reason = "Removed from the seed files"
            session.add(stored)
            report.count("fact", "retracted")


def write_seed(session: Session, seed: Seed) -> SeedReport:
    """Bring the database in line with the seed. The caller owns the transaction."""
    report = SeedReport()
    for code in sorted(seed.country_codes):
        country = lookup_country(code)
        assert country is not None  # validated by the input models
        _upsert(session, country, report)
    for loaded in seed.sources.values():
        spec = loaded.spec
        published = spec.published
        source = Source(
            id=spec.id,
            url=spec.url,
            publisher=spec.publisher,
            title=spec.title,
            title_derived=spec.title_derived,
            title_derivation=spec.title_derivation,
            language=spec.language,
            published_value=published.value,
            published_precision=published.precision,
            published_qualifier=published.qualifier,
            published_as_stated=published.as_stated,
            published_resolution=published.resolution,
            sha256=loaded.sha256,
            text=loaded.text,
            notes=spec.notes,
        )
        _upsert(session, source, report)
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
        key = {"mission_slug": mission.slug}
        spans = seed.mission_spans[mission.slug]
        _write_cited(session, row, MissionCitation, key, spans, known, report)
    for actor in seed.facts_file.actors:
        row_actor = Actor(
            slug=actor.slug,
            name=actor.name,
            kind=actor.kind,
            title=actor.title,
            country_iso3=actor.country,
        )
        key = {"actor_slug": actor.slug}
        spans = seed.actor_spans[actor.slug]
        _write_cited(session, row_actor, ActorCitation, key, spans, known, report)
    session.flush()
    _write_facts(session, seed, known, report)
    if report.changed or not _search_index_built(session):
        rebuild_search_index(session)
    if report.changed:
        bump_data_version(session)
    return report


def _search_index_built(session: Session) -> bool:
    # Data loaded before the search index existed is indexed by the next load.
    return session.exec(select(SearchEntry.id).limit(1)).first() is not None


def load_seed(engine: Engine, seed_dir: Path) -> SeedReport:
    """Validate everything first, then write it all in one transaction or not at all."""
    seed = read_seed(seed_dir)
    with Session(engine) as session, session.begin():
        return write_seed(session, seed)


def index_records_written_before_search(engine: Engine) -> bool:
    """A database upgraded from before the search index existed holds records the index does
    not: index them once. True if it did."""
    with Session(engine) as session, session.begin():
        if _search_index_built(session):
            return False
        rebuild_search_index(session)
        return True


def database_is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(Source.id).limit(1)).first() is None
