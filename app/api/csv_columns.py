"""The CSV columns of each list, with their HXL hashtags.

A fact's row holds every field its JSON holds: the subject's code and name, the quantity's and
the date's parts (the date's interval and where it was resolved from included), the derivation
and its inputs, and every citation: `quote` is the first, `quotes` all of them, one per line,
with `citation_spans` (source:start-end) line for line. Hashtags follow the HXL core schema
(#country, #org, #loc, #date, #affected, #value, #indicator, #meta...); a list of one sort of
figure names its value and date as its kinds declare (e.g. #affected+idps+num, #date+occurred).
"""

from collections.abc import Sequence
from datetime import datetime

from app.api.formats import CsvColumn
from app.api.schemas import ActorOut, CountrySummary, FactOut, MissionSummary, SourceSummary
from app.domain.vocabulary import DATE_REPORTED, FACT_KINDS, FactKind

DEFAULT_VALUE_TAG = "#indicator+value+num"
FactColumn = CsvColumn[FactOut]


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


def fact_columns(*, kinds: Sequence[str] | None = None) -> list[FactColumn]:
    """The fact columns; the value and date hashtags come from the list's kinds."""
    value_tag = _shared(kinds, "value_tag", DEFAULT_VALUE_TAG)
    date_tag = _shared(kinds, "date_tag", DATE_REPORTED)
    q, d = (lambda f: f.quantity), (lambda f: f.date)
    first = lambda f: f.citations[0] if f.citations else None  # noqa: E731
    return [
        FactColumn("id", "#meta+id", lambda f: f.id),
        FactColumn("version", "#meta+version", lambda f: f.version),
        FactColumn("kind", "#indicator+type", lambda f: f.kind),
        FactColumn("kind_label", "#indicator+type+label", lambda f: f.kind_label),
        FactColumn("summary", "#description", lambda f: f.summary),
        FactColumn("mission", "#org+mission+code", lambda f: f.mission and f.mission.slug),
        FactColumn("mission_label", "#org+mission+name", lambda f: f.mission and f.mission.label),
        FactColumn("country_iso3", "#country+code", lambda f: f.country and f.country.iso3),
        FactColumn("country_name", "#country+name", lambda f: f.country and f.country.name),
        FactColumn("actor", "#org+actor+code", lambda f: f.actor and f.actor.slug),
        FactColumn("actor_name", "#org+actor+name", lambda f: f.actor and f.actor.name),
        FactColumn("role", "#meta+role", lambda f: f.role),
        FactColumn("stance", "#meta+stance", lambda f: f.stance),
        FactColumn("tense", "#meta+tense", lambda f: f.tense),
        FactColumn("status", "#status", lambda f: f.status),
        FactColumn("topic", "#meta+topic", lambda f: f.topic),
        FactColumn("place", "#loc+name", lambda f: f.place),
        FactColumn("cause", "#cause", lambda f: f.cause),
        FactColumn("attributed_to", "#meta+attribution", lambda f: f.attributed_to),
        FactColumn("value", value_tag, lambda f: (x := q(f)) and x.value),
        FactColumn("unit", "#indicator+unit", lambda f: (x := q(f)) and x.unit),
        FactColumn("qualifier", "#meta+qualifier", lambda f: (x := q(f)) and x.qualifier),
        FactColumn("lower_bound", "#indicator+value+min", lambda f: (x := q(f)) and x.lower_bound),
        FactColumn("upper_bound", "#indicator+value+max", lambda f: (x := q(f)) and x.upper_bound),
        FactColumn("as_stated", "#meta+as_stated", lambda f: (x := q(f)) and x.as_stated),
        FactColumn(
            "value_unknown_reason",
            "#meta+unknown_reason",
            lambda f: (x := q(f)) and x.unknown_reason,
        ),
        FactColumn("date", date_tag, lambda f: (x := d(f)) and x.value),
        FactColumn("date_precision", "#meta+date+precision", lambda f: (x := d(f)) and x.precision),
        FactColumn("date_qualifier", "#meta+date+qualifier", lambda f: (x := d(f)) and x.qualifier),
        FactColumn("date_earliest", date_tag + "+start", lambda f: (x := d(f)) and x.earliest),
        FactColumn("date_latest", date_tag + "+end", lambda f: (x := d(f)) and x.latest),
        FactColumn("date_as_stated", "#meta+date+as_stated", lambda f: (x := d(f)) and x.as_stated),
        FactColumn(
            "date_resolution", "#meta+date+resolution", lambda f: (x := d(f)) and x.resolution
        ),
        FactColumn(
            "date_resolved_from",
            "#meta+date+resolved_from",
            lambda f: (x := d(f)) and x.resolved_from,
        ),
        FactColumn("derived", "#meta+derived", lambda f: f.derived),
        FactColumn("formula", "#meta+formula", lambda f: f.derivation and f.derivation.formula),
        FactColumn(
            "derived_from",
            "#meta+derived_from",
            lambda f: f.derivation and " ".join(f.derivation.derived_from),
        ),
        FactColumn("list_complete", "#meta+list_complete", lambda f: f.list_complete),
        FactColumn("list_note", "#meta+list_note", lambda f: f.list_note),
        FactColumn("caveats", "#meta+caveats", lambda f: " ".join(c.code for c in f.caveats)),
        FactColumn("rank", "#meta+rank", lambda f: f.rank),
        FactColumn("record_status", "#status+record", lambda f: f.record_status),
        FactColumn("citations", "#meta+citations+num", lambda f: len(f.citations)),
        FactColumn("quote", "#meta+quote", lambda f: (c := first(f)) and c.quote),
        FactColumn("quote_start", "#meta+quote+start", lambda f: (c := first(f)) and c.start),
        FactColumn("quote_end", "#meta+quote+end", lambda f: (c := first(f)) and c.end),
        FactColumn("source", "#meta+source", lambda f: (c := first(f)) and c.source_id),
        FactColumn("source_url", "#meta+source+url", lambda f: (c := first(f)) and c.source_url),
        FactColumn("quotes", "#meta+quote+all", lambda f: _lines([c.quote for c in f.citations])),
        FactColumn(
            "citation_spans",
            "#meta+quote+spans",
            lambda f: _lines([f"{c.source_id}:{c.start}-{c.end}" for c in f.citations]),
        ),
        FactColumn("match_snippet", "#meta+match", lambda f: f.match.snippet if f.match else None),
        FactColumn("recorded_at", "#date+recorded", lambda f: json_time(f.recorded_at)),
    ]


