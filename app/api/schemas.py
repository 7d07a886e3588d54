"""Response models: the shapes the API serves. Table models stay in app.db.tables."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model, field_serializer

from app.domain.vocabulary import (
    VOCABULARY,
    ActorKind,
    CaveatCode,
    CountryRole,
    DatePrecision,
    DateQualifier,
    FundingStage,
    MandatePart,
    MissionState,
    MissionStatus,
    ProposalStatus,
    Qualifier,
    Rank,
    RecordStatus,
    Relation,
    Stance,
    Tense,
)

T = TypeVar("T")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TextQuoteSelector(Out):
    """W3C Web Annotation: the quote by its words and their context, so a copy of the text
    whose offsets moved (re-saved, re-wrapped, edited) can still be searched for it."""

    type: Literal["TextQuoteSelector"] = Field(
        default="TextQuoteSelector", description="The selector's type, as the model names it."
    )
    exact: str = Field(description="The quoted words, verbatim (the citation's `quote`).")
    prefix: str = Field(
        description="Up to 32 code points of the text just before the quote (fewer at its start)."
    )
    suffix: str = Field(
        description="Up to 32 code points of the text just after the quote (fewer at its end)."
    )


class TextPositionSelector(Out):
    """W3C Web Annotation: the quote by its offsets in the source text, in code points."""

    type: Literal["TextPositionSelector"] = Field(
        default="TextPositionSelector", description="The selector's type, as the model names it."
    )
    start: int = Field(description="Offset of the first character (the citation's `start`).")
    end: int = Field(description="Offset just past the last character (the citation's `end`).")


class CitationOut(Out):
    """A verbatim quote and where it stands: `source text[start:end] == quote`."""

    source_id: str = Field(description="The source document's id (see GET /sources/{id}).")
    start: int = Field(description="Offset of the first character, in Unicode code points.")
    end: int = Field(description="Offset just past the last character (exclusive).")
    quote: str = Field(description="The source's words, verbatim.")
    source_url: str = Field(description="Where the source document was published.")
    href: str = Field(description="This quote in the API's copy of the source text.")
    selectors: tuple[TextQuoteSelector, TextPositionSelector] = Field(
        description="The quote as Web Annotation selectors: by its words with their context "
        "(to find it again in a copy of the article whose offsets moved), and by position."
    )

    @property
    def prefix(self) -> str:
        return self.selectors[0].prefix

    @property
    def suffix(self) -> str:
        return self.selectors[0].suffix


class QuantityOut(Out):
    """A number with its unit, its qualifier and the source's own words."""

    value: float | None = Field(description="Null when the source gives no figure.")
    unit: str = Field(description="USD, officers, people, percent...")
    qualifier: Qualifier | None = Field(
        description="exact, approximate, estimate, at_least (a lower bound), at_most."
    )
    lower_bound: float | None = Field(description="Implied by the qualifier, where it implies one.")
    upper_bound: float | None = Field(description="Implied by the qualifier, where it implies one.")
    as_stated: str | None = Field(description="The source's words for the number.")
    unknown_reason: str | None = Field(description="Why the value is null, when it is.")

    @field_serializer("value", "lower_bound", "upper_bound")
    def _whole_numbers_without_fraction(self, number: float | None) -> float | int | None:
        # 1000 officers, not 1000.0: counts and money read as the source wrote them.
        return int(number) if number is not None and number.is_integer() else number


class DateOut(Out):
    """A date at the precision the source gives, and how it was read."""

    value: str | None = Field(description="ISO 8601 at its precision: 2025, 2025-10, 2025-02-25.")
    precision: DatePrecision | None = Field(
        description="year, month or day: how much of the date is known."
    )
    qualifier: DateQualifier | None = Field(
        description="exact, on_or_after, on_or_before, before, after or approximate."
    )
    as_stated: str | None = Field(description='The source\'s words ("on Tuesday").')
    resolution: str | None = Field(description="How a relative expression was resolved.")
    resolved_from: str | None = Field(
        default=None,
        description="What outside the cited text the date was resolved from (another report, "
        "another fact); null when the cited words give it.",
    )
    earliest: str | None = Field(
        default=None,
        description="The first day the date may be (ISO 8601), from its value, precision and "
        "qualifier; null when unbounded.",
    )
    latest: str | None = Field(
        default=None,
        description="The last day the date may be (ISO 8601); null when unbounded.",
    )
    unknown_reason: str | None = Field(default=None, description="Why the date is unknown.")


