"""Finding a quote in its source text: the one rule for seed files and the write API alike."""

from collections.abc import Sequence
from dataclasses import dataclass

# Characters of context on each side of a quote (W3C Web Annotation TextQuoteSelector): enough
# to tell apart two occurrences of the same words, short enough to survive edits nearby.
CONTEXT_CHARS = 32


def quote_context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix of the span `text[start:end]`: up to CONTEXT_CHARS code points
    each, fewer at the text's ends."""
    return text[max(start - CONTEXT_CHARS, 0) : start], text[end : end + CONTEXT_CHARS]


@dataclass(frozen=True)
class Span:
    source_id: str
    start: int
    end: int
    quote: str
    # The quote's context in its source (see quote_context), kept with the citation: cutting
    # it out of the source text on every read cost a read of the whole text.
    prefix: str
    suffix: str


def locate_quote(
    *,
    source_id: str,
    text: str,
    quote: str,
    occurrence: int | None = None,
    not_citable: Sequence[str] = (),
) -> Span:
    """The span of `quote` in `text`; ValueError says why when it cannot be resolved (absent,
    ambiguous without `occurrence`, or touching page furniture that is not citable)."""
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise ValueError(f"quote not found in source {source_id!r}: {quote!r}")
    if occurrence is None and len(starts) > 1:
        raise ValueError(
            f"quote occurs {len(starts)} times in source {source_id!r}; "
            f"say which with occurrence: {quote!r}"
        )
    index = (occurrence or 1) - 1
    if index >= len(starts):
        raise ValueError(
            f"occurrence {occurrence} asked, but the quote occurs {len(starts)} time(s): {quote!r}"
        )
    start, end = starts[index], starts[index] + len(quote)
    for furniture in not_citable:
        f_start = text.find(furniture)
        if f_start != -1 and start < f_start + len(furniture) and f_start < end:
            raise ValueError(f"quote touches page furniture that is not citable: {quote!r}")
    return Span(source_id, start, end, quote, *quote_context(text, start, end))


def words_outside_quotes(stated: Sequence[str | None], spans: Sequence[Span]) -> list[str]:
    """The `as_stated` wordings not found in any of the spans: the source's own words must be
    in what a fact quotes, or they are not its words."""
    return [
        words for words in stated if words and spans and not any(words in s.quote for s in spans)
    ]
