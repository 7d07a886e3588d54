"""/facts: every fact in one flat list, one fact by its permanent id, and its attribution."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import HTTPException, Path, Query, Request, Response

from app.api.accept import prefers
from app.api.attribution import claim, html_sentence, markdown_sentence, plain_sentence
from app.api.fact_context import current_fact, fact_context
from app.api.formats import FormatDep, list_openapi
from app.api.http_dates import last_modified
from app.api.pagination import PageDep
from app.api.present import merged, present_facts, source_caveats, source_summary
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
from app.api.routing import api_router
from app.api.schemas import (
    Attribution,
    CitationSource,
    FactHistory,
    FactList,
    FactOut,
    FactVersionOut,
)
from app.api.sessions import SessionDep
from app.db.tables import Source
from app.domain.entity_tags import record_tag
from app.domain.read_scopes import fact_scope, reads_header
from app.domain.search_text import QuerySyntaxError, SearchQuery, parse_query
from app.domain.vocabulary import FACT_KINDS, DateMatch, Qualifier
from app.queries.facts import BY_KIND, fact_versions
from app.queries.moment import reading_as_of, reading_day

router = api_router(prefix="/facts", tags=["facts"])

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
    responses={200: list_openapi(), **problem_responses(422)},
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
    `ETag` is the record's version as answered for the day (`"v3.20250301"`, with `-gzip`
    inside the quotes on a gzip-compressed answer: a figure's age is said for a day, so the
    tag changes with it): send it back as `If-Match` when correcting the fact, or just
    `"v3"`. A browser gets the fact's page."""
    fact = current_fact(session, fact_id)
    response.headers.update(last_modified([fact.recorded_at]))
    response.headers["ETag"] = record_tag(fact.version, reading_day(session))
    response.headers.update(reads_header([fact_scope(fact_id)]))
    return fact


class CiteStyle(StrEnum):
    sentence = "sentence"  # one article-ready sentence, plain text
    markdown = "markdown"  # the sentence, linked, in Markdown
    html = "html"  # the sentence, linked, as an HTML fragment
    text = "text"  # the full attribution paragraph, plain text


STYLE_MEDIA_TYPES = {
    CiteStyle.sentence: "text/plain",
    CiteStyle.markdown: "text/markdown",
    CiteStyle.html: "text/html",
    CiteStyle.text: "text/plain",
}


@router.get(
    "/{fact_id}/cite",
    summary="A ready-to-paste attribution of a fact",
    response_model=Attribution,
    responses={
        200: {
            "content": {
                media: {"schema": {"type": "string"}}
                for media in dict.fromkeys(STYLE_MEDIA_TYPES.values())
            }
        },
        **problem_responses(404, 422),
    },
)
def cite_fact(
    fact_id: FactIdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="`json` (default) or `text` (the paragraph alone, as `style=text`). "
            "`Accept: text/plain` also selects text.",
        ),
    ] = None,
    style: Annotated[
        CiteStyle | None,
        Query(
            description="One rendering alone: `sentence` (an article-ready sentence, plain "
            "text), `markdown` or `html` (the sentence with its links), `text` (the full "
            "paragraph). JSON holds them all."
        ),
    ] = None,
) -> Any:
    """A paragraph a journalist can paste: what the fact says (for a derived figure, its value
    and how it was calculated from the figures cited), who the source says claims it
    ("According to UN reports"), every quote that states it, each source with its publication
    date at the precision known ("published on or after 25 February 2025") and URL, and a
    permalink to the fact here. A title read from a page address is never quoted as a
    headline (`title_derived`). JSON adds the parts separately, the caveats to keep and the
    article-ready sentence (`sentence`, `markdown`, `html`): "Over 6,000 people were
    displaced in Haiti on or before 25 February 2025, according to UN reports cited by
    HaitiWire." The sentence keeps the qualifier's meaning and never names the source as
    stating a derived figure."""
    if format is not None and format not in ("json", "text"):
        raise invalid("query", "format", f"unknown format {format!r}; use one of: json, text")
    if style is not None and format == "json":
        raise invalid("query", "style", "a style is one text answer: leave out format=json")
    context = fact_context(session, fact_id)
    fact, inputs = context.fact, context.inputs
    # What it reads of the facts: this one, and the terms of a derived figure (each, found
    # or not).
    terms = fact.derivation.derived_from if fact.derivation else []
    reads = reads_header(fact_scope(f) for f in [fact_id, *terms])
    permalink = str(request.url_for("get_one_fact", fact_id=fact.id))
    text = context.attribution(permalink)
    parts = context.sentence
    renderings = {
        CiteStyle.sentence: plain_sentence(parts),
        CiteStyle.markdown: markdown_sentence(parts, permalink),
        CiteStyle.html: html_sentence(parts, permalink),
        CiteStyle.text: text,
    }
    accept = request.headers.get("accept")
    if style is None and (format == "text" or (format is None and prefers(accept, "text/plain"))):
        style = CiteStyle.text
    if style is not None:
        media_type = STYLE_MEDIA_TYPES[style]
        return Response(
            renderings[style] + "\n", media_type=f"{media_type}; charset=utf-8", headers=reads
        )
    source_ids = context.cited_source_ids
    sources = context.sources
    cited = [_citation_source(sources[sid]) for sid in source_ids]
    response.headers.update(reads)
    return Attribution(
        fact_id=fact.id,
        text=text,
        claim=claim(fact, inputs),
        sentence=renderings[CiteStyle.sentence],
        markdown=renderings[CiteStyle.markdown],
        html=renderings[CiteStyle.html],
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
def fact_history(fact_id: FactIdPath, response: Response, session: SessionDep) -> FactHistory:
    """All versions, oldest first: each with its status (current, superseded, retracted),
    when it was recorded and superseded, the name of the token that wrote it (or `seed`),
    the reason given, and the fact as that version states it. With `as_of`, the history as
    it stood then."""
    rows = fact_versions(session, fact_id=fact_id)
    if not rows:
        raise HTTPException(404, f"No fact with id {fact_id!r}. See GET /facts.")
    records = present_facts(session, rows)
    as_of = reading_as_of(session)
    response.headers.update(reads_header([fact_scope(fact_id)]))
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