class DerivationOut(Out):
    """How a derived value was computed; derived values are never stated by the source."""

    formula: str = Field(description="Arithmetic on the ids of the facts it is computed from.")
    derived_from: list[str] = Field(description="Ids of the input facts.")


class CaveatOut(BaseModel):
    """Something a reader must not miss about a figure."""

    code: CaveatCode = Field(description="Stable code, for apps to act on.")
    message: str = Field(description="The caveat in a sentence, for people.")


class SearchMatch(BaseModel):
    """Where a search matched a record."""

    field: Literal["quote", "summary", "text"] = Field(
        description="Where the words were found: a quote, the summary, or a source's text."
    )
    snippet: str = Field(
        description="A short excerpt, HTML-escaped, the matching words wrapped in <mark>."
    )
    citation_href: str | None = Field(
        default=None, description="The matching quote in the source, when the match is a quote."
    )


class CountryRef(Out):
    iso3: str = Field(description="ISO 3166-1 alpha-3 code.")
    name: str = Field(description="English short name (ISO 3166-1, via pycountry).")


class MissionRef(Out):
    slug: str = Field(description="Stable identifier used in URLs.")
    label: str = Field(description="How to refer to the mission; not a name if it has none.")
    href: str = Field(description="Path of this resource in the API.")


class ActorRef(Out):
    slug: str = Field(description="Stable identifier used in URLs.")
    name: str = Field(description="Name as the source gives it.")
    href: str = Field(description="Path of this resource in the API.")


class FactOut(Out):
    """One atomic statement of a source: typed value, qualifiers and citations."""

    id: str = Field(description="Stable id of the fact, the same across its versions.")
    version: int = Field(description="Version of this fact; corrections add versions.")
    kind: str = Field(description="What the fact states, e.g. funding.received, position.")
    kind_label: str = Field(description="The kind in words, e.g. funds received.")
    summary: str = Field(description="The fact in a sentence (editorial wording).")
    mission: MissionRef | None = Field(description="The mission the fact is about.")
    country: CountryRef | None = Field(
        description="The country it is about or belongs to (null if none)."
    )
    actor: ActorRef | None = Field(
        description="The person, body or group the fact is about or attributed to."
    )
    role: CountryRole | None = Field(description="A country's role in the mission.")
    stance: Stance | None = Field(description="For positions: the stance taken.")
    tense: Tense | None = Field(description="When the stance held, in the source's terms.")
    status: ProposalStatus | None = Field(description="For proposals: where the proposal stands.")
    topic: str | None = Field(
        description="What the fact is about (e.g. the option a position concerns)."
    )
    place: str | None = Field(description="Where, as the source words it.")
    cause: str | None = Field(description="What caused it, as the source says.")
    attributed_to: str | None = Field(description="Who the source attributes the fact to.")
    instrument: str | None = Field(
        default=None,
        description="The authorizing instrument as the source names it (a mandate's facts).",
    )
    related_mission: MissionRef | None = Field(
        default=None, description="The other mission of a relation: successor, or the one backed."
    )
    list_complete: bool | None = Field(
        description="For members of a list: false where the source marks it partial "
        '("including"), null where it does not say.'
    )
    list_note: str | None = Field(description="What the source says about the list's completeness.")
    quantity: QuantityOut | None = Field(description="Null when the fact is not a number.")
    date: DateOut | None = Field(
        description="The date the fact refers to: an event's date or a figure's as-of date."
    )
    derived: bool = Field(description="True when computed from other facts, not stated.")
    derivation: DerivationOut | None = Field(
        description="For derived values: the formula and input facts."
    )
    citations: list[CitationOut] = Field(description="The quotes that state it (one or more).")
    caveats: list[CaveatOut] = Field(
        description="What a reader must not miss about this fact (bounds, estimates, partial "
        "lists, derived values...); empty when none."
    )
    match: SearchMatch | None = Field(
        default=None, description="With `q`: where the search matched this fact; else null."
    )
    rank: Rank = Field(
        default=Rank.normal,
        description="preferred, normal or deprecated (as in Wikidata): where sources disagree "
        "on a figure, `preferred` marks the value to show.",
    )
    record_status: RecordStatus = Field(description="current, superseded or retracted.")
    recorded_at: datetime = Field(description="When this version was recorded (UTC).")


