"""No endpoint runs more than a fixed number of queries, and none runs one per item (N+1)."""

import pytest
from fastapi.testclient import TestClient

from tests.support.endpoints import EXAMPLE_PATHS, LIST_PATHS
from tests.support.statement_counter import counting, transaction_states

# The most statements any read may run: a page, its citations, the missions, countries and
# actors it names, the list's completeness and its total, and the ends of mandates a
# mission's status rests on.
MAX_STATEMENTS = 13
# Batch lookups a page runs only when its items call for them (a search page's facts, their
# citations, missions, countries, actors): a longer page may add these, never one per item.
LOOKUPS_BY_NAME = 5


def statements_for(client: TestClient, path: str, **headers: str) -> list[str]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get(path, headers=headers)  # the first request of a path may warm lookups
    with counting(engine) as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.text[:300])
    return seen


@pytest.mark.parametrize("path", sorted(EXAMPLE_PATHS.values()))
def test_every_endpoint_stays_under_the_bound(uncached: TestClient, path: str) -> None:
    seen = statements_for(uncached, path)
    assert len(seen) <= MAX_STATEMENTS, "\n\n".join(seen)


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("output", ["json", "csv"])
def test_a_list_costs_the_same_queries_for_one_item_or_many(
    uncached: TestClient, path: str, output: str
) -> None:
    joiner = "&" if "?" in path else "?"
    one = statements_for(uncached, f"{path}{joiner}limit=1&format={output}")
    many = statements_for(uncached, f"{path}{joiner}limit=500&format={output}")
    assert len(many) - len(one) <= LOOKUPS_BY_NAME, "\n\n".join(many)
    assert len(many) <= MAX_STATEMENTS


def test_the_whole_list_as_csv_reads_in_batches_not_per_row(uncached: TestClient) -> None:
    engine = uncached.app.state.engine  # type: ignore[attr-defined]
    with counting(engine) as seen:
        assert uncached.get("/facts?format=csv").status_code == 200
    assert len(seen) <= MAX_STATEMENTS


def test_a_repeated_read_runs_no_query_at_all(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get("/missions/mss/funding")
    with counting(engine) as seen:
        assert client.get("/missions/mss/funding").status_code == 200
    assert seen == []


@pytest.mark.parametrize("path", sorted(EXAMPLE_PATHS.values()))
def test_a_read_asks_for_the_data_version_at_most_once(uncached: TestClient, path: str) -> None:
    # Every store kept per data version needs the version; the request's transaction reads it
    # once, whichever stores its page consults.
    seen = statements_for(uncached, path)
    versions = [statement for statement in seen if "FROM data_state" in statement]
    assert len(versions) <= 1, "\n\n".join(seen)


def test_a_read_opens_no_transaction(uncached: TestClient) -> None:
    # Each statement of a read sees what was committed when it ran (PostgreSQL's READ
    # COMMITTED, SQLite's snapshot per statement), in a transaction or not: so a read opens
    # none, and pays no BEGIN and no ROLLBACK for it. (/health proves writes with one.)
    engine = uncached.app.state.engine  # type: ignore[attr-defined]
    reads = sorted(set(EXAMPLE_PATHS.values()) - {"/health"})
    with transaction_states(engine) as seen:
        for path in reads:
            assert uncached.get(path).status_code == 200, path
    assert len(seen) > len(reads)
    assert [statement for statement, open_after in seen if open_after] == []


@pytest.mark.parametrize("slug", ["mss", "un-support-office"])
def test_a_missions_page_reads_its_facts_and_the_facts_relating_to_it_at_once(
    uncached: TestClient, slug: str
) -> None:
    seen = statements_for(uncached, f"/missions/{slug}")
    assert len([statement for statement in seen if "\nFROM fact " in statement]) == 1, seen
