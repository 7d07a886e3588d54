"""Caveats: what a reader must not miss about a number, as codes with a sentence each.

A chart that shows "over 6,000" as 6,000, or "received" as "spent", misleads; a caveat travels
with the figure so the app that draws it can say so. The codes are a closed list (an enum in the
OpenAPI schema); the sentences are for people. The rules here read a fact's stored fields; the
query layer filters on the same rules (`?caveat=`), and a test holds the two to agreement.
"""

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from app.domain.vocabulary import FACT_KINDS, CaveatCode, DateQualifier, Qualifier

MESSAGES = {
    CaveatCode.lower_bound: 'A lower bound: the source says "over" or "at least"; the true '
    "figure may be higher.",
    CaveatCode.upper_bound: 'An upper bound: the source says "up to" or "at most"; the true '
    "figure may be lower.",
    CaveatCode.estimate: "An estimate, as the source words it, not a count.",
    CaveatCode.approximate: "An approximate figure, as the source words it.",
    CaveatCode.value_unknown: "The source gives no figure; the value is unknown, not zero.",
    CaveatCode.derived: "Computed by this API from other facts (see `derivation`); the source "
    "does not state it.",
    CaveatCode.list_partial: 'The source\'s list is partial ("including"): members it does not '
    "name may exist.",
    CaveatCode.received_not_disbursed: "Money received into the fund: the source does not say "
    "how much has been disbursed or spent.",
    CaveatCode.date_inexact: "The date is not exact: read its qualifier and precision.",
    CaveatCode.date_resolved_elsewhere: "The date is not in the cited words: it was resolved "
    "from elsewhere (see the date's `resolved_from`).",
    CaveatCode.publication_date_inexact: "The source's publication date is not exact: only a "
    "bound is known (see `published`).",
    CaveatCode.stale: "An old figure: its date lies further back than the age after which "
    "figures are flagged (180 days by default) before the day this answer is for.",
    CaveatCode.mandate_ended: "The mission's last known mandate has ended: no source here says "
    "it was renewed, nor that the mission stopped (see `status`).",
    CaveatCode.sources_disagree: "Sources disagree on this figure for its date: the value shown "
    "is the preferred one (by rank, then the most recent source, then the latest recorded); "
    "see the mission's `series` for every value.",
}

QUANTITY_CAVEATS = {
    Qualifier.at_least: CaveatCode.lower_bound,
    Qualifier.at_most: CaveatCode.upper_bound,
    Qualifier.estimate: CaveatCode.estimate,
    Qualifier.approximate: CaveatCode.approximate,
}
# Caveats said of sources, missions or key figures, never of a fact alone.
NOT_OF_FACTS = frozenset(
    {CaveatCode.publication_date_inexact, CaveatCode.mandate_ended, CaveatCode.sources_disagree}
)


class FactFields(Protocol):
    """The stored fields the caveats of a fact are read from."""

    kind: str
    qualifier: str | None
    unit: str | None
    value: float | None
    derived: bool
    list_complete: bool | None
    date_value: str | None
    date_qualifier: str | None
    date_resolved_from: str | None
    date_latest: str | None


def is_stale(unit: str | None, date_latest: str | None, stale_before: date | None) -> bool:
    """A figure (a fact with a quantity) is old when the last day its date may be lies before
    `stale_before`: the day a read is for, less the age after which figures are flagged. An
    undated figure, one whose date has no upper bound, and a fact that is no figure (an event
    of 2010 is history, not an old count) are not said to be old."""
    if stale_before is None or unit is None or date_latest is None:
        return False
    return date_latest < stale_before.isoformat()


def fact_caveat_codes(row: FactFields, *, stale_before: date | None = None) -> list[CaveatCode]:
    codes: list[CaveatCode] = []
    if row.qualifier in QUANTITY_CAVEATS:
        codes.append(QUANTITY_CAVEATS[Qualifier(row.qualifier)])
    if row.unit is not None and row.value is None:
        codes.append(CaveatCode.value_unknown)
    if row.derived:
        codes.append(CaveatCode.derived)
    if row.list_complete is False:
        codes.append(CaveatCode.list_partial)
    kind = FACT_KINDS.get(row.kind)
    if kind is not None and kind.received_money:
        codes.append(CaveatCode.received_not_disbursed)
    if row.date_value is not None and row.date_qualifier not in (None, DateQualifier.exact):
        codes.append(CaveatCode.date_inexact)
    if row.date_value is not None and row.date_resolved_from:
        codes.append(CaveatCode.date_resolved_elsewhere)
    if is_stale(row.unit, row.date_latest, stale_before):
        codes.append(CaveatCode.stale)
    return codes


def source_caveat_codes(
    *, published_value: str | None, published_qualifier: str | None
) -> list[CaveatCode]:
    exact = published_value and published_qualifier in (None, DateQualifier.exact)
    return [] if exact else [CaveatCode.publication_date_inexact]


def merged_codes(groups: Iterable[Iterable[CaveatCode]]) -> list[CaveatCode]:
    """Each code once, in the order of the codes' list."""
    codes = {code for group in groups for code in group}
    return [code for code in CaveatCode if code in codes]
