"""The CSV columns of each list, with their HXL hashtags.

A fact's row holds every field its JSON holds: the subject's code and name, the quantity's and
the date's parts (the date's interval and where it was resolved from included), the derivation
and its inputs, and every citation: `quote` is the first, `quotes` all of them, one per line,
with `citation_spans` (source:start-end) line for line. The first quote's context (the Web
Annotation selector's prefix and suffix) has columns of its own; any other quote's context is
the source text around its span, and its text may hold line breaks, so it is not listed line
for line. Hashtags follow the HXL core schema
(#country, #org, #loc, #date, #affected, #value, #indicator, #meta...); a list of one sort of
figure names its value and date as its kinds declare (e.g. #affected+idps+num, #date+occurred).
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from app.api.formats import CsvColumn
from app.api.schemas import (
    ActorOut,
    CaveatOut,
    CitationOut,
    CountrySummary,
    DateOut,
    FactOut,
    MissionSummary,
    SourceSummary,
)
from app.domain.vocabulary import (
    DATE_REPORTED,
    FACT_KINDS,
    ActorKind,
    DatePrecision,
    DateQualifier,
    FactKind,
    MissionState,
    MissionStatus,
    Qualifier,
    Rank,
    RecordStatus,
    Stance,
    Tense,
)

DEFAULT_VALUE_TAG = "#indicator+value+num"
FactColumn = CsvColumn[FactOut]
T = TypeVar("T")


def _values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in vocabulary)


def _shared(kinds: Sequence[str] | None, tag: str, default: str) -> str:
    """The hashtag the list's kinds agree on (`value_tag` or `date_tag`), else the default."""
    declared: list[FactKind] = [FACT_KINDS[k] for k in kinds or () if k in FACT_KINDS]
    tags = {getattr(kind, tag) for kind in declared}
    return tags.pop() if len(tags) == 1 else default


def json_time(moment: datetime) -> str:
    """A time as the JSON writes it (`...Z` for UTC), so both read the same."""
    return moment.isoformat().replace("+00:00", "Z")


def _lines(values: Sequence[object]) -> str | None:
    return "\n".join(str(value) for value in values) if values else None


def citation_columns(cited: Callable[[T], Sequence[CitationOut]]) -> list[CsvColumn[T]]:
    """Every citation of a record: the first one's parts, then all quotes and spans, one per
    line and line for line."""

    def first(item: T) -> CitationOut | None:
        found = cited(item)
        return found[0] if found else None

    return [
        CsvColumn("citations", "#meta+citations+num", lambda i: len(cited(i)), type="integer"),
        CsvColumn("quote", "#meta+quote", lambda i: (c := first(i)) and c.quote),
        CsvColumn(
            "quote_start",
            "#meta+quote+start",
            lambda i: (c := first(i)) and c.start,
            type="integer",
        ),
        CsvColumn(
            "quote_end", "#meta+quote+end", lambda i: (c := first(i)) and c.end, type="integer"
        ),
        CsvColumn("quote_prefix", "#meta+quote+prefix", lambda i: (c := first(i)) and c.prefix),
        CsvColumn("quote_suffix", "#meta+quote+suffix", lambda i: (c := first(i)) and c.suffix),
        CsvColumn("source", "#meta+source", lambda i: (c := first(i)) and c.source_id),
        CsvColumn("source_url", "#meta+source+url", lambda i: (c := first(i)) and c.source_url),
        CsvColumn("quotes", "#meta+quote+all", lambda i: _lines([c.quote for c in cited(i)])),
        CsvColumn(
            "citation_spans",
            "#meta+quote+spans",
            lambda i: _lines([f"{c.source_id}:{c.start}-{c.end}" for c in cited(i)]),
        ),
    ]


def date_columns(name: str, tag: str, dated: Callable[[T], DateOut | None]) -> list[CsvColumn[T]]:
    """A date's parts: its value (under the list's hashtag), precision, qualifier, interval,
    the source's words, how it was resolved and from what."""

    def part(attribute: str) -> Callable[[T], object]:
        return lambda item: (d := dated(item)) and getattr(d, attribute)

    return [
        CsvColumn(name, tag, part("value")),
        CsvColumn(
            f"{name}_precision",
            "#meta+date+precision",
            part("precision"),
            enum=_values(DatePrecision),
        ),
        CsvColumn(
            f"{name}_qualifier",
            "#meta+date+qualifier",
            part("qualifier"),
            enum=_values(DateQualifier),
        ),
        CsvColumn(f"{name}_earliest", tag + "+start", part("earliest"), type="date"),
        CsvColumn(f"{name}_latest", tag + "+end", part("latest"), type="date"),
        CsvColumn(f"{name}_as_stated", "#meta+date+as_stated", part("as_stated")),
        CsvColumn(f"{name}_resolution", "#meta+date+resolution", part("resolution")),
        CsvColumn(f"{name}_resolved_from", "#meta+date+resolved_from", part("resolved_from")),
    ]


