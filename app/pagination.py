"""Bounded offset pagination shared by every list endpoint."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
MAX_OFFSET = 1_000_000_000  # far past any real list; keeps the value inside a 64-bit integer

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int

    @property
    def fetch(self) -> int:
        """One row more than the page: its presence says whether a next page exists."""
        return self.limit + 1


def page_params(
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}."),
    ] = DEFAULT_PAGE_SIZE,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (follow `next` instead).")
    ] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


def cut_page(request: Request, params: PageParams, rows: Sequence[T]) -> tuple[list[T], str | None]:
    """The page's rows, and the URL of the next page when there is one."""
    if len(rows) <= params.limit:
        return list(rows), None
    next_url = request.url.include_query_params(
        limit=params.limit, offset=params.offset + params.limit
    )
    return list(rows[: params.limit]), str(next_url)
