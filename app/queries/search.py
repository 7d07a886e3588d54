"""Full-text search in SQL: keeping the search entries in step with the data, and matching a
parsed query with SQLite's FTS5 or PostgreSQL's text search."""

from collections.abc import Sequence

from sqlalchemy import (
    Double,
    Select,
    String,
    cast,
    column,
    delete,
    func,
    literal_column,
    table,
    union_all,
)
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session, col, select

from app.db.tables import (
    SEARCH_FTS_TABLE,
    Actor,
    Citation,
    Country,
    Fact,
    FactCitation,
    Mission,
    SearchEntry,
    Source,
)
from app.domain.search_text import SearchQuery, Term, index_words
from app.domain.vocabulary import VOCABULARY
from app.queries.moment import fact_served, reading_as_of, source_served

ENTRY_FACT = "fact"
ENTRY_SOURCE = "source"
# The configuration the GIN index was built with: a literal, so the planner can use the index.
_PG_CONFIG: ColumnElement[str] = literal_column("'simple'::regconfig")


def fact_search_text(fact: Fact, quotes: Sequence[str], names: Sequence[str]) -> str:
    """What a fact is found by: its summary, its quotes, the words it carries, its kind and
    the kind's label ("people displaced"), and the names of what it is about (so "Antonio"
    finds what António Guterres said)."""
    parts = [
        fact.summary,
        fact.kind,
        VOCABULARY.label(fact.kind),
        *quotes,
        *names,
        fact.place,
        fact.cause,
        fact.attributed_to,
        fact.topic,
        fact.quantity_as_stated,
        fact.date_as_stated,
    ]
    return "\n".join(part for part in parts if part)


def fact_entry_id() -> ColumnElement[str]:
    """A fact version's search entry id: its row id, as text."""
    return cast(col(Fact.row_id), String(120))


def _fact_entries(session: Session, rows: Sequence[Fact]) -> list[SearchEntry]:
    row_ids = [row.row_id for row in rows if row.row_id is not None]
    quotes: dict[int, list[str]] = {}
    for row_id, quote in session.exec(
        select(FactCitation.fact_row_id, Citation.quote)
        .join(Citation, col(Citation.id) == FactCitation.citation_id)
        .where(col(FactCitation.fact_row_id).in_(row_ids))
        .order_by(col(FactCitation.fact_row_id), col(FactCitation.position))
    ):
        quotes.setdefault(row_id, []).append(quote)
    actors = {r.actor_slug for r in rows if r.actor_slug}
    missions = {r.mission_slug for r in rows if r.mission_slug}
    countries = {r.country_iso3 for r in rows if r.country_iso3}
    names = {
        **{
            f"actor:{a.slug}": a.name
            for a in session.exec(select(Actor).where(col(Actor.slug).in_(actors)))
        },
        **{
            f"mission:{m.slug}": m.label
            for m in session.exec(select(Mission).where(col(Mission.slug).in_(missions)))
        },
        **{
            f"country:{c.iso3}": c.name
            for c in session.exec(select(Country).where(col(Country.iso3).in_(countries)))
        },
    }
    entries = []
    for fact in rows:
        keys = [
            f"actor:{fact.actor_slug}",
            f"mission:{fact.mission_slug}",
            f"country:{fact.country_iso3}",
        ]
        about = [names[key] for key in keys if key in names]
        text = fact_search_text(fact, quotes.get(fact.row_id or 0, []), about)
        entry_id = str(fact.row_id)
        entries.append(
            SearchEntry(entry_type=ENTRY_FACT, entry_id=entry_id, tokens=index_words(text))
        )
    return entries


def index_fact_versions(session: Session, rows: Sequence[Fact]) -> None:
    """Add the search entries of new fact versions (versions never change, so neither do their
    entries). The caller owns the transaction."""
    session.add_all(_fact_entries(session, rows))
    session.flush()


