"""A date as the interval of days it may be: what a date filter compares.

"2010" is 2010-01-01..2010-12-31; "on or before 25 February 2025" has no first day and a last
day of 2025-02-25. An approximate date ("so far", read as of a day) spans the period it names:
that is where it most likely falls, though no bound is certain, so a filter asking for dates
certainly inside a window (`within`) leaves it out.
"""

import calendar
from datetime import date, timedelta

from app.domain.vocabulary import DateQualifier

Interval = tuple[str | None, str | None]


def period(value: str) -> tuple[date, date]:
    """The first and last day of an ISO date at year, month or day precision."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(parts[0], parts[1], parts[2])
    return day, day


def _shifted(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def interval(value: str | None, qualifier: str | None) -> Interval:
    """(earliest, latest) as ISO days, None where unbounded; (None, None) without a date."""
    if not value:
        return None, None
    first, last = period(value)
    qualifier = qualifier or DateQualifier.exact
    if qualifier == DateQualifier.exact:
        bounds: tuple[date | None, date | None] = (first, last)
    elif qualifier == DateQualifier.on_or_after:
        bounds = (first, None)
    elif qualifier == DateQualifier.after:
        bounds = (_shifted(last, 1), None)
    elif qualifier == DateQualifier.on_or_before:
        bounds = (None, last)
    elif qualifier == DateQualifier.before:
        bounds = (None, _shifted(first, -1))
    else:  # approximate: the period named, the likeliest place (see `certain`)
        bounds = (first, last)
    earliest, latest = bounds
    return (
        earliest.isoformat() if earliest else None,
        latest.isoformat() if latest else None,
    )
