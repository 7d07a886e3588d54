"""The security headers and Content-Security-Policies of every response, fitted to what it
carries; app.middleware.edge_headers adds them.

Everything the app serves comes from its own origin: pages load only the app's stylesheet,
images and scripts, and nothing may frame them. Data responses (JSON, CSV) get the strictest
policy, so a browser that opens one directly never runs or loads anything it contains.

A route that needs more (an inline style block it vouches for by hash) sets its own policy
with `page_policy(...)`; the middleware keeps a policy that is already there.
"""

import base64
import hashlib
from collections.abc import Iterable

# Documents that show nothing of their own: JSON, CSV, problem details.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Standalone SVG charts draw with presentation attributes; they may be framed (embedded).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
# Swagger UI: its bundle, the init script beside it, its stylesheet, the schema it fetches.
SWAGGER_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# ReDoc writes its component styles into <style> elements at run time, with no nonce or hash
# to vouch for them, so inline styles are allowed on /redoc (inline scripts still are not);
# it builds its search index in a worker it starts from a blob: URL.
REDOC_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Embeddable cards: any site may frame them; they run only the app's resize notifier and load
# only its stylesheet and images.
EMBED_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors *; base-uri 'none'; form-action 'none'"
)
DOCS_POLICIES = {"/docs": SWAGGER_POLICY, "/redoc": REDOC_POLICY}

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def style_hash(css: str) -> str:
    """The CSP source expression that allows exactly this inline <style> text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_policy(style_hashes: Iterable[str] = ()) -> str:
    """The policy of the server-rendered pages: no script at all, the app's own stylesheet
    (plus inline style blocks allowed by their hash) and images."""
    styles = " ".join(["'self'", *style_hashes])
    return (
        f"default-src 'none'; style-src {styles}; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def policy_for(path: str, content_type: str) -> str:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "text/html":
        return DOCS_POLICIES.get(path) or page_policy()
    if media_type == "image/svg+xml":
        return SVG_POLICY
    return DATA_POLICY


def baseline_headers() -> dict[str, str]:
    """What a response built outside the middleware (the last-resort 500) must carry."""
    return {**ALWAYS, "Content-Security-Policy": DATA_POLICY, "X-Frame-Options": "DENY"}