class Page(BaseModel, Generic[T]):
    """A page of a list. Follow `next` (also sent as a `Link: <...>; rel="next"` header) until
    it is null."""

    items: list[T] = Field(description="The items of this page, in the list's order.")
    limit: int = Field(description="Items per page asked for (1-500).")
    next: str | None = Field(description="URL of the next page, or null on the last page.")
    next_cursor: str | None = Field(description="The `cursor` of the next page, or null.")
    total: int | None = Field(
        default=None, description="Rows in the whole list, with include_total=true; else null."
    )


class ListCompleteness(BaseModel):
    """Whether a list of facts is complete, said of the whole list, whatever the page."""

    list_complete: bool | None = Field(
        default=None,
        description="False when the source marks this list as partial; null when it is silent.",
    )
    list_note: str | None = Field(
        default=None, description="What the source says about the list's completeness."
    )


class FactGroup(ListCompleteness):
    """Facts of one list given whole (a fund's donors), with the list's completeness."""

    items: list[FactOut] = Field(description="Every fact of the list, in its stable order.")


class FactList(ListCompleteness, Page[FactOut]):
    caveats: list[CaveatOut] = Field(
        default_factory=list,
        description="Every caveat of the facts in the whole list (not only this page), once each.",
    )


class MissionStatusOut(Out):
    """A mission's status on a day, computed from what its sources state, and why."""

    value: MissionState = Field(
        description="active, ended, proposed, succeeded or unknown: never `active` past the end "
        "of the last mandate known."
    )
    as_of: date = Field(description="The day it holds for: today, or the day of `as_of`.")
    stated: MissionStatus = Field(
        description="The status the source states (active, proposed, past), when it wrote."
    )
    rule: str = Field(description="How the value follows from what is known, in a sentence.")
    fact_ids: list[str] = Field(description="The facts it rests on (e.g. a mandate's end).")
    caveats: list[CaveatOut] = Field(
        description="What the value must not be read without, e.g. `mandate_ended`."
    )


class MissionSummary(Out):
    slug: str = Field(description="Stable identifier used in URLs.")
    name: str | None = Field(description="Null when the source gives no name (see the reason).")
    name_unknown_reason: str | None = Field(description="Why `name` is null, when it is.")
    acronym: str | None = Field(description="Acronym, where the source gives one.")
    label: str = Field(description="How to refer to it; not a name if it has none.")
    kind: str = Field(description="What sort of mission or body it is.")
    status: MissionStatusOut = Field(
        description="Its status on the day the answer is for, with the rule and facts behind it."
    )
    description: str = Field(description="What the mission is, in a sentence (editorial wording).")
    host_country: CountryRef | None = Field(
        description="The country the mission operates in, where the source says."
    )
    supports: MissionRef | None = Field(description="The mission this one would back.")
    version: int = Field(
        default=1, description="Version of this record; each correction adds one (its `ETag`)."
    )
    citations: list[CitationOut] = Field(
        description="Verbatim quotes of the sources that state it."
    )
    href: str = Field(description="Path of this resource in the API.")


