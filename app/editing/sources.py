"""Storing a source document sent to the write API. The same text is stored once: it is
recognised by the SHA-256 of its UTF-8 bytes, whatever id it is sent under."""

import hashlib
from datetime import datetime

from fastapi import HTTPException
from sqlmodel import Session, select

from app.editing.versions import log_change
from app.models import Source
from app.problems import invalid
from app.queries.search import index_source
from app.spec import SourceUpload

API_ORIGIN = "api"


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
    published = upload.published
    source = Source(
        id=upload.id,
        url=upload.url,
        publisher=upload.publisher,
        title=upload.title,
        title_derived=upload.title_derived,
        title_derivation=upload.title_derivation,
        language=upload.language,
        published_value=published.value,
        published_precision=published.precision,
        published_qualifier=published.qualifier,
        published_as_stated=published.as_stated,
        published_resolution=published.resolution,
        sha256=digest,
        text=upload.text,
        notes=upload.notes,
        not_citable=list(upload.not_citable),
        recorded_at=at,
        recorded_by=by,
        origin=API_ORIGIN,
    )
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
