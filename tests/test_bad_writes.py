"""The bad-input catalogue, write side: each malformed write gets its documented 4xx as a
problem, the database is unchanged (row counts and checksum of every table), and the server
goes on answering."""

from typing import Any

import pytest

from tests.support.db_state import database_state
from tests.support.editing import Editor, fixture_source, personnel_fact
from tests.support.helpers import assert_problem

NESTED = "[" * 100_000 + "]" * 100_000

# (name, method, path, raw body or JSON, extra headers, status)
CASES: list[tuple[str, str, str, Any, dict[str, str], int]] = [
    ("malformed JSON", "POST", "/facts", b'{"id": "x",', {}, 422),
    ("invalid UTF-8 in the body", "POST", "/facts", b'{"id": "\xff\xfe"}', {}, 400),
    ("deeply nested JSON", "POST", "/facts", NESTED.encode(), {}, 400),
    ("a JSON list, not an object", "POST", "/sources", b"[1, 2]", {}, 422),
    ("an empty body", "POST", "/facts", b"", {}, 422),
    ("text/plain body", "POST", "/facts", b"id=x", {"Content-Type": "text/plain"}, 422),
    (
        "form body",
        "POST",
        "/sources",
        b"id=x&text=y",
        {"Content-Type": "application/x-www-form-urlencoded"},
        422,
    ),
    ("SQL in an id", "POST", "/facts", {**personnel_fact("x'; DROP TABLE fact; --")}, {}, 422),
    (
        "SQL in a quote",
        "POST",
        "/facts",
        personnel_fact(
            cite=[{"quote": "'; DELETE FROM fact; --", "source": "test-only-fixture-source"}]
        ),
        {},
        422,
    ),
    ("NUL in a summary", "POST", "/facts", personnel_fact(summary="a\u0000b"), {}, 422),
    ("NUL in a source text", "POST", "/sources", fixture_source(text="TEST\u0000"), {}, 422),
    ("path traversal in an id", "PUT", "/facts/..%2F..%2Fetc%2Fpasswd", {}, {}, 404),
    (
        "a 10 KB reason",
        "DELETE",
        "/facts/mss-funding-received?reason=" + "r" * 10_000,
        None,
        {},
        422,
    ),
    (
        "a malformed If-Match",
        "DELETE",
        "/facts/mss-funding-received?reason=Test",
        None,
        {"If-Match": "v1"},
        412,
    ),
    ("a source without text", "POST", "/sources", {**fixture_source(), "text": ""}, {}, 422),
    (
        "furniture not in the text",
        "POST",
        "/sources",
        fixture_source(not_citable=["not there"]),
        {},
        422,
    ),
    ("a future-proof field", "POST", "/sources", {**fixture_source(), "extra": 1}, {}, 422),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_writes_are_refused_and_change_nothing(
    editor: Editor, method: str, path: str, body: Any, headers: dict[str, str], status: int
) -> None:
    editor.with_source()
    before = database_state(editor.url)
    sent = {**editor.auth, **headers}
    if isinstance(body, bytes):
        sent.setdefault("Content-Type", "application/json")
        response = editor.client.request(method, path, content=body, headers=sent)
    else:
        response = editor.client.request(method, path, json=body, headers=sent)
    problem = assert_problem(response, status)
    assert len(response.content) < 5000, "the input is not echoed back"
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    assert problem["request_id"]
    assert database_state(editor.url) == before
    assert editor.client.get("/health").status_code == 200
