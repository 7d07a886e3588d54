"""Every numbered statement of the seed document is served by the API."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

INVENTORY = yaml.safe_load((Path(__file__).parent / "statements.yaml").read_text("utf-8"))


def _identifiers(node: Any) -> set[str]:
    """Fact ids and entity slugs anywhere in a response."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key in ("id", "slug"):
            if isinstance(node.get(key), str):
                found.add(node[key])
        for value in node.values():
            found |= _identifiers(value)
    elif isinstance(node, list):
        for value in node:
            found |= _identifiers(value)
    return found


def test_the_inventory_covers_statements_1_to_26() -> None:
    assert sorted(INVENTORY) == list(range(1, 27))
    assert all(entry["at"] for entry in INVENTORY.values())


@pytest.mark.parametrize("number", sorted(INVENTORY))
def test_statement_is_served(client: TestClient, number: int) -> None:
    for path, ids in INVENTORY[number]["at"].items():
        response = client.get(path, params={"limit": 500})
        if response.status_code == 422:
            response = client.get(path)  # not a list: it takes no `limit`
        assert response.status_code == 200, path
        missing = set(ids) - _identifiers(response.json())
        assert not missing, f"statement {number}: {path} lacks {sorted(missing)}"
