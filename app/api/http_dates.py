"""HTTP dates (RFC 9110), as routes write `Last-Modified` and the cache reads it back."""

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def http_date(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the database keeps UTC times without an offset
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # an unreadable date is ignored, as RFC 9110 says
    return moment if moment.tzinfo is not None else None


def last_modified(times: Iterable[datetime | None]) -> dict[str, str]:
    """The `Last-Modified` header of an answer built from records changed at these times."""
    known = [moment for moment in times if moment is not None]
    return {"Last-Modified": http_date(max(known))} if known else {}
