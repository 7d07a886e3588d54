"""Which characters no stored or searched text may hold, and the numbers no record may hold.

Every text the API stores ends up in XML somewhere (the SVG charts, the Atom feed, the HTML
pages), and XML 1.0 has no way to write most control characters. So these are refused on the
way in, in every text field of a write, rather than escaped or dropped on the way out:

- C0 controls other than tab and newline (carriage return included: send `\\n` line ends),
- DEL and the C1 controls (U+007F to U+009F),
- lone surrogates (a JSON `"\\ud800"` escape decodes to one; no UTF-8 text can hold it),
- the noncharacters U+FFFE and U+FFFF, which XML 1.0 forbids too.

NUL is one of these, so PostgreSQL text (which cannot hold NUL) and SQLite agree.
"""

import math
import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# The names of the characters, for messages a person can act on.
_NAMES = {"\x00": "NUL", "\r": "carriage return", "\x7f": "DEL"}


def unsafe_character(text: str) -> str | None:
    """A description of the first character of `text` that may not be stored, or None."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    name = _NAMES.get(char)
    if name is None:
        name = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"{name} (U+{ord(char):04X}) at character {found.start()}"


def exact_float_problem(value: float | int) -> str | None:
    """Why a number cannot be stored as sent (None when it can): not finite, or an integer a
    double cannot hold exactly."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Compared as integers first: float() of a 400-digit integer raises.
        if abs(value) > 1e308:
            return "is outside the range of numbers that can be stored"
        if abs(value) > 2**53 and float(value) != value:
            return "is an integer too large to store exactly (at most 2^53 in size)"
        return None
    if not math.isfinite(value):
        return "must be a finite number (not NaN or infinite)"
    return None
