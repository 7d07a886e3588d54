"""A source's text as HTML, with every cited span wrapped in an element a link can target.

Each span `[start, end)` becomes `<span class="cite" id="cite-{start}-{end}">`, so
`/sources/{id}#cite-{start}-{end}` scrolls to it and CSS `:target` highlights it. Spans may
nest (a short quote inside a longer one) or cross (two quotes sharing words). Nesting maps
onto HTML as it is; a crossing span is cut where the other one closes, and the later pieces
carry `data-continues="cite-{start}-{end}"` so a style rule can highlight them along with the
first piece, which holds the id.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape


def anchor_id(start: int, end: int) -> str:
    return f"cite-{start}-{end}"


@dataclass
class MarkedText:
    html: Markup
    # Anchors of the spans that had to be cut in pieces.
    split_anchors: list[str] = field(default_factory=list)


def mark_cited_spans(text: str, spans: Iterable[tuple[int, int]]) -> MarkedText:
    unique = sorted({(s, e) for s, e in spans if 0 <= s < e <= len(text)})
    starts: dict[int, list[tuple[int, int]]] = {}
    for span in unique:
        starts.setdefault(span[0], []).append(span)
    boundaries = sorted({0, len(text), *(s for s, _ in unique), *(e for _, e in unique)})

    out: list[str] = []
    stack: list[tuple[int, int]] = []
    split: set[tuple[int, int]] = set()
    for position, next_position in zip(boundaries, [*boundaries[1:], None], strict=True):
        # Close every span ending here; spans opened above them are closed too and reopened.
        ending = [i for i, (_, end) in enumerate(stack) if end == position]
        if ending:
            lowest = ending[0]
            reopen = [span for span in stack[lowest:] if span[1] != position]
            out.append("</span>" * (len(stack) - lowest))
            del stack[lowest:]
            for span in reopen:
                split.add(span)
                out.append(f'<span class="cite-part" data-continues="{anchor_id(*span)}">')
                stack.append(span)
        # Longer spans open first, so spans starting together nest.
        for span in sorted(starts.get(position, []), key=lambda s: -s[1]):
            out.append(f'<span class="cite" id="{anchor_id(*span)}">')
            stack.append(span)
        if next_position is not None:
            out.append(str(escape(text[position:next_position])))
    out.append("</span>" * len(stack))
    return MarkedText(
        html=Markup("".join(out)), split_anchors=[anchor_id(*span) for span in sorted(split)]
    )