def caveat_codes(caveats: Sequence[CaveatOut]) -> str:
    return " ".join(c.code for c in caveats)


def fact_columns(*, kinds: Sequence[str] | None = None) -> list[FactColumn]:
    """The fact columns; the value and date hashtags come from the list's kinds."""
    value_tag = _shared(kinds, "value_tag", DEFAULT_VALUE_TAG)
    date_tag = _shared(kinds, "date_tag", DATE_REPORTED)
    q = lambda f: f.quantity  # noqa: E731
    return [
        FactColumn("id", "#meta+id", lambda f: f.id),
        FactColumn("version", "#meta+version", lambda f: f.version, type="integer"),
        FactColumn("kind", "#indicator+type", lambda f: f.kind, enum=tuple(FACT_KINDS)),
        FactColumn("kind_label", "#indicator+type+label", lambda f: f.kind_label),
        FactColumn("summary", "#description", lambda f: f.summary),
        FactColumn("mission", "#org+mission+code", lambda f: f.mission and f.mission.slug),
        FactColumn("mission_label", "#org+mission+name", lambda f: f.mission and f.mission.label),
        FactColumn("country_iso3", "#country+code", lambda f: f.country and f.country.iso3),
        FactColumn("country_name", "#country+name", lambda f: f.country and f.country.name),
        FactColumn("actor", "#org+actor+code", lambda f: f.actor and f.actor.slug),
        FactColumn("actor_name", "#org+actor+name", lambda f: f.actor and f.actor.name),
        FactColumn("role", "#meta+role", lambda f: f.role),
        FactColumn("stance", "#meta+stance", lambda f: f.stance, enum=_values(Stance)),
        FactColumn("tense", "#meta+tense", lambda f: f.tense, enum=_values(Tense)),
        FactColumn("status", "#status", lambda f: f.status),
        FactColumn("topic", "#meta+topic", lambda f: f.topic),
        FactColumn("place", "#loc+name", lambda f: f.place),
        FactColumn("cause", "#cause", lambda f: f.cause),
        FactColumn("attributed_to", "#meta+attribution", lambda f: f.attributed_to),
        FactColumn("instrument", "#meta+instrument", lambda f: f.instrument),
        FactColumn(
            "related_mission",
            "#org+mission+related+code",
            lambda f: f.related_mission and f.related_mission.slug,
        ),
        FactColumn("value", value_tag, lambda f: (x := q(f)) and x.value, type="number"),
        FactColumn("unit", "#indicator+unit", lambda f: (x := q(f)) and x.unit),
        FactColumn(
            "qualifier",
            "#meta+qualifier",
            lambda f: (x := q(f)) and x.qualifier,
            enum=_values(Qualifier),
        ),
        FactColumn(
            "lower_bound",
            "#indicator+value+min",
            lambda f: (x := q(f)) and x.lower_bound,
            type="number",
        ),
        FactColumn(
            "upper_bound",
            "#indicator+value+max",
            lambda f: (x := q(f)) and x.upper_bound,
            type="number",
        ),
        FactColumn("as_stated", "#meta+as_stated", lambda f: (x := q(f)) and x.as_stated),
        FactColumn(
            "value_unknown_reason",
            "#meta+unknown_reason",
            lambda f: (x := q(f)) and x.unknown_reason,
        ),
        *date_columns("date", date_tag, lambda f: f.date),
        FactColumn("derived", "#meta+derived", lambda f: f.derived, type="boolean"),
        FactColumn("formula", "#meta+formula", lambda f: f.derivation and f.derivation.formula),
        FactColumn(
            "derived_from",
            "#meta+derived_from",
            lambda f: f.derivation and " ".join(f.derivation.derived_from),
        ),
        FactColumn(
            "list_complete", "#meta+list_complete", lambda f: f.list_complete, type="boolean"
        ),
        FactColumn("list_note", "#meta+list_note", lambda f: f.list_note),
        FactColumn("caveats", "#meta+caveats", lambda f: caveat_codes(f.caveats)),
        FactColumn("rank", "#meta+rank", lambda f: f.rank, enum=_values(Rank)),
        FactColumn(
            "record_status", "#status+record", lambda f: f.record_status, enum=_values(RecordStatus)
        ),
        *citation_columns(lambda f: f.citations),
        FactColumn("match_snippet", "#meta+match", lambda f: f.match.snippet if f.match else None),
        FactColumn("recorded_at", "#date+recorded", lambda f: json_time(f.recorded_at)),
    ]


