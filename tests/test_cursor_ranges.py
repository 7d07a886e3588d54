"""Lists led by a field that may be missing are read after a cursor in two index ranges (present
values, then missing ones): walked a page at a time, they give the whole list, in order."""

import pytest
from fastapi.testclient import TestClient


def walk(client: TestClient, path: str, limit: int) -> list[str]:
    ids: list[str] = []
    url: str | None = f"{path}&limit={limit}"
    while url:
        page = client.get(url).json()
        ids += [item["id"] for item in page["items"]]
        url = page["next"]
    return ids


@pytest.mark.parametrize(
    "path",
    [
        "/displacement-events?sort=date",
        "/displacement-events?sort=-date",
        "/facts?sort=date",
        "/facts?sort=-date",
        "/facts?sort=value",
        "/facts?sort=-value",
        "/facts?sort=mission",
        "/facts?sort=country",
        "/facts?sort=date,kind",
    ],
)
@pytest.mark.parametrize("limit", [1, 7])
def test_pages_join_up_across_missing_values(client: TestClient, path: str, limit: int) -> None:
    whole = [item["id"] for item in client.get(f"{path}&limit=500").json()["items"]]
    assert walk(client, path, limit) == whole
    assert len(whole) == len(set(whole))
