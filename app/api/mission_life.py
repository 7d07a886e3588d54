"""A mission over time, as its sources state it: mandate periods, relations to other
missions, any figure as a series (disagreements shown), its key figures, its contributors'
strength and its money by stage. Every choice among disagreeing figures is the one rule of
app.api.preference."""

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from app.api.csv_columns import fact_columns
from app.api.formats import CsvColumn
from app.api.preference import (
    Choice,
    SourceDays,
    latest_choice,
    points,
    preferred,
    preferred_by,
    source_days,
    value_of,
)
from app.api.present import mandate_fact, mission_ref, present_facts
from app.api.schemas import (
    ContributorOut,
    DonorAmount,
    FactOut,
    FundingStageOut,
    MandatePeriodOut,
    RelationOut,
    Series,
    SeriesPoint,
    SeriesValue,
)
from app.db.tables import Fact, Mission
from app.domain.mandates import mandate_periods
from app.domain.vocabulary import (
    RELATION_INVERSE,
    VOCABULARY,
    CountryRole,
    Group,
    MandatePart,
    Relation,
    funding_stages,
    kinds_in,
    mandate_parts,
    relation_kinds,
)
from app.queries import entities
from app.queries.facts import select_facts

NO_COUNT = "No source here gives this country's personnel count for the mission."


def _subject(fact: FactOut) -> tuple[str, str, str]:
    return (
        fact.kind,
        fact.country.iso3 if fact.country else "",
        fact.actor.slug if fact.actor else "",
    )


def series_of(facts: Sequence[FactOut], kinds: Sequence[str], days: SourceDays) -> list[Series]:
    """One series per kind and subject (the country or actor a figure is of), in the kinds'
    order; one point per date, every value of it, the preferred one marked."""
    by_subject: dict[tuple[str, str, str], list[FactOut]] = {}
    for fact in facts:
        if fact.quantity is not None:
            by_subject.setdefault(_subject(fact), []).append(fact)
    order = {kind: i for i, kind in enumerate(kinds)}
    series = []
    for key in sorted(by_subject, key=lambda k: (order.get(k[0], len(order)), k[1], k[2])):
        found = by_subject[key]
        point_list = []
        for date, group in points(found).items():
            chosen = preferred(group, days)
            point_list.append(
                SeriesPoint(
                    date=date,
                    disagree=len({value_of(f) for f in group}) > 1,
                    preferred_by=preferred_by(group, days),  # type: ignore[arg-type]
                    values=[SeriesValue(preferred=f is chosen, fact=f) for f in group],
                )
            )
        units = {f.quantity.unit for f in found if f.quantity}
        first = found[0]
        series.append(
            Series(
                kind=first.kind,
                kind_label=VOCABULARY.label(first.kind),
                country=first.country,
                actor=first.actor,
                unit=units.pop() if len(units) == 1 else None,
                points=point_list,
            )
        )
    return series


class SeriesRow(BaseModel):
    """One value of one point of a series: a row of the series' CSV and NDJSON."""

    kind: str = Field(description="The series' kind.")
    country_iso3: str | None = Field(description="Whose figure, where a country.")
    actor: str | None = Field(description="Whose figure, where an actor.")
    date: str | None = Field(description="The point's date.")
    disagree: bool = Field(description="True when the point's values differ.")
    preferred: bool = Field(description="True for the value to show at this date.")
    preferred_by: str = Field(description="Which step of the rule chose it.")
    fact: FactOut = Field(description="The value, with its citations.")


def series_rows(series: Sequence[Series]) -> list[SeriesRow]:
    return [
        SeriesRow(
            kind=one.kind,
            country_iso3=one.country.iso3 if one.country else None,
            actor=one.actor.slug if one.actor else None,
            date=point.date,
            disagree=point.disagree,
            preferred=value.preferred,
            preferred_by=point.preferred_by,
            fact=value.fact,
        )
        for one in series
        for point in one.points
        for value in point.values
    ]


def _point_columns() -> list[CsvColumn[SeriesRow]]:
    Row = CsvColumn[SeriesRow]
    point = [
        Row("series_kind", "#indicator+type+series", lambda r: r.kind),
        Row("series_country_iso3", "#country+code+series", lambda r: r.country_iso3),
        Row("series_actor", "#org+actor+code+series", lambda r: r.actor),
        Row("point_date", "#date+point", lambda r: r.date),
        Row("disagree", "#meta+disagree", lambda r: r.disagree, type="boolean"),
        Row("preferred", "#meta+preferred", lambda r: r.preferred, type="boolean"),
        Row(
            "preferred_by",
            "#meta+preferred_by",
            lambda r: r.preferred_by,
            enum=("only_value", "rank", "latest_source", "latest_record"),
        ),
    ]
    return [*point, *(_of_fact(column) for column in fact_columns())]


