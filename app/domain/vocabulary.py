"""The controlled vocabularies, declared once: every closed list, and every fact kind with all
that an output needs to show it (its groups, required fields, label, HXL hashtags, country role
and key-figure name).

Routes, queries, input and output models, CSV columns, HTML wording, charts, cite text and the
OpenAPI enums all read from here; adding a kind is one `FactKind` in `FACT_KINDS` plus its data.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Qualifier(StrEnum):
    """How a number relates to the truth, as the source words it."""

    exact = "exact"  # "$48 million"
    approximate = "approximate"  # "about 1,000"
    estimate = "estimate"  # "an estimated 85%"
    at_least = "at_least"  # "over 6,000": a lower bound
    at_most = "at_most"  # "up to 2,500": an upper bound


class DatePrecision(StrEnum):
    year = "year"
    month = "month"
    day = "day"


class DateQualifier(StrEnum):
    exact = "exact"  # the date itself, at its precision
    on_or_after = "on_or_after"  # a lower bound
    on_or_before = "on_or_before"  # an upper bound ("in recent weeks" before a known day)
    before = "before"
    after = "after"
    approximate = "approximate"  # near the date, no bound implied


class CaveatCode(StrEnum):
    """What a reader must not miss about a figure (see app.domain.caveats for the sentences)."""

    lower_bound = "lower_bound"
    upper_bound = "upper_bound"
    estimate = "estimate"
    approximate = "approximate"
    value_unknown = "value_unknown"
    derived = "derived"
    list_partial = "list_partial"
    received_not_disbursed = "received_not_disbursed"
    date_inexact = "date_inexact"
    date_resolved_elsewhere = "date_resolved_elsewhere"
    publication_date_inexact = "publication_date_inexact"
    stale = "stale"
    mandate_ended = "mandate_ended"
    sources_disagree = "sources_disagree"


class Stance(StrEnum):
    """A position taken on a question about a mission."""

    supported = "supported"
    raised_concerns = "raised_concerns"
    reconsidering = "reconsidering"
    preferred_alternative = "preferred_alternative"


class Tense(StrEnum):
    """When a stance held, in the source's terms."""

    current = "current"
    previously = "previously"
    initially = "initially"
    for_now = "for_now"  # "at least for now"


# How the qualifiers read in a sentence. The words a source may use for each quantity
# qualifier; the first is used when the source's own words
# (`as_stated`) do not start with any of them.
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    Qualifier.at_least: ("at least", "over", "more than", "upwards of"),
    Qualifier.at_most: ("at most", "up to", "no more than", "fewer than", "less than"),
    Qualifier.estimate: ("an estimated", "estimated"),
    Qualifier.approximate: ("about", "around", "roughly", "approximately", "some", "nearly"),
    Qualifier.exact: (),
}

DATE_QUALIFIER_WORDS: dict[str, str] = {
    DateQualifier.exact: "",
    DateQualifier.on_or_after: "on or after",
    DateQualifier.on_or_before: "on or before",
    DateQualifier.before: "before",
    DateQualifier.after: "after",
    DateQualifier.approximate: "around",
}

# How stances and tenses read in a sentence.
STANCE_WORDS: dict[str, str] = {
    Stance.supported: "supported",
    Stance.raised_concerns: "raised concerns",
    Stance.reconsidering: "reconsidering",
    Stance.preferred_alternative: "preferred an alternative",
}
TENSE_WORDS: dict[str, str] = {
    Tense.current: "now",
    Tense.previously: "previously",
    Tense.initially: "initially",
    Tense.for_now: "at least for now",
}


class ProposalStatus(StrEnum):
    proposed = "proposed"
    advocated = "advocated"
    under_review = "under_review"
    ruled_out = "ruled_out"
    open = "open"


class CountryRole(StrEnum):
    """What a country is to a mission, as GET /countries names it."""

    host = "host"
    lead = "lead"
    personnel_contributor = "personnel_contributor"
    donor = "donor"
    council_position = "council_position"


class MissionStatus(StrEnum):
    """A mission's status as its source states it, when the source wrote."""

    active = "active"
    proposed = "proposed"
    past = "past"


class MissionState(StrEnum):
    """A mission's status at a moment, computed from what its sources state (app.domain.status)."""

    active = "active"
    ended = "ended"
    proposed = "proposed"
    succeeded = "succeeded"
    unknown = "unknown"


