"""Full-text search without the database's dialect: folding words, parsing the query language,
and marking matches in a snippet. app.queries.search turns a parsed query into SQL.

Words are folded the same way when indexed and when searched: Unicode compatibility
decomposition, accents dropped, case folded, split on anything that is not a letter or digit,
then cut to an English stem. So "António" matches "Antonio", "Haiti\u2019s" (curly apostrophe)
matches "Haiti's", and "displaced" matches "displacing" and "displacement". Both databases
index the stems, so a search finds the same records on each.

The query language, kept small so it reads the same on every backend:
  cholera            a word (all words must match)
  "support office"   a phrase
  peacekeep*         a prefix (of a word's stem)
  kenya OR canada    either word
  -cholera           without the word (NOT cholera works too)
"""

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 16
SNIPPET_CHARS = 160


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Suffixes cut from English words, longest first, with what replaces them. A light stemmer:
# it joins the forms a reader types for one word ("displaced", "displacing", "displacement")
# and leaves a stem of at least three letters.
_SUFFIXES = (
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("edly", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("es", ""),
    ("ly", ""),
    ("s", ""),
)
_MIN_STEM = 3


def stem(word: str) -> str:
    """The English stem of a folded word: "displacing", "displaced", "displacement" and
    "displaces" all give "displac"; "countries" gives "country"."""
    if len(word) <= _MIN_STEM or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue  # "process", "status", "crisis" are not plurals
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]  # "displace" and "displac(ing)" meet
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "planned" -> "plann" -> "plan"
    return word


def _stems_of(token: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in WORD.findall(fold(token)))


# A text's words repeat, and a search folds and stems the whole text it highlights: each
# distinct word is worked out once. The store is bounded, and keeps only words of ordinary
# length (a hostile text may be one word of a megabyte).
_short_stems = lru_cache(maxsize=1 << 16)(_stems_of)
_LONGEST_KEPT = 64


def _stems(token: str) -> tuple[str, ...]:
    return _short_stems(token) if len(token) <= _LONGEST_KEPT else _stems_of(token)


def _words_with_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Each folded, stemmed word and the span of the original text it comes from."""
    for match in WORD.finditer(text):
        for word in _stems(match.group()):
            yield word, match.start(), match.end()


def index_words(text: str) -> str:
    """The text as the search index stores it: folded stems separated by spaces."""
    return " ".join(word for word, _, _ in _words_with_spans(text))


# PostgreSQL keeps a text's search vector in at most 1,048,575 bytes: for each distinct word
# its UTF-8 bytes rounded up to an even number, two bytes of count, and two bytes for each of
# up to 256 positions. The same limit, a little lower, holds on SQLite too, so a text is
# indexed on both engines or refused on both.
MAX_INDEX_BYTES = 1_000_000
_MAX_POSITIONS = 256


def index_bytes(words: str) -> int:
    """The size PostgreSQL's search vector of these folded words takes (an upper bound)."""
    counts: dict[str, int] = {}
    for word in words.split():
        counts[word] = counts.get(word, 0) + 1
    total = 0
    for word, count in counts.items():
        length = len(word.encode("utf-8"))
        total += length + (length & 1) + 2 + 2 * min(count, _MAX_POSITIONS)
    return total


class QuerySyntaxError(ValueError):
    """The query cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in a row); the last word may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def matches(self, words: list[str], at: int) -> bool:
        if at + len(self.words) > len(words):
            return False
        for offset, wanted in enumerate(self.words):
            found = words[at + offset]
            last = offset == len(self.words) - 1
            if not (found == wanted or (last and self.prefix and found.startswith(wanted))):
                return False
        return True


@dataclass(frozen=True)
class SearchQuery:
    """All `groups` must match (a group is one term, or terms joined by OR); no term of
    `excluded` may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


_TOKEN = re.compile(r'\s*(?:(?P<phrase>-?"[^"]*"\*?)|(?P<open>-?")|(?P<word>[^\s"]+))')


def _term(raw: str, body: str, prefix: bool) -> Term:
    words = tuple(stem(word) for word in WORD.findall(fold(body)))
    if not words:
        raise QuerySyntaxError(f"{raw!r} has no letters or digits to search for")
    return Term(words=words, prefix=prefix)


