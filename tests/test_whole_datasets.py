"""Whole datasets for analysts' tools: NDJSON on every list, gzip on every answer worth it
(with entity tags per encoding and the cache keeping compressed bytes), and a Frictionless
Data Package that `frictionless validate` accepts against a running server."""

import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.domain.vocabulary import FACT_KINDS
from app.main import create_app
from app.middleware import compression
from app.settings import Settings
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.editing import Editor, personnel_fact
from tests.support.helpers import version_tag
from tests.support.servers import serving

NDJSON = "application/x-ndjson"
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def ndjson_lists(client: TestClient) -> list[str]:
    """Every GET operation documented as answering NDJSON, slugs and a search filled in."""
    paths = []
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        if NDJSON in ok.get("content", {}) and not template.endswith("/series"):
            paths.append(template.replace("{slug}", "mss"))
    return [path + "?q=mission" if path == "/search" else path for path in paths]


def split(path: str) -> tuple[str, dict[str, Any]]:
    base, _, query = path.partition("?")
    return base, dict(p.split("=") for p in query.split("&") if p)


def every_item(client: TestClient, path: str) -> list[Any]:
    """The whole list through its JSON pages, cursor by cursor."""
    base, params = split(path)
    items: list[Any] = []
    cursor = None
    while True:
        page = client.get(
            base, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status_code == 200, (path, page.text)
        body = page.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def lines_of(text: str) -> list[Any]:
    assert text.endswith("\n") or text == ""
    return [json.loads(line) for line in text.splitlines()]


def test_every_list_streams_the_same_records_as_ndjson(client: TestClient) -> None:
    paths = ndjson_lists(client)
    assert {"/facts", "/missions", "/changes", "/citations", "/missions/mss/funding"} <= {
        p.partition("?")[0] for p in paths
    }
    for path in paths:
        base, params = split(path)
        response = client.get(base, params={**params, "format": "ndjson"})
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith(NDJSON)
        if path.endswith("/funding"):
            facts = client.get(base).json()
            assert len(lines_of(response.text)) == len(facts["donors"]["items"]) + sum(
                1 for part in ("received", "unallocated", "allocated", "need") if facts[part]
            )
            continue
        assert lines_of(response.text) == every_item(client, path), path


def test_ndjson_by_accept_header_and_a_page_with_its_next_link(client: TestClient) -> None:
    by_accept = client.get("/facts", headers={"Accept": NDJSON})
    assert by_accept.headers["content-type"].startswith(NDJSON)
    assert by_accept.text == client.get("/facts?format=ndjson").text
    page = client.get("/facts", params={"format": "ndjson", "limit": 5})
    assert len(lines_of(page.text)) == 5 and 'rel="next"' in page.headers["link"]
    assert lines_of(page.text) == client.get("/facts?limit=5").json()["items"]
    assert client.get("/facts?format=ndjson&hxl=true").status_code == 422
    assert client.get("/missions/mss/personnel?series=true&format=ndjson").status_code == 406


def raw(client: TestClient, path: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
    """The answer and its bytes as sent, before any decoding."""
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/facts", "application/json"),
        ("/facts?format=csv", "*/*"),
        ("/facts?format=ndjson", "*/*"),
        ("/missions/mss", "text/html"),
        ("/missions/mss/charts/funding.svg", "*/*"),
        ("/facts/mss-funding-received/card", "*/*"),
        ("/changes.atom", "*/*"),
    ],
)
def test_answers_are_gzip_compressed_for_clients_that_accept_it(
    client: TestClient, path: str, accept: str
) -> None:
    plain, plain_bytes = raw(client, path, {**PLAIN, "Accept": accept})
    packed, packed_bytes = raw(client, path, {**GZIP, "Accept": accept})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed_bytes) == plain_bytes
    assert len(packed_bytes) < len(plain_bytes)
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["vary"], path
    # Each encoding has its own tag, and each revalidates only its own bytes.
    assert plain.headers["etag"] != packed.headers["etag"]
    again = client.get(
        path, headers={**GZIP, "Accept": accept, "If-None-Match": packed.headers["etag"]}
    )
    assert again.status_code == 304
    crossed = client.get(
        path, headers={**PLAIN, "Accept": accept, "If-None-Match": packed.headers["etag"]}
    )
    assert crossed.status_code == 200


