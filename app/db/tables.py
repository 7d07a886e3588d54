"""Table models: every table the database holds, in one place.

Facts follow the shape of a Wikidata statement: a subject (mission, country and/or actor), a
kind (the property), a typed value (quantity, date, text) with its qualifiers, and references
(citations into a stored source). Fact rows are append-only versions: a correction adds a row
with the next `version` and marks the previous one superseded, so nothing is overwritten.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints, so migrations can address them on every backend (SQLite included).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RECORD_CURRENT = "current"
RECORD_SUPERSEDED = "superseded"
RECORD_RETRACTED = "retracted"
# Wikidata's statement ranks: when sources disagree, `preferred` says which value to show.
RANKS = ("preferred", "normal", "deprecated")
# Facts that say something about their list's completeness (few: most are in no such list).
LISTED_SQL = "list_complete IS NOT NULL OR list_note IS NOT NULL"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _timestamp(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), **kwargs))


class Country(SQLModel, table=True):
    """Reference data: ISO 3166-1 codes and English names, filled from pycountry."""

    iso3: str = Field(primary_key=True, max_length=3)
    iso2: str = Field(max_length=2)
    name: str
    official_name: str | None = None


class Source(SQLModel, table=True):
    """A source document, stored with its full text so every citation can be checked."""

    id: str = Field(primary_key=True, max_length=100)
    url: str
    publisher: str
    title: str | None = None
    title_derived: bool = False
    title_derivation: str | None = None
    language: str = Field(max_length=12)
    published_value: str | None = Field(default=None, max_length=10)
    published_precision: str | None = Field(default=None, max_length=8)
    published_qualifier: str | None = Field(default=None, max_length=16)
    published_as_stated: str | None = None
    published_resolution: str | None = Field(default=None, sa_type=Text)
    published_resolved_from: str | None = Field(default=None, sa_type=Text)
    sha256: str = Field(max_length=64, unique=True)
    text: str = Field(sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)
    not_citable: list[str] | None = Field(
        default=None,
        sa_column=Column(JSON),
        description="Page furniture in the text that no citation may touch.",
    )
    recorded_at: datetime = _timestamp(nullable=False)
    recorded_by: str = Field(default="seed", max_length=100)
    origin: str = Field(default="seed", max_length=20)


class Citation(SQLModel, table=True):
    """A verbatim span of a source: source.text[char_start:char_end] == quote, always, and
    its context there: app.domain.quotes.quote_context of the span, kept with it because a
    source's text never changes and reading the context out of it means reading it whole."""

    __table_args__ = (
        UniqueConstraint("source_id", "char_start", "char_end"),
        CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", index=True, max_length=100)
    char_start: int
    char_end: int
    quote: str = Field(sa_type=Text)
    prefix: str = Field(sa_type=Text)
    suffix: str = Field(sa_type=Text)
    recorded_at: datetime = _timestamp(nullable=False)


class Mission(SQLModel, table=True):
    """A mission or body deployed (or proposed, or past) in a host country."""

    slug: str = Field(primary_key=True, max_length=100)
    name: str | None = None
    name_unknown_reason: str | None = None
    acronym: str | None = Field(default=None, max_length=20)
    label: str
    kind: str = Field(max_length=40)
    status: str = Field(max_length=20)
    description: str = Field(sa_type=Text)
    host_country_iso3: str | None = Field(default=None, foreign_key="country.iso3", max_length=3)
    supports_mission_slug: str | None = Field(
        default=None, foreign_key="mission.slug", max_length=100
    )
    recorded_at: datetime = _timestamp(nullable=False)


class Actor(SQLModel, table=True):
    """A person, body or group the sources name (the Secretary-General, the Council, gangs...)."""

    slug: str = Field(primary_key=True, max_length=100)
    name: str
    kind: str = Field(max_length=20)
    title: str | None = None
    country_iso3: str | None = Field(default=None, foreign_key="country.iso3", max_length=3)
    recorded_at: datetime = _timestamp(nullable=False)


class MissionCitation(SQLModel, table=True):
    __tablename__ = "mission_citation"

    mission_slug: str = Field(foreign_key="mission.slug", primary_key=True, max_length=100)
    citation_id: int = Field(foreign_key="citation.id", primary_key=True)
    position: int = 0


class ActorCitation(SQLModel, table=True):
    __tablename__ = "actor_citation"

    actor_slug: str = Field(foreign_key="actor.slug", primary_key=True, max_length=100)
    citation_id: int = Field(foreign_key="citation.id", primary_key=True)
    position: int = 0


class Fact(SQLModel, table=True):
    """One version of one atomic statement. `fact_id` is stable across versions."""

    __table_args__ = (
        UniqueConstraint("fact_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "record_status IN ('current', 'superseded', 'retracted')", name="record_status"
        ),
        # At most one current version of a fact, whatever writes it.
        Index(
            "uq_fact_current_fact_id",
            "fact_id",
            unique=True,
            sqlite_where=sql_text("record_status = 'current'"),
            postgresql_where=sql_text("record_status = 'current'"),
        ),
        Index("ix_fact_kind_record_status", "kind", "record_status"),
        # Lists read in their sort order straight from an index, so a page deep into a large
        # list costs what the first page costs: by kind (the default), by id, by date.
        Index("ix_fact_record_status_kind_fact_id", "record_status", "kind", "fact_id"),
        Index(
            "ix_fact_record_status_kind_date_value_fact_id",
            "record_status",
            "kind",
            "date_value",
            "fact_id",
        ),
        Index(
            "ix_fact_listed",
            "kind",
            "record_status",
            sqlite_where=sql_text(LISTED_SQL),
            postgresql_where=sql_text(LISTED_SQL),
        ),
    )

    row_id: int | None = Field(default=None, primary_key=True)
    fact_id: str = Field(max_length=120, index=True)
    version: int = 1
    record_status: str = Field(default=RECORD_CURRENT, max_length=12)
    recorded_at: datetime = _timestamp(nullable=False)
    superseded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    recorded_by: str = Field(default="seed", max_length=100)
    change_reason: str | None = None
    origin: str = Field(default="seed", max_length=20)

    kind: str = Field(max_length=60)
    mission_slug: str | None = Field(
        default=None, foreign_key="mission.slug", index=True, max_length=100
    )
    country_iso3: str | None = Field(
        default=None, foreign_key="country.iso3", index=True, max_length=3
    )
    actor_slug: str | None = Field(default=None, foreign_key="actor.slug", max_length=100)

    summary: str = Field(sa_type=Text)
    role: str | None = Field(default=None, max_length=40)
    stance: str | None = Field(default=None, max_length=40)
    tense: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=40)
    topic: str | None = None
    place: str | None = None
    cause: str | None = None
    attributed_to: str | None = None
    list_complete: bool | None = None
    list_note: str | None = None
    # The authorizing instrument as the source names it ("Resolution 2699 (2023)"): the facts
    # of one mandate period name the same one.
    instrument: str | None = Field(default=None, max_length=200)
    related_mission_slug: str | None = Field(
        default=None, foreign_key="mission.slug", max_length=100
    )

    value: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    qualifier: str | None = Field(default=None, max_length=20)
    lower_bound: float | None = None
    upper_bound: float | None = None
    quantity_as_stated: str | None = None
    value_unknown_reason: str | None = None

    date_value: str | None = Field(default=None, max_length=10)
    date_precision: str | None = Field(default=None, max_length=8)
    date_qualifier: str | None = Field(default=None, max_length=16)
    date_as_stated: str | None = None
    date_resolution: str | None = Field(default=None, sa_type=Text)
    date_resolved_from: str | None = Field(default=None, sa_type=Text)
    # The interval of days the date may be (app.domain.dates), for date filters.
    date_earliest: str | None = Field(default=None, max_length=10)
    date_latest: str | None = Field(default=None, max_length=10)

    derived: bool = False
    formula: str | None = None
    derived_from: list[str] | None = Field(default=None, sa_column=Column(JSON))
    rank: str = Field(default="normal", max_length=12)


