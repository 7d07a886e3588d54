"""The HTML pages: the fact sheet, a page per mission and a page per source.

They answer at the same URLs as the JSON (`/`, `/missions/{slug}`, `/sources/{id}`) for
clients that prefer HTML; `negotiation.HtmlNegotiationMiddleware` routes those requests here.
"""

from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.api.attribution import plain_sentence
from app.api.fact_context import fact_context
from app.api.present import present_facts, source_summary
from app.api.routing import api_router
from app.api.security_policy import page_policy, style_hash
from app.api.sessions import SessionDep
from app.queries import entities
from app.queries.citations import citations_of_source
from app.queries.facts import select_facts
from app.web import mission_charts
from app.web.embeds import discovery_link, fact_embed, iframe, oembed_url
from app.web.json_ld import fact_document, script_text
from app.web.negotiation import PAGES_PREFIX, PUBLIC_PATH_KEY
from app.web.sheet import MissionSheet, all_missions, build_sheet
from app.web.source_text import anchor_id, mark_cited_spans
from app.web.templating import templates

# Missions in the order a reader wants them: what is happening, what is proposed, the past.
STATUS_ORDER = {"active": 0, "proposed": 1, "unknown": 2, "succeeded": 3, "ended": 4}
# The JSON resources of a mission page's sections, linked as JSON and as CSV.
SECTION_DATA = {
    "key-figures": ["personnel", "funding"],
    "funding": ["funding", "donors"],
    "contributors": ["contributors"],
    "positions": ["positions"],
    "timeline": ["timeline"],
    "needs": ["needs"],
    "proposals": ["proposals"],
}


async def _routed_by_negotiation(request: Request) -> None:
    """The internal prefix is not a public URL: only negotiated requests reach these pages."""
    # async although it never awaits: a sync dependency costs each request a worker-thread hop.
    if PUBLIC_PATH_KEY not in request.scope:
        raise HTTPException(404)  # the same answer as any unknown URL


router = api_router(
    prefix=PAGES_PREFIX,
    include_in_schema=False,
    dependencies=[Depends(_routed_by_negotiation)],
)


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("public_path", request.scope.get(PUBLIC_PATH_KEY, request.url.path))
    return templates().TemplateResponse(request, template, context, status_code=status_code)


def _shown(identifier: str, limit: int = 120) -> str:
    """An identifier as a page repeats it: cut short, so a huge URL is not echoed back."""
    return identifier if len(identifier) <= limit else identifier[:limit] + "…"


def _not_found(request: Request, what: str, listing: str) -> HTMLResponse:
    return _page(request, "not_found.html", status_code=404, what=what, listing=listing)


def split_quote_css(anchors: list[str]) -> str:
    """Quotes that cross another quote are cut in pieces; these rules light up every piece of
    the targeted quote. Anchors are `cite-<start>-<end>`, safe to write into CSS as they are."""
    return "".join(
        f'.source-text:has(#{anchor}:target) [data-continues="{anchor}"] '
        "{ background: var(--highlight); outline: 2px solid var(--highlight-edge); }\n"
        for anchor in anchors
    )


def _charts(session: Session, sheet: MissionSheet) -> list[dict[str, Any]]:
    """The charts a mission has data for, with the alt text each needs on a page."""
    slug = sheet.mission.slug
    charts = []
    for name, draw, wanted in (
        ("personnel", mission_charts.personnel, sheet.has_personnel),
        ("funding", mission_charts.funding, sheet.has_funding),
        ("timeline", mission_charts.timeline, bool(sheet.timeline)),
    ):
        if wanted:
            chart = draw(session, sheet)
            charts.append(
                {
                    "name": name,
                    "src": f"/missions/{slug}/charts/{name}.svg",
                    "title": chart.title,
                    "alt": chart.description,
                }
            )
    return charts


