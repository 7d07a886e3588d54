"""Turning table rows into response models, loading what they refer to in a few batch queries.

Each function issues a fixed number of queries whatever the number of rows, so no list costs a
query per item.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from app.api.schemas import (
    ActorOut,
    ActorRef,
    CaveatOut,
    CitationOut,
    CountryRef,
    DateOut,
    FactOut,
    MissionRef,
    MissionStatusOut,
    MissionSummary,
    SearchMatch,
    SourceSummary,
)
from app.db.tables import (
    RECORD_CURRENT,
    RECORD_SUPERSEDED,
    Actor,
    ActorCitation,
    Citation,
    Country,
    Fact,
    FactCitation,
    Mission,
    MissionCitation,
    Source,
)
from app.domain.caveats import MESSAGES, fact_caveat_codes, merged_codes, source_caveat_codes
from app.domain.dates import interval
from app.domain.mandates import MandateFact, Period, mandate_periods
from app.domain.search_text import SearchQuery, matched_spans, snippet_html
from app.domain.status import Succession, mission_status_at
from app.domain.vocabulary import VOCABULARY, CaveatCode, Relation, mandate_parts, relation_kinds
from app.queries import entities
from app.queries.citations import citations_by_id, linked_citations
from app.queries.entity_versions import ENTITY_TYPE, as_recorded, version_numbers, versions_of
from app.queries.facts import select_facts
from app.queries.moment import reading_as_of, reading_day, stale_before


def quote_document(
    source_id: str, start: int, end: int, quote: str, source_url: str, prefix: str, suffix: str
) -> dict[str, Any]:
    """A citation as the plain values CitationOut writes."""
    return {
        "source_id": source_id,
        "start": start,
        "end": end,
        "quote": quote,
        "source_url": source_url,
        "href": f"/sources/{source_id}#cite-{start}-{end}",
        "selectors": [
            {"type": "TextQuoteSelector", "exact": quote, "prefix": prefix, "suffix": suffix},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def quote_out(
    source_id: str, start: int, end: int, quote: str, source_url: str, prefix: str, suffix: str
) -> CitationOut:
    return CitationOut.model_validate(
        quote_document(source_id, start, end, quote, source_url, prefix, suffix)
    )


def citation_out(citation: Citation, source: Source) -> CitationOut:
    return quote_out(
        citation.source_id,
        citation.char_start,
        citation.char_end,
        citation.quote,
        source.url,
        citation.prefix,
        citation.suffix,
    )


def _group_citations(
    rows: Iterable[Sequence[Any]],
) -> dict[int | str, list[CitationOut]]:
    grouped = _grouped_quote_documents(rows)
    return {key: [CitationOut.model_validate(d) for d in found] for key, found in grouped.items()}


def _grouped_quote_documents(rows: Iterable[Sequence[Any]]) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for key, *cited in rows:
        grouped[key].append(quote_document(*cited))
    return grouped


def country_ref(country: Country | None) -> CountryRef | None:
    return CountryRef(iso3=country.iso3, name=country.name) if country else None


def mission_ref(mission: Mission | None) -> MissionRef | None:
    if mission is None:
        return None
    return MissionRef(slug=mission.slug, label=mission.label, href=f"/missions/{mission.slug}")


def actor_ref(actor: Actor | None) -> ActorRef | None:
    if actor is None:
        return None
    return ActorRef(slug=actor.slug, name=actor.name, href=f"/actors/{actor.slug}")


def caveat(code: CaveatCode) -> CaveatOut:
    return CaveatOut(code=code, message=MESSAGES[code])


def source_caveats(source: Source) -> list[CaveatOut]:
    codes = source_caveat_codes(
        published_value=source.published_value, published_qualifier=source.published_qualifier
    )
    return [caveat(code) for code in codes]


def merged(groups: Iterable[Iterable[CaveatOut]]) -> list[CaveatOut]:
    """Each caveat once, in the order of the codes' list."""
    return [caveat(code) for code in merged_codes([c.code for c in group] for group in groups)]


