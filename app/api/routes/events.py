"""/displacement-events, /indicators and /statements: facts listed across missions."""

from app.api.routes.fact_lists import (
    ACTOR,
    COUNTRY,
    DATES,
    MISSION,
    FactListRoute,
    add_fact_list_routes,
)
from app.api.routing import api_router
from app.domain.vocabulary import Group

router = api_router()

add_fact_list_routes(
    router,
    [
        FactListRoute(
            "/displacement-events",
            Group.displacement,
            "Displacement events",
            """People displaced: a count with its qualifier ("over 6,000" is `at_least`), place,
    period, cause and attribution ("UN reports"), in date order. A date is the interval of days
    it may be: one held at month or year precision, or known only by a bound, matches every
    window it may overlap (`date_match=within` keeps only those certainly inside).""",
            filters=(COUNTRY, MISSION, *DATES),
            by_date=True,
            tags=("displacement",),
            one="displacement event",
        ),
        FactListRoute(
            "/indicators",
            Group.indicator,
            "Indicators (e.g. territorial control)",
            """Measured conditions of a place: e.g. gangs control an estimated 85% of
    Port-au-Prince. Each has a place, a country, a quantity with its qualifier and an as-of
    date.""",
            filters=(COUNTRY,),
            tags=("indicators",),
            one="indicator",
        ),
        FactListRoute(
            "/statements",
            Group.statement,
            "Quotes, warnings and assessments",
            """What named actors said, warned or assessed. Filter by `actor` slug, e.g.
    `antonio-guterres`.""",
            filters=(ACTOR,),
            tags=("statements",),
        ),
    ],
)
