"""The queries behind lists, filters, search and deep cursors are answered from indexes.

Checked with the database's own EXPLAIN, on a synthetic data set: no full scan of the large
tables, and list pages read in index order (no sort of the whole list per request). On
PostgreSQL the planner is told to avoid sequential scans and sorts where it has a choice
(`enable_seqscan`, `enable_sort` off): on a few thousand rows it would rightly prefer a scan,
which says nothing about a million. With those off, a scan or a sort in the plan means no index
can serve the query at all, which is what these tests are about. The benchmark measures the
same reads at a million rows.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from bench.cursors import deep_cursor_path
from bench.synth import generate
from tests.conftest import SEED_DIR, DatabaseFactory

EVENTS = 3000
LARGE_TABLES = ("fact", "citation", "fact_citation", "search_entry", "source")


@dataclass
class Planned:
    client: TestClient
    engine: Engine
    settings: Settings


@pytest.fixture(scope="module")
def synthetic(make_database: DatabaseFactory) -> Iterator[Planned]:
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    generate(engine, missions=5, events=EVENTS)
    settings = Settings(database_url=url, seed_dir=SEED_DIR, response_cache_mb=0)
    app = create_app(settings)
    if engine.dialect.name == "postgresql":

        @event.listens_for(app.state.engine, "connect")
        def _prefer_indexes(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("SET enable_sort = off")
            # Committed, so the settings outlast the transaction they opened, and the
            # connection is idle when the pool hands it on (reads set autocommit then).
            dbapi_connection.commit()

    with TestClient(app) as client:
        yield Planned(client, app.state.engine, settings)
    app.state.engine.dispose()
    engine.dispose()


def plans_of(planned: Planned, path: str) -> list[tuple[str, list[str]]]:
    """(statement, plan lines) for every statement the request runs."""
    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        captured.append((statement, parameters))

    event.listen(planned.engine, "before_cursor_execute", record)
    try:
        response = planned.client.get(path)
    finally:
        event.remove(planned.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text[:300]
    results = []
    with planned.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
        for statement, parameters in captured:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
            results.append((statement, [str(row[0] if postgres else row[-1]) for row in rows]))
    return results


def full_scans(lines: list[str]) -> list[str]:
    tables = "|".join(LARGE_TABLES)
    sqlite_scan = re.compile(rf"^SCAN ({tables})\b")
    postgres_scan = re.compile(rf"Seq Scan on ({tables})\b")
    return [line for line in lines if sqlite_scan.search(line) or postgres_scan.search(line)]


def sorts(lines: list[str]) -> list[str]:
    return [
        line
        for line in lines
        if ("TEMP B-TREE FOR" in line and "ORDER BY" in line) or re.search(r"\bSort\b", line)
    ]


def bounded_by_cursor(lines: list[str]) -> bool:
    """The index range starts at the cursor (not at the list's start, filtered row by row)."""
    sqlite = any(line.startswith("SEARCH fact") and re.search(r"[<>]\(?\?", line) for line in lines)
    postgres = any("Index Cond" in line and re.search(r" [<>] ", line) for line in lines)
    return sqlite or postgres


def page_query(plans: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    pages = [(s, p) for s, p in plans if "FROM fact" in s and "LIMIT" in s and "ORDER BY" in s]
    assert pages, [s for s, _ in plans]
    return pages[0]


def deep(planned: Planned, path: str, filters: dict[str, str], sort: str) -> str:
    url, _ = deep_cursor_path(
        planned.engine, planned.settings, path, filters, sort, int(EVENTS * 0.9)
    )
    return url


LISTS = [
    "/facts",
    "/facts?kind=displacement",
    "/facts?kind=displacement&sort=id",
    "/displacement-events",
    "/displacement-events?sort=id",
]
FILTERS = [
    "/displacement-events?mission=synthetic-mission-0002",
    "/facts?mission=synthetic-mission-0003&kind=displacement",
    "/facts?country=HTI",
    "/search?q=fled",
    "/search?q=flooding+capital",
]


@pytest.mark.parametrize("path", LISTS + FILTERS)
def test_no_large_table_is_read_whole(synthetic: Planned, path: str) -> None:
    for statement, lines in plans_of(synthetic, path):
        assert not full_scans(lines), (statement, lines)


@pytest.mark.parametrize("path", LISTS)
def test_list_pages_are_read_in_index_order(synthetic: Planned, path: str) -> None:
    statement, lines = page_query(plans_of(synthetic, path))
    assert not sorts(lines), (statement, lines)


@pytest.mark.parametrize(
    ("path", "filters", "sort"),
    [
        ("/facts", {"kind": "displacement"}, "id"),
        ("/displacement-events", {}, "id"),
        ("/displacement-events", {}, "date"),
    ],
)
def test_a_deep_cursor_is_read_from_an_index(
    synthetic: Planned, path: str, filters: dict[str, str], sort: str
) -> None:
    plans = plans_of(synthetic, deep(synthetic, path, filters, sort))
    statement, lines = page_query(plans)
    assert not full_scans(lines) and not sorts(lines), (statement, lines)
    assert bounded_by_cursor(lines), (statement, lines)


@pytest.mark.parametrize(
    "path", ["/displacement-events", "/missions/synthetic-mission-0001/donors"]
)
def test_a_lists_completeness_is_read_from_the_few_marked_facts(
    synthetic: Planned, path: str
) -> None:
    """Whether a list is complete is said by a few marked facts: read from a partial index of
    those, not by reading the whole list."""
    plans = plans_of(synthetic, path)
    marked = [(s, p) for s, p in plans if "DISTINCT fact.list_complete" in s]
    assert marked
    for statement, lines in marked:
        assert any("ix_fact_listed" in line for line in lines), (statement, lines)