def _date_parts(row: Any, prefix: str) -> dict[str, Any]:
    """A stored date's parts: the fact's `date_*` columns, or the source's `published_*`."""
    parts = ("value", "precision", "qualifier", "as_stated", "resolution", "resolved_from")
    return {part: getattr(row, f"{prefix}_{part}") for part in parts}


def status_at(row: Fact, as_of: datetime | None) -> str:
    """A version's status as it was at `as_of`: one superseded later was current then."""
    later = as_of is not None and row.superseded_at is not None and row.superseded_at > as_of
    return RECORD_CURRENT if later and row.record_status == RECORD_SUPERSEDED else row.record_status


def _number(value: float | int | None) -> float | int | None:
    # As QuantityOut writes it: 1000 officers, not 1000.0.
    return int(value) if value is not None and float(value).is_integer() else value


def _quantity_document(row: Fact) -> dict[str, Any] | None:
    if row.unit is None:
        return None
    return {
        "value": _number(row.value),
        "unit": row.unit,
        "qualifier": row.qualifier,
        "lower_bound": _number(row.lower_bound),
        "upper_bound": _number(row.upper_bound),
        "as_stated": row.quantity_as_stated,
        "unknown_reason": row.value_unknown_reason,
    }


def _date_document(row: Fact) -> dict[str, Any] | None:
    if row.date_value is None:
        return None
    # The stored interval, the very one date filters compare.
    return {
        **_date_parts(row, "date"),
        "earliest": row.date_earliest,
        "latest": row.date_latest,
        "unknown_reason": None,
    }


def _moment(value: datetime) -> str:
    # As pydantic writes an aware datetime: ISO 8601, UTC as `Z`.
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def fact_documents(session: Session, rows: Sequence[Fact]) -> list[dict[str, Any]]:
    """The facts as the plain values their FactOut writes, in its fields' order: a list's
    JSON is made from these directly (rows to values to bytes, no model built and checked
    again on the way), and `present_facts` validates them into models. A test holds sampled
    answers to their models (tests/test_answers_match_models.py)."""
    as_of = reading_as_of(session)
    old = stale_before(session)
    row_ids = [row.row_id for row in rows if row.row_id is not None]
    cited = _grouped_quote_documents(linked_citations(session, link=FactCitation, keys=row_ids))
    # One reference per entity, shared by every fact that names it.
    named = entities.names(
        session,
        missions={s for r in rows for s in (r.mission_slug, r.related_mission_slug) if s},
        countries={r.country_iso3 for r in rows if r.country_iso3},
        actors={r.actor_slug for r in rows if r.actor_slug},
    )
    missions = {
        s: {"slug": s, "label": label, "href": f"/missions/{s}"}
        for s, label in named.missions.items()
    }
    countries = {code: {"iso3": code, "name": name} for code, name in named.countries.items()}
    actors = {
        s: {"slug": s, "name": name, "href": f"/actors/{s}"} for s, name in named.actors.items()
    }
    return [
        {
            "id": row.fact_id,
            "version": row.version,
            "kind": row.kind,
            "kind_label": VOCABULARY.label(row.kind),
            "summary": row.summary,
            "mission": missions.get(row.mission_slug or ""),
            "country": countries.get(row.country_iso3 or ""),
            "actor": actors.get(row.actor_slug or ""),
            "role": row.role,
            "stance": row.stance,
            "tense": row.tense,
            "status": row.status,
            "topic": row.topic,
            "place": row.place,
            "cause": row.cause,
            "attributed_to": row.attributed_to,
            "instrument": row.instrument,
            "related_mission": missions.get(row.related_mission_slug or ""),
            "list_complete": row.list_complete,
            "list_note": row.list_note,
            "quantity": _quantity_document(row),
            "date": _date_document(row),
            "derived": bool(row.derived),
            "derivation": (
                {"formula": row.formula, "derived_from": row.derived_from or []}
                if row.derived and row.formula
                else None
            ),
            "citations": cited.get(row.row_id or 0, []),
            "caveats": [
                {"code": code.value, "message": MESSAGES[code]}
                for code in fact_caveat_codes(row, stale_before=old)
            ],
            "match": None,
            "rank": row.rank,
            "record_status": status_at(row, as_of),
            "recorded_at": _moment(row.recorded_at),
        }
        for row in rows
    ]


