"""Choosing a representation (JSON, CSV or NDJSON) and writing the row formats: CSV, with an
optional HXL row, and NDJSON (one JSON record per line).

HXL (the Humanitarian Exchange Language, used by HDX and OCHA) is a second header row of
hashtags that tells tools what each column holds: `#country+code`, `#date+reported`...
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.api.accept import prefers
from app.api.held_connections import iterate_holding
from app.api.problems import invalid

T = TypeVar("T")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
# Every representation a list has, by its `format` name: the one declaration that the
# parameter, the Accept header and the OpenAPI contents read.
FORMATS = {"json": "application/json", "csv": "text/csv", "ndjson": NDJSON_MEDIA_TYPE}
# Row formats: without `limit`, the whole list comes in them (streamed when it is long).
ROW_FORMATS = ("csv", "ndjson")
ROW_MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "ndjson": NDJSON_MEDIA_TYPE}


@dataclass(frozen=True)
class OutputFormat:
    name: str  # a key of FORMATS
    hxl: bool

    @property
    def csv(self) -> bool:
        return self.name == "csv"

    @property
    def rows(self) -> bool:
        """A row format (CSV or NDJSON) rather than a JSON page."""
        return self.name in ROW_FORMATS


def _preferred_format(accept: str | None) -> str:
    """The row format the Accept header ranks above JSON, if any (a tie keeps JSON)."""
    for name in ROW_FORMATS:
        if prefers(accept, FORMATS[name]):
            return name
    return "json"


async def output_format(
    request: Request,
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="`json` (default), `csv` or `ndjson` (one JSON record per line). "
            "`Accept: text/csv` or `application/x-ndjson` also selects them. Without `limit`, "
            "CSV and NDJSON stream the whole list.",
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
    name = format or _preferred_format(request.headers.get("accept"))
    if hxl and name != "csv":
        raise invalid("query", "hxl", "HXL hashtags are a CSV header row: add format=csv")
    return OutputFormat(name=name, hxl=hxl)


FormatDep = Annotated[OutputFormat, Depends(output_format)]


@dataclass(frozen=True)
class CsvColumn(Generic[T]):
    """A column: its header, its HXL hashtag, how a record gives its cell, and what its cells
    hold, as a Frictionless Table Schema field says it (`type`, and the closed vocabulary a
    text column is drawn from)."""

    header: str
    hxl: str
    value: Callable[[T], Any]
    type: str = "string"  # string, integer, number, boolean, date, datetime
    enum: tuple[str, ...] = ()


# A spreadsheet reads a cell that begins with one of these as a formula (OWASP's list for CSV
# injection): "=HYPERLINK(...)" in a quote or a summary would run when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """A cell: numbers as numbers, text as text that no spreadsheet runs. A text cell that
    begins like a formula gets a leading single quote, which spreadsheets show as text."""
    if value is None:
        return ""
    if type(value) is str:  # most cells: the checks below are for the rest
        return "'" + value if value.startswith(FORMULA_STARTS) else value
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


def ndjson_lines(batches: Iterable[Sequence[BaseModel]]) -> Iterator[bytes]:
    """One JSON record per line, each as the JSON list writes it, a batch at a time."""
    for batch in batches:
        yield b"".join(item.model_dump_json().encode() + b"\n" for item in batch)


def _row_lines(
    output: OutputFormat, columns: Sequence[CsvColumn[T]], batches: Iterable[Sequence[T]]
) -> Iterator[bytes]:
    if output.name == "ndjson":
        return ndjson_lines(batches)  # type: ignore[arg-type]
    return csv_lines(columns, batches, hxl=output.hxl)


def _row_headers(
    output: OutputFormat, filename: str, headers: dict[str, str] | None
) -> dict[str, str]:
    if output.csv:
        return {"Content-Disposition": f'inline; filename="{filename}.csv"', **(headers or {})}
    return dict(headers or {})


def rows_response(
    output: OutputFormat,
    columns: Sequence[CsvColumn[T]],
    items: Sequence[T],
    *,
    filename: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Records in hand in the row format asked for: CSV (with `columns`) or NDJSON, written
    whole, where they were made (a stream would cost a worker-thread hop per chunk)."""
    return Response(
        b"".join(_row_lines(output, columns, [items])),
        media_type=ROW_MEDIA_TYPES[output.name],
        headers=_row_headers(output, filename, headers),
    )


def rows_stream(
    output: OutputFormat,
    columns: Sequence[CsvColumn[T]],
    batches: Iterable[Sequence[T]],
    *,
    filename: str,
) -> StreamingResponse:
    """A list too long to hold, in the row format asked for, a batch at a time. Each batch
    is read on the connection the stream holds, in a thread not queued behind the routes."""
    return StreamingResponse(
        iterate_holding(_row_lines(output, columns, batches)),
        media_type=ROW_MEDIA_TYPES[output.name],
        headers=_row_headers(output, filename, None),
    )


def list_openapi(description: str = "The list as CSV or NDJSON (see `format`).") -> dict[str, Any]:
    """The OpenAPI content entries of an operation that can answer in the row formats."""
    text = {"schema": {"type": "string"}}
    return {"content": {FORMATS[name]: text for name in ROW_FORMATS}, "description": description}