MISSION_COLUMNS = [
    CsvColumn[MissionSummary]("slug", "#org+mission+code", lambda m: m.slug),
    CsvColumn[MissionSummary]("name", "#org+mission+name", lambda m: m.name),
    CsvColumn[MissionSummary](
        "name_unknown_reason", "#meta+unknown_reason", lambda m: m.name_unknown_reason
    ),
    CsvColumn[MissionSummary]("acronym", "#org+mission+acronym", lambda m: m.acronym),
    CsvColumn[MissionSummary]("label", "#org+mission+label", lambda m: m.label),
    CsvColumn[MissionSummary]("kind", "#org+type", lambda m: m.kind),
    CsvColumn[MissionSummary]("status", "#status", lambda m: m.status),
    CsvColumn[MissionSummary](
        "host_country_iso3", "#country+code", lambda m: m.host_country and m.host_country.iso3
    ),
    CsvColumn[MissionSummary](
        "supports", "#org+supports+code", lambda m: m.supports and m.supports.slug
    ),
    CsvColumn[MissionSummary]("description", "#description", lambda m: m.description),
    CsvColumn[MissionSummary](
        "quote", "#meta+quote", lambda m: m.citations[0].quote if m.citations else None
    ),
    CsvColumn[MissionSummary](
        "source_url",
        "#meta+source+url",
        lambda m: m.citations[0].source_url if m.citations else None,
    ),
]
COUNTRY_COLUMNS = [
    CsvColumn[CountrySummary]("iso3", "#country+code", lambda c: c.iso3),
    CsvColumn[CountrySummary]("iso2", "#country+code+iso2", lambda c: c.iso2),
    CsvColumn[CountrySummary]("name", "#country+name", lambda c: c.name),
    CsvColumn[CountrySummary]("roles", "#meta+roles", lambda c: " ".join(c.roles)),
]
ACTOR_COLUMNS = [
    CsvColumn[ActorOut]("slug", "#org+actor+code", lambda a: a.slug),
    CsvColumn[ActorOut]("name", "#org+actor+name", lambda a: a.name),
    CsvColumn[ActorOut]("kind", "#org+actor+type", lambda a: a.kind),
    CsvColumn[ActorOut]("title", "#meta+title", lambda a: a.title),
    CsvColumn[ActorOut]("country_iso3", "#country+code", lambda a: a.country and a.country.iso3),
    CsvColumn[ActorOut](
        "quote", "#meta+quote", lambda a: a.citations[0].quote if a.citations else None
    ),
]
SOURCE_COLUMNS = [
    CsvColumn[SourceSummary]("id", "#meta+source+id", lambda s: s.id),
    CsvColumn[SourceSummary]("publisher", "#org+publisher+name", lambda s: s.publisher),
    CsvColumn[SourceSummary]("title", "#meta+source+title", lambda s: s.title),
    CsvColumn[SourceSummary]("url", "#meta+source+url", lambda s: s.url),
    CsvColumn[SourceSummary]("language", "#meta+lang", lambda s: s.language),
    CsvColumn[SourceSummary]("published", "#date+published", lambda s: s.published.value),
    CsvColumn[SourceSummary](
        "published_precision", "#meta+date+precision", lambda s: s.published.precision
    ),
    CsvColumn[SourceSummary](
        "published_qualifier", "#meta+date+qualifier", lambda s: s.published.qualifier
    ),
    CsvColumn[SourceSummary]("sha256", "#meta+sha256", lambda s: s.sha256),
    CsvColumn[SourceSummary]("length", "#meta+length+num", lambda s: s.length),
]
