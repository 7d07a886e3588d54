"""Bringing in a new source: a folder in the seed's format (sources.yaml, facts.yaml and the
text) written through the write API's own functions, in one transaction, under a named
editor. Every record lands in the history and the change feed like an edit; importing the
same folder again changes nothing. Unlike the seed, an import never retracts what it does not
mention: each source adds to what is known.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from app.db.tables import RECORD_CURRENT, Actor, Mission
from app.domain.errors import Conflict, DomainError
from app.domain.spec import ActorIn, CitationIn, FactIn, MissionIn, SourceUpload
from app.writes.entities import (
    ACTORS,
    MISSIONS,
    EntityType,
    correct_entity,
    create_entity,
    current_spec,
    latest_entity_version,
)
from app.writes.facts import correct_fact, create_fact, latest_version
from app.writes.seed_files import KnownRecords, Seed, SeedError, read_seed
from app.writes.sources import create_source, prepare_text
from app.writes.transaction import write_transaction

IMPORT_ORIGIN = "import"


@dataclass
class ImportReport:
    """What an import did, by record type: created, corrected, unchanged."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, record: str, what: str) -> None:
        self.counts.setdefault(record, {}).setdefault(what, 0)
        self.counts[record][what] += 1

    @property
    def changed(self) -> bool:
        return any(what != "unchanged" for counts in self.counts.values() for what in counts)

    def __str__(self) -> str:
        return "; ".join(
            f"{record}: " + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            for record, counts in sorted(self.counts.items())
        )


def known_records(session: Session) -> KnownRecords:
    """The missions and actors a folder may name without defining them."""
    return KnownRecords(
        missions=set(session.exec(select(Mission.slug)).all()),
        actors=set(session.exec(select(Actor.slug)).all()),
    )


def check_import(engine: Engine, folder: Path) -> Seed:
    """Validate a folder against the database without writing: SeedError says what is wrong.
    A database not made yet holds no records to refer to."""
    if not inspect(engine).has_table("mission"):
        return read_seed(folder, KnownRecords())
    with Session(engine) as session:
        return read_seed(folder, known_records(session))


def import_folder(engine: Engine, folder: Path, *, editor: str) -> ImportReport:
    """Write a folder's source, missions, actors and facts in one transaction, or nothing:
    any record the write API would refuse refuses the whole import (SeedError)."""
    reason = f"Imported from {folder.name}"
    report = ImportReport()
    with Session(engine) as session:
        seed = read_seed(folder, known_records(session))
        try:
            with write_transaction(session) as now:
                _write(session, seed, report, reason=reason, at=now, editor=editor)
        except DomainError as error:
            raise SeedError([f"{folder.name}: {error.detail}"]) from None
    return report


def _write(
    session: Session, seed: Seed, report: ImportReport, *, reason: str, at: datetime, editor: str
) -> None:
    """Every record in the transaction's one instant, `at`."""
    for loaded in seed.sources.values():
        fields = loaded.spec.model_dump(exclude={"file"})
        upload = SourceUpload.model_validate({**fields, "text": loaded.text})
        _, created = create_source(
            session,
            upload,
            prepare_text(upload),
            at=at,
            by=editor,
            origin=IMPORT_ORIGIN,
            reason=reason,
        )
        report.count("source", "created" if created else "unchanged")
    session.flush()
    default = seed.facts_file.source
    entities: list[tuple[EntityType, MissionIn | ActorIn]] = [
        *((MISSIONS, _sourced(m, default)) for m in seed.missions_in_dependency_order()),
        *((ACTORS, _sourced(a, default)) for a in seed.facts_file.actors),
    ]
    for kind, spec in entities:
        if session.get(kind.model, spec.slug) is None:
            create_entity(
                session, kind, spec, at=at, by=editor, origin=IMPORT_ORIGIN, reason=reason
            )
            report.count(kind.name, "created")
        else:
            before = latest_entity_version(session, kind, spec.slug)
            version = correct_entity(
                session,
                kind,
                spec.slug,
                _with_stored_citations(session, kind, spec),
                reason=reason,
                if_match=None,
                at=at,
                by=editor,
                origin=IMPORT_ORIGIN,
            )
            report.count(kind.name, "unchanged" if version is before else "corrected")
        session.flush()
    # Stated facts first: a derived one is computed from its inputs as stored.
    ordered = sorted(seed.facts, key=lambda f: f.spec.derived is not None)
    for resolved in ordered:
        fact = _sourced(resolved.spec, default)
        _write_fact(session, fact, report, reason=reason, at=at, editor=editor)


C = TypeVar("C", MissionIn, ActorIn, FactIn)


def _sourced(spec: C, default: str) -> C:
    """The record with every quote's source named: a folder's quotes are of its own source
    unless they say otherwise; the write API asks each to name it."""
    cites = [c if c.source else c.model_copy(update={"source": default}) for c in spec.cite]
    return spec.model_copy(update={"cite": cites})


def _with_stored_citations(
    session: Session, kind: EntityType, spec: MissionIn | ActorIn
) -> MissionIn | ActorIn:
    """The record as the folder states it, citing what it cited before as well as the
    folder's own quotes: a new source adds to what is known of a mission, never removes it."""
    stored = [CitationIn.model_validate(c) for c in current_spec(session, kind, spec.slug)["cite"]]
    seen = {(c.source, c.quote, c.occurrence) for c in stored}
    added = [c for c in spec.cite if (c.source, c.quote, c.occurrence) not in seen]
    return spec.model_copy(update={"cite": [*stored, *added]})


def _write_fact(
    session: Session, spec: FactIn, report: ImportReport, *, reason: str, at: datetime, editor: str
) -> None:
    stored = latest_version(session, spec.id)
    if stored is None:
        create_fact(session, spec, at=at, by=editor, origin=IMPORT_ORIGIN, reason=reason)
        report.count("fact", "created")
        return
    if stored.record_status != RECORD_CURRENT:
        raise Conflict(f"The fact {spec.id!r} is retracted; give the new statement a new id.")
    row = correct_fact(
        session,
        spec.id,
        spec,
        reason=reason,
        if_match=None,
        at=at,
        by=editor,
        origin=IMPORT_ORIGIN,
    )
    report.count("fact", "unchanged" if row is stored else "corrected")
