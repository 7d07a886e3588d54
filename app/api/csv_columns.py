"""The CSV columns of each list, with their HXL hashtags.

Facts are flattened: the quantity's parts, the date's parts, and the first citation (quote, its
place in the source, the source's URL). Hashtags follow the HXL core schema (#country, #org,
#loc, #date, #affected, #value, #indicator, #meta...); attributes say what is specific.
"""

from app.api.formats import CsvColumn
from app.api.schemas import ActorOut, CountrySummary, FactOut, MissionSummary, SourceSummary

DEFAULT_VALUE_TAG = "#indicator+value+num"
DEFAULT_DATE_TAG = "#date+reported"
FactColumn = CsvColumn[FactOut]


def _first_quote(fact: FactOut) -> str | None:
    return fact.citations[0].quote if fact.citations else None


def fact_columns(*, value_tag: str | None = None, date_tag: str | None = None) -> list[FactColumn]:
    """The fact columns; a list about one sort of figure names its value and date precisely
    (e.g. #affected+idps+num for displacement)."""
    quantity, when = (lambda f: f.quantity), (lambda f: f.date)
    return [
        FactColumn("id", "#meta+id", lambda f: f.id),
        FactColumn("version", "#meta+version", lambda f: f.version),
        FactColumn("kind", "#indicator+type", lambda f: f.kind),
        FactColumn("summary", "#description", lambda f: f.summary),
        FactColumn("mission", "#org+mission+code", lambda f: f.mission and f.mission.slug),
        FactColumn("country_iso3", "#country+code", lambda f: f.country and f.country.iso3),
        FactColumn("country_name", "#country+name", lambda f: f.country and f.country.name),
        FactColumn("actor", "#org+actor+code", lambda f: f.actor and f.actor.slug),
        FactColumn("actor_name", "#org+actor+name", lambda f: f.actor and f.actor.name),
        FactColumn("role", "#meta+role", lambda f: f.role),
        FactColumn("stance", "#meta+stance", lambda f: f.stance),
        FactColumn("status", "#status", lambda f: f.status),
        FactColumn("place", "#loc+name", lambda f: f.place),
        FactColumn("cause", "#cause", lambda f: f.cause),
        FactColumn("attributed_to", "#meta+attribution", lambda f: f.attributed_to),
        FactColumn(
            "value", value_tag or DEFAULT_VALUE_TAG, lambda f: (q := quantity(f)) and q.value
        ),
        FactColumn("unit", "#indicator+unit", lambda f: (q := quantity(f)) and q.unit),
        FactColumn("qualifier", "#meta+qualifier", lambda f: (q := quantity(f)) and q.qualifier),
        FactColumn(
            "lower_bound", "#indicator+value+min", lambda f: (q := quantity(f)) and q.lower_bound
        ),
        FactColumn(
            "upper_bound", "#indicator+value+max", lambda f: (q := quantity(f)) and q.upper_bound
        ),
        FactColumn("as_stated", "#meta+as_stated", lambda f: (q := quantity(f)) and q.as_stated),
        FactColumn(
            "value_unknown_reason",
            "#meta+unknown_reason",
            lambda f: (q := quantity(f)) and q.unknown_reason,
        ),
        FactColumn("date", date_tag or DEFAULT_DATE_TAG, lambda f: (d := when(f)) and d.value),
        FactColumn(
            "date_precision", "#meta+date+precision", lambda f: (d := when(f)) and d.precision
        ),
        FactColumn(
            "date_qualifier", "#meta+date+qualifier", lambda f: (d := when(f)) and d.qualifier
        ),
        FactColumn(
            "date_as_stated", "#meta+date+as_stated", lambda f: (d := when(f)) and d.as_stated
        ),
        FactColumn("derived", "#meta+derived", lambda f: f.derived),
        FactColumn("formula", "#meta+formula", lambda f: f.derivation and f.derivation.formula),
        FactColumn("list_complete", "#meta+list_complete", lambda f: f.list_complete),
        FactColumn("caveats", "#meta+caveats", lambda f: " ".join(c.code for c in f.caveats)),
        FactColumn("citations", "#meta+citations+num", lambda f: len(f.citations)),
        FactColumn("quote", "#meta+quote", _first_quote),
        FactColumn(
            "quote_start",
            "#meta+quote+start",
            lambda f: f.citations[0].start if f.citations else None,
        ),
        FactColumn(
            "quote_end", "#meta+quote+end", lambda f: f.citations[0].end if f.citations else None
        ),
        FactColumn(
            "source", "#meta+source", lambda f: f.citations[0].source_id if f.citations else None
        ),
        FactColumn(
            "source_url",
            "#meta+source+url",
            lambda f: f.citations[0].source_url if f.citations else None,
        ),
        FactColumn("recorded_at", "#date+recorded", lambda f: f.recorded_at.isoformat()),
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