def _of_fact(column: CsvColumn[FactOut]) -> CsvColumn[SeriesRow]:
    """A fact column read from a series row's fact."""

    def cell(row: SeriesRow) -> object:
        return column.value(row.fact)

    return CsvColumn(column.header, column.hxl, cell, column.type, column.enum)


SERIES_COLUMNS = _point_columns()


def mission_series(
    session: Session, slug: str, *, kinds: Sequence[str], country: str | None = None
) -> list[Series]:
    rows = select_facts(session, by_date=True, missions=[slug], kinds=kinds, country=country)
    facts = present_facts(session, rows)
    return series_of(facts, kinds, source_days(session, facts))


def key_figure_choices(session: Session, facts: Sequence[FactOut]) -> dict[str, Choice]:
    """Each key figure: the preferred value of its latest point, and who disagrees on it.
    Money one donor gave is not the mission's total, so a figure of a funding stage that
    names a donor (a country or an actor) is left out, as the funding stages leave it out."""
    days = source_days(session, facts)
    staged = funding_stages()
    own = [f for f in facts if f.kind not in staged or (f.country is None and f.actor is None)]
    return {
        name: latest_choice([f for f in own if f.kind == kind], days)
        for name, kind in VOCABULARY.key_figures().items()
    }


def mandates_out(rows: Sequence[Fact], facts: Sequence[FactOut]) -> list[MandatePeriodOut]:
    """The mandate periods of a mission's facts (`rows`, and `facts` as presented)."""
    parts = mandate_parts()
    by_id = {fact.id: fact for fact in facts}
    periods = []
    for period in mandate_periods([mandate_fact(row) for row in rows if row.kind in parts]):
        shown = {part: period.chosen(part) for part in MandatePart}
        chosen_ids = {fact.fact_id for fact in shown.values() if fact}
        periods.append(
            MandatePeriodOut(
                instrument=period.instrument,
                **{str(part): by_id[f.fact_id] if f else None for part, f in shown.items()},
                disagree=period.disagreements(),
                other_values=[by_id[i] for i in period.fact_ids if i not in chosen_ids],
            )
        )
    return periods


def relations_out(
    session: Session,
    mission: Mission,
    facts: Sequence[FactOut],
    *,
    relating: Sequence[FactOut],
    supporting: Sequence[Mission],
) -> list[RelationOut]:
    """Every relation of the mission, read from its own facts (`facts`), from the other
    missions' facts that relate to it (`relating`, inverted), and from the missions its
    record says it backs or is backed by (`supporting`: those whose records say they back
    it)."""
    kinds = relation_kinds()
    forward = [fact for fact in facts if fact.kind in kinds]
    backward = [fact for fact in relating if fact.kind in kinds]
    relations = []
    for fact in forward:
        if fact.related_mission is not None:
            relation = relation_kinds()[fact.kind]
            relations.append(_relation(relation, fact.related_mission, fact))
    for fact in backward:
        if fact.mission is not None:
            relation = RELATION_INVERSE[relation_kinds()[fact.kind]]
            relations.append(_relation(relation, fact.mission, fact))
    backed = entities.missions_by_slug(
        session, slugs=[mission.supports_mission_slug] if mission.supports_mission_slug else []
    )
    stated = {(r.relation, r.mission.slug) for r in relations}
    for other in backed.values():
        if (Relation.supports, other.slug) not in stated:
            ref = mission_ref(other)
            assert ref is not None
            relations.append(
                RelationOut(
                    relation=Relation.supports, mission=ref, date=None, fact_id=None, citations=[]
                )
            )
    for other in supporting:
        if (Relation.supported_by, other.slug) not in stated:
            ref = mission_ref(other)
            assert ref is not None
            relations.append(
                RelationOut(
                    relation=Relation.supported_by,
                    mission=ref,
                    date=None,
                    fact_id=None,
                    citations=[],
                )
            )
    return relations


def _relation(relation: Relation, other: object, fact: FactOut) -> RelationOut:
    return RelationOut(
        relation=relation,
        mission=other,  # type: ignore[arg-type]
        date=fact.date,
        fact_id=fact.id,
        citations=fact.citations,
    )