def present_facts(session: Session, rows: Sequence[Fact]) -> list[FactOut]:
    return [FactOut.model_validate(document) for document in fact_documents(session, rows)]


def mandate_fact(row: Fact) -> MandateFact:
    return MandateFact(
        fact_id=row.fact_id,
        part=mandate_parts()[row.kind],
        instrument=row.instrument,
        earliest=date.fromisoformat(row.date_earliest) if row.date_earliest else None,
        latest=date.fromisoformat(row.date_latest) if row.date_latest else None,
        value=row.value,
        rank=row.rank,
        recorded_at=row.recorded_at,
    )


@dataclass
class MissionLife:
    """What a mission's status rests on: its mandate periods and its successions."""

    periods: list[Period] = field(default_factory=list)
    successions: list[Succession] = field(default_factory=list)


def _successor_kinds() -> list[str]:
    return [k for k, r in relation_kinds().items() if r == Relation.succeeded_by]


def mission_lives(session: Session, slugs: Sequence[str]) -> dict[str, MissionLife]:
    """Each mission's mandate periods and successions, as served at the read's moment."""
    kinds = [*mandate_parts(), *_successor_kinds()]
    return mission_lives_of(select_facts(session, missions=list(slugs), kinds=kinds))


def mission_lives_of(rows: Sequence[Fact]) -> dict[str, MissionLife]:
    """The mandate periods and successions these fact rows state, by mission. A successor is
    named by its slug (its label is in the mission's relations)."""
    parts, successors = mandate_parts(), _successor_kinds()
    mandates: dict[str, list[MandateFact]] = defaultdict(list)
    lives: dict[str, MissionLife] = defaultdict(MissionLife)
    for row in rows:
        slug = row.mission_slug or ""
        if row.kind in parts:
            mandates[slug].append(mandate_fact(row))
        elif row.kind in successors and row.related_mission_slug:
            on = date.fromisoformat(row.date_latest) if row.date_latest else None
            lives[slug].successions.append(Succession(row.fact_id, row.related_mission_slug, on))
    for slug, found in mandates.items():
        lives[slug].periods = mandate_periods(found)
    return lives


def mission_status(stated: str, life: MissionLife, day: date) -> MissionStatusOut:
    found = mission_status_at(
        stated=stated, periods=life.periods, successions=life.successions, moment=day
    )
    return MissionStatusOut(
        value=found.value,
        as_of=found.moment,
        stated=stated,  # type: ignore[arg-type]
        rule=found.rule,
        fact_ids=list(found.fact_ids),
        caveats=[caveat(code) for code in found.caveats],
    )


def _entity_citations(
    session: Session,
    link: type[MissionCitation] | type[ActorCitation],
    entity_type: str,
    slugs: list[str],
) -> dict[int | str, list[CitationOut]]:
    """Each record's citations: its links now, or, read at `as_of`, those its version then
    cited."""
    if reading_as_of(session) is None:
        return _group_citations(linked_citations(session, link=link, keys=slugs))
    versions = versions_of(session, entity_type=entity_type, slugs=slugs)
    ids = {
        slug: versions[slug].content.get("citation_ids", []) for slug in slugs if slug in versions
    }
    rows = citations_by_id(session, ids={i for found in ids.values() for i in found})
    return _group_citations(
        (slug, *rows[i][1:]) for slug, found in ids.items() for i in found if i in rows
    )


