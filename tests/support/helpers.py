"""Small helpers shared by tests."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from httpx import Response

from app.api.openapi_examples import EXAMPLE_DAY
from app.domain.entity_tags import compressed_tag, record_tag

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["instance"].startswith("/")
    if status == 422:
        assert body["errors"], "a 422 lists its field errors"
    return body


def walk(node: Any, keys: set[str]) -> Iterator[dict[str, Any]]:
    """Every object anywhere in a JSON document that has all of these keys."""
    if isinstance(node, dict):
        if keys <= node.keys():
            yield node
        for value in node.values():
            yield from walk(value, keys)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, keys)


def walk_citations(node: Any) -> Iterator[dict[str, Any]]:
    return walk(node, {"source_id", "start", "end", "quote"})


def walk_facts(node: Any) -> Iterator[dict[str, Any]]:
    return walk(node, {"id", "kind", "citations", "record_status"})


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def version_tag(response: Response, version: int, day: date = EXAMPLE_DAY) -> str:
    """The entity tag a record's answer carries at this version, for the day it was made for
    (the tests' pinned day unless given): `"v2.20250301"`, or `"v2.20250301-gzip"` when the
    answer came gzip-compressed (a strong tag names the exact bytes)."""
    tag = record_tag(version, day)
    return compressed_tag(tag) if response.headers.get("content-encoding") == "gzip" else tag
