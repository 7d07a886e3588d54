"""Everything a mission's fact sheet shows, read through the API's own query and present
functions, so a page and the JSON it mirrors always hold the same facts."""

from dataclasses import dataclass, field

from sqlmodel import Session

from app.api.present import present_facts, present_missions, published_date
from app.api.schemas import CitationOut, FactOut, MissionSummary
from app.db.tables import Mission
from app.domain.vocabulary import (
    CONTRIBUTOR_KINDS,
    FACT_KINDS,
    NEED_KINDS,
    PERSONNEL_KINDS,
    TIMELINE_KINDS,
)
from app.queries import entities
from app.queries.facts import list_completeness, select_facts
from app.web.wording import date_in_words

# The key figures, in the order a reader looks for them, with their row labels.
KEY_FIGURES = (
    ("Personnel deployed", "personnel.deployed"),
    ("Personnel planned", "personnel.planned"),
    ("Deployed share of planned", "personnel.deployed_share"),
    ("Funding received", "funding.received"),
    ("Funding allocated", "funding.allocated"),
    ("Funding unallocated", "funding.unallocated"),
    ("Lead nation", "mission.lead_nation"),
    ("Mandate ends", "mission.mandate_end"),
)
FUNDING_KINDS = ("funding.received", "funding.allocated", "funding.unallocated", "funding.need")
NOTE_KINDS = ("mission.challenge", "mission.characterization", "mission.controversy")
PROPOSAL_KINDS = tuple(kind for kind in FACT_KINDS if kind.startswith("proposal."))
SITUATION_KINDS = ("indicator.territorial_control", "displacement")
NO_FIGURE = "The sources hold no such figure for this mission."


@dataclass(frozen=True)
class KeyFigure:
    label: str
    kind: str
    fact: FactOut | None


@dataclass(frozen=True)
class FactList:
    """Facts of one list, and whether the source presents the list as complete."""

    items: list[FactOut]
    complete: bool | None = None
    notes: list[str] = field(default_factory=list)


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
    funding: dict[str, FactOut | None]
    contributors: FactList
    donors: FactList
    situation: list[FactOut]
    positions: FactList
    timeline: list[FactOut]
    needs: FactList
    proposals: list[FactOut]
    open_questions: list[FactOut]
    notes: list[FactOut]
    supported_by: list[MissionSummary]
    facts_by_id: dict[str, FactOut]

    def figure(self, kind: str) -> FactOut | None:
        return next((f.fact for f in self.key_figures if f.kind == kind), None)

    @property
    def has_personnel(self) -> bool:
        return any(self.figure(kind) for kind in PERSONNEL_KINDS)

    @property
    def has_funding(self) -> bool:
        return any(self.funding.get(kind) for kind in FUNDING_KINDS)

    @property
    def unknown_figures(self) -> list[KeyFigure]:
        return [figure for figure in self.key_figures if figure.fact is None]


def _fact_list(session: Session, *, missions: list[str], kinds: list[str]) -> FactList:
    rows = select_facts(session, missions=missions, kinds=kinds)
    complete, notes = list_completeness(session, missions=missions, kinds=kinds)
    return FactList(items=present_facts(session, rows), complete=complete, notes=notes)


def build_sheet(session: Session, mission: Mission) -> MissionSheet:
    slug = mission.slug
    supporters = list(entities.missions_supporting(session, slug=slug))
    with_supporters = [slug, *(m.slug for m in supporters)]

    own_kinds = [kind for _, kind in KEY_FIGURES] + [*FUNDING_KINDS, *NOTE_KINDS]
    own = present_facts(session, select_facts(session, missions=[slug], kinds=own_kinds))
    by_kind = {fact.kind: fact for fact in own}
    timeline = present_facts(
        session,
        select_facts(session, missions=with_supporters, kinds=sorted(TIMELINE_KINDS), by_date=True),
    )
    proposals = present_facts(
        session, select_facts(session, missions=with_supporters, kinds=list(PROPOSAL_KINDS))
    )
    situation: list[FactOut] = []
    summary = present_missions(session, [mission])[0]
    if summary.host_country is not None:
        rows = select_facts(
            session, country=summary.host_country.iso3, kinds=list(SITUATION_KINDS), by_date=True
        )
        situation = present_facts(session, rows)

    sheet = MissionSheet(
        mission=summary,
        key_figures=[KeyFigure(label, kind, by_kind.get(kind)) for label, kind in KEY_FIGURES],
        funding={kind: by_kind.get(kind) for kind in FUNDING_KINDS},
        contributors=_fact_list(session, missions=[slug], kinds=list(CONTRIBUTOR_KINDS)),
        donors=_fact_list(session, missions=[slug], kinds=["funding.donor"]),
        situation=situation,
        positions=_fact_list(session, missions=[slug], kinds=["position"]),
        timeline=timeline,
        needs=_fact_list(session, missions=[slug], kinds=list(NEED_KINDS)),
        proposals=[f for f in proposals if f.kind != "proposal.open_question"],
        open_questions=[f for f in proposals if f.kind == "proposal.open_question"],
        notes=[fact for fact in own if fact.kind in NOTE_KINDS],
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
        *sheet.needs.items,
    ]
    sheet.facts_by_id.update({fact.id: fact for fact in every_fact})
    return sheet


def source_credits(session: Session, citations: list[CitationOut]) -> list[SourceCredit]:
    """The sources of these citations, in the order they are first cited."""
    source_ids = list(dict.fromkeys(c.source_id for c in citations))
    credits = []
    for source_id in source_ids:
        source = entities.get_source(session, source_id=source_id)
        if source is not None:
            credits.append(
                SourceCredit(
                    publisher=source.publisher,
                    title=source.title,
                    published=date_in_words(published_date(source)),
                    url=source.url,
                )
            )
    return credits


def all_missions(session: Session) -> list[Mission]:
    return list(entities.all_missions(session))
