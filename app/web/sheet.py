"""Everything a mission's fact sheet shows, read through the API's own query and present
functions, so a page and the JSON it mirrors always hold the same facts."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.api.mission_life import key_figure_choices
from app.api.present import present_facts, present_missions, published_date
from app.api.schemas import CitationOut, FactGroup, FactOut, MissionSummary
from app.api.wording import date_in_words
from app.db.tables import Mission, Source
from app.domain.vocabulary import VOCABULARY, Group, funding_parts, kinds_in
from app.queries import entities
from app.queries.facts import list_completeness, select_facts


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


NO_FIGURE = "The sources hold no such figure for this mission."


@dataclass(frozen=True)
class KeyFigure:
    name: str  # as in GET /missions/{slug}: personnel_deployed...
    label: str
    kind: str
    fact: FactOut | None

    @property
    def value_is_country(self) -> bool:
        """A figure that is a country (the lead nation), whatever else it carries."""
        return "country" in VOCABULARY.kinds[self.kind].needs

    @property
    def date_is_the_value(self) -> bool:
        """A figure that is a date (a mandate's end) has no separate as-of date."""
        return "date" in VOCABULARY.kinds[self.kind].needs


@dataclass(frozen=True)
class FundingPart:
    name: str  # as in GET /missions/{slug}/funding: received, unallocated, allocated, need
    label: str
    fact: FactOut | None


@dataclass(frozen=True)
class SourceCredit:
    """Who published facts a chart shows, and when."""

    publisher: str
    title: str | None
    published: str
    url: str

    @property
    def text(self) -> str:
        title = f", “{self.title}”" if self.title else ""
        return f"{self.publisher}{title}, published {self.published}"


def credit_line(credits: list[SourceCredit]) -> str:
    """A chart's bottom line: every source it draws on, with its date."""
    if not credits:
        return "Source: none recorded."
    label = "Source" if len(credits) == 1 else "Sources"
    return f"{label}: " + "; ".join(credit.text for credit in credits) + "."


@dataclass
class MissionSheet:
    mission: MissionSummary
    key_figures: list[KeyFigure]
    funding: list[FundingPart]
    contributors: FactGroup
    donors: FactGroup
    situation: list[FactOut]
    positions: FactGroup
    statements: list[FactOut]
    timeline: list[FactOut]
    needs: FactGroup
    proposals: list[FactOut]
    open_questions: list[FactOut]
    notes: list[FactOut]
    supported_by: list[MissionSummary]
    facts_by_id: dict[str, FactOut]

    def figure(self, name: str) -> FactOut | None:
        """A key figure by its name in GET /missions/{slug} (`personnel_deployed`...)."""
        return next((f.fact for f in self.key_figures if f.name == name), None)

    @property
    def has_personnel(self) -> bool:
        return any(f.fact for f in self.key_figures if f.kind in kinds_in(Group.personnel))

    def funding_part(self, name: str) -> FactOut | None:
        return next((part.fact for part in self.funding if part.name == name), None)

    @property
    def has_funding(self) -> bool:
        return any(part.fact for part in self.funding)

    @property
    def council_positions(self) -> list[FactOut]:
        """Positions of countries: the source sets them in the Security Council's debate."""
        return [fact for fact in self.positions.items if fact.country is not None]

    @property
    def other_positions(self) -> list[FactOut]:
        return [fact for fact in self.positions.items if fact.country is None]

    @property
    def unknown_figures(self) -> list[KeyFigure]:
        return [figure for figure in self.key_figures if figure.fact is None]


def _fact_list(session: Session, *, missions: list[str], kinds: Sequence[str]) -> FactGroup:
    rows = select_facts(session, missions=missions, kinds=kinds)
    complete, notes = list_completeness(session, missions=missions, kinds=kinds)
    note = " ".join(notes) or None
    return FactGroup(items=present_facts(session, rows), list_complete=complete, list_note=note)


def _statements(session: Session, missions: list[str], own: list[FactOut]) -> list[FactOut]:
    """Statements about the mission, and those about no mission in the sources that describe
    it (a warning about the host country in the article on the mission)."""
    sources = {c.source_id for fact in own for c in fact.citations}
    rows = select_facts(session, kinds=kinds_in(Group.statement))
    return [
        fact
        for fact in present_facts(session, rows)
        if (fact.mission.slug in missions if fact.mission else False)
        or (fact.mission is None and any(c.source_id in sources for c in fact.citations))
    ]


def build_sheet(session: Session, mission: Mission) -> MissionSheet:
    slug = mission.slug
    supporters = list(entities.missions_supporting(session, slug=slug))
    with_supporters = [slug, *(m.slug for m in supporters)]

    key_figures = VOCABULARY.key_figures()
    own_kinds = [*key_figures.values(), *kinds_in(Group.funding), *kinds_in(Group.note)]
    own = present_facts(session, select_facts(session, missions=[slug], kinds=own_kinds))
    # The figure shown is the one the JSON shows: the preferred value of the latest point.
    chosen = key_figure_choices(session, own)
    by_kind = {fact.kind: fact for fact in own}
    for name, kind in key_figures.items():
        if (figure := chosen[name].fact) is not None:
            by_kind[kind] = figure
    timeline = present_facts(
        session,
        select_facts(
            session, missions=with_supporters, kinds=kinds_in(Group.timeline), by_date=True
        ),
    )
    proposals = present_facts(
        session, select_facts(session, missions=with_supporters, kinds=kinds_in(Group.proposal))
    )
    open_kinds = kinds_in(Group.open_question)
    situation: list[FactOut] = []
    summary = present_missions(session, [mission])[0]
    if summary.host_country is not None:
        rows = select_facts(
            session,
            country=summary.host_country.iso3,
            kinds=kinds_in(Group.situation),
            by_date=True,
        )
        situation = present_facts(session, rows)

    sheet = MissionSheet(
        mission=summary,
        key_figures=[
            KeyFigure(name, _sentence_case(VOCABULARY.label(kind)), kind, by_kind.get(kind))
            for name, kind in key_figures.items()
        ],
        funding=[
            FundingPart(part, _sentence_case(VOCABULARY.label(kind)), by_kind.get(kind))
            for part, kind in funding_parts().items()
        ],
        contributors=_fact_list(session, missions=[slug], kinds=kinds_in(Group.contributor)),
        donors=_fact_list(session, missions=[slug], kinds=kinds_in(Group.donor)),
        situation=situation,
        positions=_fact_list(session, missions=[slug], kinds=kinds_in(Group.position)),
        statements=_statements(session, with_supporters, own),
        timeline=timeline,
        needs=_fact_list(session, missions=[slug], kinds=kinds_in(Group.need)),
        proposals=[f for f in proposals if f.kind not in open_kinds],
        open_questions=[f for f in proposals if f.kind in open_kinds],
        notes=[fact for fact in own if fact.kind in kinds_in(Group.note)],
        supported_by=present_missions(session, supporters),
        facts_by_id={},
    )
    every_fact = [
        *own,
        *timeline,
        *proposals,
        *situation,
        *sheet.contributors.items,
        *sheet.donors.items,
        *sheet.positions.items,
        *sheet.statements,
        *sheet.needs.items,
    ]
    sheet.facts_by_id.update({fact.id: fact for fact in every_fact})
    return sheet


def source_credit(source: Source) -> SourceCredit:
    return SourceCredit(
        publisher=source.publisher,
        # A title read from the page address is no headline: never quoted as one.
        title=None if source.title_derived else source.title,
        published=date_in_words(published_date(source)),
        url=source.url,
    )


def source_credits(session: Session, citations: list[CitationOut]) -> list[SourceCredit]:
    """The sources of these citations, in the order they are first cited."""
    source_ids = list(dict.fromkeys(c.source_id for c in citations))
    found = entities.sources_by_id(session, ids=source_ids)
    return [source_credit(found[sid]) for sid in source_ids if sid in found]


def all_missions(session: Session) -> list[Mission]:
    return list(entities.all_missions(session))
