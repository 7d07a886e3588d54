"""API tokens: created by the command line, sent as `Authorization: Bearer <token>`.

A token reads `mft_<id>_<secret>`. The id finds the row; only the SHA-256 of the secret is
stored, and it is compared in constant time. Tokens are never logged: uvicorn's access log
shows the method, path and status only, and nothing here prints a request's headers.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, col, select

from app.api.sessions import WriteSessionDep
from app.db.tables import ApiToken, utcnow
from app.domain.text_rules import unsafe_character

TOKEN_PREFIX = "mft"
SCOPES = ("read", "write")
REALM = 'Bearer realm="mission-facts"'


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


MAX_NAME = 100


def check_token_name(name: str) -> str:
    """A token's name is shown in every record's history and the change feed: it must say
    something (not blank), fit the column, and hold no control character at all."""
    if not name.strip():
        raise ValueError("a token name must not be blank")
    if name != name.strip():
        raise ValueError("a token name must not begin or end with spaces")
    if len(name) > MAX_NAME:
        raise ValueError(f"a token name is at most {MAX_NAME} characters")
    if any(char in "\t\n" for char in name) or unsafe_character(name) is not None:
        raise ValueError("a token name must not contain control characters")
    return name


def create_token(session: Session, *, name: str, scope: str) -> str:
    """Store a new token and return it: the only time its secret is seen."""
    check_token_name(name)
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    if session.exec(select(ApiToken).where(ApiToken.name == name)).first() is not None:
        raise ValueError(f"a token named {name!r} exists already; names are never reused")
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    session.add(ApiToken(id=token_id, name=name, scope=scope, secret_sha256=_digest(secret)))
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def all_tokens(session: Session) -> Sequence[ApiToken]:
    return session.exec(select(ApiToken).order_by(col(ApiToken.created_at))).all()


def revoke_token(
    session: Session, *, token_id: str | None = None, name: str | None = None
) -> ApiToken | None:
    """Revoke the token with this id, or the one with this name: exactly one of them is given,
    so a name that happens to equal another token's id never revokes the wrong one."""
    if (token_id is None) == (name is None):
        raise ValueError("name the token by its id or by its name, not both")
    found = ApiToken.id == token_id if token_id is not None else ApiToken.name == name
    token = session.exec(select(ApiToken).where(found)).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
    return token


class Limiter(Protocol):
    def retry_after(self, key: str) -> int: ...


@dataclass(frozen=True)
class WriteLimits:
    per_token: Limiter
    per_address: Limiter


def _limit(limiter: Limiter, key: str, what: str) -> None:
    wait = limiter.retry_after(key)
    if wait:
        raise HTTPException(
            429,
            f"Too many write attempts {what}; try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


def _refuse(status: int, detail: str, error: str | None = None) -> HTTPException:
    challenge = REALM + (f', error="{error}"' if error else "")
    return HTTPException(status, detail, headers={"WWW-Authenticate": challenge})


def find_token(session: Session, presented: str) -> ApiToken | None:
    """The stored token this string is, or None; never says which part did not match."""
    prefix, _, rest = presented.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id or not secret or len(presented) > 200:
        return None
    token = session.get(ApiToken, token_id)
    if token is None:
        return None
    return token if hmac.compare_digest(token.secret_sha256, _digest(secret)) else None


# Declares the scheme in the OpenAPI document (the docs' "Authorize" button); the header is
# read below, so each failure gets its own status and WWW-Authenticate error.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A token from `mission-facts token create --name NAME --scope write`.",
)


def require_writer(
    request: Request,
    session: WriteSessionDep,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> ApiToken:
    """The token of a write request: 405 on a read-only replica, 429 past the rate limits
    (per client address, then per token), 401 without a valid token, 403 for a revoked one
    or one that may only read."""
    if request.app.state.settings.read_only:
        raise HTTPException(
            405,
            "This is a read-only replica: it serves reads only. Send writes to the primary.",
            headers={"Allow": "GET, HEAD"},
        )
    limits: WriteLimits = request.app.state.write_limits
    address = request.client.host if request.client else "unknown"
    _limit(limits.per_address, f"address:{address}", "from this address")
    header = request.headers.get("authorization")
    if not header:
        raise _refuse(401, "Writing needs a token: send `Authorization: Bearer <token>`.")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise _refuse(401, "Send the token as `Authorization: Bearer <token>`.", "invalid_request")
    token = find_token(session, presented.strip())
    if token is None:
        raise _refuse(401, "The token is not valid.", "invalid_token")
    if token.revoked_at is not None:
        raise _refuse(403, f"The token {token.name!r} was revoked.", "invalid_token")
    if token.scope != "write":
        raise _refuse(403, f"The token {token.name!r} may only read.", "insufficient_scope")
    _limit(limits.per_token, f"token:{token.id}", f"with the token {token.name!r}")
    return token


WriterDep = Annotated[ApiToken, Depends(require_writer)]