def _key_figure_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: (FactOut | None, Field(description=VOCABULARY.kinds[kind].description))
        for name, kind in VOCABULARY.key_figures().items()
    }
    fields["unknown"] = (
        dict[str, str],
        Field(description="Key figures the sources do not give for this mission, with the reason."),
    )
    fields["disagreements"] = (
        dict[str, list[str]],
        Field(
            default_factory=dict,
            description="Key figures on which another source gives a different value for the "
            "same date: the ids of those facts (each figure shown is the preferred value of "
            "its latest point; see the mission's `series`).",
        ),
    )
    return fields


# One field per kind declared a key figure in the vocabulary.
if TYPE_CHECKING:
    KeyFigures = BaseModel
else:
    KeyFigures = create_model("KeyFigures", **_key_figure_fields())


class UnknownFigure(BaseModel):
    """A figure about the mission that the sources leave unknown."""

    figure: str = Field(description="What the figure is: a key figure's name, or a kind's label.")
    fact_id: str | None = Field(description="The fact holding it as null, where there is one.")
    reason: str | None = Field(description="Why it is unknown.")


class MandatePeriodOut(BaseModel):
    """One mandate period: the facts that name one authorizing instrument, each cited. Where
    sources differ on a part, the preferred fact is shown and the others are listed."""

    instrument: str | None = Field(
        description="The instrument as the source names it (a resolution's number and year); "
        "null for facts that name none."
    )
    adopted: FactOut | None = Field(description="When the instrument was adopted.")
    start: FactOut | None = Field(description="When the mandate starts.")
    end: FactOut | None = Field(description="When the mandate ends.")
    ceiling: FactOut | None = Field(
        description="The authorized strength: the most personnel the mandate allows."
    )
    disagree: list[MandatePart] = Field(description="The parts on which sources differ.")
    other_values: list[FactOut] = Field(
        description="The facts of the period not shown above: other sources' values."
    )


class RelationOut(BaseModel):
    """How this mission relates to another, and the fact that says so."""

    relation: Relation = Field(
        description="succeeded_by, succeeds, supports or supported_by: read from this mission."
    )
    mission: MissionRef = Field(description="The other mission.")
    date: DateOut | None = Field(description="When the relation began, where the source says.")
    fact_id: str | None = Field(
        description="The fact stating it; null for `supports` as the mission's own record says."
    )
    citations: list[CitationOut] = Field(description="The quotes that state it.")


class MissionDetail(MissionSummary):
    key_figures: KeyFigures = Field(
        description="The mission's headline figures, each a cited fact."
    )
    mandates: list[MandatePeriodOut] = Field(
        default_factory=list, description="Its mandate periods, oldest first."
    )
    relations: list[RelationOut] = Field(
        default_factory=list, description="Successors, predecessors, and missions backed."
    )
    notes: list[FactOut] = Field(description="Challenges, characterizations and controversies.")
    supported_by: list[MissionRef] = Field(description="Missions proposed to back this one.")
    links: dict[str, str] = Field(description="The mission's sub-resources.")
    caveats: list[CaveatOut] = Field(
        description="Every caveat of its status and of the key figures, once each."
    )
    unknown: list[UnknownFigure] = Field(
        description="Every figure about the mission the sources leave unknown, key or not."
    )


class DonorAmount(BaseModel):
    """One donor's figure at one stage: the preferred value of its latest point."""

    country: CountryRef | None = Field(description="The donor, where a country.")
    actor: ActorRef | None = Field(description="The donor, where a body or organization.")
    fact: FactOut = Field(description="The figure, in its currency as stated, with citations.")
    disagreeing: list[str] = Field(
        description="Facts of other sources giving another value for the same date."
    )


class FundingStageOut(BaseModel):
    """Money at one stage, side by side with the others: the whole, and per donor."""

    stage: FundingStage = Field(
        description="pledged, committed, received, disbursed, allocated or unallocated."
    )
    kind: str = Field(description="The fact kind that counts this stage.")
    total: FactOut | None = Field(
        description="The figure for the mission as a whole, as stated (the preferred value "
        "of its latest date); null when no source gives one. Never a sum the API made."
    )
    as_of: DateOut | None = Field(description="The date the total holds for.")
    disagreeing: list[str] = Field(
        description="Facts of other sources giving another total for the same date."
    )
    by_donor: list[DonorAmount] = Field(description="Each donor's figure, where named.")
    currencies: list[str] = Field(
        description="Every currency the stage's figures are in, as stated: no amount is "
        "converted, so figures in different currencies are never added."
    )


