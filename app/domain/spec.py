"""Input models: the one validation path for everything written to the database.

The seed loader validates seed/*.yaml with these models, and any future write route must use the
same ones, so a record is held to the same rules however it arrives.
"""

import re
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.domain.countries import lookup_country
from app.domain.text_rules import exact_float_problem, unsafe_character
from app.domain.vocabulary import (
    FACT_KINDS,
    ActorKind,
    CountryRole,
    DatePrecision,
    DateQualifier,
    MissionStatus,
    ProposalStatus,
    Qualifier,
    Rank,
    Stance,
    Tense,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)]

_DATE_FORMATS = {4: DatePrecision.year, 7: DatePrecision.month, 10: DatePrecision.day}
_DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def check_iso3(code: str | None) -> str | None:
    if code is None:
        return None
    country = lookup_country(code)
    if country is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return country.iso3


Iso3 = Annotated[str, Field(min_length=3, max_length=3)]


def _refuse_unsafe_text(value: Any, where: str = "") -> None:
    """Control characters (NUL among them), lone surrogates and noncharacters are refused
    anywhere in the input, keys included (see app.domain.text_rules); numbers must be finite and
    storable exactly as sent."""
    if isinstance(value, str):
        problem = unsafe_character(value)
        if problem is not None:
            raise ValueError(f"{problem} is not allowed{' in ' + where if where else ''}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unsafe_text(key, where)
            _refuse_unsafe_text(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unsafe_text(item, f"{where}.{index}" if where else str(index))
    elif isinstance(value, int | float):
        problem = exact_float_problem(value)
        if problem is not None:
            raise ValueError(f"{where or 'a number'} {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data: Any) -> Any:
        _refuse_unsafe_text(data)
        return data


def date_precision(value: str) -> DatePrecision:
    """Precision of an ISO date written at year, month or day precision; ValueError if invalid."""
    if not _DATE_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = [*value.split("-"), "01", "01"][:3]
    try:
        date(int(year), int(month), int(day))  # rejects 2025-02-30 and month 13
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date: {error}") from None
    return _DATE_FORMATS[len(value)]


class QuantityIn(_Strict):
    """A number with its unit and how the source qualifies it."""

    value: float | None = Field(
        default=None, description="Null when the source gives no figure (say why)."
    )
    unit: str = Field(
        min_length=1,
        max_length=20,
        description="What is counted or the currency.",
        examples=["USD", "officers", "percent"],
    )
    qualifier: Qualifier | None = Field(
        default=None,
        description="How the source qualifies the number: exact, approximate, estimate, "
        "at_least ('over 6,000'), at_most. Required with a value.",
    )
    lower_bound: float | None = Field(
        default=None, description="Filled from the qualifier (exact, at_least); checked if given."
    )
    upper_bound: float | None = Field(
        default=None, description="Filled from the qualifier (exact, at_most); checked if given."
    )
    as_stated: str | None = Field(
        default=None, description="The source's own words; must lie inside a quote."
    )
    unknown_reason: str | None = Field(
        default=None, description="Why there is no value: required when `value` is null."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.value is None:
            if not self.unknown_reason:
                raise ValueError("a quantity without a value needs an unknown_reason")
            if self.qualifier is not None:
                raise ValueError("a quantity without a value takes no qualifier")
            return self
        if self.unknown_reason:
            raise ValueError("unknown_reason is only for quantities without a value")
        if self.qualifier is None:
            raise ValueError("a quantity with a value needs a qualifier")
        # The bounds the qualifier implies are filled in, and must agree if given.
        implied: dict[str, float] = {}
        if self.qualifier in (Qualifier.exact, Qualifier.at_least):
            implied["lower_bound"] = self.value
        if self.qualifier in (Qualifier.exact, Qualifier.at_most):
            implied["upper_bound"] = self.value
        for name, bound in implied.items():
            given = getattr(self, name)
            if given is not None and given != bound:
                raise ValueError(f"{name} {given} contradicts qualifier {self.qualifier}")
            setattr(self, name, bound)
        return self


class DateIn(_Strict):
    """A date at its precision, and how it was read from the text."""

    value: str | None = Field(
        default=None,
        description="ISO 8601 at its precision: year, month or day.",
        examples=["2025", "2025-10", "2025-02-25"],
    )
    precision: DatePrecision | None = Field(
        default=None, description="Implied by the value's length; checked if given."
    )
    qualifier: DateQualifier = Field(
        default=DateQualifier.exact,
        description="exact, approximate, on_or_before, on_or_after: how the date is bounded.",
    )
    as_stated: str | None = Field(
        default=None,
        description="The source's own words for the date.",
        examples=["on Tuesday", "until October 2025"],
    )
    resolution: str | None = Field(
        default=None, description="How a relative expression was resolved to this date."
    )
    resolved_from: str | None = Field(
        default=None,
        max_length=500,
        description="What outside the cited text the date was resolved from (another report, "
        "another fact): set it whenever the cited words alone do not give the date.",
    )
    unknown_reason: str | None = Field(
        default=None, description="Why there is no date: required when `value` is null."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.value is None:
            if not self.unknown_reason:
                raise ValueError("a date without a value needs an unknown_reason")
            self.precision = None
            return self
        precision = date_precision(self.value)
        if self.precision is not None and self.precision != precision:
            raise ValueError(f"precision {self.precision} does not match {self.value!r}")
        self.precision = precision
        return self


class CitationIn(_Strict):
    """A verbatim quote of a source; its character span is resolved by searching the text."""

    quote: str = Field(min_length=1, description="The source's words, verbatim.")
    source: Slug | None = Field(default=None, description="Defaults to the file's source.")
    occurrence: int | None = Field(
        default=None, ge=1, description="Which occurrence, when the quote appears more than once."
    )


def _citations(value: Any) -> Any:
    """Lets a seed file write a citation as a bare quote string."""
    if isinstance(value, list):
        return [{"quote": item} if isinstance(item, str) else item for item in value]
    return value


class Cited(_Strict):
    cite: list[CitationIn] = Field(
        min_length=1, description="The quotes that state it: at least one."
    )

    _shorthand = field_validator("cite", mode="before")(_citations)

    @field_validator("cite")
    @classmethod
    def _each_quote_once(cls, cites: list[CitationIn]) -> list[CitationIn]:
        seen: dict[tuple[str, str | None, int | None], int] = {}
        for index, citation in enumerate(cites):
            key = (citation.quote, citation.source, citation.occurrence)
            if key in seen:
                raise ValueError(f"cite.{index} repeats cite.{seen[key]}: cite each quote once")
            seen[key] = index
        return cites


class DerivationIn(_Strict):
    """A value computed from other facts; the loader computes it, nobody types it."""

    operation: Literal["difference", "percent_of"] = Field(
        description="difference: a - b; percent_of: a / b * 100, for inputs [a, b]."
    )
    inputs: list[Slug] = Field(
        min_length=2, max_length=2, description="The ids of the two input facts [a, b]."
    )
    unit: str = Field(min_length=1, max_length=20, description="The unit of the result.")


class FactIn(Cited):
    id: Slug = Field(description="The permanent id: lowercase words joined by hyphens.")
    kind: str = Field(description="What sort of fact; see docs/data-model.md for each kind.")
    summary: str = Field(min_length=1, description="One editorial sentence saying the fact.")
    mission: Slug | None = Field(default=None, description="The mission it concerns.")
    country: Iso3 | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")
    actor: Slug | None = Field(default=None, description="The person, body or group.")
    role: CountryRole | None = Field(default=None, description="A country's role.")
    stance: Stance | None = Field(default=None, description="A position's stance.")
    tense: Tense | None = Field(default=None, description="When a position was held.")
    status: ProposalStatus | None = Field(default=None, description="A proposal's status.")
    topic: str | None = Field(default=None, description="What a statement is about.")
    place: str | None = Field(default=None, description="Where, as the source names it.")
    cause: str | None = Field(default=None, description="Why, as the source says.")
    attributed_to: str | None = Field(
        default=None, description="Whom the source credits, e.g. 'UN reports'."
    )
    list_complete: bool | None = Field(
        default=None, description="False where the source marks its list as partial."
    )
    list_note: str | None = Field(default=None, description="What the source says of its list.")
    instrument: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The authorizing instrument as the source names it, e.g. a resolution's "
        "number and year: a mandate period is the facts that name the same one.",
    )
    related_mission: Slug | None = Field(
        default=None,
        description="The other mission of a relation (its successor, or the one it backs).",
    )
    quantity: QuantityIn | None = Field(default=None, description="The number, if any.")
    date: DateIn | None = Field(default=None, description="The date it refers to, if any.")
    derived: DerivationIn | None = Field(
        default=None, description="For a computed value: how; the value is never sent."
    )
    rank: Rank = Field(
        default=Rank.normal,
        description="As in Wikidata: where sources disagree on a figure, `preferred` marks "
        "the value to show; `deprecated` one kept only for the record.",
    )

    _iso3 = field_validator("country")(check_iso3)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in FACT_KINDS:
            shown = kind if len(kind) <= 60 else kind[:60] + "..."
            raise ValueError(f"unknown kind {shown!r}; known: {', '.join(sorted(FACT_KINDS))}")
        return kind

    @model_validator(mode="after")
    def _kind_needs(self) -> Self:
        if self.derived is not None and self.quantity is not None:
            raise ValueError("a derived fact takes no quantity: its value is computed")
        rule = FACT_KINDS[self.kind]
        present = {name for name in rule.needs if getattr(self, name) is not None}
        if self.derived is not None:
            present.add("quantity")
        missing = sorted(rule.needs - present)
        if missing:
            raise ValueError(f"a {self.kind} fact needs {', '.join(missing)}")
        if self.related_mission is not None and rule.relation is None:
            raise ValueError(f"a {self.kind} fact relates no missions: drop related_mission")
        if self.related_mission is not None and self.related_mission == self.mission:
            raise ValueError("a mission cannot be related to itself")
        unit = self.quantity.unit if self.quantity else (self.derived and self.derived.unit)
        if rule.unit is not None and unit and unit != rule.unit:
            raise ValueError(f"a {self.kind} fact is counted in {rule.unit}, not {unit}")
        return self


class MissionIn(Cited):
    """A mission or body, as the sources describe it."""

    slug: Slug = Field(description="The permanent slug: lowercase words joined by hyphens.")
    name: str | None = Field(
        default=None, min_length=1, max_length=300, description="Its name, where it has one."
    )
    name_unknown_reason: str | None = Field(
        default=None, min_length=1, max_length=1000, description="Why no name is given."
    )
    acronym: str | None = Field(
        default=None, min_length=1, max_length=20, description="Its acronym, where given."
    )
    label: str = Field(
        min_length=1, max_length=300, description="How to refer to it, whether or not named."
    )
    kind: str = Field(
        min_length=1, max_length=40, description="What sort of mission or body it is."
    )
    status: MissionStatus = Field(description="Its status as the source states it.")
    description: str = Field(
        min_length=1, max_length=5000, description="What it is, in a sentence (editorial)."
    )
    host_country: Iso3 | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")
    supports: Slug | None = Field(default=None, description="The mission it would back.")

    _iso3 = field_validator("host_country")(check_iso3)

    @model_validator(mode="after")
    def _name_or_reason(self) -> Self:
        if (self.name is None) == (self.name_unknown_reason is None):
            raise ValueError("give either a name or a name_unknown_reason, not both")
        return self


class ActorIn(Cited):
    """A person, body or group the sources name."""

    slug: Slug = Field(description="The permanent slug: lowercase words joined by hyphens.")
    name: str = Field(min_length=1, max_length=300, description="Its name as the source gives it.")
    kind: ActorKind = Field(description="person, body, group, government or organization.")
    title: str | None = Field(
        default=None, min_length=1, max_length=300, description="Office or function, if given."
    )
    country: Iso3 | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")

    _iso3 = field_validator("country")(check_iso3)


class SourceMeta(_Strict):
    """What is known about a source document, apart from its text."""

    id: Slug = Field(description="The source's permanent id.")
    url: str = Field(min_length=1, max_length=2000, description="Where it was published.")
    publisher: str = Field(min_length=1, max_length=300, description="Who published it.")
    title: str | None = Field(default=None, max_length=1000, description="Its title.")
    title_derived: bool = Field(
        default=False, description="True when the title is not the document's own."
    )
    title_derivation: str | None = Field(default=None, description="How a derived title was found.")
    language: str = Field(
        min_length=2, max_length=12, description="BCP 47 language tag.", examples=["en"]
    )
    published: DateIn = Field(description="The publication date, at its precision.")
    notes: str | None = Field(default=None, description="What else is known about it.")
    not_citable: list[str] = Field(
        default_factory=list,
        description="Text that is page furniture, not the document: no citation may touch it.",
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        # Links to the source are written into pages and feeds: only web addresses, never
        # javascript:, data: or file: ones.
        scheme, sep, rest = url.partition(":")
        if not sep or scheme.lower() not in ("http", "https") or not rest.startswith("//"):
            raise ValueError("must be an http:// or https:// address")
        if not rest[2:].split("/", 1)[0]:
            raise ValueError("must name a host, e.g. https://example.org/page")
        if any(char.isspace() for char in url):
            raise ValueError("must not contain spaces (percent-encode them)")
        return url

    @model_validator(mode="after")
    def _derivation_explained(self) -> Self:
        if self.title_derived and not self.title_derivation:
            raise ValueError("a derived title needs a title_derivation")
        return self


class SourceIn(SourceMeta):
    """A source of the seed files: its text is a file beside sources.yaml."""

    file: str = Field(description="The text file, beside sources.yaml, byte for byte.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Pins the file's bytes.")


class SourceUpload(SourceMeta):
    """A source sent to the write API: its text travels in the body."""

    text: str = Field(min_length=1, description="The document's text, exactly as published.")
    sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="Optional: the SHA-256 of the text's UTF-8 bytes, checked if given.",
    )

    @model_validator(mode="after")
    def _furniture_in_text(self) -> Self:
        for furniture in self.not_citable:
            if furniture not in self.text:
                raise ValueError(f"not_citable text {furniture!r} is not in the text")
        return self


class SourcesFile(_Strict):
    sources: list[SourceIn] = Field(min_length=1)


ReasonText = Annotated[
    str,
    Field(
        min_length=3,
        max_length=1000,
        description="Why: shown in the record's history and in the change feed.",
        examples=["The letter gives 110.8 million, not 110.3 million"],
    ),
]


class Reason(_Strict):
    reason: ReasonText


class FactCorrection(FactIn):
    """A whole new version of a fact (PUT): every field, plus why it changed."""

    reason: ReasonText


class FactsFile(_Strict):
    source: Slug = Field(description="The source a citation quotes unless it names another.")
    missions: list[MissionIn] = Field(default_factory=list)
    actors: list[ActorIn] = Field(default_factory=list)
    facts: list[FactIn] = Field(default_factory=list)