def parse_query(text: str) -> SearchQuery:
    """Read a query in the language above, or raise QuerySyntaxError saying what is wrong."""
    items: list[tuple[str, Term | None]] = []  # kind: term, negated, not or or
    for match in _TOKEN.finditer(text):
        if match.group("open"):
            raise QuerySyntaxError("a quoted phrase is not closed: add the closing '\"'")
        raw = match.group("phrase") or match.group("word")
        if raw is None:
            continue
        negated = raw.startswith("-") and len(raw) > 1
        body = raw[1:] if negated else raw
        if body in ("OR", "AND", "NOT") or raw == "-":
            if raw == "-" or body == "NOT":
                items.append(("not", None))
            elif body == "OR":
                items.append(("or", None))
            continue  # AND is what terms side by side mean anyway
        prefix = body.endswith("*")
        body = body.rstrip("*")
        if body.startswith('"'):
            body = body[1:-1]
            if not body.strip():
                raise QuerySyntaxError('an empty phrase ("") has nothing to search for')
        if "*" in body:
            raise QuerySyntaxError(f"{raw!r}: '*' may only end a word, as in peacekeep*")
        items.append(("negated" if negated else "term", _term(raw, body, prefix)))
    return _assemble(items)


def _assemble(items: list[tuple[str, Term | None]]) -> SearchQuery:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_not = pending_or = False
    for kind, term in items:
        if kind == "not":
            if pending_not:
                raise QuerySyntaxError("NOT (or '-') must be followed by a word or phrase")
            pending_not = True
            continue
        if kind == "or":
            if pending_or or not groups or pending_not:
                raise QuerySyntaxError("OR must stand between two words or phrases")
            pending_or = True
            continue
        assert term is not None
        if kind == "negated" or pending_not:
            if pending_or:
                raise QuerySyntaxError("OR cannot join an excluded word; exclude it apart")
            excluded.append(term)
            pending_not = False
            continue
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_not:
        raise QuerySyntaxError("NOT (or '-') must be followed by a word or phrase")
    if pending_or:
        raise QuerySyntaxError("OR must stand between two words or phrases")
    if not groups:
        raise QuerySyntaxError("the query has no word to look for (only exclusions, or nothing)")
    if len(excluded) + sum(len(group) for group in groups) > MAX_TERMS:
        raise QuerySyntaxError(f"at most {MAX_TERMS} words or phrases")
    return SearchQuery(groups=tuple(tuple(g) for g in groups), excluded=tuple(excluded))


@dataclass(frozen=True)
class _TextWords:
    """A text's folded words in order, the span of the text each comes from, and where each
    distinct word stands."""

    folded: list[str]
    bounds: list[tuple[int, int]]
    at: dict[str, list[int]]


def _text_words(text: str) -> _TextWords:
    folded: list[str] = []
    bounds: list[tuple[int, int]] = []
    at: dict[str, list[int]] = {}
    for match in WORD.finditer(text):
        for word in _stems(match.group()):
            at.setdefault(word, []).append(len(folded))
            folded.append(word)
            bounds.append(match.span())
    return _TextWords(folded, bounds, at)


# A source's text, a fact's quote or summary is highlighted again by every search that finds
# it: its words are worked out once, kept under the text itself (a corrected summary is a new
# text). Bounded by count and by length, so what is kept stays under about ten megabytes
# whatever the texts: many short ones, a few long ones, none longer (a hostile text may be a
# megabyte).
_short_text_words = lru_cache(maxsize=256)(_text_words)
_long_text_words = lru_cache(maxsize=8)(_text_words)
_SHORT_CHARS = 1_000
_LONGEST_KEPT_CHARS = 50_000


def _words_of(text: str) -> _TextWords:
    if len(text) <= _SHORT_CHARS:
        return _short_text_words(text)
    return _long_text_words(text) if len(text) <= _LONGEST_KEPT_CHARS else _text_words(text)


def matched_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """Spans of `text` where a term of the query matches, in order, not overlapping."""
    words = _words_of(text)
    terms = query.terms
    # A term can only match where its first word is (a lone prefix: where a word begins
    # with it), so only those places are tried: a source text has thousands of words.
    prefixes = tuple(t.words[0] for t in terms if t.prefix and len(t.words) == 1)
    places = {at for t in terms for at in words.at.get(t.words[0], ())}
    if prefixes:
        places.update(at for w, found in words.at.items() if w.startswith(prefixes) for at in found)
    spans: list[tuple[int, int]] = []
    for at in sorted(places):
        for term in terms:
            if term.matches(words.folded, at):
                start, end = words.bounds[at][0], words.bounds[at + len(term.words) - 1][1]
                if not spans or start >= spans[-1][1]:
                    spans.append((start, end))
                break
    return spans


def snippet_html(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """A short, HTML-escaped excerpt around the first match, matches wrapped in <mark>.
    Cut at word boundaries, with an ellipsis where text was left out."""
    if not spans:
        start, end = 0, min(len(text), width)
    else:
        first = spans[0][0]
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
    while 0 < start < len(text) and not text[start - 1].isspace():
        start += 1
    while end < len(text) and not text[end].isspace() and end - start < width + 30:
        end += 1
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).strip()