class ContributorOut(BaseModel):
    """A country contributing to the mission: its roles and its latest personnel count."""

    iso3: str = Field(description="The country's ISO 3166-1 alpha-3 code.")
    country: CountryRef = Field(description="The contributing country.")
    role: CountryRole = Field(description="Its main role: `lead` where it leads the mission.")
    roles: list[CountryRole] = Field(description="Every role the sources give it.")
    role_fact: FactOut | None = Field(description="The fact stating its main role, cited.")
    personnel: FactOut | None = Field(
        description="Its latest cited count of personnel deployed (the preferred value of its "
        "latest date); null when no source gives one (see `personnel_unknown_reason`)."
    )
    personnel_unknown_reason: str | None = Field(description="Why no count is shown, when none.")
    disagreeing: list[str] = Field(
        description="Facts of other sources giving another count for the same date."
    )
    fact_ids: list[str] = Field(description="Every fact about it in this list (roles, counts).")


class Contributors(ListCompleteness, Page[ContributorOut]):
    """The mission's contributing countries, in the envelope of every list."""

    mission: MissionRef = Field(description="The mission they contribute to.")


class Funding(BaseModel):
    """A mission's trust fund as the sources state it."""

    mission: MissionRef = Field(description="The mission whose fund this is.")
    received: FactOut | None = Field(description="Contributions the fund has received, as stated.")
    unallocated: FactOut | None = Field(description="Received money not yet allocated, as stated.")
    allocated: FactOut | None = Field(description="Derived: received - unallocated.")
    need: FactOut | None = Field(description="Further funding needed; no figure where none given.")
    donors: FactGroup = Field(description="Countries that gave to the fund.")
    stages: list[FundingStageOut] = Field(
        default_factory=list,
        description="Money by stage (pledged, committed, received, disbursed, allocated, "
        "unallocated), side by side, per donor where known, in the currencies as stated.",
    )
    as_of: DateOut | None = Field(description="As-of date of the received figure.")
    unknown: dict[str, str] = Field(
        description="Each figure above that is null, or has no value, with the reason."
    )
    caveats: list[CaveatOut] = Field(description="Every caveat of these figures, once each.")


class CountrySummary(Out):
    iso3: str = Field(description="ISO 3166-1 alpha-3 code.")
    iso2: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str = Field(description="English short name (ISO 3166-1, via pycountry).")
    roles: list[CountryRole] = Field(description="Every role the country plays across missions.")
    href: str = Field(description="Path of this resource in the API.")


class CountryDetail(CountrySummary):
    official_name: str | None = Field(description="Official name (ISO 3166-1), where it differs.")
    role_facts: list[FactOut] = Field(description="Host, lead, contributor, donor, positions.")
    indicators: list[FactOut] = Field(
        description="Indicators about the country (e.g. territorial control)."
    )
    displacement_events: list[FactOut] = Field(description="Displacement events in the country.")
    actors: list[ActorRef] = Field(description="Bodies and groups of this country.")


class ActorOut(Out):
    slug: str = Field(description="Stable identifier used in URLs.")
    name: str = Field(description="Name as the source gives it.")
    kind: ActorKind = Field(description="person, body, group, government or organization.")
    title: str | None = Field(description="Office or function, where the source gives one.")
    country: CountryRef | None = Field(
        description="The country it is about or belongs to (null if none)."
    )
    version: int = Field(
        default=1, description="Version of this record; each correction adds one (its `ETag`)."
    )
    citations: list[CitationOut] = Field(
        description="Verbatim quotes of the sources that state it."
    )
    href: str = Field(description="Path of this resource in the API.")


