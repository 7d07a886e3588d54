"""Checks every request's parameters pass before any route reads them.

- Percent-encoded bytes that are not UTF-8 are refused: decoding would silently turn them into
  U+FFFD and answer a question the client did not ask.
- NUL characters are refused in every query and path parameter: PostgreSQL cannot store or
  compare text holding one (it raises), SQLite would compare it, and no identifier, filter or
  search term of the API contains one. Refusing them up front gives one documented answer, a
  422, on both databases.
"""

from urllib.parse import unquote_to_bytes

from fastapi import Request

from app.problems import invalid

NUL = "\x00"


def _is_utf8(encoded: bytes) -> bool:
    try:
        unquote_to_bytes(encoded).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def refuse_unreadable_parameters(request: Request) -> None:
    # async although it never awaits: a sync dependency costs each request a worker-thread hop.
    query: bytes = request.scope.get("query_string", b"")
    for pair in filter(None, query.split(b"&")):
        raw_name, _, raw_value = pair.partition(b"=")
        if not (_is_utf8(raw_name) and _is_utf8(raw_value)):
            label = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
            raise invalid("query", label, "is not valid UTF-8 once percent-decoded")
    raw_path: bytes | None = request.scope.get("raw_path")
    if raw_path is not None and not _is_utf8(raw_path):
        # Name the parameter that holds the undecodable bytes (decoded as U+FFFD).
        where = next((n for n, v in request.path_params.items() if "\ufffd" in str(v)), "path")
        raise invalid("path", where, "is not valid UTF-8 once percent-decoded")
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            raise invalid("query", name.replace(NUL, ""), "must not contain NUL characters")
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise invalid("path", name, "must not contain NUL characters")