def test_small_answers_and_refused_gzip_stay_plain(client: TestClient) -> None:
    small, body = raw(client, "/facts/no-such-fact", GZIP)
    assert small.status_code == 404 and "content-encoding" not in small.headers
    assert len(body) < compression.MIN_BYTES
    refused, _ = raw(client, "/facts", {"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    anything, _ = raw(client, "/facts", {"Accept-Encoding": "*"})
    assert anything.headers["content-encoding"] == "gzip"


def test_a_record_tag_names_its_version_in_either_encoding_and_if_match_takes_both(
    editor: Editor,
) -> None:
    editor.with_source()
    assert editor.post("/facts", personnel_fact()).status_code == 201
    packed, _ = raw(editor.client, "/facts/test-personnel-march", GZIP)
    plain, _ = raw(editor.client, "/facts/test-personnel-march", PLAIN)
    assert packed.headers["etag"] == version_tag(packed, 1) == '"v1.20250301-gzip"'
    assert plain.headers["etag"] == '"v1.20250301"'
    patch = {"summary": "Test fixture: corrected.", "reason": "test"}
    changed = editor.client.patch(
        "/facts/test-personnel-march",
        json=patch,
        headers={**editor.auth, "If-Match": packed.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    stale = editor.client.patch(
        "/facts/test-personnel-march", json=patch, headers={**editor.auth, "If-Match": '"v1-gzip"'}
    )
    assert stale.status_code == 412


def test_a_cached_answer_is_compressed_once(
    make_database: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    real = compression.zlib.compressobj

    def counted(*args: Any) -> Any:
        made.append(args)
        return real(*args)

    monkeypatch.setattr(compression.zlib, "compressobj", counted)
    app = create_app(Settings(database_url=migrated_and_seeded(make_database())))
    with TestClient(app) as hot:
        first, first_bytes = raw(hot, "/missions/mss", GZIP)
        second, second_bytes = raw(hot, "/missions/mss", GZIP)
    app.state.engine.dispose()
    assert first.headers["content-encoding"] == second.headers["content-encoding"] == "gzip"
    assert second_bytes == first_bytes and second.headers["etag"] == first.headers["etag"]
    assert len(made) == 1  # the second answer is the stored compressed bytes


# --- The data package -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(make_database: DatabaseFactory) -> Iterator[str]:
    with serving(migrated_and_seeded(make_database())) as base:
        yield base


def frictionless(descriptor: str, cwd: Path) -> dict[str, Any]:
    command = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    assert command, "the frictionless command comes with the dev dependencies"
    done = subprocess.run(
        [command, "validate", descriptor, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_the_data_package_describes_every_csv_and_validates(live: str, tmp_path: Path) -> None:
    package = httpx.get(f"{live}/datapackage.json").json()
    names = {resource["name"] for resource in package["resources"]}
    assert {"facts", "citations", "sources", "missions", "countries", "events", "changes"} <= names
    facts = next(r for r in package["resources"] if r["name"] == "facts")
    fields = {field["name"]: field for field in facts["schema"]["fields"]}
    assert fields["kind"]["constraints"]["enum"] == list(FACT_KINDS)
    assert fields["value"]["type"] == "number" and fields["derived"]["type"] == "boolean"
    header = httpx.get(facts["path"]).text.splitlines()[0].split(",")
    assert header == list(fields)  # the schema is the CSV's own columns, in order
    assert facts["schema"]["primaryKey"] == ["id"]
    assert package["licenses"] and package["sources"]
    report = frictionless(f"{live}/datapackage.json", tmp_path)
    assert report["valid"], json.dumps(report)[:3000]
    tasks = {task["name"]: task for task in report["tasks"]}
    assert set(tasks) == names and all(task["stats"]["rows"] > 0 for task in tasks.values())


def test_frictionless_would_catch_a_row_the_schema_does_not_allow(
    live: str, tmp_path: Path
) -> None:
    package = httpx.get(f"{live}/datapackage.json").json()
    facts = next(r for r in package["resources"] if r["name"] == "facts")
    kind = next(f for f in facts["schema"]["fields"] if f["name"] == "kind")
    kind["constraints"]["enum"].remove("displacement")  # a kind the data holds
    package["resources"] = [facts]
    for resource in package["resources"]:
        resource["schema"].pop("foreignKeys", None)
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    report = frictionless("datapackage.json", tmp_path)
    assert not report["valid"]
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert any(e["type"] == "constraint-error" and e.get("fieldName") == "kind" for e in errors)


def test_a_compressed_static_file_revalidates_with_the_tag_it_was_sent(client: TestClient) -> None:
    first, _ = raw(client, "/static/site/site.css", GZIP)
    assert first.headers["content-encoding"] == "gzip"
    tag = first.headers["etag"]
    assert tag.endswith('-gzip"')
    again = client.get("/static/site/site.css", headers={**GZIP, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["etag"] == tag
    plain = client.get("/static/site/site.css", headers={**PLAIN, "If-None-Match": tag})
    assert plain.status_code == 200  # the plain bytes are not what that tag names
