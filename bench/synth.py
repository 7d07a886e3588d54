"""Synthetic data at scale, for measuring how reads behave as the data grows.

Fills a separate, empty database with made-up missions, countries, sources (full texts whose
sentences are the quotes, spans exact), key figures and displacement events. Nothing here is
true, and everything says so: ids and titles start with `synthetic-`/"Synthetic", facts have
origin and author "synthetic". It refuses a database that holds anything already, so it can
never be mixed into the curated seed.

Rows go in with executemany in large batches, one transaction, ids assigned here.
"""

import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import pycountry
from sqlalchemy import Connection, Engine, Table, func, select, text, update

from app.db.tables import (
    RECORD_CURRENT,
    Citation,
    Country,
    DataState,
    EntityVersion,
    Fact,
    FactCitation,
    Mission,
    MissionCitation,
    SearchEntry,
    Source,
    utcnow,
)
from app.domain.dates import interval
from app.domain.quotes import quote_context
from app.domain.search_text import WORD, index_words
from app.queries.search import ENTRY_FACT, ENTRY_SOURCE, fact_search_text

SYNTHETIC = "synthetic"
PREFIX = "synthetic-"
EVENTS_PER_SOURCE = 500
BATCH = 20_000
PUBLISHER = "Synthetic data generator (not a real source)"
PLACES = (
    "the capital",
    "the northern district",
    "the river valley",
    "the port area",
    "the eastern hills",
    "the border crossing",
    "the market quarter",
    "the airport road",
    "the coastal villages",
    "the central plateau",
)
CAUSES = ("armed attacks", "flooding", "evictions", "clashes between groups", "a storm")
QUALIFIERS = {
    "exact": "{n}",
    "approximate": "about {n}",
    "estimate": "an estimated {n}",
    "at_least": "over {n}",
    "at_most": "up to {n}",
}
MISSION_KINDS = ("multinational_security_support", "peacekeeping", "political", "observer")
STATUSES = ("active", "proposed", "past")
FIRST_DAY = date(2015, 1, 1)
DAYS = 11 * 365


def _words(text: str) -> str:
    """index_words, quicker on plain ASCII (most of this text), where folding is lowercasing."""
    return " ".join(WORD.findall(text.lower())) if text.isascii() else index_words(text)


class SynthError(RuntimeError):
    """The target database is not fit for synthetic data (it holds data already)."""


@dataclass
class SynthReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{n} {table}" for table, n in self.counts.items())


@dataclass
class _Sentence:
    """A sentence placed in a source text, with its span."""

    source_id: str
    start: int
    end: int
    quote: str


class _SourceWriter:
    """Builds one source text sentence by sentence, so each quote's span is known exactly."""

    def __init__(self, source_id: str, title: str, published: date) -> None:
        self.id, self.title, self.published = source_id, title, published
        self.parts: list[str] = [f"{title}.\n\nThis document is synthetic test data.\n\n"]
        self.length = len(self.parts[0])

    def add(self, sentence: str) -> _Sentence:
        placed = _Sentence(self.id, self.length, self.length + len(sentence), sentence)
        self.parts.append(sentence + " ")
        self.length += len(sentence) + 1
        return placed

    def row(self, recorded: Any) -> dict[str, Any]:
        body = "".join(self.parts)
        return {
            "id": self.id,
            "url": f"https://synthetic.invalid/{self.id}",
            "publisher": PUBLISHER,
            "title": self.title,
            "title_derived": False,
            "title_derivation": None,
            "language": "en",
            "published_value": self.published.isoformat(),
            "published_precision": "day",
            "published_qualifier": "exact",
            "published_as_stated": None,
            "published_resolution": None,
            "sha256": hashlib.sha256(body.encode()).hexdigest(),
            "text": body,
            "notes": "Synthetic: generated for benchmarks, not a real document.",
            "recorded_at": recorded,
        }


