"""Charts as standalone SVG documents, for the fact sheet and for newsrooms to embed.

Pure functions: they take figures already put in words and return SVG text. Every value is
written out as text beside its bar, so nothing is said by colour alone; derived parts are
hatched and labelled "derived"; each chart has a <title>, a <desc> that says it all in
words, and a credit line naming its source and date. The drawing is 360 units wide and
served at 600 px; a phone shows it about 330 px wide, close to its own size, so the text
stays legible there too.
"""

import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass

WIDTH = 360
MARGIN = 12
DISPLAY_SCALE = 600 / WIDTH
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#4a4a4a"
STRONG = "#1f4e79"
LIGHT = "#c9dcef"
TITLE_SIZE = 17
LABEL_SIZE = 15
SMALL_SIZE = 13
BAR_HEIGHT = 24
SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class ChartValue:
    """One figure: its label, its number (None when unknown) and its value in words."""

    label: str
    value: float | None
    words: str
    note: str | None = None  # e.g. "derived: funds received minus funds unallocated"
    derived: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # everything the chart shows, in words: its alt text on a page
    svg: str
    width: float = 0  # as displayed, in CSS pixels
    height: float = 0


@dataclass(frozen=True)
class TimelineEntry:
    when: str  # the date in words, at its precision
    precision: str  # year, month or day
    text: str


class _Canvas:
    """An SVG document being laid out from top to bottom."""

    def __init__(self, title: str, description: str) -> None:
        self.title = title
        self.description = description
        self.root = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "role": "img",
                "aria-labelledby": "chart-title chart-desc",
                "font-family": FONT,
            },
        )
        ET.SubElement(self.root, "title", {"id": "chart-title"}).text = title
        ET.SubElement(self.root, "desc", {"id": "chart-desc"}).text = description
        self.defs = ET.SubElement(self.root, "defs")
        self.background = ET.SubElement(self.root, "rect", {"x": "0", "y": "0", "fill": "#fff"})
        self.y = float(MARGIN)

    def text(
        self,
        content: str,
        *,
        size: float = LABEL_SIZE,
        x: float = MARGIN,
        width: float = WIDTH - 2 * MARGIN,
        bold: bool = False,
        fill: str = INK,
        css_class: str | None = None,
    ) -> None:
        """Wrapped lines of text, advancing the layout."""
        characters = max(12, int(width / (size * (0.58 if bold else 0.53))))
        for line in textwrap.wrap(content, characters) or [""]:
            self.y += size * 1.25
            attributes = {"x": _n(x), "y": _n(self.y), "font-size": _n(size), "fill": fill}
            if bold:
                attributes["font-weight"] = "700"
            if css_class:
                attributes["class"] = css_class
            ET.SubElement(self.root, "text", attributes).text = line
        self.y += size * 0.35

    def bar(self, value: ChartValue, x: float, width: float, **attributes: str) -> None:
        """A bar for one value; `data-figure` names it for whoever reads the SVG's source."""
        ET.SubElement(
            self.root,
            "rect",
            {
                "class": "bar derived" if value.derived else "bar",
                "data-figure": value.label,
                "x": _n(x),
                "y": _n(self.y),
                "width": _n(max(width, 0)),
                "height": _n(BAR_HEIGHT),
                **attributes,
            },
        )

    def gap(self, height: float) -> None:
        self.y += height

    def hatch(self) -> str:
        """The pattern that marks a derived part, and its reference."""
        pattern = ET.SubElement(
            self.defs,
            "pattern",
            {
                "id": "derived-hatch",
                "width": "8",
                "height": "8",
                "patternUnits": "userSpaceOnUse",
                "patternTransform": "rotate(45)",
            },
        )
        ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": LIGHT})
        ET.SubElement(
            pattern,
            "line",
            {"x1": "0", "y1": "0", "x2": "0", "y2": "8", "stroke": STRONG, "stroke-width": "3"},
        )
        return "url(#derived-hatch)"

    def finish(self, credit: str) -> Chart:
        self.gap(8)
        ET.SubElement(
            self.root,
            "line",
            {
                "x1": _n(MARGIN),
                "x2": _n(WIDTH - MARGIN),
                "y1": _n(self.y),
                "y2": _n(self.y),
                "stroke": "#b0b0b0",
            },
        )
        self.text(credit, size=SMALL_SIZE, fill=MUTED, css_class="credit")
        height = round(self.y + MARGIN / 2, 1)
        self.root.set("viewBox", f"0 0 {WIDTH} {_n(height)}")
        self.root.set("width", _n(WIDTH * DISPLAY_SCALE))
        self.root.set("height", _n(height * DISPLAY_SCALE))
        self.background.set("width", str(WIDTH))
        self.background.set("height", _n(height))
        if not len(self.defs):
            self.root.remove(self.defs)
        svg = ET.tostring(self.root, encoding="unicode", xml_declaration=True) + "\n"
        return Chart(
            title=self.title,
            description=self.description,
            svg=svg,
            width=WIDTH * DISPLAY_SCALE,
            height=height * DISPLAY_SCALE,
        )


