"""The human-facing side of the API: HTML fact sheets and embeddable SVG charts."""

from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web import assets, chart_routes, embeds, pages

STATIC_URL = "/static/site"


def install_web(app: FastAPI) -> None:
    """The pages (browsers reach them at the JSON URLs through HtmlNegotiationMiddleware,
    in app.main's middleware list), the chart routes, the pages' stylesheet and the files
    browsers fetch unasked (favicon, an offline ReDoc bundle)."""
    app.mount(STATIC_URL, StaticFiles(directory=str(files("app.web") / "static")), name="site")
    app.include_router(assets.router)
    app.include_router(chart_routes.router)
    app.include_router(embeds.router)
    app.include_router(pages.router)
