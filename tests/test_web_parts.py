"""The pages' pure parts: figures in words, Accept negotiation, cited-span markup."""

import pytest

from app.api.schemas import DateOut, QuantityOut
from app.api.wording import date_in_words, number_in_words, quantity_in_words
from app.web.negotiation import is_negotiated, prefers_html
from app.web.source_text import mark_cited_spans
from tests.support.html_tree import parse_html


def quantity(value: float | None, unit: str, qualifier: str | None, stated: str | None):
    return QuantityOut(
        value=value,
        unit=unit,
        qualifier=qualifier,  # type: ignore[arg-type]
        lower_bound=None,
        upper_bound=None,
        as_stated=stated,
        unknown_reason=None if value is not None else "not given",
    )


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "stated", "words"),
    [
        (6000, "people", "at_least", "over 6,000 people", "over 6,000 people"),
        (6000, "people", "at_least", "at least 6,000", "at least 6,000 people"),
        (6000, "people", "at_least", None, "at least 6,000 people"),
        (85, "percent", "estimate", "an estimated 85%", "an estimated 85%"),
        (1000, "officers", "approximate", "some 1,000", "some 1,000 officers"),
        (1000, "officers", "approximate", "1,000-odd", "about 1,000 officers"),
        (2500, "officers", "at_most", "up to 2,500", "up to 2,500 officers"),
        (110_800_000, "USD", "exact", "$110.8 million", "$110.8 million"),
        (48_000_000, "USD", "exact", None, "$48 million"),
        (2_500_000_000, "USD", "exact", None, "$2.5 billion"),
        (40, "percent", "exact", None, "40%"),
        (None, "USD", None, None, "unknown"),
    ],
)
def test_quantities_in_words_keep_the_qualifier(value, unit, qualifier, stated, words) -> None:
    assert quantity_in_words(quantity(value, unit, qualifier, stated)) == words


def test_a_missing_quantity_is_unknown_never_zero() -> None:
    assert quantity_in_words(None) == "unknown"
    assert number_in_words(0, "people") == "0 people"  # zero is only ever a real zero


@pytest.mark.parametrize(
    ("value", "precision", "qualifier", "words"),
    [
        ("2010", "year", "exact", "2010"),
        ("2025-10", "month", "exact", "October 2025"),
        ("2025-02-25", "day", "exact", "25 February 2025"),
        ("2025-02-25", "day", "on_or_before", "on or before 25 February 2025"),
        ("2025-02-25", "day", "on_or_after", "on or after 25 February 2025"),
        ("2025-03-01", "day", "approximate", "around 1 March 2025"),
        (None, None, None, "unknown"),
    ],
)
def test_dates_in_words_at_their_precision(value, precision, qualifier, words) -> None:
    date = DateOut(
        value=value,
        precision=precision,
        qualifier=qualifier,
        as_stated=None,
        resolution=None,
    )
    assert date_in_words(date) == words


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("text/html, application/json", False),
        ("text/html;q=0.8, application/json", False),
        ("text/html, application/json;q=0.9", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/*", True),
        ("text/html;q=0", False),
        ("text/html;q=oops", False),
        ("garbage", False),
    ],
)
def test_html_only_when_preferred_over_json(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


@pytest.mark.parametrize(
    ("path", "negotiated"),
    [
        ("/", True),
        ("/missions/mss", True),
        ("/sources/abc", True),
        ("/missions", False),
        ("/missions/mss/funding", False),
        ("/missions/mss/charts/funding.svg", False),
        ("/docs", False),
    ],
)
def test_only_the_pages_urls_are_negotiated(path: str, negotiated: bool) -> None:
    assert is_negotiated(path) is negotiated


def pieces_of(markup: str, anchor: str) -> str:
    tree = parse_html(f"<div>{markup}</div>")
    first = tree.find(id=anchor)
    rest = tree.find_all(data_continues=anchor)
    return "".join(piece.raw_text for piece in [first, *rest])


def test_nested_and_crossing_spans_each_keep_their_whole_quote() -> None:
    text = "<b>Tom & Jerry</b> ran away, far away."
    spans = [(0, 17), (3, 8), (11, 27), (19, 38), (19, 38)]
    marked = mark_cited_spans(text, spans)
    assert "<b>" not in marked.html and "&amp;" in marked.html
    assert parse_html(f"<div>{marked.html}</div>").find("div").raw_text == text
    for start, end in set(spans):
        assert pieces_of(marked.html, f"cite-{start}-{end}") == text[start:end]
    # (11, 27) starts inside (0, 17) and ends after it; (19, 38) does the same to (11, 27).
    # The nested (3, 8) and the later-starting halves of each crossing stay whole.
    assert marked.split_anchors == ["cite-11-27", "cite-19-38"]


def test_spans_outside_the_text_are_ignored() -> None:
    marked = mark_cited_spans("short", [(2, 99), (3, 3), (-1, 2)])
    assert marked.html == "short"
