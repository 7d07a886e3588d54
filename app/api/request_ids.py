"""Request ids and secret query parameters: what the access log, the problems and the input
checks all need to know of a request. The middleware that assigns the ids is
app.middleware.edge_headers.
"""

import os
import re
from urllib.parse import unquote_plus

from starlette.types import Scope

HEADER = "X-Request-ID"
# Where the id is kept in the ASGI scope; the scope is shared, so error handlers see it too.
SCOPE_KEY = "mission_facts.request_id"
MAX_LENGTH = 128
_SAFE = re.compile(rf"[A-Za-z0-9._~:+/=-]{{1,{MAX_LENGTH}}}")

# Query parameters that carry secrets when a client puts them in a URL (which it must not: the
# API reads tokens from the Authorization header only). Their values never reach a log line
# or an error body.
SECRET_PARAMETERS = frozenset(
    {"access_token", "token", "api_key", "apikey", "key", "password", "secret", "auth"}
)
REDACTED = "REDACTED"


def is_secret_parameter(name: str) -> bool:
    return name.strip().lower() in SECRET_PARAMETERS


def redacted_query(query: str) -> str:
    """The query string with the value of every secret parameter replaced by REDACTED."""
    if not query:
        return query
    pairs = []
    for pair in query.split("&"):
        raw_name, sep, _ = pair.partition("=")
        name = unquote_plus(raw_name, errors="replace")
        pairs.append(f"{raw_name}={REDACTED}" if sep and is_secret_parameter(name) else pair)
    return "&".join(pairs)


def accepted_id(value: bytes | None) -> str | None:
    """The client's id if it is safe to repeat, else None."""
    if value is None:
        return None
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if _SAFE.fullmatch(text) else None


def new_id() -> str:
    """128 random bits as 32 hex digits (the shape of a UUID's hex; drawing them is a fifth
    of the cost of making a UUID, and every request draws one)."""
    return os.urandom(16).hex()


def request_id_of(scope: Scope) -> str | None:
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, str) else None
