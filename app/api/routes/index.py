"""/: where to start."""

from urllib.parse import quote

from fastapi import Request
from pydantic import BaseModel, Field

from app.api.routing import api_router

router = api_router(tags=["index"])


class Index(BaseModel):
    name: str = Field(description="The service.")
    description: str = Field(description="What it serves, in a sentence.")
    links: dict[str, str] = Field(description="The collections and the documentation.")


@router.get("/", summary="Where to start", response_model=Index)
def index(request: Request) -> Index:
    """Links to every collection of the API and to its documentation."""
    fact_url = str(request.base_url) + "facts/mss-funding-received"
    return Index(
        name="Mission Facts API",
        description="Structured, citable facts about international security missions; every "
        "record carries the verbatim quote of its source and the quote's character span.",
        links={
            "facts": "/facts",
            "search": "/search?q=cholera",
            "missions": "/missions",
            "mss": "/missions/mss",
            "mss_funding": "/missions/mss/funding",
            "displacement_events": "/displacement-events",
            "indicators": "/indicators",
            "statements": "/statements",
            "countries": "/countries",
            "actors": "/actors",
            "sources": "/sources",
            "citations": "/citations",
            "changes": "/changes",
            "datapackage": "/datapackage.json",
            "oembed": f"/oembed?url={quote(fact_url, safe=':/')}",
            "health": "/health",
            "docs": "/docs",
            "redoc": "/redoc",
            "openapi": "/openapi.json",
        },
    )
