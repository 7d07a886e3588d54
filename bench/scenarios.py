"""What is measured: each of the project's reads beside Datasette's equivalent query.

`db` names the database a scenario reads: "seed" is the curated data set, "mix" a copy of it
that the newsroom mix's editor writes to, "large" and "small" are synthetic (a million and ten
thousand displacement events). `cached` false means
the project server runs with its response cache off, so every request runs its queries.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from bench.mix import NEWSROOM_URLS

NO_EXTRAS = "_nocount=1&_nofacet=1"


@dataclass(frozen=True)
class Scenario:
    name: str
    db: str
    path: str
    datasette: str | None  # the equivalent Datasette path (its database named {db})
    cached: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    hot: bool = False  # a target of 0.5x the Starlette ceiling, p99 under 10 ms
    uncached_list: bool = False  # a page of the synthetic events: flat with size
    # The lean reference (bench/reference.py) serves this path too: a target of 0.7x it.
    reference: bool = False
    # Datasette's SQL doing the same joins (its canned-query page), beside its table page.
    datasette_sql: str | None = None
    # Paths loaded in turn instead of `path` alone (the newsroom mix, bench/mix.py), and
    # whether an editor corrects a fact once a second meanwhile.
    paths: tuple[str, ...] = ()
    writes: bool = False


# The first page of /facts as one SQL query: 50 current facts and their citations, as the lean
# reference reads them (its second query folded into a join).
FACTS_WITH_CITATIONS = (
    "select f.fact_id, f.version, f.kind, f.summary, f.mission_slug, f.country_iso3, "
    "f.value, f.unit, f.qualifier, f.date_value, c.source_id, c.char_start, c.char_end, "
    "c.quote from (select * from fact where record_status = 'current' order by kind, fact_id "
    "limit 50) f join fact_citation l on l.fact_row_id = f.row_id "
    "join citation c on c.id = l.citation_id order by f.kind, f.fact_id, l.position"
)


def _sql(query: str) -> str:
    return f"/{{db}}.json?sql={quote(query)}&_shape=array"


def seed_scenarios(etag: str) -> list[Scenario]:
    current = "record_status=current"
    return [
        Scenario(
            "hot: /missions/mss",
            "seed",
            "/missions/mss",
            "/{db}/mission/mss.json",
            hot=True,
        ),
        Scenario(
            "hot: /missions/mss/funding",
            "seed",
            "/missions/mss/funding",
            f"/{{db}}/fact.json?mission_slug=mss&kind__startswith=funding.&{current}&{NO_EXTRAS}",
            hot=True,
        ),
        Scenario(
            "hot: /facts?kind=funding.donor",
            "seed",
            "/facts?kind=funding.donor",
            f"/{{db}}/fact.json?kind=funding.donor&{current}&{NO_EXTRAS}",
            hot=True,
        ),
        Scenario(
            "hot: list page /facts (50)",
            "seed",
            "/facts",
            f"/{{db}}/fact.json?{current}&_sort=fact_id&_size=50&{NO_EXTRAS}",
            hot=True,
        ),
        Scenario(
            "hot: CSV /facts?format=csv",
            "seed",
            "/facts?format=csv",
            f"/{{db}}/fact.csv?{current}&_sort=fact_id&_size=max&{NO_EXTRAS}",
            hot=True,
        ),
        Scenario(
            "304: /missions/mss If-None-Match",
            "seed",
            "/missions/mss",
            "/{db}/mission/mss.json",
            headers={"If-None-Match": etag},
            hot=True,
        ),
        Scenario(
            "uncached: /missions/mss",
            "seed",
            "/missions/mss",
            "/{db}/mission/mss.json",
            cached=False,
        ),
        Scenario(
            "uncached: /facts (50, with citations)",
            "seed",
            "/facts",
            f"/{{db}}/fact.json?{current}&_sort=fact_id&_size=50&{NO_EXTRAS}",
            cached=False,
            reference=True,
            datasette_sql=_sql(FACTS_WITH_CITATIONS),
        ),
        Scenario(
            "uncached: /facts?q=cholera",
            "seed",
            "/facts?q=cholera",
            f"/{{db}}/search_entry.json?_search=cholera&entry_type=fact&{NO_EXTRAS}",
            cached=False,
        ),
        Scenario(
            "uncached: /facts/mss-funding-received",
            "seed",
            "/facts/mss-funding-received",
            f"/{{db}}/fact.json?fact_id=mss-funding-received&{current}&{NO_EXTRAS}",
            cached=False,
        ),
        Scenario(
            "uncached: /facts?format=csv",
            "seed",
            "/facts?format=csv",
            f"/{{db}}/fact.csv?{current}&_sort=fact_id&_size=max&{NO_EXTRAS}",
            cached=False,
        ),
        Scenario(
            "uncached: /search?q=peacekeeping",
            "seed",
            "/search?q=peacekeeping",
            f"/{{db}}/search_entry.json?_search=peacekeeping&{NO_EXTRAS}",
            cached=False,
        ),
    ]


def large_scenarios(db: str, deep_id: str, deep_id_value: str, deep_date: str) -> list[Scenario]:
    """Pages of displacement events, uncached: the first page, a page deep in the list."""
    events = f"/{{db}}/fact.json?kind=displacement&record_status=current&_size=50&{NO_EXTRAS}"
    return [
        Scenario(
            f"uncached: first page by id [{db}]",
            db,
            "/facts?kind=displacement&sort=id",
            f"{events}&_sort=fact_id",
            cached=False,
            uncached_list=True,
        ),
        Scenario(
            f"uncached: deep cursor by id [{db}]",
            db,
            deep_id,
            f"{events}&_sort=fact_id&fact_id__gt={deep_id_value}",
            cached=False,
            uncached_list=True,
        ),
        Scenario(
            f"uncached: deep cursor by date [{db}]",
            db,
            deep_date,
            None,
            cached=False,
            uncached_list=True,
        ),
    ]


def mix_scenarios() -> list[Scenario]:
    """The twenty newsroom URLs in turn on the cached server: no writes, then a correction a
    second (a target: >= 0.9x the throughput without writes, p99 under 2x)."""
    return [
        Scenario(
            f"mix: {len(NEWSROOM_URLS)} newsroom URLs, {label}",
            "mix",
            NEWSROOM_URLS[0],
            None,
            paths=NEWSROOM_URLS,
            writes=writes,
        )
        for label, writes in (("no writes", False), ("a correction a second", True))
    ]