class _Writer:
    """Rows gathered per table and written in batches, in dependency order."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.next_citation = 1
        self.next_fact = 1
        self.next_entry = 1

    def insert(self, table: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Straight to the driver's executemany: no per-row work but turning dicts to tuples.
        Timestamps come already in the form the backend stores (see `_timestamp`)."""
        target: Table = table.__table__
        if not rows:
            return
        names = list(rows[0])
        mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
        statement = (
            f"INSERT INTO {target.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(mark for _ in names)})"
        )
        values = itemgetter(*names)
        for start in range(0, len(rows), BATCH):
            batch = [values(row) for row in rows[start : start + BATCH]]
            self.connection.exec_driver_sql(statement, batch)
        self.counts[target.name] = self.counts.get(target.name, 0) + len(rows)

    def citations(
        self, sentences: Sequence[_Sentence], sources: Sequence[dict[str, Any]]
    ) -> list[int]:
        """The sentences' citations, each with its context in its source (among `sources`)."""
        ids = list(range(self.next_citation, self.next_citation + len(sentences)))
        self.next_citation += len(sentences)
        texts = {source["id"]: source["text"] for source in sources}
        rows = []
        for i, s in zip(ids, sentences, strict=True):
            prefix, suffix = quote_context(texts[s.source_id], s.start, s.end)
            rows.append(
                {
                    "id": i,
                    "source_id": s.source_id,
                    "char_start": s.start,
                    "char_end": s.end,
                    "quote": s.quote,
                    "prefix": prefix,
                    "suffix": suffix,
                }
            )
        self.insert(Citation, rows)
        return ids


def _empty(connection: Connection) -> bool:
    for table in (Source, Mission, Fact):
        if connection.execute(select(func.count()).select_from(table)).scalar_one():
            return False
    return True


def _countries(rng: random.Random, how_many: int) -> list[Country]:
    every = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    chosen = rng.sample(every, min(how_many, len(every)))
    return [
        Country(
            iso3=c.alpha_3,
            iso2=c.alpha_2,
            name=c.name,
            official_name=getattr(c, "official_name", None),
        )
        for c in chosen
    ]


def _fact(fact_id: str, kind: str, recorded: Any, **values: Any) -> dict[str, Any]:
    table: Table = Fact.__table__  # type: ignore[attr-defined]
    row: dict[str, Any] = {column.name: None for column in table.columns}
    del row["row_id"]
    row.update(
        fact_id=fact_id,
        version=1,
        record_status=RECORD_CURRENT,
        recorded_at=recorded,
        recorded_by=SYNTHETIC,
        origin=SYNTHETIC,
        change_reason="Synthetic data for benchmarks.",
        kind=kind,
        derived=False,
        rank="normal",
    )
    row.update(values)
    return row


def _number(rng: random.Random, qualifier: str) -> tuple[int, str]:
    value = rng.choice((rng.randint(10, 999), rng.randint(1, 99) * 100, rng.randint(1, 60) * 1000))
    return value, QUALIFIERS[qualifier].format(n=f"{value:,}")


def _first_versions(
    missions: list[dict[str, Any]], links: list[dict[str, Any]], recorded: Any
) -> list[dict[str, Any]]:
    """Version 1 of each mission, as the write path records one: its columns and citations."""
    cited: dict[str, list[int]] = {}
    for link in sorted(links, key=lambda row: row["position"]):
        cited.setdefault(link["mission_slug"], []).append(link["citation_id"])
    return [
        {
            "entity_type": "mission",
            "entity_id": row["slug"],
            "version": 1,
            "recorded_at": recorded,
            "superseded_at": None,
            "recorded_by": SYNTHETIC,
            "change_reason": "Synthetic data set",
            "origin": SYNTHETIC,
            "content": json.dumps(
                {
                    **{k: v for k, v in row.items() if k != "recorded_at"},
                    "citation_ids": cited.get(row["slug"], []),
                }
            ),
        }
        for row in missions
    ]


