"""/facts: every fact in one flat list, one fact by its permanent id, and its attribution."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlmodel import Session

from app.api.accept import prefers
from app.api.attribution import attribution_text, claim, derived_inputs
from app.api.formats import FormatDep, csv_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import merged, present_facts, published_date, source_caveats, source_summary
from app.api.problems import invalid, problem_responses
from app.api.routes.common import (
    SLUG_PATTERN,
    ActorQuery,
    CaveatQuery,
    DateFrom,
    DateMatchQuery,
    DateTo,
    Iso3Query,
    MissionQuery,
    check_range,
)
from app.api.routes.listing import fact_list
from app.api.schemas import (
    Attribution,
    CitationSource,
    FactHistory,
    FactList,
    FactOut,
    FactVersionOut,
)
from app.api.sessions import SessionDep
from app.api.wording import date_in_words
from app.db.tables import Source
from app.domain.search_text import QuerySyntaxError, SearchQuery, parse_query
from app.domain.vocabulary import FACT_KINDS, DateMatch, Qualifier
from app.queries import entities
from app.queries.facts import BY_KIND, fact_versions, get_fact, get_facts
from app.queries.moment import reading_as_of

router = APIRouter(prefix="/facts", tags=["facts"])

FactIdPath = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        max_length=120,
        description="The fact's permanent id.",
        examples=["mss-funding-received"],
    ),
]
SearchText = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=500,
        description='Full-text search: words (all must match), "a phrase", prefix*, '
        "`OR` between alternatives, `-word` to exclude. Accents and case are ignored.",
        examples=["cholera"],
    ),
]


def parsed_search(q: str | None) -> SearchQuery | None:
    if q is None:
        return None
    try:
        return parse_query(q)
    except QuerySyntaxError as error:
        raise invalid("query", "q", f"cannot read the search query: {error}") from None


@router.get(
    "",
    summary="Every fact, flat, filtered and searched",
    response_model=FactList,
    responses={200: csv_openapi(), **problem_responses(422)},
)
def list_facts(
    request: Request,
    session: SessionDep,
    page: PageDep,
    output: FormatDep,
    kind: Annotated[
        list[str] | None,
        Query(
            description="Exact kind; repeat for several (`kind=funding.received&kind="
            "funding.unallocated`). Kinds: " + ", ".join(f"`{k}`" for k in FACT_KINDS) + ".",
        ),
    ] = None,
    mission: MissionQuery = None,
    country: Iso3Query = None,
    actor: ActorQuery = None,
    qualifier: Annotated[
        Qualifier | None, Query(description="Exact quantity qualifier, e.g. `at_least`.")
    ] = None,
    derived: Annotated[
        bool | None, Query(description="`true`: only derived values; `false`: only stated.")
    ] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    date_match: DateMatchQuery = DateMatch.overlaps,
    caveat: CaveatQuery = None,
    q: SearchText = None,
    sort: Annotated[
        str | None,
        Query(
            max_length=200,
            description=BY_KIND.describe() + " With `q`, also `relevance` (then the default).",
        ),
    ] = None,
) -> FactList | Response:
    """Every current fact, whatever resource it belongs to, as one uniform record: `id`,
    `kind`, subject (mission, country, actor), the value (quantity with qualifier, unit,
    bounds and `as_stated`, or a date with its precision), `derived`, citations and caveats.
    With `q`, each fact says where the search matched, with a highlighted snippet."""
    check_range(date_from, date_to)
    unknown = [k for k in kind or [] if k not in FACT_KINDS]
    if unknown:
        allowed = ", ".join(FACT_KINDS)
        raise invalid("query", "kind", f"unknown kind {unknown[0][:60]!r}; use one of: {allowed}")
    return fact_list(
        request,
        session,
        page,
        output,
        sort=sort,
        search=parsed_search(q),
        completeness=False,
        kinds=kind,
        missions=[mission] if mission else None,
        country=country.upper() if country else None,
        actor=actor,
        qualifier=qualifier.value if qualifier else None,
        derived=derived,
        date_from=date_from,
        date_to=date_to,
        date_match=date_match,
        caveat=caveat,
    )


def _current(session: Session, fact_id: str) -> FactOut:
    row = get_fact(session, fact_id=fact_id)
    if row is None:
        raise HTTPException(404, f"No fact with id {fact_id!r}. See GET /facts.")
    return present_facts(session, [row])[0]


@router.get(
    "/{fact_id}",
    summary="One fact by its permanent id",
    response_model=FactOut,
    responses=problem_responses(404, 422),
)
def get_one_fact(
    fact_id: FactIdPath, request: Request, response: Response, session: SessionDep
) -> FactOut:
    """The current version of the fact, or its retraction (`record_status: retracted`, with
    the reason in its history). Ids never change, so `/facts/{id}` is a permanent link. The
    `ETag` is the record's version: send it back as `If-Match` when correcting the fact."""
    fact = _current(session, fact_id)
    response.headers.update(last_modified([fact.recorded_at]))
    response.headers["ETag"] = f'"v{fact.version}"'
    return fact


