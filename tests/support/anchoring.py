"""What an annotation client does with a Web Annotation TextQuoteSelector: find the quote again
in a copy of the text whose offsets moved, by its words and their context only.

Whitespace is compared loosely (any run of it is one space), as re-saved or re-wrapped pages
change it; among the places the words occur, the one whose surroundings agree longest with
the prefix and suffix wins.
"""

import re

_SPACE = re.compile(r"\s+")


def _folded(text: str) -> tuple[str, list[int]]:
    """The text with every run of whitespace as one space, and where each of its characters
    stands in the original."""
    out: list[str] = []
    where: list[int] = []
    for match in re.finditer(r"\s+|\S", text):
        out.append(" " if match.group().isspace() else match.group())
        where.append(match.start())
    return "".join(out), where


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def reanchor(text: str, *, exact: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """The span of the quote in `text` (start, end), or None if its words are not there."""
    folded, where = _folded(text)
    words, before, after = _fold(exact).strip(), _fold(prefix), _fold(suffix)
    best: tuple[int, int] | None = None
    best_score = -1
    at = folded.find(words)
    while at != -1:
        end = at + len(words)
        score = _common_suffix(folded[:at].rstrip(), before.rstrip()) + _common_prefix(
            folded[end:].lstrip(), after.lstrip()
        )
        if score > best_score:
            best, best_score = (at, end), score
        at = folded.find(words, at + 1)
    if best is None:
        return None
    start, end = best
    return where[start], where[end - 1] + 1
