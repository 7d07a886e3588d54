"""The FastAPI application."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI
from starlette.middleware import Middleware

from app.api.auth import WriteLimits
from app.api.input_checks import refuse_unreadable_parameters
from app.api.openapi import install_openapi
from app.api.problems import install_problem_handlers, problem_responses
from app.api.rate_limit import SharedRateLimiter
from app.api.request_ids import HEADER as REQUEST_ID_HEADER
from app.api.routes import (
    actors,
    changes,
    citations,
    countries,
    datapackage,
    entity_edits,
    events,
    fact_edits,
    facts,
    health,
    index,
    missions,
    search,
    sources,
)
from app.db.engine import make_engine
from app.memory import trimming
from app.middleware.body_limit import BodyLimit
from app.middleware.compression import Compression
from app.middleware.edge_headers import EdgeHeaders
from app.middleware.error_boundary import ErrorBoundary
from app.middleware.http_cache import HttpCache
from app.middleware.json_guard import JsonGuard
from app.settings import Settings, get_settings
from app.web import docs, install_web
from app.web.negotiation import HtmlNegotiationMiddleware

DESCRIPTION = """
Structured, citable facts about international security missions, starting with Haiti's
Multinational Security Support mission (MSS).

Every record carries the verbatim quote of its source and the quote's character span
(`text[start:end] == quote`, offsets in Unicode code points). Numbers keep the source's
qualifiers (`at_least` for "over 6,000", `estimate` for "an estimated 85%"); dates keep their
precision and say how relative expressions ("on Tuesday") were resolved. What the source does
not say is `null` with a reason. Derived values are marked `derived`, with their formula.

Errors are RFC 9457 problem details (`application/problem+json`). Lists are sorted with
`sort` and read with `limit` (1-500, default 50) and an opaque `cursor`: follow `next` (or the
`Link: <...>; rel="next"` header) until it is null. Every list, and a mission's funding, is
also CSV (`?format=csv` or `Accept: text/csv`; `&hxl=true` adds HXL hashtags) and NDJSON
(`?format=ndjson`); without `limit` both stream the whole list. `/datapackage.json` describes
every CSV as a Frictionless Data Package. GET responses carry a strong `ETag` (send
`If-None-Match` for a 304), `Last-Modified` and `Cache-Control`, and are gzip-compressed for
clients that accept it; any origin may read them from a browser (CORS). Figures come with
machine-readable `caveats`. Facts, missions and charts have embeddable cards and oEmbed.
"""

TAGS = [
    {"name": "index", "description": "Where to start."},
    {"name": "facts", "description": "Every fact in one flat list; ids are permanent links."},
    {"name": "search", "description": "Full-text search across facts and source texts."},
    {"name": "missions", "description": "Missions, their key figures and sub-resources."},
    {"name": "displacement", "description": "People displaced, with place, period and cause."},
    {"name": "indicators", "description": "Measured conditions, e.g. territorial control."},
    {"name": "statements", "description": "Quotes, warnings and assessments of named actors."},
    {"name": "countries", "description": "Countries (ISO 3166-1 alpha-3) and their roles."},
    {"name": "actors", "description": "People, bodies and groups the sources name."},
    {"name": "sources", "description": "Source documents, their text and cited spans."},
    {"name": "changes", "description": "Every create, correction and retraction (JSON, Atom)."},
    {"name": "embeds", "description": "Cards any site may frame, and oEmbed for them."},
    {"name": "editing", "description": "Writes: need `Authorization: Bearer <token>`."},
    {"name": "health", "description": "Service health."},
]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything imported and built so far lives as long as the process: moved out of the
    # collector's reach, a full collection no longer walks it on every pass (those passes
    # paused requests for tens of milliseconds under load).
    gc.collect()
    gc.freeze()
    gc.enable()  # `mission-facts serve` pauses the collector while it starts (app.cli)
    # Routes run in worker threads, which share one interpreter lock: how many run at once
    # is a setting (Settings.worker_threads).
    to_thread.current_default_thread_limiter().total_tokens = app.state.settings.worker_threads
    async with trimming():
        yield
    app.state.engine.dispose()


def cross_origin(settings: Settings) -> dict[str, Any]:
    """Who may read and write from other origins: the arguments of Starlette's CORS
    middleware, which answers the preflights (app.middleware.edge_headers)."""
    return {
        "allow_origins": settings.cors_origin_list,
        # Writes carry a bearer token, never a cookie, so a page may send them cross-origin.
        "allow_methods": ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        "allow_headers": [
            "Accept",
            "If-None-Match",
            "If-Modified-Since",
            "Cache-Control",
            "Authorization",
            "Content-Type",
            "If-Match",
            REQUEST_ID_HEADER,
        ],
        "expose_headers": [
            "ETag",
            "Link",
            "Last-Modified",
            "Content-Disposition",
            "Location",
            "Retry-After",
            "Content-Encoding",
            REQUEST_ID_HEADER,
        ],
        "max_age": 600,
    }


def middleware(app: FastAPI, settings: Settings) -> list[Middleware]:
    """The pure ASGI middleware, outermost first. Every answer, preflights included, gets a
    request id, its CORS headers and the security headers (one layer adds them all, and
    answers preflights before the body checks, the cache or a route sees them); bodies are
    bounded, then their JSON checked; the cache answers repeated reads with the bytes it
    kept, compressed once by the layer inside it; innermost, the error boundary answers a
    failed request without closing its connection, and browsers are sent to the pages at
    the JSON URLs."""
    return [
        Middleware(
            EdgeHeaders,
            cross_origin=cross_origin(settings),
        ),
        Middleware(BodyLimit, max_bytes=lambda: app.state.settings.max_body_bytes),
        Middleware(JsonGuard),
        Middleware(
            HttpCache,
            engine=lambda: app.state.engine,
            max_age=lambda: app.state.settings.cache_max_age,
            today=lambda: app.state.settings.current_day(),
            cache_bytes=settings.response_cache_mb * 1024 * 1024,
        ),
        Middleware(Compression),
        Middleware(ErrorBoundary),
        Middleware(HtmlNegotiationMiddleware),
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Mission Facts API",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_unreadable_parameters)],
        # Any operation refuses unreadable or unknown parameters with a 422, a token in the
        # URL with a 400, and an Accept header that allows none of its answers with a 406
        # (see input_checks).
        responses=problem_responses(400, 406, 422),
        # Older FastAPI versions keep an argument they do not know among their extras.
        telemetry={
            "tracing": settings.telemetry,
            "metrics": settings.telemetry,
            "logs": settings.telemetry,
        },
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, read_only=settings.read_only)
    # Counted in the database, so every process serving it shares one allowance.
    app.state.write_limits = WriteLimits(
        per_token=SharedRateLimiter(settings.write_rate_per_token, lambda: app.state.engine),
        per_address=SharedRateLimiter(settings.write_rate_per_address, lambda: app.state.engine),
    )
    install_problem_handlers(app)
    readers = (
        index,
        facts,
        search,
        missions,
        events,
        countries,
        actors,
        sources,
        citations,
        changes,
        datapackage,
    )
    for module in (*readers, fact_edits, entity_edits, health):
        app.include_router(module.router)
    docs.install_docs(app)
    install_web(app)
    for layer in reversed(middleware(app, settings)):  # each added one wraps the others
        app.add_middleware(layer.cls, *layer.args, **layer.kwargs)
    install_openapi(app)
    return app