def present_missions(
    session: Session, rows: Sequence[Mission], *, lives: dict[str, MissionLife] | None = None
) -> list[MissionSummary]:
    """`lives`: the missions' mandate periods and successions, when the caller read them."""
    rows = as_recorded(session, rows)
    slugs = [row.slug for row in rows]
    versions = version_numbers(session, entity_type=ENTITY_TYPE[Mission], slugs=slugs)
    if lives is None:
        lives = mission_lives(session, slugs)
    day = reading_day(session)
    cited = _entity_citations(session, MissionCitation, ENTITY_TYPE[Mission], slugs)
    countries = entities.countries_by_code(
        session, codes={r.host_country_iso3 for r in rows if r.host_country_iso3}
    )
    supported = entities.missions_by_slug(
        session, slugs={r.supports_mission_slug for r in rows if r.supports_mission_slug}
    )
    return [
        MissionSummary(
            slug=row.slug,
            name=row.name,
            name_unknown_reason=row.name_unknown_reason,
            acronym=row.acronym,
            label=row.label,
            kind=row.kind,
            status=mission_status(row.status, lives.get(row.slug, MissionLife()), day),
            description=row.description,
            host_country=country_ref(countries.get(row.host_country_iso3 or "")),
            supports=mission_ref(supported.get(row.supports_mission_slug or "")),
            citations=cited.get(row.slug, []),
            version=versions.get(row.slug, 1),
            href=f"/missions/{row.slug}",
        )
        for row in rows
    ]


def present_actors(session: Session, rows: Sequence[Actor]) -> list[ActorOut]:
    rows = as_recorded(session, rows)
    slugs = [row.slug for row in rows]
    versions = version_numbers(session, entity_type=ENTITY_TYPE[Actor], slugs=slugs)
    cited = _entity_citations(session, ActorCitation, ENTITY_TYPE[Actor], slugs)
    countries = entities.countries_by_code(
        session, codes={r.country_iso3 for r in rows if r.country_iso3}
    )
    return [
        ActorOut(
            slug=row.slug,
            name=row.name,
            kind=row.kind,  # type: ignore[arg-type]
            title=row.title,
            country=country_ref(countries.get(row.country_iso3 or "")),
            citations=cited.get(row.slug, []),
            version=versions.get(row.slug, 1),
            href=f"/actors/{row.slug}",
        )
        for row in rows
    ]


def published_date(source: Source) -> DateOut:
    earliest, latest = interval(source.published_value, source.published_qualifier)
    return DateOut(
        **_date_parts(source, "published"),
        earliest=earliest,
        latest=latest,
        unknown_reason=None if source.published_value else "The source gives no date.",
    )


def source_summary(source: Source) -> SourceSummary:
    return SourceSummary(
        id=source.id,
        url=source.url,
        publisher=source.publisher,
        title=source.title,
        title_derived=source.title_derived,
        title_derivation=source.title_derivation,
        language=source.language,
        published=published_date(source),
        sha256=source.sha256,
        length=len(source.text),
        caveats=source_caveats(source),
        href=f"/sources/{source.id}",
    )


def fact_match(fact: FactOut, query: SearchQuery) -> SearchMatch:
    """Where a search matched a fact: its first quote with a match, else its summary. A fact
    found only through another field (e.g. its place) shows its summary unmarked."""
    quotes = [(citation.quote, citation.href) for citation in fact.citations]
    return SearchMatch.model_validate(match_document(quotes, fact.summary, query))


def match_document(
    quotes: Sequence[tuple[str, str]], summary: str, query: SearchQuery
) -> dict[str, Any]:
    """`fact_match` as plain values, from the fact's (quote, href) pairs and its summary."""
    for quote, href in quotes:
        spans = matched_spans(quote, query)
        if spans:
            return {"field": "quote", "snippet": snippet_html(quote, spans), "citation_href": href}
    spans = matched_spans(summary, query)
    return {"field": "summary", "snippet": snippet_html(summary, spans), "citation_href": None}
