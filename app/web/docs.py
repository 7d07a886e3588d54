"""/docs and /redoc, served with the app's own copies of Swagger UI and ReDoc (no CDN).

The pages are written here rather than by FastAPI's helpers, which inline a script and a
style block: every script and stylesheet is a file of the app's, so the docs' Content-Security-
Policy (app/middleware/edge_headers.py) allows no inline script.
"""

from html import escape
from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api.routing import api_router
from app.web import STATIC_URL
from app.web.assets import REDOC_BUNDLE_URL

ASSETS = "/static/docs"
SITE_ASSETS = STATIC_URL  # the app's own files (app/web/static)

SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{site}/swagger-init.js"></script>
</body>
</html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{site}/redoc.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<noscript>The reference needs JavaScript; the schema itself is at {openapi_url}.</noscript>
<redoc spec-url="{openapi_url}"></redoc>
<script src="{bundle}"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    # fastapi-offline ships the Swagger UI and ReDoc bundles; only its files are used.
    bundle = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(bundle)), name="docs-assets")
    router = api_router(include_in_schema=False)
    openapi_url = escape(app.openapi_url or "/openapi.json")

    @router.get("/docs")
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            SWAGGER_PAGE.format(
                title=escape(f"{app.title}: API docs"),
                assets=ASSETS,
                site=SITE_ASSETS,
                openapi_url=openapi_url,
            )
        )

    @router.get("/redoc")
    def redoc() -> HTMLResponse:
        return HTMLResponse(
            REDOC_PAGE.format(
                title=escape(f"{app.title}: reference"),
                assets=ASSETS,
                site=SITE_ASSETS,
                openapi_url=openapi_url,
                bundle=REDOC_BUNDLE_URL,  # the bundle without its CDN-hosted logo
            )
        )

    app.include_router(router)