class FundingStage(StrEnum):
    """Where money stands, as OCHA FTS names a flow's status: promised, bound, paid in, paid
    out; and what a fund has done with what it received."""

    pledged = "pledged"
    committed = "committed"
    received = "received"
    disbursed = "disbursed"
    allocated = "allocated"
    unallocated = "unallocated"


class MandatePart(StrEnum):
    """What a fact says of one mandate period: each period gathers the facts that name the
    same authorizing instrument."""

    adopted = "adopted"  # the day the instrument was adopted
    start = "start"
    end = "end"
    ceiling = "ceiling"  # the authorized strength


class Relation(StrEnum):
    """How two missions relate. Each is stated by a fact of one of them; its inverse is read
    from the same fact."""

    succeeded_by = "succeeded_by"
    succeeds = "succeeds"
    supports = "supports"
    supported_by = "supported_by"


# The relation a fact states, and how it reads from the other mission.
RELATION_INVERSE: dict[Relation, Relation] = {
    Relation.succeeded_by: Relation.succeeds,
    Relation.succeeds: Relation.succeeded_by,
    Relation.supports: Relation.supported_by,
    Relation.supported_by: Relation.supports,
}


class ActorKind(StrEnum):
    person = "person"
    body = "body"
    group = "group"
    government = "government"
    organization = "organization"


class Rank(StrEnum):
    """As in Wikidata: where sources disagree, `preferred` marks the value to show."""

    preferred = "preferred"
    normal = "normal"
    deprecated = "deprecated"


class RecordStatus(StrEnum):
    current = "current"
    superseded = "superseded"
    retracted = "retracted"


class DateMatch(StrEnum):
    """How a date filter treats a date known only as a period or a bound."""

    overlaps = "overlaps"  # the date's interval may fall in the window
    within = "within"  # the date's interval lies wholly inside the window


class Group(StrEnum):
    """The lists a fact kind belongs to: each list of the API and section of a page is a group."""

    host = "host"
    contributor = "contributor"
    note = "note"
    personnel = "personnel"
    funding = "funding"
    donor = "donor"
    need = "need"
    position = "position"
    proposal = "proposal"
    open_question = "open_question"
    statement = "statement"
    displacement = "displacement"
    indicator = "indicator"
    timeline = "timeline"  # dated events, in date order
    situation = "situation"  # the conditions of the host country a fact sheet shows
    mandate = "mandate"  # what a mandate period is made of: instrument, dates, ceiling
    relation = "relation"  # a mission's successor, or the mission it backs
    flow = "flow"  # money promised, bound or paid, per donor where known, in its currency


# What a fact's date means in each kind's list (HXL #date attributes).
DATE_REPORTED = "#date+reported"
DATE_OCCURRED = "#date+occurred"
DATE_AS_OF = "#date+reported+as_of"
DATE_ENDS = "#date+end"


@dataclass(frozen=True)
class FactKind:
    """A fact kind and all that any output needs of it."""

    name: str
    description: str
    label: str  # what a fact of the kind is, in words, lower case: "funds received"
    groups: frozenset[Group]
    needs: frozenset[str] = frozenset()  # the fields a fact of the kind must carry
    value_tag: str = "#indicator+value+num"  # the HXL hashtag of its value
    date_tag: str = DATE_REPORTED  # the HXL hashtag of its date: what the date is
    country_role: CountryRole | None = None
    key_figure: str | None = None  # its name among a mission's key figures
    received_money: bool = False  # money received: says nothing of what was spent
    unit: str | None = None  # the unit its quantities are in, where the kind fixes one
    # How a figure of the kind reads in an article's sentence: {figure} (with its qualifier),
    # {mission}, {country}, {actor}, {place}. Kinds without one read as their summary.
    sentence: str | None = None
    funding_stage: FundingStage | None = None  # the stage of money a funding kind counts
    mandate_part: MandatePart | None = None  # what it says of a mandate period
    relation: Relation | None = None  # the relation it states, from the fact's mission

    def in_group(self, group: Group) -> bool:
        return group in self.groups


