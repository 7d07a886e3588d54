"""Embeds: cards for a fact, a mission and a chart, and the oEmbed endpoint that hands a CMS
the iframe of any of them.

A card is a small page of its own that any site may frame (its own `frame-ancestors *`; every
other page keeps `'none'`). It runs one script, the app's resize notifier, which posts its
height to the framing page in the message AMP's `amp-iframe` reads. Every embeddable page
(the cards, and the fact and mission pages) advertises its oEmbed URL in a `<link>` and a
`Link` header (oembed.com, "Discovery").
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from app.api.fact_context import current_fact, fact_context
from app.api.problems import problem_responses
from app.api.routes.common import MissionSlug, require_mission
from app.api.routes.facts import FactIdPath
from app.api.routing import api_router
from app.api.schemas import FactOut
from app.api.security_policy import EMBED_POLICY
from app.api.sessions import SessionDep
from app.api.wording import formula_in_words
from app.web.mission_charts import CHARTS
from app.web.sheet import build_sheet, credit_line, source_credit, source_credits
from app.web.templating import templates

router = api_router(tags=["embeds"])

OEMBED_TYPE = "application/json+oembed"
PROVIDER = "Mission Facts"
# The frame a card starts in, before its first height message: wide enough for a sidebar,
# tall enough for the usual card (the notifier corrects it).
CARD_WIDTH = 400
FACT_CARD_HEIGHT = 320
MISSION_CARD_HEIGHT = 360
CHART_MARGIN = 40  # the card's rule, padding and record line around a chart


@dataclass(frozen=True)
class Embed:
    """What an embeddable URL shows: its card, a title, and the frame it starts in."""

    card_path: str
    title: str
    width: int
    height: int
    drawing_height: int = 0  # of a chart, which scales with the width: the rest does not

    def height_at(self, width: int) -> int:
        """The starting height in a frame `width` wide: a chart keeps its aspect ratio."""
        fixed = self.height - self.drawing_height
        return fixed + round(self.drawing_height * width / self.width)


def fact_embed(fact: FactOut) -> Embed:
    return Embed(f"/facts/{fact.id}/card", fact.summary, CARD_WIDTH, FACT_CARD_HEIGHT)


def _fact_embed(session: Session, match: re.Match[str]) -> Embed:
    return fact_embed(current_fact(session, match["fact_id"]))


def _mission_embed(session: Session, match: re.Match[str]) -> Embed:
    mission = require_mission(session, match["slug"])
    return Embed(f"/missions/{mission.slug}/card", mission.label, CARD_WIDTH, MISSION_CARD_HEIGHT)


def _chart_embed(session: Session, match: re.Match[str]) -> Embed:
    mission = require_mission(session, match["slug"])
    chart = CHARTS[match["chart"]](session, build_sheet(session, mission))
    return Embed(
        f"/missions/{mission.slug}/charts/{match['chart']}/card",
        chart.title,
        round(chart.width),
        round(chart.height) + CHART_MARGIN,
        drawing_height=round(chart.height),
    )


_CHART_NAMES = "|".join(CHARTS)
ChartName = StrEnum("ChartName", {name: name for name in CHARTS})  # type: ignore[misc]
# Every URL that can be embedded, public or card, with what it shows: the one declaration the
# oEmbed endpoint and the discovery links read.
EMBEDDABLE: tuple[tuple[re.Pattern[str], Callable[[Session, re.Match[str]], Embed]], ...] = (
    (re.compile(r"/facts/(?P<fact_id>[^/]+?)(?:/card)?/?"), _fact_embed),
    (
        re.compile(rf"/missions/(?P<slug>[^/]+)/charts/(?P<chart>{_CHART_NAMES})(?:\.svg|/card)"),
        _chart_embed,
    ),
    (re.compile(r"/missions/(?P<slug>[^/]+?)(?:/card)?/?"), _mission_embed),
)


def embed_of(session: Session, path: str) -> Embed | None:
    for pattern, embed in EMBEDDABLE:
        match = pattern.fullmatch(path)
        if match is not None:
            try:
                return embed(session, match)
            except HTTPException:
                return None  # no such fact or mission
    return None


def oembed_url(request: Request, path: str) -> str:
    """The oEmbed endpoint's URL for one of this API's pages."""
    page = str(request.base_url).rstrip("/") + path
    return f"{str(request.base_url).rstrip('/')}/oembed?url={quote(page, safe='')}&format=json"


def discovery_link(request: Request, path: str) -> str:
    """The `Link` header value that advertises a page's oEmbed URL."""
    return f'<{oembed_url(request, path)}>; rel="alternate"; type="{OEMBED_TYPE}"'


def _card(request: Request, template: str, path: str, **context: Any) -> HTMLResponse:
    page = templates().TemplateResponse(
        request, template, {"oembed_url": oembed_url(request, path), **context}
    )
    page.headers["Content-Security-Policy"] = EMBED_POLICY
    page.headers["Link"] = discovery_link(request, path)
    return page


CARD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A self-contained HTML card.", "content": {"text/html": {}}},
    **problem_responses(404, 422),
}


