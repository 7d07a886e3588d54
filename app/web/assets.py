"""Files browsers ask for on their own: the favicon, and a ReDoc bundle that stays offline.

The ReDoc bundle always draws a "Redocly" logo fetched from the vendor's CDN, whatever its
options; served as it is, /redoc would reach outside the app on every visit. The copy served
here is the same bundle with that one address replaced by an empty inline image.
"""

from functools import lru_cache
from importlib.resources import files

from fastapi.responses import Response

from app.api.routing import api_router

REDOC_BUNDLE_URL = "/redoc-assets/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

router = api_router(include_in_schema=False)


@lru_cache(maxsize=1)
def offline_redoc_bundle() -> bytes:
    bundle = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_text("utf-8")
    return bundle.replace(REDOC_CDN_LOGO, EMPTY_IMAGE).encode("utf-8")


@lru_cache(maxsize=1)
def favicon() -> bytes:
    return (files("app.web") / "static" / "favicon.svg").read_bytes()


@router.get(REDOC_BUNDLE_URL)
def redoc_bundle() -> Response:
    return Response(offline_redoc_bundle(), media_type="text/javascript")


@router.get("/favicon.ico")
def favicon_ico() -> Response:
    # Browsers fetch /favicon.ico for documents that name no icon, such as a chart opened alone.
    return Response(favicon(), media_type="image/svg+xml")
