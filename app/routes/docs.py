"""/docs and /redoc, served with the app's own copies of Swagger UI and ReDoc (no CDN)."""

from importlib.resources import files

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.web.assets import REDOC_BUNDLE_URL

ASSETS = "/static/docs"


def install_docs(app: FastAPI) -> None:
    # fastapi-offline ships the Swagger UI and ReDoc bundles; only its files are used.
    bundle = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(bundle)), name="docs-assets")
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: API docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @router.get("/redoc")
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: reference",
            redoc_js_url=REDOC_BUNDLE_URL,  # the bundle without its CDN-hosted logo
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    app.include_router(router)