@router.get(
    "/facts/{fact_id}/card",
    summary="An embeddable card of one fact",
    response_class=HTMLResponse,
    responses=CARD_RESPONSES,
)
def fact_card(fact_id: FactIdPath, request: Request, session: SessionDep) -> HTMLResponse:
    """A small fact box to embed in an iframe from any site: the figure in words with its
    qualifier ("over 6,000 people"), what the fact says, the quote, the source and a link to
    the record. It tells the framing page its height with `postMessage`
    (`{sentinel: "amp", type: "embed-size", height}`, as AMP's `amp-iframe` reads). Embed it
    with `<iframe src="/facts/{id}/card" width="400" height="320" style="border:0"
    title="..."></iframe>`, or ask `GET /oembed` for that snippet."""
    context = fact_context(session, fact_id)
    fact = context.fact
    facts_by_id = {fact.id: fact, **context.inputs}
    return _card(
        request,
        "fact_card.html",
        f"/facts/{fact.id}/card",
        title=fact.summary,
        fact=fact,
        quotes=fact.citations,
        credits=[source_credit(context.sources[sid]) for sid in context.cited_source_ids],
        formula=formula_in_words(fact, facts_by_id),
        record_url=f"/facts/{fact.id}",
        record_words="The record, with every quote",
    )


@router.get(
    "/missions/{slug}/card",
    summary="An embeddable card of one mission",
    response_class=HTMLResponse,
    responses=CARD_RESPONSES,
)
def mission_card(slug: MissionSlug, request: Request, session: SessionDep) -> HTMLResponse:
    """The mission's fact box for an iframe on any site: its status, personnel deployed of
    planned, money received, lead nation and mandate, each with its qualifier, the source's
    words naming the mission and its sources. It posts its height like the fact card."""
    sheet = build_sheet(session, require_mission(session, slug))
    shown = [sheet.figure(name) for name in ("personnel_deployed", "funding_received")]
    citations = [c for fact in shown if fact is not None for c in fact.citations]
    return _card(
        request,
        "mission_card.html",
        f"/missions/{slug}/card",
        title=sheet.mission.label,
        sheet=sheet,
        quotes=sheet.mission.citations[:1],
        credit=credit_line(source_credits(session, citations or sheet.mission.citations)),
        record_url=f"/missions/{slug}",
        record_words="The mission's fact sheet",
    )


@router.get(
    "/missions/{slug}/charts/{chart}/card",
    summary="An embeddable card of one chart",
    response_class=HTMLResponse,
    responses=CARD_RESPONSES,
)
def chart_card(
    slug: MissionSlug,
    chart: Annotated[ChartName, Path(description="Which chart.")],
    request: Request,
    session: SessionDep,
) -> HTMLResponse:
    """One of the mission's charts (`personnel`, `funding`, `timeline`) in a card that posts
    its height like the others; the chart keeps its credit line and alt text."""
    sheet = build_sheet(session, require_mission(session, slug))
    drawn = CHARTS[chart.value](session, sheet)
    return _card(
        request,
        "chart_card.html",
        f"/missions/{slug}/charts/{chart.value}/card",
        title=drawn.title,
        chart=drawn,
        chart_src=f"/missions/{slug}/charts/{chart.value}.svg",
        record_url=f"/missions/{slug}",
        record_words="The mission's fact sheet",
    )


class OEmbed(BaseModel):
    """An oEmbed 1.0 `rich` answer (oembed.com): the iframe HTML to paste, and its size."""

    version: Literal["1.0"] = Field(default="1.0", description="Always 1.0.")
    type: Literal["rich"] = Field(default="rich", description="Always `rich`: HTML to embed.")
    title: str = Field(description="What the embed shows.")
    provider_name: str = Field(description="Mission Facts.")
    provider_url: str = Field(description="This API's root.")
    html: str = Field(description="The iframe to paste: a card that resizes itself.")
    width: int = Field(description="The iframe's width in pixels (within `maxwidth`).")
    height: int = Field(description="Its starting height in pixels (within `maxheight`).")
    cache_age: int = Field(description="Seconds the answer may be kept.")


def iframe(src: str, title: str, width: int, height: int) -> str:
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" '
        f'title="{escape(title)}" style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


@router.get(
    "/oembed",
    summary="oEmbed: the iframe of a fact, mission or chart",
    response_model=OEmbed,
    responses=problem_responses(404, 422, 501),
)
def oembed(
    request: Request,
    session: SessionDep,
    url: Annotated[
        str,
        Query(
            max_length=2000,
            description="A URL of this API: a fact (`/facts/{id}`), a mission "
            "(`/missions/{slug}`), a chart (`/missions/{slug}/charts/{name}.svg`) or a card.",
        ),
    ],
    maxwidth: Annotated[
        int | None, Query(ge=1, le=10000, description="The widest the embed may be, in pixels.")
    ] = None,
    maxheight: Annotated[
        int | None, Query(ge=1, le=10000, description="The tallest it may start, in pixels.")
    ] = None,
    format: Annotated[str | None, Query(max_length=20, description="`json` only.")] = None,
) -> OEmbed:
    """The oEmbed answer for one of this API's URLs: type `rich`, with the HTML of an iframe
    of its card, its width and height (never above `maxwidth` and `maxheight`). A URL of
    another site, or of nothing embeddable here, is a 404; a `format` other than `json` is a
    501, as the oEmbed specification says."""
    if format is not None and format != "json":
        raise HTTPException(501, f"oEmbed answers are JSON only, not {format[:20]!r}.")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: no URL of anything
        parts = urlsplit("")
    ours = urlsplit(str(request.base_url))
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        raise HTTPException(404, "Not a URL of this API: nothing here to embed.")
    embed = embed_of(session, parts.path)
    if embed is None:
        raise HTTPException(
            404, "Nothing embeddable at that URL: see the fact, mission or chart URLs."
        )
    width = min(embed.width, maxwidth or embed.width)
    height = min(embed.height_at(width), maxheight or embed.height)
    base = str(request.base_url).rstrip("/")
    return OEmbed(
        title=embed.title,
        provider_name=PROVIDER,
        provider_url=base + "/",
        html=iframe(base + embed.card_path, embed.title, width, height),
        width=width,
        height=height,
        cache_age=request.app.state.settings.cache_max_age,
    )