class FactCitation(SQLModel, table=True):
    __tablename__ = "fact_citation"

    fact_row_id: int = Field(foreign_key="fact.row_id", primary_key=True)
    citation_id: int = Field(foreign_key="citation.id", primary_key=True, index=True)
    position: int = 0


class DataState(SQLModel, table=True):
    """One row: a counter every committed change of the data bumps. Validators (ETags) are
    made from it and the response cache follows it (with what each version touched, in
    data_version_scope), so answers change when their data does and tags survive restarts."""

    __tablename__ = "data_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = _timestamp(nullable=False)


class VersionScope(SQLModel, table=True):
    """What a data version changed, for the response cache: one row per scope a write
    touched (app.domain.read_scopes), `*` for a write that may have changed anything. A
    version without rows is read as `*`; rows of long past versions are dropped."""

    __tablename__ = "data_version_scope"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(index=True)
    scope: str = Field(max_length=300)


class WriteAllowance(SQLModel, table=True):
    """The write rate limits' buckets, shared by every process serving the database: one row
    per limited key (`address:<ip>` or `token:<id>`), its tokens left and when it was last
    counted (seconds since the epoch: wall-clock time, which every process shares)."""

    __tablename__ = "write_allowance"

    key: str = Field(primary_key=True, max_length=200)
    tokens: float
    updated: float = Field(index=True)