def contributors_of(session: Session, slug: str) -> list[ContributorOut]:
    """Per contributing country: its roles, and its latest cited personnel count."""
    rows = select_facts(session, missions=[slug], kinds=kinds_in(Group.contributor))
    facts = present_facts(session, rows)
    days = source_days(session, facts)
    roles = VOCABULARY.country_roles()
    by_country: dict[str, list[FactOut]] = {}
    for fact in facts:
        if fact.country is not None:
            by_country.setdefault(fact.country.iso3, []).append(fact)
    out = []
    for code, found in by_country.items():
        counted = [f for f in found if f.quantity is not None and f.quantity.value is not None]
        choice = latest_choice(counted, days)
        reason = None
        if choice.fact is None:
            reasons = [f.quantity.unknown_reason for f in found if f.quantity]
            reason = next((why for why in reasons if why), NO_COUNT)
        held = [role for role in CountryRole if role in {roles.get(f.kind) for f in found}]
        role_facts = [f for f in found if f.kind in roles and f.quantity is None] or [
            f for f in found if f.kind in roles and f not in counted
        ]
        main = next((f for f in role_facts if roles[f.kind] == held[0]), None) if held else None
        out.append(
            ContributorOut(
                iso3=code,
                country=found[0].country,  # type: ignore[arg-type]
                role=held[0] if held else CountryRole.personnel_contributor,
                roles=held,
                role_fact=main,
                personnel=choice.fact,
                personnel_unknown_reason=reason,
                disagreeing=[f.id for f in choice.disagreeing],
                fact_ids=[f.id for f in found],
            )
        )
    # Lead nations first, then each role's countries by code: the order pages show them in.
    return sorted(out, key=lambda c: (list(CountryRole).index(c.role), c.iso3))


def _prefixed(prefix: str, of: Callable[[ContributorOut], FactOut | None]) -> list[Any]:
    """The fact columns of a contributor's fact, each header with a prefix."""

    def column(fact_column: CsvColumn[FactOut]) -> CsvColumn[ContributorOut]:
        def cell(row: ContributorOut) -> object:
            fact = of(row)
            return fact_column.value(fact) if fact is not None else None

        header = f"{prefix}{fact_column.header}"
        return CsvColumn(header, fact_column.hxl, cell, fact_column.type, fact_column.enum)

    return [column(c) for c in fact_columns(kinds=kinds_in(Group.contributor))]


Contributor = CsvColumn[ContributorOut]
CONTRIBUTOR_COLUMNS = [
    Contributor("iso3", "#country+code", lambda c: c.iso3),
    Contributor("country_name", "#country+name", lambda c: c.country.name),
    Contributor("role", "#meta+role", lambda c: c.role, enum=tuple(CountryRole)),
    Contributor("roles", "#meta+roles", lambda c: " ".join(c.roles)),
    Contributor(
        "personnel_unknown_reason", "#meta+unknown_reason", lambda c: c.personnel_unknown_reason
    ),
    Contributor("disagreeing", "#meta+disagreeing", lambda c: " ".join(c.disagreeing)),
    Contributor("fact_ids", "#meta+facts", lambda c: " ".join(c.fact_ids)),
    *_prefixed("personnel_", lambda c: c.personnel),
    *_prefixed("role_fact_", lambda c: c.role_fact),
]


def funding_stages_of(session: Session, slug: str) -> list[FundingStageOut]:
    """Money by stage: the whole and each donor's, the preferred value of each latest point,
    in the currencies as stated."""
    stages = funding_stages()
    rows = select_facts(session, missions=[slug], kinds=list(stages))
    facts = present_facts(session, rows)
    days = source_days(session, facts)
    out = []
    for kind, stage in stages.items():
        of_kind = [f for f in facts if f.kind == kind]
        whole = [f for f in of_kind if f.country is None and f.actor is None]
        total = latest_choice(whole, days)
        donors: dict[tuple[str, str], list[FactOut]] = {}
        for fact in of_kind:
            if fact.country is not None or fact.actor is not None:
                key = (
                    fact.country.iso3 if fact.country else "",
                    fact.actor.slug if fact.actor else "",
                )
                donors.setdefault(key, []).append(fact)
        by_donor = []
        for key in sorted(donors):
            choice = latest_choice(donors[key], days)
            assert choice.fact is not None
            by_donor.append(
                DonorAmount(
                    country=choice.fact.country,
                    actor=choice.fact.actor,
                    fact=choice.fact,
                    disagreeing=[f.id for f in choice.disagreeing],
                )
            )
        currencies = sorted({f.quantity.unit for f in of_kind if f.quantity})
        out.append(
            FundingStageOut(
                stage=stage,
                kind=kind,
                total=total.fact,
                as_of=total.fact.date if total.fact else None,
                disagreeing=[f.id for f in total.disagreeing],
                by_donor=by_donor,
                currencies=currencies,
            )
        )
    return out
