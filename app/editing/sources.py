"""Storing a source document sent to the write API. The same text is stored once: it is
recognised by the SHA-256 of its UTF-8 bytes, whatever id it is sent under."""

import hashlib
from datetime import datetime

from fastapi import HTTPException
from sqlmodel import Session, select

from app.editing.versions import API_ORIGIN, log_change
from app.models import Source
from app.problems import invalid
from app.queries.search import index_source
from app.spec import SourceMeta, SourceUpload


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


def create_source(
    session: Session, upload: SourceUpload, *, at: datetime, by: str
) -> tuple[Source, bool]:
    """(the stored source, whether it is new). A text already stored returns that source."""
    digest = hashlib.sha256(upload.text.encode("utf-8")).hexdigest()
    if upload.sha256 is not None and upload.sha256 != digest:
        raise invalid(
            "body", "sha256", f"the text's SHA-256 is {digest}, not the {upload.sha256} given"
        )
    existing = session.exec(select(Source).where(Source.sha256 == digest)).first()
    if existing is not None:
        return existing, False
    if session.get(Source, upload.id) is not None:
        raise HTTPException(
            409, f"A different text is stored as source {upload.id!r}; choose another id."
        )
    source = source_row(upload, text=upload.text, sha256=digest, by=by, origin=API_ORIGIN, at=at)
    session.add(source)
    session.flush()
    log_change(
        session,
        action="created",
        record_type="source",
        record_id=source.id,
        reason="Added",
        at=at,
        by=by,
    )
    index_source(session, source)
    return source, True