def _kind(
    name: str,
    description: str,
    label: str,
    groups: Iterable[Group],
    *needs: str,
    **details: object,
) -> FactKind:
    return FactKind(name, description, label, frozenset(groups), frozenset(needs), **details)  # type: ignore[arg-type]


G = Group
_PEOPLE = "#affected+idps+num"
_MONEY = "#value+funding+usd"
_PERSONNEL = "#capacity+personnel+num"
_DECLARED = (
    _kind(
        "personnel.deployed",
        "Personnel a mission has deployed.",
        "personnel deployed",
        [G.personnel],
        "mission",
        "quantity",
        value_tag=_PERSONNEL,
        date_tag=DATE_AS_OF,
        key_figure="personnel_deployed",
        sentence="{mission} had deployed {figure}",
    ),
    _kind(
        "personnel.planned",
        "Personnel a mission planned to deploy.",
        "personnel planned",
        [G.personnel],
        "mission",
        "quantity",
        value_tag=_PERSONNEL,
        key_figure="personnel_planned",
        sentence="{mission} planned to deploy {figure}",
    ),
    _kind(
        "personnel.deployed_share",
        "Deployed personnel as a share of planned (derived).",
        "share of planned personnel deployed",
        [G.personnel],
        "mission",
        "quantity",
        value_tag="#capacity+personnel+pct",
        key_figure="personnel_deployed_share",
        unit="percent",
        sentence="{mission} had deployed {figure} of its planned personnel",
    ),
    _kind(
        "funding.received",
        "Money a mission's fund has received.",
        "funds received",
        [G.funding],
        "mission",
        "quantity",
        value_tag=_MONEY,
        date_tag=DATE_AS_OF,
        key_figure="funding_received",
        received_money=True,
        unit="USD",
        sentence="The fund of {mission} had received {figure}",
        funding_stage=FundingStage.received,
    ),
    _kind(
        "funding.unallocated",
        "Money received but not yet allocated.",
        "funds unallocated",
        [G.funding],
        "mission",
        "quantity",
        value_tag=_MONEY,
        date_tag=DATE_AS_OF,
        key_figure="funding_unallocated",
        unit="USD",
        sentence="{figure} of the fund of {mission} remained unallocated",
        funding_stage=FundingStage.unallocated,
    ),
    _kind(
        "funding.allocated",
        "Money received and allocated (derived).",
        "funds allocated",
        [G.funding],
        "mission",
        "quantity",
        value_tag=_MONEY,
        key_figure="funding_allocated",
        unit="USD",
        sentence="{figure} of the fund of {mission} was allocated",
        funding_stage=FundingStage.allocated,
    ),
    _kind(
        "funding.need",
        "Funding a mission still needs.",
        "funding still needed",
        [G.funding, G.need],
        "mission",
        value_tag=_MONEY,
        unit="USD",
    ),
    _kind(
        "funding.donor",
        "A country that gave to a mission's fund.",
        "donor",
        [G.donor],
        "mission",
        "country",
        value_tag=_MONEY,
        country_role=CountryRole.donor,
        unit="USD",
    ),
    _kind(
        "mission.host_country",
        "The country a mission operates in.",
        "host country",
        [G.host],
        "mission",
        "country",
        country_role=CountryRole.host,
    ),
    _kind(
        "mission.lead_nation",
        "The country leading a mission.",
        "lead nation",
        [G.contributor],
        "mission",
        "country",
        country_role=CountryRole.lead,
        key_figure="lead_nation",
    ),
    _kind(
        "mission.personnel_contributor",
        "A country contributing personnel to a mission.",
        "personnel contributor",
        [G.contributor],
        "mission",
        "country",
        value_tag=_PERSONNEL,
        country_role=CountryRole.personnel_contributor,
    ),
    _kind(
        "mission.mandate_end",
        "The date until which a mission is authorized.",
        "mandate ends",
        [G.timeline, G.mandate],
        "mission",
        "date",
        date_tag=DATE_ENDS,
        key_figure="mandate_end",
        mandate_part=MandatePart.end,
    ),
    _kind(
        "mission.mandate_adopted",
        "The day the instrument authorizing a mandate was adopted.",
        "mandate adopted",
        [G.timeline, G.mandate],
        "mission",
        "date",
        date_tag=DATE_OCCURRED,
        mandate_part=MandatePart.adopted,
    ),
    _kind(
        "mission.mandate_start",
        "The day from which a mandate authorizes a mission.",
        "mandate starts",
        [G.timeline, G.mandate],
        "mission",
        "date",
        date_tag="#date+start",
        mandate_part=MandatePart.start,
    ),
    _kind(
        "mission.authorized_strength",
        "The most personnel a mandate authorizes: its ceiling.",
        "authorized strength",
        [G.mandate],
        "mission",
        "quantity",
        value_tag="#capacity+personnel+authorized+num",
        mandate_part=MandatePart.ceiling,
        sentence="{mission} was authorized up to {figure}",
    ),
    _kind(
        "mission.succeeded_by",
        "The mission that took over from this one, and when.",
        "succeeded by",
        [G.relation, G.timeline],
        "mission",
        "related_mission",
        date_tag=DATE_OCCURRED,
        relation=Relation.succeeded_by,
    ),
    _kind(
        "mission.supports",
        "A mission this one backs (an office supporting a force).",
        "supports",
        [G.relation],
        "mission",
        "related_mission",
        relation=Relation.supports,
    ),
    _kind(
        "personnel.contributed",
        "Personnel one contributing country has deployed to a mission.",
        "personnel contributed",
        [G.contributor],
        "mission",
        "country",
        "quantity",
        value_tag=_PERSONNEL,
        date_tag=DATE_AS_OF,
        country_role=CountryRole.personnel_contributor,
        sentence="{country} had deployed {figure} to {mission}",
    ),
    *(
        _kind(
            f"funding.{stage}",
            description,
            f"funds {stage}",
            [G.flow],
            "mission",
            "quantity",
            value_tag="#value+funding",
            date_tag=DATE_AS_OF,
            country_role=CountryRole.donor,
            funding_stage=stage,
            sentence=f"{{figure}} was {stage} to {{mission}}",
        )
        for stage, description in (
            (FundingStage.pledged, "Money promised to a mission, by a donor where named."),
            (FundingStage.committed, "Money bound by agreement to a mission."),
            (FundingStage.disbursed, "Money paid out to or for a mission."),
        )
    ),
    _kind(
        "mission.challenge", "A difficulty a mission has faced.", "challenge", [G.note], "mission"
    ),
    _kind(
        "mission.characterization",
        "How the source characterizes a mission.",
        "characterization",
        [G.note],
        "mission",
    ),
    _kind(
        "mission.controversy", "A controversy a mission faced.", "controversy", [G.note], "mission"
    ),
    _kind(
        "displacement",
        "People displaced: a count, a place, a period and a cause.",
        "people displaced",
        [G.displacement, G.timeline, G.situation],
        "country",
        "quantity",
        "date",
        value_tag=_PEOPLE,
        date_tag=DATE_OCCURRED,
        unit="people",
        sentence="{figure} were displaced in {country}",
    ),
    _kind(
        "indicator.territorial_control",
        "Share of a place controlled by an armed actor.",
        "territory controlled",
        [G.indicator, G.situation],
        "country",
        "quantity",
        "place",
        value_tag="#indicator+control+pct",
        date_tag=DATE_AS_OF,
        unit="percent",
        sentence="{actor} controlled {figure} of {place}",
    ),
    _kind(
        "position",
        "A stance taken on a question about a mission (e.g. a UN peacekeeping transition).",
        "position",
        [G.position],
        "mission",
        "stance",
        country_role=CountryRole.council_position,
    ),
    _kind(
        "proposal.recommendation",
        "A proposal someone recommends.",
        "recommendation",
        [G.proposal],
        "mission",
        "actor",
    ),
    _kind(
        "proposal.ruled_out",
        "An option someone has ruled out.",
        "option ruled out",
        [G.proposal],
        "mission",
        "actor",
    ),
    _kind(
        "proposal.purpose",
        "What a proposed body would do.",
        "purpose",
        [G.proposal],
        "mission",
    ),
    _kind(
        "proposal.financing",
        "How a proposal would be financed.",
        "financing",
        [G.proposal],
        "mission",
    ),
    _kind(
        "proposal.supply",
        "Something a proposal would supply.",
        "supply",
        [G.proposal],
        "mission",
    ),
    _kind(
        "proposal.strategy",
        "A strategy someone advocates.",
        "strategy",
        [G.proposal],
        "mission",
        "actor",
    ),
    _kind(
        "proposal.review",
        "Who is reviewing a proposal.",
        "review",
        [G.proposal],
        "mission",
        "actor",
    ),
    _kind(
        "proposal.open_question",
        "A question the source leaves open.",
        "open question",
        [G.proposal, G.open_question],
        "mission",
    ),
    _kind(
        "need.capability",
        "A capability a mission needs.",
        "capability needed",
        [G.need],
        "mission",
    ),
    _kind(
        "need.protected_infrastructure",
        "Infrastructure that needs protection.",
        "infrastructure to protect",
        [G.need],
        "mission",
    ),
    _kind(
        "statement.quote",
        "Words a named actor said or wrote, verbatim.",
        "quote",
        [G.statement],
        "actor",
    ),
    _kind(
        "statement.warning",
        "A warning attributed to a named actor.",
        "warning",
        [G.statement],
        "actor",
    ),
    _kind(
        "statement.assessment",
        "An assessment attributed to a named actor.",
        "assessment",
        [G.statement],
        "actor",
    ),
    _kind(
        "event.letter",
        "A letter sent, and when.",
        "letter",
        [G.timeline],
        "actor",
        "date",
        date_tag=DATE_OCCURRED,
    ),
    _kind(
        "event.outbreak",
        "A disease outbreak, and when.",
        "outbreak",
        [G.timeline],
        "date",
        date_tag=DATE_OCCURRED,
    ),
)