def _data_links(slug: str) -> dict[str, list[tuple[str, str]]]:
    """Per section, (JSON URL, CSV URL) of each resource it shows."""
    links = {}
    for section, resources in SECTION_DATA.items():
        urls = [f"/missions/{slug}/{resource}" for resource in resources]
        links[section] = [(url, f"{url}?format=csv") for url in urls]
    return links


@router.get("")
def fact_sheet(request: Request, session: SessionDep) -> HTMLResponse:
    sheets = sorted(
        (build_sheet(session, mission) for mission in all_missions(session)),
        key=lambda sheet: (STATUS_ORDER.get(sheet.mission.status.value, 9), sheet.mission.slug),
    )
    return _page(
        request,
        "index.html",
        sheets=sheets,
        charts={sheet.mission.slug: _charts(session, sheet) for sheet in sheets},
        sources=[source_summary(s) for s in entities.all_sources(session)],
    )


@router.get("/missions/{slug}")
def mission_page(slug: str, request: Request, session: SessionDep) -> HTMLResponse:
    mission = entities.missions_by_slug(session, slugs=[slug]).get(slug)
    if mission is None:
        return _not_found(request, f"No mission with slug “{_shown(slug)}”.", "/")
    sheet = build_sheet(session, mission)
    page = _page(
        request,
        "mission.html",
        sheet=sheet,
        charts=_charts(session, sheet),
        data=_data_links(slug),
        oembed_url=oembed_url(request, f"/missions/{slug}"),
    )
    page.headers["Link"] = discovery_link(request, f"/missions/{slug}")
    return page


@router.get("/facts/{fact_id}")
def fact_page(fact_id: str, request: Request, session: SessionDep) -> HTMLResponse:
    """The permalink a reader clicks: the fact, its quotes, a sentence to paste, the embed
    snippet, and schema.org JSON-LD of the figure and its citation."""
    try:
        context = fact_context(session, fact_id)
    except HTTPException:
        return _not_found(request, f"No fact with id “{_shown(fact_id)}”.", "/")
    fact = context.fact
    site = str(request.base_url).rstrip("/")
    permalink = f"{site}/facts/{fact.id}"
    embed = fact_embed(fact)
    page = _page(
        request,
        "fact.html",
        fact=fact,
        facts_by_id={fact.id: fact, **context.inputs},
        sentence=plain_sentence(context.sentence),
        json_ld=script_text(fact_document(context, permalink=permalink, site=site + "/")),
        oembed_url=oembed_url(request, f"/facts/{fact.id}"),
        iframe=iframe(site + embed.card_path, embed.title, embed.width, embed.height),
    )
    page.headers["Link"] = discovery_link(request, f"/facts/{fact.id}")
    return page


@router.get("/sources/{source_id}")
def source_page(source_id: str, request: Request, session: SessionDep) -> HTMLResponse:
    source = entities.get_source(session, source_id=source_id)
    if source is None:
        return _not_found(request, f"No source with id “{_shown(source_id)}”.", "/")
    citations = citations_of_source(session, source_id=source_id)
    marked = mark_cited_spans(source.text, [(c.char_start, c.char_end) for c in citations])
    # Which facts cite each span, so a reader can go from a quote back to what it supports.
    facts = present_facts(session, select_facts(session))
    cited_by: dict[str, list[str]] = {}
    for fact in facts:
        for citation in fact.citations:
            if citation.source_id == source_id:
                cited_by.setdefault(anchor_id(citation.start, citation.end), []).append(
                    fact.summary
                )
    css = split_quote_css(marked.split_anchors)
    page = _page(
        request,
        "source.html",
        split_quote_css=css,
        source=source_summary(source),
        notes=source.notes,
        marked=marked,
        citations=[
            {
                "anchor": anchor_id(c.char_start, c.char_end),
                "start": c.char_start,
                "end": c.char_end,
                "quote": c.quote,
            }
            for c in citations
        ],
        cited_by=cited_by,
    )
    # The page's one inline style block, allowed by its hash: still no inline script.
    page.headers["Content-Security-Policy"] = page_policy([style_hash(css)] if css else [])
    return page
