"""The Accept header, read once for every choice of representation (JSON, CSV, text, HTML)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> bool:
        wanted_type, _, wanted_subtype = media_type.partition("/")
        return self.type in ("*", wanted_type) and self.subtype in ("*", wanted_subtype)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str) -> list[MediaRange]:
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, _, subtype = media.lower().partition("/")
        if not kind or not subtype:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, subtype, quality))
    return ranges


def quality_of(media_type: str, ranges: list[MediaRange]) -> float:
    """RFC 9110: the quality of the most specific range that matches, 0 if none does."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda r: r.specificity).quality


def prefers(accept: str | None, media_type: str, over: str = "application/json") -> bool:
    """True only when `media_type` ranks strictly above `over`: a tie (`*/*`) keeps `over`."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    return quality_of(media_type, ranges) > quality_of(over, ranges)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 §12.5.3): named with a quality
    above 0, or allowed by `*` when gzip is not named."""
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            qualities[coding.lower()] = quality
    if "gzip" in qualities:
        return qualities["gzip"] > 0
    return qualities.get("*", 0.0) > 0
