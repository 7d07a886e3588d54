"""Choosing a representation (JSON or CSV) and writing CSV, with an optional HXL row.

HXL (the Humanitarian Exchange Language, used by HDX and OCHA) is a second header row of
hashtags that tells tools what each column holds: `#country+code`, `#date+reported`...
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.api.accept import prefers
from app.api.problems import invalid

T = TypeVar("T")
FORMATS = ("json", "csv")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class OutputFormat:
    name: str  # json or csv
    hxl: bool

    @property
    def csv(self) -> bool:
        return self.name == "csv"


async def output_format(
    request: Request,
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="`json` (default) or `csv`. `Accept: text/csv` also selects CSV.",
        ),
    ] = None,
    hxl: Annotated[
        bool,
        Query(description="CSV only: add a second header row of HXL hashtags."),
    ] = False,
) -> OutputFormat:
    # async although it never awaits: a sync dependency costs each request a worker-thread hop.
    if format is not None and format not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise invalid("query", "format", f"unknown format {format!r}; use one of: {allowed}")
    name = format or ("csv" if prefers(request.headers.get("accept"), "text/csv") else "json")
    if hxl and name != "csv":
        raise invalid("query", "hxl", "HXL hashtags are a CSV header row: add format=csv")
    return OutputFormat(name=name, hxl=hxl)


FormatDep = Annotated[OutputFormat, Depends(output_format)]


@dataclass(frozen=True)
class CsvColumn(Generic[T]):
    header: str
    hxl: str
    value: Callable[[T], Any]


# A spreadsheet reads a cell that begins with one of these as a formula (OWASP's list for CSV
# injection): "=HYPERLINK(...)" in a quote or a summary would run when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """A cell: numbers as numbers, text as text that no spreadsheet runs. A text cell that
    begins like a formula gets a leading single quote, which spreadsheets show as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # 110800000, as the JSON writes it, not 110800000.0
        return str(value)  # a negative number stays a number: -3, not '-3
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(
    columns: Sequence[CsvColumn[T]], batches: Iterable[Sequence[T]], *, hxl: bool
) -> Iterator[bytes]:
    """CSV as UTF-8 bytes, a batch of rows at a time, so a long list is never held whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    if hxl:
        writer.writerow([column.hxl for column in columns])
    for batch in batches:
        for item in batch:
            writer.writerow([csv_text(column.value(item)) for column in columns])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def csv_response(
    columns: Sequence[CsvColumn[T]],
    batches: Iterable[Sequence[T]],
    *,
    hxl: bool,
    filename: str,
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    return StreamingResponse(
        csv_lines(columns, batches, hxl=hxl),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}.csv"', **(headers or {})},
    )


def csv_openapi(description: str = "The list as CSV (see `format`).") -> dict[str, Any]:
    """The OpenAPI content entry of an operation that can answer in CSV."""
    return {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": description}
