"""A record's version as an HTTP entity tag, and the tag of its compressed representation.

A strong tag names exact bytes, so a gzip-compressed answer carries a tag of its own: the
record's tag with `-gzip` inside the quotes. An answer also holds what is said for its day (a
figure's age), so the tag of a record as read names that day too: `"v3.20250301"`, version 3
as answered for 1 March 2025, and it changes when the day does. All of these name the same
version of the record, and a write's `If-Match` accepts any of them, or plain `"v3"`.
"""

from datetime import date

CODING_SUFFIX = "-gzip"
DAY_SEPARATOR = "."


def record_tag(version: int, day: date | None = None) -> str:
    """'"v3"', the version; with a day, '"v3.20250301"', the record as answered that day."""
    if day is None:
        return f'"v{version}"'
    return f'"v{version}{DAY_SEPARATOR}{day:%Y%m%d}"'


def version_tag(tag: str) -> str:
    """The version a record's tag names, as `record_tag(version)` writes it: '"v3"' for
    '"v3.20250301-gzip"' (and any tag that is not a record's, unchanged)."""
    plain = identity_tag(tag)
    if plain.startswith('"v') and DAY_SEPARATOR in plain:
        return plain.split(DAY_SEPARATOR, 1)[0] + '"'
    return plain


def compressed_tag(tag: str) -> str:
    """'"v3"' -> '"v3-gzip"'; a weak tag stays weak."""
    if not tag.endswith('"') or tag.endswith(CODING_SUFFIX + '"'):
        return tag
    return tag[:-1] + CODING_SUFFIX + '"'


def identity_tag(tag: str) -> str:
    """The tag of the uncompressed representation that `tag` names."""
    return tag.removesuffix(CODING_SUFFIX + '"') + '"' if tag.endswith(CODING_SUFFIX + '"') else tag
