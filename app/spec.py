"""Input models: the one validation path for everything written to the database.

The seed loader validates seed/*.yaml with these models, and any future write route must use the
same ones, so a record is held to the same rules however it arrives.
"""

import re
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.countries import lookup_country
from app.vocab import FACT_KINDS, DatePrecision, DateQualifier, Qualifier

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)]

_DATE_FORMATS = {4: DatePrecision.year, 7: DatePrecision.month, 10: DatePrecision.day}
_DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def check_iso3(code: str) -> str:
    country = lookup_country(code)
    if country is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return country.iso3


Iso3 = Annotated[str, Field(min_length=3, max_length=3)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


def date_precision(value: str) -> DatePrecision:
    """Precision of an ISO date written at year, month or day precision; ValueError if invalid."""
    if not _DATE_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = [*value.split("-"), "01", "01"][:3]
    date(int(year), int(month), int(day))  # rejects 2025-02-30 and month 13
    return _DATE_FORMATS[len(value)]


class QuantityIn(_Strict):
    """A number with its unit and how the source qualifies it."""

    value: float | None = Field(
        default=None, description="Null when the source gives no figure (say why)."
    )
    unit: str = Field(min_length=1, max_length=20, examples=["USD", "officers", "percent"])
    qualifier: Qualifier | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    as_stated: str | None = Field(default=None, description="The source's own words.")
    unknown_reason: str | None = None

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

    value: str | None = Field(default=None, examples=["2025", "2025-10", "2025-02-25"])
    precision: DatePrecision | None = Field(
        default=None, description="Implied by the value's length; checked if given."
    )
    qualifier: DateQualifier = DateQualifier.exact
    as_stated: str | None = Field(default=None, examples=["on Tuesday", "until October 2025"])
    resolution: str | None = Field(
        default=None, description="How a relative expression was resolved to this date."
    )
    unknown_reason: str | None = None

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

    quote: str = Field(min_length=1)
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
    cite: list[CitationIn] = Field(min_length=1)

    _shorthand = field_validator("cite", mode="before")(_citations)


class DerivationIn(_Strict):
    """A value computed from other facts; the loader computes it, nobody types it."""

    operation: Literal["difference", "percent_of"] = Field(
        description="difference: a - b; percent_of: a / b * 100, for inputs [a, b]."
    )
    inputs: list[Slug] = Field(min_length=2, max_length=2)
    unit: str = Field(min_length=1, max_length=20)


class FactIn(Cited):
    id: Slug
    kind: str
    summary: str = Field(min_length=1)
    mission: Slug | None = None
    country: Iso3 | None = None
    actor: Slug | None = None
    role: str | None = None
    stance: str | None = None
    tense: str | None = None
    status: str | None = None
    topic: str | None = None
    place: str | None = None
    cause: str | None = None
    attributed_to: str | None = None
    list_complete: bool | None = Field(
        default=None, description="False where the source marks its list as partial."
    )
    list_note: str | None = None
    quantity: QuantityIn | None = None
    date: DateIn | None = None
    derived: DerivationIn | None = None

    _iso3 = field_validator("country")(check_iso3)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in FACT_KINDS:
            raise ValueError(f"unknown kind {kind!r}; known: {', '.join(sorted(FACT_KINDS))}")
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
        return self


class MissionIn(Cited):
    slug: Slug
    name: str | None = None
    name_unknown_reason: str | None = None
    acronym: str | None = None
    label: str = Field(min_length=1, description="How to refer to it, whether or not named.")
    kind: str
    status: Literal["active", "proposed", "past"]
    description: str
    host_country: Iso3 | None = None
    supports: Slug | None = None

    _iso3 = field_validator("host_country")(check_iso3)

    @model_validator(mode="after")
    def _name_or_reason(self) -> Self:
        if (self.name is None) == (self.name_unknown_reason is None):
            raise ValueError("give either a name or a name_unknown_reason, not both")
        return self


class ActorIn(Cited):
    slug: Slug
    name: str
    kind: Literal["person", "body", "group", "government", "organization"]
    title: str | None = None
    country: Iso3 | None = None

    _iso3 = field_validator("country")(check_iso3)


class SourceIn(_Strict):
    id: Slug
    file: str = Field(description="The text file, beside sources.yaml, byte for byte.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Pins the file's bytes.")
    url: str
    publisher: str
    title: str | None = None
    title_derived: bool = False
    title_derivation: str | None = None
    language: str
    published: DateIn
    notes: str | None = None
    not_citable: list[str] = Field(
        default_factory=list,
        description="Text that is page furniture, not the document: no citation may touch it.",
    )

    @model_validator(mode="after")
    def _derivation_explained(self) -> Self:
        if self.title_derived and not self.title_derivation:
            raise ValueError("a derived title needs a title_derivation")
        return self


class SourcesFile(_Strict):
    sources: list[SourceIn] = Field(min_length=1)


class FactsFile(_Strict):
    source: Slug = Field(description="The source a citation quotes unless it names another.")
    missions: list[MissionIn] = Field(default_factory=list)
    actors: list[ActorIn] = Field(default_factory=list)
    facts: list[FactIn] = Field(default_factory=list)