Mission = CsvColumn[MissionSummary]
MISSION_COLUMNS = [
    Mission("slug", "#org+mission+code", lambda m: m.slug),
    Mission("name", "#org+mission+name", lambda m: m.name),
    Mission("name_unknown_reason", "#meta+unknown_reason", lambda m: m.name_unknown_reason),
    Mission("acronym", "#org+mission+acronym", lambda m: m.acronym),
    Mission("label", "#org+mission+label", lambda m: m.label),
    Mission("kind", "#org+type", lambda m: m.kind),
    Mission("status", "#status", lambda m: m.status.value, enum=_values(MissionState)),
    Mission("status_as_of", "#date+status", lambda m: m.status.as_of.isoformat(), type="date"),
    Mission(
        "status_stated", "#status+stated", lambda m: m.status.stated, enum=_values(MissionStatus)
    ),
    Mission("status_rule", "#meta+status+rule", lambda m: m.status.rule),
    Mission("status_facts", "#meta+status+facts", lambda m: " ".join(m.status.fact_ids)),
    Mission("status_caveats", "#meta+status+caveats", lambda m: caveat_codes(m.status.caveats)),
    Mission("host_country_iso3", "#country+code", lambda m: m.host_country and m.host_country.iso3),
    Mission("host_country_name", "#country+name", lambda m: m.host_country and m.host_country.name),
    Mission("supports", "#org+supports+code", lambda m: m.supports and m.supports.slug),
    Mission("supports_label", "#org+supports+name", lambda m: m.supports and m.supports.label),
    Mission("description", "#description", lambda m: m.description),
    Mission("version", "#meta+version", lambda m: m.version, type="integer"),
    *citation_columns(lambda m: m.citations),
]
Country = CsvColumn[CountrySummary]
COUNTRY_COLUMNS = [
    Country("iso3", "#country+code", lambda c: c.iso3),
    Country("iso2", "#country+code+iso2", lambda c: c.iso2),
    Country("name", "#country+name", lambda c: c.name),
    Country("roles", "#meta+roles", lambda c: " ".join(c.roles)),
]
Actor = CsvColumn[ActorOut]
ACTOR_COLUMNS = [
    Actor("slug", "#org+actor+code", lambda a: a.slug),
    Actor("name", "#org+actor+name", lambda a: a.name),
    Actor("kind", "#org+actor+type", lambda a: a.kind, enum=_values(ActorKind)),
    Actor("title", "#meta+title", lambda a: a.title),
    Actor("country_iso3", "#country+code", lambda a: a.country and a.country.iso3),
    Actor("country_name", "#country+name", lambda a: a.country and a.country.name),
    Actor("version", "#meta+version", lambda a: a.version, type="integer"),
    *citation_columns(lambda a: a.citations),
]
SourceRow = CsvColumn[SourceSummary]
SOURCE_COLUMNS = [
    SourceRow("id", "#meta+source+id", lambda s: s.id),
    SourceRow("publisher", "#org+publisher+name", lambda s: s.publisher),
    SourceRow("title", "#meta+source+title", lambda s: s.title),
    SourceRow(
        "title_derived", "#meta+source+title+derived", lambda s: s.title_derived, type="boolean"
    ),
    SourceRow("title_derivation", "#meta+source+title+derivation", lambda s: s.title_derivation),
    SourceRow("url", "#meta+source+url", lambda s: s.url),
    SourceRow("language", "#meta+lang", lambda s: s.language),
    *date_columns("published", "#date+published", lambda s: s.published),
    SourceRow("sha256", "#meta+sha256", lambda s: s.sha256),
    SourceRow("length", "#meta+length+num", lambda s: s.length, type="integer"),
    SourceRow("caveats", "#meta+caveats", lambda s: caveat_codes(s.caveats)),
]

Cited = CsvColumn[CitationOut]
CITATION_COLUMNS = [
    Cited("source_id", "#meta+source", lambda c: c.source_id),
    Cited("start", "#meta+quote+start", lambda c: c.start, type="integer"),
    Cited("end", "#meta+quote+end", lambda c: c.end, type="integer"),
    Cited("quote", "#meta+quote", lambda c: c.quote),
    Cited("prefix", "#meta+quote+prefix", lambda c: c.prefix),
    Cited("suffix", "#meta+quote+suffix", lambda c: c.suffix),
    Cited("source_url", "#meta+source+url", lambda c: c.source_url),
]
