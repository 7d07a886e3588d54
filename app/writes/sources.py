"""Storing a source document sent to the write API. The same text is stored once: it is
recognised by the SHA-256 of its UTF-8 bytes, whatever id it is sent under."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.db.tables import Source
from app.domain.errors import Conflict, Invalid, TooLarge
from app.domain.search_text import MAX_INDEX_BYTES, index_bytes, index_words
from app.domain.spec import SourceMeta, SourceUpload
from app.queries.search import index_source
from app.writes.versions import API_ORIGIN, log_change


def source_row(
    meta: SourceMeta, *, text: str, sha256: str, by: str, origin: str, at: datetime | None = None
) -> Source:
    """The stored row of a source, from what is known about it and its text: the same for a
    seed file and for the write API."""
    published = meta.published
    row = Source(
        id=meta.id,
        url=meta.url,
        publisher=meta.publisher,
        title=meta.title,
        title_derived=meta.title_derived,
        title_derivation=meta.title_derivation,
        language=meta.language,
        published_value=published.value,
        published_precision=published.precision,
        published_qualifier=published.qualifier,
        published_as_stated=published.as_stated,
        published_resolution=published.resolution,
        published_resolved_from=published.resolved_from,
        sha256=sha256,
        text=text,
        notes=meta.notes,
        not_citable=list(meta.not_citable),
        recorded_by=by,
        origin=origin,
    )
    if at is not None:
        row.recorded_at = at
    return row


@dataclass(frozen=True)
class PreparedText:
    """What a source's text needs computed before it is stored: its hash and its folded
    search words. Both are computed before the write lock is taken, so a long text does not
    keep other writers waiting while it is read."""

    sha256: str
    words: str


def prepare_text(upload: SourceUpload) -> PreparedText:
    """The text's hash and search words; a 422 when a given hash does not match, a 413 when
    the text is too long for the search index (the same limit on every database)."""
    digest = hashlib.sha256(upload.text.encode("utf-8")).hexdigest()
    if upload.sha256 is not None and upload.sha256 != digest:
        raise Invalid(
            "body", "sha256", f"the text's SHA-256 is {digest}, not the {upload.sha256} given"
        )
    words = index_words(upload.text)
    size = index_bytes(words)
    if size > MAX_INDEX_BYTES:
        raise TooLarge(
            f"The text has too many distinct words for the search index ({size} bytes of index "
            f"where at most {MAX_INDEX_BYTES} fit); send it in parts as separate sources.",
        )
    return PreparedText(sha256=digest, words=words)


def create_source(
    session: Session,
    upload: SourceUpload,
    prepared: PreparedText,
    *,
    at: datetime,
    by: str,
    origin: str = API_ORIGIN,
    reason: str = "Added",
) -> tuple[Source, bool]:
    """(the stored source, whether it is new). A text already stored returns that source."""
    digest = prepared.sha256
    existing = session.exec(select(Source).where(Source.sha256 == digest)).first()
    if existing is not None:
        return existing, False
    if session.get(Source, upload.id) is not None:
        raise Conflict(f"A different text is stored as source {upload.id!r}; choose another id.")
    source = source_row(upload, text=upload.text, sha256=digest, by=by, origin=origin, at=at)
    session.add(source)
    session.flush()
    log_change(
        session,
        action="created",
        record_type="source",
        record_id=source.id,
        reason=reason,
        at=at,
        by=by,
    )
    index_source(session, source, words=prepared.words)
    return source, True