def _mission_rows(
    rng: random.Random, missions: int, countries: list[Country], writer: _Writer, recorded: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Missions with their report sources, citations and key-figure facts."""
    mission_rows, source_rows, facts = [], [], []
    sentences: list[_Sentence] = []
    cited: list[tuple[str, int]] = []  # (mission slug or fact id, sentence index)
    for n in range(1, missions + 1):
        slug = f"{PREFIX}mission-{n:04d}"
        host = countries[n % len(countries)]
        acronym = f"SM{n}"
        report = _SourceWriter(
            f"{PREFIX}report-{n:04d}",
            f"Synthetic report on synthetic mission {n}",
            FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        )
        intro = report.add(
            f"The Synthetic Mission {n} ({acronym}) operates in {host.name} "
            f"as a {MISSION_KINDS[n % len(MISSION_KINDS)].replace('_', ' ')} mission."
        )
        sentences.append(intro)
        cited.append((f"mission:{slug}", len(sentences) - 1))
        mission_rows.append(
            {
                "slug": slug,
                "name": f"Synthetic Mission {n}",
                "name_unknown_reason": None,
                "acronym": acronym,
                "label": f"Synthetic mission {n} ({acronym})",
                "kind": MISSION_KINDS[n % len(MISSION_KINDS)],
                "status": STATUSES[n % len(STATUSES)],
                "description": f"Synthetic: a made-up mission in {host.name}, for benchmarks.",
                "host_country_iso3": host.iso3,
                "supports_mission_slug": None,
                "recorded_at": recorded,
            }
        )
        planned = rng.randint(5, 40) * 100
        deployed = rng.randint(1, planned // 100) * 100
        received = rng.randint(10, 900)
        figures = [
            ("personnel.planned", planned, "people", f"{planned:,} personnel are planned"),
            ("personnel.deployed", deployed, "people", f"{deployed:,} personnel are deployed"),
            (
                "funding.received",
                received * 1e6,
                "USD",
                f"the fund received USD {received} million",
            ),
        ]
        for kind, value, unit, words in figures:
            fact_id = f"{PREFIX}{slug.removeprefix(PREFIX)}-{kind.replace('.', '-')}"
            sentences.append(report.add(f"According to this report, {words} for {acronym}."))
            cited.append((fact_id, len(sentences) - 1))
            facts.append(
                _fact(
                    fact_id,
                    kind,
                    recorded,
                    mission_slug=slug,
                    country_iso3=host.iso3,
                    summary=f"Synthetic: {words} for {acronym}.",
                    value=float(value),
                    unit=unit,
                    qualifier="exact",
                    lower_bound=float(value),
                    upper_bound=float(value),
                    quantity_as_stated=words,
                )
            )
        for donor in rng.sample(countries, 3):
            fact_id = f"{PREFIX}{slug.removeprefix(PREFIX)}-donor-{donor.iso3.lower()}"
            sentences.append(report.add(f"{donor.name} gave to the {acronym} fund."))
            cited.append((fact_id, len(sentences) - 1))
            facts.append(
                _fact(
                    fact_id,
                    "funding.donor",
                    recorded,
                    mission_slug=slug,
                    country_iso3=donor.iso3,
                    summary=f"Synthetic: {donor.name} gave to the {acronym} fund.",
                    role="donor",
                )
            )
        source_rows.append(report.row(recorded))
    writer.insert(Source, source_rows)
    ids = writer.citations(sentences, source_rows)
    mission_links = [
        {"mission_slug": key.removeprefix("mission:"), "citation_id": ids[i], "position": 0}
        for key, i in cited
        if key.startswith("mission:")
    ]
    fact_links = {key: ids[i] for key, i in cited if not key.startswith("mission:")}
    quotes = {key: sentences[i].quote for key, i in cited}
    for row in facts:
        row["_citation"] = fact_links[row["fact_id"]]
        row["_quote"] = quotes[row["fact_id"]]
    return mission_rows, mission_links, facts


def _events(
    rng: random.Random,
    events: int,
    missions: list[dict[str, Any]],
    names: dict[str, str],
    recorded: Any,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[_Sentence]]]:
    """Displacement events in bulletins of EVENTS_PER_SOURCE: (source row, facts, quotes)."""
    number = 0
    bulletin = 0
    while number < events:
        bulletin += 1
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        source = _SourceWriter(
            f"{PREFIX}bulletin-{bulletin:05d}",
            f"Synthetic displacement bulletin {bulletin}",
            published,
        )
        facts, sentences = [], []
        for _ in range(min(EVENTS_PER_SOURCE, events - number)):
            number += 1
            mission = missions[rng.randrange(len(missions))]
            country = mission["host_country_iso3"]
            qualifier = rng.choice(tuple(QUALIFIERS))
            value, stated = _number(rng, qualifier)
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            place, cause = rng.choice(PLACES), rng.choice(CAUSES)
            sentence = (
                f"On {day.isoformat()}, {stated} people fled {place} of {names[country]} "
                f"after {cause} (event {number})."
            )
            sentences.append(source.add(sentence))
            low = float(value) if qualifier != "at_most" else None
            high = float(value) if qualifier not in ("at_least",) else None
            # An exact day is the interval of that one day (app.domain.dates).
            earliest, latest = interval(day.isoformat(), "exact")
            facts.append(
                _fact(
                    f"{PREFIX}event-{number:07d}",
                    "displacement",
                    recorded,
                    mission_slug=mission["slug"],
                    country_iso3=country,
                    summary=f"Synthetic: {stated} people displaced from {place} ({cause}).",
                    place=place,
                    cause=cause,
                    attributed_to="a synthetic monitor",
                    value=float(value),
                    unit="people",
                    qualifier=qualifier,
                    lower_bound=low,
                    upper_bound=high,
                    quantity_as_stated=f"{stated} people",
                    date_value=day.isoformat(),
                    date_precision="day",
                    date_qualifier="exact",
                    date_as_stated=day.isoformat(),
                    date_earliest=earliest,
                    date_latest=latest,
                    _quote=sentence,
                )
            )
        yield source.row(recorded), facts, sentences


def _write_facts(
    writer: _Writer,
    facts: list[dict[str, Any]],
    citation_ids: list[int],
    names: dict[str, str],
) -> None:
    """Facts with their citation links and search entries."""
    links, entries = [], []
    quotes: list[str] = []
    for row, citation_id in zip(facts, citation_ids, strict=True):
        row.pop("_citation", None)
        quotes.append(row.pop("_quote"))
        row["row_id"] = writer.next_fact
        writer.next_fact += 1
        links.append({"fact_row_id": row["row_id"], "citation_id": citation_id, "position": 0})
    writer.insert(Fact, facts)
    writer.insert(FactCitation, links)
    for row, quote in zip(facts, quotes, strict=True):
        about = [names[key] for key in (row["mission_slug"], row["country_iso3"]) if key in names]
        words = _words(fact_search_text(SimpleNamespace(**row), [quote], about))  # type: ignore[arg-type]
        entries.append(
            {
                "id": writer.next_entry,
                "entry_type": ENTRY_FACT,
                "entry_id": str(row["row_id"]),  # one entry per fact version
                "tokens": words,
            }
        )
        writer.next_entry += 1
    writer.insert(SearchEntry, entries)


def _source_entries(writer: _Writer, sources: list[dict[str, Any]]) -> None:
    entries = []
    for source in sources:
        entries.append(
            {
                "id": writer.next_entry,
                "entry_type": ENTRY_SOURCE,
                "entry_id": source["id"],
                "tokens": _words(source["text"]),
            }
        )
        writer.next_entry += 1
    writer.insert(SearchEntry, entries)


def _move_sequences(connection: Connection) -> None:
    """Ids were given here; PostgreSQL's sequences must continue after them."""
    if connection.dialect.name != "postgresql":
        return
    for table, column in (("citation", "id"), ("fact", "row_id"), ("search_entry", "id")):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
            )
        )