class ActorDetail(ActorOut):
    facts: list[FactOut] = Field(description="Statements, proposals and positions of the actor.")


class CitationSource(Out):
    """Who published a source, when, and under what title."""

    id: str = Field(description="The source's id, used in URLs.")
    publisher: str = Field(description="Who published it.")
    title: str | None = Field(
        description="The document's title; see `title_derived` for one not in the text itself."
    )
    title_derived: bool = Field(
        description="True when the title is not the document's own (e.g. read from its page "
        "address): never quote it as a headline."
    )
    url: str = Field(description="Where it was published.")
    published: DateOut = Field(description="Publication date, with its precision or bound.")


class SourceSummary(CitationSource):
    title_derivation: str | None = Field(description="How a title not in the text was found.")
    language: str = Field(description="Language of the text (BCP 47).")
    sha256: str = Field(description="SHA-256 of the text's UTF-8 bytes.")
    length: int = Field(description="Length of the text in Unicode code points.")
    caveats: list[CaveatOut] = Field(description="E.g. a publication date known only by a bound.")
    href: str = Field(description="Path of this resource in the API.")


class SourceDetail(SourceSummary):
    text: str = Field(description="The full text; citation offsets index into it.")
    notes: str | None = Field(
        description="What to know about the text (e.g. page furniture kept in it)."
    )
    citations: list[CitationOut] = Field(description="Every span of the text cited, in order.")


class Health(BaseModel):
    status: str = Field(description="ok when the database answers.")
    database: Literal["sqlite", "postgresql"] = Field(description="The database engine.")
    schema_revision: str | None = Field(description="The Alembic revision the database is at.")
    facts: int = Field(description="Current facts held.")
    writable: bool = Field(
        description="True when this server takes writes and a test write just committed; "
        "false on a read-only replica."
    )


class SearchHit(BaseModel):
    """One record a search found: a fact or a source text."""

    type: Literal["fact", "source"] = Field(description="What sort of record was found.")
    id: str = Field(description="The record's id.")
    title: str = Field(description="The fact's summary, or the source's title.")
    kind: str | None = Field(description="For facts: the fact's kind.")
    match: SearchMatch = Field(description="Where the query matched, with a snippet.")
    href: str = Field(description="Path of the record in the API.")


class SearchResults(Page[SearchHit]):
    query: str = Field(description="The query, as given.")


class Attribution(BaseModel):
    """A ready-to-paste attribution of a fact."""

    fact_id: str = Field(description="The fact's id.")
    text: str = Field(
        description="The paragraph to paste: the claim, who the source says claims it, every "
        "quote with its source and date, and a permalink."
    )
    claim: str = Field(
        description="What the fact says; for a derived figure, its value and how it was calculated."
    )
    sentence: str = Field(
        description="One article-ready sentence: the figure with its qualifier's meaning kept "
        '("over 6,000"), then "according to ... cited by <publisher>", or "calculated from '
        'figures reported by ..." for a derived figure (`style=sentence`)."'
    )
    markdown: str = Field(description="The sentence in Markdown, linked (`style=markdown`).")
    html: str = Field(description="The sentence as an HTML fragment, linked (`style=html`).")
    quote: str = Field(description="The first quote that states the fact, verbatim.")
    quotes: list[CitationOut] = Field(description="Every quote that states it.")
    source: CitationSource = Field(description="The source of the first quote.")
    sources: list[CitationSource] = Field(description="Every source quoted, in citation order.")
    derived_from: list[FactOut] = Field(
        description="For a derived figure: the facts it was calculated from, with their quotes."
    )
    permalink: str = Field(description="Permanent URL of the fact in this API.")
    caveats: list[CaveatOut] = Field(description="What the attribution must not leave out.")


