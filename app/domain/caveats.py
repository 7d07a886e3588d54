"""Caveats: what a reader must not miss about a number, as codes with a sentence each.

A chart that shows "over 6,000" as 6,000, or "received" as "spent", misleads; a caveat travels
with the figure so the app that draws it can say so. The codes are a closed list (an enum in the
OpenAPI schema); the sentences are for people.
"""

from collections.abc import Iterable

from app.api.schemas import CaveatOut
from app.db.tables import Fact, Source
from app.domain.vocabulary import CaveatCode, DateQualifier, Qualifier

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
    CaveatCode.publication_date_inexact: "The source's publication date is not exact: only a "
    "bound is known (see `published`).",
}

_QUANTITY = {
    Qualifier.at_least: CaveatCode.lower_bound,
    Qualifier.at_most: CaveatCode.upper_bound,
    Qualifier.estimate: CaveatCode.estimate,
    Qualifier.approximate: CaveatCode.approximate,
}
RECEIVED_KINDS = frozenset({"funding.received"})


def caveat(code: CaveatCode) -> CaveatOut:
    return CaveatOut(code=code, message=MESSAGES[code])


def fact_caveats(row: Fact) -> list[CaveatOut]:
    codes: list[CaveatCode] = []
    if row.qualifier in _QUANTITY:
        codes.append(_QUANTITY[Qualifier(row.qualifier)])
    if row.unit is not None and row.value is None:
        codes.append(CaveatCode.value_unknown)
    if row.derived:
        codes.append(CaveatCode.derived)
    if row.list_complete is False:
        codes.append(CaveatCode.list_partial)
    if row.kind in RECEIVED_KINDS:
        codes.append(CaveatCode.received_not_disbursed)
    if row.date_value is not None and row.date_qualifier not in (None, DateQualifier.exact):
        codes.append(CaveatCode.date_inexact)
    return [caveat(code) for code in codes]


def source_caveats(source: Source) -> list[CaveatOut]:
    exact = source.published_value and source.published_qualifier in (None, DateQualifier.exact)
    return [] if exact else [caveat(CaveatCode.publication_date_inexact)]


def merged(groups: Iterable[Iterable[CaveatOut]]) -> list[CaveatOut]:
    """Each caveat once, in the order of the codes' list."""
    codes = {c.code for group in groups for c in group}
    return [caveat(code) for code in CaveatCode if code in codes]