def _timestamp(connection: Connection) -> Any:
    """Now, as the driver takes it: SQLite keeps UTC as naive text (as SQLAlchemy writes it)."""
    now = utcnow()
    if connection.dialect.name == "sqlite":
        return now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return now


def _bulk_mode(connection: Connection) -> None:
    """SQLite: a large page cache for the load, and the full-text index filled once at the end
    instead of by its per-row trigger (the trigger is put back in the same transaction)."""
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS search_fts_ai")


def _end_bulk_mode(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    # The same trigger migration 0002 creates.
    connection.exec_driver_sql(
        "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_entry BEGIN "
        "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
    )


def generate(engine: Engine, *, missions: int, events: int, seed: int = 0) -> SynthReport:
    """Write the synthetic data set into an empty, migrated database, in one transaction."""
    if missions < 1 or events < 0:
        raise SynthError("at least one mission, and no negative number of events")
    rng = random.Random(seed)
    with engine.begin() as connection:
        recorded = _timestamp(connection)
        if not _empty(connection):
            raise SynthError(
                "the database holds data already; synthetic data goes only into an empty one"
            )
        writer = _Writer(connection)
        _bulk_mode(connection)
        countries = _countries(rng, 40)
        writer.insert(Country, [c.model_dump() for c in countries])
        names = {c.iso3: c.name for c in countries}
        mission_rows, mission_links, facts = _mission_rows(
            rng, missions, countries, writer, recorded
        )
        writer.insert(Mission, mission_rows)
        writer.insert(MissionCitation, mission_links)
        writer.insert(EntityVersion, _first_versions(mission_rows, mission_links, recorded))
        names.update({m["slug"]: m["label"] for m in mission_rows})
        _write_facts(writer, facts, [f["_citation"] for f in facts], names)
        reports = connection.execute(text("SELECT id, text FROM source")).mappings().all()
        _source_entries(writer, [dict(r) for r in reports])
        pending_sources: list[dict[str, Any]] = []
        pending_facts: list[dict[str, Any]] = []
        pending_sentences: list[_Sentence] = []
        for source, event_facts, sentences in _events(rng, events, mission_rows, names, recorded):
            pending_sources.append(source)
            pending_facts += event_facts
            pending_sentences += sentences
            if len(pending_facts) >= BATCH * 5:
                _flush_events(writer, pending_sources, pending_facts, pending_sentences, names)
                pending_sources, pending_facts, pending_sentences = [], [], []
        _flush_events(writer, pending_sources, pending_facts, pending_sentences, names)
        _end_bulk_mode(connection)
        _move_sequences(connection)
        connection.execute(
            update(DataState)
            .where(DataState.id == 1)  # type: ignore[arg-type]
            .values(version=DataState.version + 1, changed_at=utcnow())
        )
    return SynthReport(writer.counts)


def _flush_events(
    writer: _Writer,
    sources: list[dict[str, Any]],
    facts: list[dict[str, Any]],
    sentences: list[_Sentence],
    names: dict[str, str],
) -> None:
    if not facts:
        return
    writer.insert(Source, sources)
    citation_ids = writer.citations(sentences, sources)
    _write_facts(writer, facts, citation_ids, names)
    _source_entries(writer, sources)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.synth --database-url URL [--missions N] [--events N] [--seed N]`."""
    import argparse
    import sys
    import time

    from app.db.engine import make_engine
    from app.db.migrate import upgrade
    from app.settings import Settings

    parser = argparse.ArgumentParser(
        prog="python -m bench.synth",
        description="Migrate the given database and fill it with made-up missions, sources "
        "and displacement events, all marked synthetic, for benchmarks. Refuses a database "
        "holding any data.",
    )
    parser.add_argument(
        "--database-url", required=True, help="SQLAlchemy URL of the (empty) target database"
    )
    parser.add_argument("--missions", type=int, default=200, help="missions (default 200)")
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="displacement events (default 1000000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    # Never the configured database by default: synthetic data goes where it is sent.
    url = Settings(database_url=args.database_url).database_url
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    try:
        report = generate(engine, missions=args.missions, events=args.events, seed=args.seed)
    except SynthError as exc:
        print(f"synthetic data refused: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"synthetic data written in {time.perf_counter() - started:.1f} s: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