def index_source(session: Session, source: Source, *, words: str | None = None) -> None:
    """Add a source's search entry; `words` are its folded words when already computed (the
    write API folds them before it takes the write lock)."""
    tokens = index_words(source.text) if words is None else words
    session.add(SearchEntry(entry_type=ENTRY_SOURCE, entry_id=source.id, tokens=tokens))
    session.flush()


def rebuild_search_index(session: Session) -> None:
    """Make the search entries exactly every fact version and every source. The caller owns
    the transaction, so readers see the old entries or the new ones, never a mix."""
    session.execute(delete(SearchEntry))
    index_fact_versions(session, session.exec(select(Fact)).all())
    for source in session.exec(select(Source)):
        index_source(session, source)


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def fts5_expression(query: SearchQuery) -> str:
    """The query in FTS5's syntax. Every word is quoted, so nothing typed is read as syntax."""
    groups = ["(" + " OR ".join(_fts5_term(term) for term in group) + ")" for group in query.groups]
    expression = "(" + " AND ".join(groups) + ")"
    for term in query.excluded:
        expression += " NOT " + _fts5_term(term)
    return expression


def _tsquery_term(term: Term) -> str:
    words = [f"'{word}'" for word in term.words]  # folded words: letters and digits only
    if term.prefix:
        words[-1] += ":*"
    return "(" + " <-> ".join(words) + ")"


def tsquery_expression(query: SearchQuery) -> str:
    """The query in PostgreSQL's to_tsquery syntax."""
    groups = ["(" + " | ".join(_tsquery_term(t) for t in group) + ")" for group in query.groups]
    excluded = [f"!{_tsquery_term(term)}" for term in query.excluded]
    return " & ".join(groups + excluded)


def matches(session: Session, *, query: SearchQuery, entry_type: str | None = None) -> Select:
    """A select of (entry_type, entry_id, rank) for the entries matching; lower rank is a
    better match. Meant to be used as a subquery and joined to what the entries stand for."""
    if session.get_bind().dialect.name == "sqlite":
        fts = table(SEARCH_FTS_TABLE, column("rowid"))
        rank: ColumnElement[float] = literal_column(f"bm25({SEARCH_FTS_TABLE})")
        statement = (
            select(SearchEntry.entry_type, SearchEntry.entry_id, rank.label("rank"))
            .select_from(SearchEntry)
            .join(fts, fts.c.rowid == SearchEntry.id)
            .where(literal_column(SEARCH_FTS_TABLE).op("MATCH")(fts5_expression(query)))
        )
    else:
        vector = func.to_tsvector(_PG_CONFIG, SearchEntry.tokens)
        tsquery = func.to_tsquery(_PG_CONFIG, tsquery_expression(query))
        statement = select(
            SearchEntry.entry_type,
            SearchEntry.entry_id,
            # float8, so the rank reads back exactly and a cursor can hold it
            cast(-func.ts_rank_cd(vector, tsquery), Double).label("rank"),
        ).where(vector.op("@@")(tsquery))
    if entry_type is not None:
        statement = statement.where(SearchEntry.entry_type == entry_type)
    return statement


def served_matches(session: Session, *, query: SearchQuery) -> Select:
    """(entry_type, entry_id, rank) of the facts and sources a search finds among those served
    now, or at the session's `as_of`; a fact's entry_id is its fact id."""
    as_of = reading_as_of(session)
    found = matches(session, query=query).subquery("entries")
    facts: Select = (
        select(found.c.entry_type, col(Fact.fact_id).label("entry_id"), found.c.rank)
        .join(Fact, fact_entry_id() == found.c.entry_id)
        .where(found.c.entry_type == ENTRY_FACT, fact_served(as_of))
    )
    sources: Select = (
        select(found.c.entry_type, col(Source.id).label("entry_id"), found.c.rank)
        .join(Source, col(Source.id) == found.c.entry_id)
        .where(found.c.entry_type == ENTRY_SOURCE, source_served(as_of))
    )
    return select(union_all(facts, sources).subquery("served"))
