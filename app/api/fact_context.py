"""A fact with everything its renderings around it need: its sources, the facts a derived
figure is calculated from, and its mission. The attribution, the article-ready sentence, the
embeddable card, the permalink page and its JSON-LD all read one of these."""

from dataclasses import dataclass

from fastapi import HTTPException
from sqlmodel import Session

from app.api.attribution import Sentence, attribution_text, derived_inputs, sentence_parts
from app.api.present import present_facts, published_date
from app.api.schemas import FactOut
from app.api.wording import date_in_words
from app.db.tables import Mission, Source
from app.queries import entities
from app.queries.facts import get_fact, get_facts


@dataclass(frozen=True)
class FactContext:
    fact: FactOut
    inputs: dict[str, FactOut]  # a derived figure's terms, by fact id
    sources: dict[str, Source]  # every source the fact and its terms cite, by id
    mission: Mission | None

    @property
    def cited_source_ids(self) -> list[str]:
        """The sources of the fact's own quotes, in citation order."""
        return list(dict.fromkeys(c.source_id for c in self.fact.citations))

    def published(self, source_id: str) -> str:
        """ "published on or after 25 February 2025", at the precision known."""
        source = self.sources[source_id]
        return (
            date_in_words(published_date(source))
            if source.published_value
            else "on an unknown date"
        )

    @property
    def sentence(self) -> Sentence:
        return sentence_parts(
            self.fact, mission=self.mission, sources=self.sources, inputs=self.inputs
        )

    def attribution(self, permalink: str) -> str:
        published = {sid: self.published(sid) for sid in self.sources}
        return attribution_text(
            self.fact,
            sources=self.sources,
            published=published,
            inputs=self.inputs,
            permalink=permalink,
        )


def current_fact(session: Session, fact_id: str) -> FactOut:
    row = get_fact(session, fact_id=fact_id)
    if row is None:
        raise HTTPException(404, f"No fact with id {fact_id!r}. See GET /facts.")
    return present_facts(session, [row])[0]


def fact_context(session: Session, fact_id: str) -> FactContext:
    """The fact served at /facts/{fact_id} now (or at `as_of`) and what surrounds it; a 404
    when there is none."""
    fact = current_fact(session, fact_id)
    inputs = (
        derived_inputs(
            fact,
            present_facts(session, get_facts(session, fact_ids=fact.derivation.derived_from)),
        )
        if fact.derivation
        else {}
    )
    source_ids = dict.fromkeys(
        [
            *(c.source_id for c in fact.citations),
            *(c.source_id for term in inputs.values() for c in term.citations),
        ]
    )
    mission = (
        entities.missions_by_slug(session, slugs=[fact.mission.slug]).get(fact.mission.slug)
        if fact.mission
        else None
    )
    return FactContext(
        fact=fact,
        inputs=inputs,
        sources=entities.sources_by_id(session, ids=list(source_ids)),
        mission=mission,
    )
