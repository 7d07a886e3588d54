"""The ceiling: the least a Python web server can do per request, with the same server.

`fastapi_app` answers one route with a constant dict (read once, at start, from the JSON file
named by BENCH_CONSTANT_JSON: the project's own /missions/mss answer, so the size matches).
`starlette_app` answers the same bytes from a bare Starlette route.
"""

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _constant() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(os.environ["BENCH_CONSTANT_JSON"]).read_text())
    return loaded


def fastapi_app() -> FastAPI:
    constant = _constant()
    app = FastAPI()

    @app.get("/constant")
    async def answer() -> dict[str, Any]:
        return constant

    return app


def starlette_app() -> Starlette:
    body = json.dumps(_constant()).encode()

    async def answer(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/constant", answer)])