@dataclass
class Vocabulary:
    """The fact kinds, and every list of them that the outputs use, derived once."""

    kinds: dict[str, FactKind] = field(default_factory=dict)
    # Each group's kinds, derived on first use: a page asks for them many times. Adding or
    # removing a kind forgets them.
    _groups: dict[Group, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def add(self, kind: FactKind) -> None:
        if kind.name in self.kinds:
            raise ValueError(f"fact kind {kind.name!r} is declared twice")
        self.kinds[kind.name] = kind
        self._groups.clear()

    def remove(self, name: str) -> None:
        del self.kinds[name]
        self._groups.clear()

    def in_group(self, group: Group) -> tuple[str, ...]:
        found = self._groups.get(group)
        if found is None:
            found = tuple(name for name, kind in self.kinds.items() if kind.in_group(group))
            self._groups[group] = found
        return found

    def key_figures(self) -> dict[str, str]:
        """Key-figure name -> kind, in the order a reader looks for them."""
        return {k.key_figure: k.name for k in self.kinds.values() if k.key_figure}

    def country_roles(self) -> dict[str, CountryRole]:
        return {k.name: k.country_role for k in self.kinds.values() if k.country_role}

    def label(self, name: str) -> str:
        kind = self.kinds.get(name)
        return kind.label if kind else name

    def kinds_with_role(self, role: str) -> list[str]:
        return [name for name, r in self.country_roles().items() if r == role]


VOCABULARY = Vocabulary()
for _declared in _DECLARED:
    VOCABULARY.add(_declared)

# The live mapping: a kind added to VOCABULARY (a fixture's, in the tests) is seen everywhere.
FACT_KINDS = VOCABULARY.kinds
kinds_in = VOCABULARY.in_group


def quantity_kinds() -> tuple[str, ...]:
    """The kinds whose facts are figures: the ones a series can be read of."""
    return tuple(name for name, kind in FACT_KINDS.items() if "quantity" in kind.needs)


def funding_stages() -> dict[str, FundingStage]:
    """Kind -> the stage of money it counts, in the stages' order."""
    staged = {name: kind.funding_stage for name, kind in FACT_KINDS.items() if kind.funding_stage}
    order = list(FundingStage)
    return dict(sorted(staged.items(), key=lambda item: order.index(item[1])))


def mandate_parts() -> dict[str, MandatePart]:
    return {name: kind.mandate_part for name, kind in FACT_KINDS.items() if kind.mandate_part}


def relation_kinds() -> dict[str, Relation]:
    return {name: kind.relation for name, kind in FACT_KINDS.items() if kind.relation}


def funding_parts() -> dict[str, str]:
    """The parts of a fund, named after their kinds: funding.received is `received`."""
    return {kind.split(".", 1)[-1]: kind for kind in kinds_in(Group.funding)}