class ApiToken(SQLModel, table=True):
    """A credential for the write API. The secret itself is never stored, only its SHA-256:
    a leaked database does not leak working tokens."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope"),)

    id: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=100, unique=True)
    scope: str = Field(max_length=10)
    secret_sha256: str = Field(max_length=64)
    created_at: datetime = _timestamp(nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Change(SQLModel, table=True):
    """The change log behind /changes: one row per created, corrected or retracted record,
    written in the same transaction as the change itself."""

    __table_args__ = (
        CheckConstraint("action IN ('created', 'corrected', 'retracted')", name="action"),
        CheckConstraint(
            "record_type IN ('fact', 'source', 'mission', 'actor')", name="record_type"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = _timestamp(nullable=False, index=True)
    recorded_by: str = Field(max_length=100)
    action: str = Field(max_length=12)
    record_type: str = Field(max_length=10)
    record_id: str = Field(max_length=120)
    version: int | None = None
    reason: str | None = None


ENTITY_TYPES = ("mission", "actor")


class EntityVersion(SQLModel, table=True):
    """Every version of a mission or an actor, as facts keep theirs: the `mission` and `actor`
    tables hold the current one (what facts refer to), and this one what each was at every
    moment, so history and `as_of` reads cover them too. `content` is the record's fields
    and its citations' ids, as the version stated them."""

    __tablename__ = "entity_version"
    __table_args__ = (
        UniqueConstraint("entity_type", "entity_id", "version"),
        CheckConstraint("entity_type IN ('mission', 'actor')", name="entity_type"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=10)
    entity_id: str = Field(max_length=100, index=True)
    version: int
    recorded_at: datetime = _timestamp(nullable=False)
    superseded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    recorded_by: str = Field(max_length=100)
    change_reason: str | None = None
    origin: str = Field(max_length=20)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


SEARCH_FTS_TABLE = "search_fts"  # SQLite's FTS5 index over search_entry (built by migrations)
SEARCH_TSV_INDEX = "ix_search_entry_tokens_tsv"  # PostgreSQL's GIN index over the same


class SearchEntry(SQLModel, table=True):
    """What full-text search looks in: one row per fact version (`entry_id` is the version's
    row id, so a search can be asked of any moment) and per source text, its words
    folded (accents and case removed) so both backends match plain-typed queries alike."""

    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("entry_type", "entry_id"),
        CheckConstraint("entry_type IN ('fact', 'source')", name="entry_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_type: str = Field(max_length=10)
    entry_id: str = Field(max_length=120)
    tokens: str = Field(sa_type=Text)


LISTED = sql_text(f"({LISTED_SQL})")


def managed_outside_models(name: str | None) -> bool:
    """Schema objects the migrations build by hand, which the models cannot describe."""
    return name is not None and (name == SEARCH_TSV_INDEX or name.startswith(SEARCH_FTS_TABLE))
