"""A record's version as an HTTP entity tag, and the tag of its compressed representation.

A strong tag names exact bytes, so a gzip-compressed answer carries a tag of its own: the
record's tag with `-gzip` inside the quotes. Both name the same version of the record, and a
write's `If-Match` accepts either.
"""

CODING_SUFFIX = "-gzip"


def record_tag(version: int) -> str:
    return f'"v{version}"'


def compressed_tag(tag: str) -> str:
    """'"v3"' -> '"v3-gzip"'; a weak tag stays weak."""
    if not tag.endswith('"') or tag.endswith(CODING_SUFFIX + '"'):
        return tag
    return tag[:-1] + CODING_SUFFIX + '"'


def identity_tag(tag: str) -> str:
    """The tag of the uncompressed representation that `tag` names."""
    return tag.removesuffix(CODING_SUFFIX + '"') + '"' if tag.endswith(CODING_SUFFIX + '"') else tag