class FactVersionOut(BaseModel):
    """One version of a fact, with who recorded it, when and why."""

    version: int = Field(description="1 for the first; each correction adds one.")
    record_status: RecordStatus = Field(description="current, superseded or retracted.")
    recorded_at: datetime = Field(description="When this version was recorded (UTC).")
    superseded_at: datetime | None = Field(
        description="When the next version replaced it; null for the latest."
    )
    recorded_by: str = Field(description="The name of the token that wrote it, or `seed`.")
    reason: str | None = Field(description="Why this version was recorded.")
    origin: str = Field(description="`seed` (the curated seed files) or `api` (the write API).")
    record: FactOut = Field(description="The fact as this version states it.")


class FactHistory(BaseModel):
    id: str = Field(description="The fact's permanent id.")
    versions: list[FactVersionOut] = Field(description="Every version, oldest first.")


class EntityVersionOut(BaseModel):
    """One version of a mission or an actor."""

    version: int = Field(description="1 for the first; each correction adds one.")
    recorded_at: datetime = Field(description="When this version was recorded (UTC).")
    superseded_at: datetime | None = Field(
        description="When the next version replaced it; null for the current one."
    )
    recorded_by: str = Field(description="The name of the token (or editor) that wrote it.")
    reason: str | None = Field(description="Why this version was recorded.")
    origin: str = Field(description="`seed`, `api` (the write API) or `import`.")
    fields: dict[str, Any] = Field(description="The record's fields as this version states them.")
    citations: list[CitationOut] = Field(description="Its citations, as this version cited.")


class EntityHistory(BaseModel):
    slug: str = Field(description="The record's permanent slug.")
    record_type: Literal["mission", "actor"] = Field(description="What sort of record it is.")
    versions: list[EntityVersionOut] = Field(description="Every version, oldest first.")


class ChangeOut(BaseModel):
    """One entry of the change feed."""

    id: int = Field(description="The change's number; later changes have larger numbers.")
    recorded_at: datetime = Field(description="When the change was committed (UTC).")
    recorded_by: str = Field(description="The name of the token that made it, or `seed`.")
    action: Literal["created", "corrected", "retracted"] = Field(description="What happened.")
    record_type: Literal["fact", "source", "mission", "actor"] = Field(
        description="What sort of record changed."
    )
    record_id: str = Field(description="The id (or slug) of the record changed.")
    version: int | None = Field(
        description="The version the change recorded (facts, missions, actors)."
    )
    reason: str | None = Field(description="Why, as the editor wrote it.")
    href: str = Field(description="The record as it now stands.")
    version_href: str = Field(
        description="The record exactly as this change left it (an `as_of` link)."
    )


class ChangeList(Page[ChangeOut]):
    pass


class SeriesValue(BaseModel):
    preferred: bool = Field(description="True for the value to show at this date.")
    fact: FactOut = Field(description="The figure, with its citations.")


class SeriesPoint(BaseModel):
    """Every figure for one date: more than one when sources disagree."""

    date: str | None = Field(description="The figures' date (ISO 8601 at its precision).")
    disagree: bool = Field(description="True when the figures for this date differ.")
    preferred_by: Literal["only_value", "rank", "latest_source", "latest_record"] = Field(
        description="Why the preferred value was chosen: the only one; its rank (`preferred` "
        "over `normal` over `deprecated`); ranks being equal, the most recently published "
        "source; or, sources being as recent, the latest recorded."
    )
    values: list[SeriesValue] = Field(description="Every figure for this date.")


class Series(BaseModel):
    kind: str = Field(description="The figure, e.g. personnel.deployed.")
    kind_label: str = Field(description="The figure in words.")
    country: CountryRef | None = Field(
        default=None, description="Whose figure: a contributing or donor country, where named."
    )
    actor: ActorRef | None = Field(default=None, description="Whose figure, where an actor.")
    unit: str | None = Field(description="The unit of its values (several: null).")
    points: list[SeriesPoint] = Field(description="One point per date, oldest first.")


class MissionSeries(Page[Series]):
    """A mission's figures over time, one series per kind (and per country or actor the
    figures are of), in the envelope of every list (one page holds them all)."""

    mission: MissionRef = Field(description="The mission the series are about.")
