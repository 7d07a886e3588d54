"""The controlled vocabularies: fact kinds and the qualifiers of quantities and dates."""

from dataclasses import dataclass
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
    publication_date_inexact = "publication_date_inexact"


@dataclass(frozen=True)
class KindRule:
    """What a fact of one kind must carry; the loader and the API both enforce it."""

    description: str
    needs: frozenset[str] = frozenset()
    timeline: bool = False


def _rule(description: str, *needs: str, timeline: bool = False) -> KindRule:
    return KindRule(description, frozenset(needs), timeline)


FACT_KINDS: dict[str, KindRule] = {
    "mission.host_country": _rule("The country a mission operates in.", "mission", "country"),
    "mission.lead_nation": _rule("The country leading a mission.", "mission", "country"),
    "mission.personnel_contributor": _rule(
        "A country contributing personnel to a mission.", "mission", "country"
    ),
    "mission.mandate_end": _rule(
        "The date until which a mission is authorized.", "mission", "date", timeline=True
    ),
    "mission.challenge": _rule("A difficulty a mission has faced.", "mission"),
    "mission.characterization": _rule("How the source characterizes a mission.", "mission"),
    "mission.controversy": _rule("A controversy a mission faced.", "mission"),
    "personnel.planned": _rule("Personnel a mission planned to deploy.", "mission", "quantity"),
    "personnel.deployed": _rule("Personnel a mission has deployed.", "mission", "quantity"),
    "personnel.deployed_share": _rule(
        "Deployed personnel as a share of planned (derived).", "mission", "quantity"
    ),
    "funding.received": _rule("Money a mission's fund has received.", "mission", "quantity"),
    "funding.unallocated": _rule("Money received but not yet allocated.", "mission", "quantity"),
    "funding.allocated": _rule("Money received and allocated (derived).", "mission", "quantity"),
    "funding.donor": _rule("A country that gave to a mission's fund.", "mission", "country"),
    "funding.need": _rule("Funding a mission still needs.", "mission"),
    "displacement": _rule(
        "People displaced: a count, a place, a period and a cause.",
        "country",
        "quantity",
        "date",
        timeline=True,
    ),
    "indicator.territorial_control": _rule(
        "Share of a place controlled by an armed actor.", "country", "quantity", "place"
    ),
    "position": _rule(
        "A stance taken on a question about a mission (e.g. a UN peacekeeping transition).",
        "mission",
        "stance",
    ),
    "proposal.recommendation": _rule("A proposal someone recommends.", "mission", "actor"),
    "proposal.ruled_out": _rule("An option someone has ruled out.", "mission", "actor"),
    "proposal.purpose": _rule("What a proposed body would do.", "mission"),
    "proposal.financing": _rule("How a proposal would be financed.", "mission"),
    "proposal.supply": _rule("Something a proposal would supply.", "mission"),
    "proposal.strategy": _rule("A strategy someone advocates.", "mission", "actor"),
    "proposal.review": _rule("Who is reviewing a proposal.", "mission", "actor"),
    "proposal.open_question": _rule("A question the source leaves open.", "mission"),
    "need.capability": _rule("A capability a mission needs.", "mission"),
    "need.protected_infrastructure": _rule("Infrastructure that needs protection.", "mission"),
    "statement.quote": _rule("Words a named actor said or wrote, verbatim.", "actor"),
    "statement.warning": _rule("A warning attributed to a named actor.", "actor"),
    "statement.assessment": _rule("An assessment attributed to a named actor.", "actor"),
    "event.letter": _rule("A letter sent, and when.", "actor", "date", timeline=True),
    "event.outbreak": _rule("A disease outbreak, and when.", "date", timeline=True),
}

TIMELINE_KINDS = frozenset(k for k, rule in FACT_KINDS.items() if rule.timeline)

# Country roles, as GET /countries/{iso3} names them.
COUNTRY_ROLE_BY_KIND = {
    "mission.host_country": "host",
    "mission.lead_nation": "lead",
    "mission.personnel_contributor": "personnel_contributor",
    "funding.donor": "donor",
    "position": "council_position",
}

CONTRIBUTOR_KINDS = ("mission.lead_nation", "mission.personnel_contributor")
NEED_KINDS = ("need.capability", "need.protected_infrastructure", "funding.need")
STATEMENT_KINDS = ("statement.quote", "statement.warning", "statement.assessment")
PERSONNEL_KINDS = ("personnel.planned", "personnel.deployed", "personnel.deployed_share")