def _n(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def _scale(values: list[ChartValue]) -> float:
    known = [v.value for v in values if v.value is not None and v.value > 0]
    return (WIDTH - 2 * MARGIN) / max(known) if known else 0.0


def _value_line(value: ChartValue) -> str:
    return f"{value.label}: {value.words}" + (f" ({value.note})" if value.note else "")


def personnel_chart(
    *,
    title: str,
    planned: ChartValue,
    deployed: ChartValue,
    share: ChartValue | None,
    credit: str,
) -> Chart:
    """Deployed against planned personnel: two bars on one scale, values written out."""
    lines = [_value_line(v) for v in (planned, deployed) + ((share,) if share else ())]
    canvas = _Canvas(title, " ".join(f"{line}." for line in lines) + f" {credit}")
    canvas.text(title, size=TITLE_SIZE, bold=True)
    scale = _scale([planned, deployed])
    hatch = canvas.hatch() if any(v.derived for v in (planned, deployed)) else None
    for value, style in ((planned, {"fill": LIGHT, "stroke": STRONG}), (deployed, {})):
        canvas.gap(6)
        canvas.text(_value_line(value))
        if value.value is not None and scale:
            fill = hatch if value.derived and hatch else style.get("fill", STRONG)
            canvas.bar(
                value, MARGIN, value.value * scale, fill=fill, stroke=style.get("stroke", STRONG)
            )
            canvas.gap(BAR_HEIGHT)
    if share is not None:
        canvas.gap(6)
        canvas.text(_value_line(share), size=SMALL_SIZE + 1)
    return canvas.finish(credit)


def funding_chart(
    *,
    title: str,
    received: ChartValue,
    allocated: ChartValue,
    unallocated: ChartValue,
    need: ChartValue | None,
    credit: str,
) -> Chart:
    """Received money as one bar, and below it the same total split into its allocated part
    (hatched where derived) and its unallocated part."""
    values = (received, allocated, unallocated) + ((need,) if need else ())
    canvas = _Canvas(title, " ".join(f"{_value_line(v)}." for v in values) + f" {credit}")
    canvas.text(title, size=TITLE_SIZE, bold=True)
    scale = _scale([received, allocated, unallocated])
    hatch = canvas.hatch() if allocated.derived or unallocated.derived else None

    canvas.gap(6)
    canvas.text(_value_line(received))
    if received.value is not None and scale:
        canvas.bar(received, MARGIN, received.value * scale, fill=STRONG, stroke=STRONG)
        canvas.gap(BAR_HEIGHT)

    canvas.gap(10)
    canvas.text("Of which:", size=LABEL_SIZE)
    x = float(MARGIN)
    for part, solid in ((allocated, LIGHT), (unallocated, STRONG)):
        if part.value is not None and scale:
            fill = hatch if part.derived and hatch else solid
            canvas.bar(part, x, part.value * scale, fill=fill, stroke=STRONG)
            x += part.value * scale
    if x > MARGIN:
        canvas.gap(BAR_HEIGHT)
    shown_as = ("hatched part" if allocated.derived else "light part", "dark part")
    for part, look in zip((allocated, unallocated), shown_as, strict=True):
        where = f", the {look}" if part.value is not None and scale else ""
        canvas.text(f"{_value_line(part)}{where}", size=SMALL_SIZE + 1)
    if need is not None:
        canvas.gap(6)
        canvas.text(_value_line(need), size=SMALL_SIZE + 1)
    return canvas.finish(credit)


def timeline_chart(*, title: str, entries: list[TimelineEntry], credit: str) -> Chart:
    """Dated events, oldest first, one under the other so the text can stay large. A day is a
    dot; a month or a year, known only to that precision, is an open bar."""
    described = " ".join(f"{e.when}: {e.text}" for e in entries) or "No dated events."
    canvas = _Canvas(title, f"{described} {credit}")
    canvas.text(title, size=TITLE_SIZE, bold=True)
    if not entries:
        canvas.text("The sources give no dated events for this mission.", fill=MUTED)
    rail_x = MARGIN + 8
    text_x = MARGIN + 28
    first_top = canvas.y + 8
    for entry in entries:
        canvas.gap(8)
        top = canvas.y
        if entry.precision == "day":
            ET.SubElement(
                canvas.root,
                "circle",
                {"cx": _n(rail_x), "cy": _n(top + 12), "r": "6", "fill": STRONG},
            )
        else:
            ET.SubElement(
                canvas.root,
                "rect",
                {
                    "x": _n(rail_x - 5),
                    "y": _n(top + 4),
                    "width": "10",
                    "height": "18",
                    "rx": "3",
                    "fill": "#fff",
                    "stroke": STRONG,
                    "stroke-width": "2",
                },
            )
        precision_note = {"month": " (month only)", "year": " (year only)"}.get(entry.precision, "")
        canvas.text(
            f"{entry.when}{precision_note}",
            x=text_x,
            width=WIDTH - text_x - MARGIN,
            bold=True,
            css_class="when",
        )
        canvas.text(entry.text, x=text_x, width=WIDTH - text_x - MARGIN, size=SMALL_SIZE + 1)
    if entries:
        rail = ET.Element(
            "line",
            {
                "x1": _n(rail_x),
                "x2": _n(rail_x),
                "y1": _n(first_top),
                "y2": _n(canvas.y),
                "stroke": "#8a8a8a",
                "stroke-width": "2",
            },
        )
        # Drawn right after the background, under the markers.
        canvas.root.insert(list(canvas.root).index(canvas.background) + 1, rail)
    return canvas.finish(credit)
