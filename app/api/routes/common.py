"""Parameter types and lookups that several routers share."""

import re
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Path, Query
from pydantic import BeforeValidator
from sqlmodel import Session

from app.api.problems import invalid
from app.db.tables import Mission
from app.domain.vocabulary import CaveatCode, DateMatch, Stance
from app.queries import entities
from app.queries.facts import BY_DATE, BY_KIND

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

MissionSlug = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        max_length=100,
        description="The mission's slug, e.g. `mss`.",
        examples=["mss"],
    ),
]
Iso3Query = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z]{3}$",
        description="ISO 3166-1 alpha-3 country code, e.g. `HTI` (case-insensitive).",
    ),
]
MissionQuery = Annotated[
    str | None,
    Query(pattern=SLUG_PATTERN, max_length=100, description="Exact mission slug, e.g. `mss`."),
]
ActorQuery = Annotated[
    str | None,
    Query(
        pattern=SLUG_PATTERN,
        max_length=100,
        description="Exact actor slug, e.g. `antonio-guterres` (see GET /actors).",
    ),
]


def _iso_day_only(value: object) -> object:
    # Pydantic would also read numbers as Unix timestamps; a day here is written YYYY-MM-DD.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a day as YYYY-MM-DD")
    return value


DateFrom = Annotated[
    date | None,
    BeforeValidator(_iso_day_only),
    Query(
        description="Keep facts whose date may fall on or after this day: a date is the "
        "interval of days its value, precision and qualifier allow (`date.earliest` to "
        "`date.latest`); see `date_match`."
    ),
]
DateTo = Annotated[
    date | None,
    BeforeValidator(_iso_day_only),
    Query(description="Keep facts whose date may fall on or before this day (see `date_from`)."),
]
DateMatchQuery = Annotated[
    DateMatch,
    Query(
        description="`overlaps` (default): every fact whose date interval meets the window, "
        'including dates known only by a bound ("in recent weeks, on or before 25 February"); '
        "`within`: only facts whose interval lies wholly inside it."
    ),
]
StanceQuery = Annotated[Stance | None, Query(description="Only positions with this stance.")]
CaveatQuery = Annotated[
    CaveatCode | None,
    Query(
        description="Only facts carrying this caveat, e.g. `value_unknown` for the figures "
        "the source does not give."
    ),
]


def require_mission(session: Session, slug: str) -> Mission:
    mission = entities.missions_by_slug(session, slugs=[slug]).get(slug)
    if mission is None:
        raise HTTPException(404, f"No mission with slug {slug!r}. See GET /missions.")
    return mission


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise invalid("query", "date_to", f"date_to ({date_to}) is before date_from ({date_from})")


FactSortByKind = Annotated[str | None, Query(max_length=200, description=BY_KIND.describe())]
FactSortByDate = Annotated[str | None, Query(max_length=200, description=BY_DATE.describe())]