@router.get(
    "/{fact_id}/cite",
    summary="A ready-to-paste attribution of a fact",
    response_model=Attribution,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(404, 422),
    },
)
def cite_fact(
    fact_id: FactIdPath,
    request: Request,
    session: SessionDep,
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="`json` (default) or `text` (the sentence alone). "
            "`Accept: text/plain` also selects text.",
        ),
    ] = None,
) -> Any:
    """A paragraph a journalist can paste: what the fact says (for a derived figure, its value
    and how it was calculated from the figures cited), who the source says claims it
    ("According to UN reports"), every quote that states it, each source with its publication
    date at the precision known ("published on or after 25 February 2025") and URL, and a
    permalink to the fact here. A title read from a page address is never quoted as a
    headline (`title_derived`). JSON adds the parts separately and the caveats to keep."""
    if format is not None and format not in ("json", "text"):
        raise invalid("query", "format", f"unknown format {format!r}; use one of: json, text")
    fact = _current(session, fact_id)
    source_ids = list(dict.fromkeys(c.source_id for c in fact.citations))
    sources = entities.sources_by_id(session, ids=source_ids)
    published = {
        sid: date_in_words(published_date(s)) if s.published_value else "on an unknown date"
        for sid, s in sources.items()
    }
    inputs = (
        derived_inputs(
            fact,
            present_facts(session, get_facts(session, fact_ids=fact.derivation.derived_from)),
        )
        if fact.derivation
        else {}
    )
    permalink = str(request.url_for("get_one_fact", fact_id=fact.id))
    text = attribution_text(
        fact, sources=sources, published=published, inputs=inputs, permalink=permalink
    )
    accept = request.headers.get("accept")
    wants_text = format == "text" or (format is None and prefers(accept, "text/plain"))
    if wants_text:
        return PlainTextResponse(text + "\n")
    cited = [_citation_source(sources[sid]) for sid in source_ids]
    return Attribution(
        fact_id=fact.id,
        text=text,
        claim=claim(fact, inputs),
        quote=fact.citations[0].quote,
        quotes=fact.citations,
        source=cited[0],
        sources=cited,
        derived_from=list(inputs.values()),
        permalink=permalink,
        caveats=merged([fact.caveats, *(source_caveats(sources[sid]) for sid in source_ids)]),
    )


def _citation_source(source: Source) -> CitationSource:
    summary = source_summary(source)
    return CitationSource(**summary.model_dump(include=set(CitationSource.model_fields)))


@router.get(
    "/{fact_id}/history",
    summary="Every version of a fact: who, when and why",
    response_model=FactHistory,
    responses=problem_responses(404, 422),
)
def fact_history(fact_id: FactIdPath, session: SessionDep) -> FactHistory:
    """All versions, oldest first: each with its status (current, superseded, retracted),
    when it was recorded and superseded, the name of the token that wrote it (or `seed`),
    the reason given, and the fact as that version states it. With `as_of`, the history as
    it stood then."""
    rows = fact_versions(session, fact_id=fact_id)
    if not rows:
        raise HTTPException(404, f"No fact with id {fact_id!r}. See GET /facts.")
    records = present_facts(session, rows)
    as_of = reading_as_of(session)
    return FactHistory(
        id=fact_id,
        versions=[
            FactVersionOut(
                version=row.version,
                record_status=record.record_status,
                recorded_at=row.recorded_at,
                superseded_at=(
                    row.superseded_at
                    if as_of is None or (row.superseded_at and row.superseded_at <= as_of)
                    else None
                ),
                recorded_by=row.recorded_by,
                reason=row.change_reason,
                origin=row.origin,
                record=record,
            )
            for row, record in zip(rows, records, strict=True)
        ],
    )
