"""Scopes: the parts of the data an answer reads and a write touches, so that a write empties
only the cached answers it can have changed.

A scope is a name: `fact:<id>` is one fact (all its versions, citations and history), and
`kind:<kind>` is the facts of one kind, whatever their subject. A write of a fact version
touches the fact and its kind, old and new. Any other write (a source, a mission, an actor, a
seed load, an import) touches EVERYTHING, and an answer that does not name its scopes is
taken to read EVERYTHING: being narrow is something a route claims, never a default.

A route claims its scopes in the READS header of its answer; the HTTP cache takes the header
off before the answer goes out (app/middleware/http_cache.py). What a claim may leave out is
only what a write of EVERYTHING changes: the missions, countries, actors and sources an answer
names, and the vocabulary.
"""

from collections.abc import Iterable

EVERYTHING = "*"
# What only writes of EVERYTHING change: claimed alone by an answer that shows no fact (the
# list of sources), so that a fact's correction leaves it in memory.
ENTITIES = "entities"
READS = "x-mission-facts-reads"  # never sent to a client
_SEPARATOR = " "


def fact_scope(fact_id: str) -> str:
    return f"fact:{fact_id}"


def kind_scope(kind: str) -> str:
    return f"kind:{kind}"


def fact_write_scopes(fact_id: str, kinds: Iterable[str]) -> list[str]:
    """What writing a version of a fact touches: the fact, and each kind it had or has."""
    return [fact_scope(fact_id), *(kind_scope(kind) for kind in dict.fromkeys(kinds))]


def reads_header(scopes: Iterable[str]) -> dict[str, str]:
    """The header an answer claims its scopes with (fact ids and kinds hold no spaces)."""
    return {READS: _SEPARATOR.join(dict.fromkeys(scopes))}


def parse_reads(value: str | None) -> frozenset[str] | None:
    """The scopes a READS header claims; None (everything) when there is none or it is
    empty or names EVERYTHING."""
    if not value:
        return None
    scopes = frozenset(value.split())
    return None if not scopes or EVERYTHING in scopes else scopes


def touched_any(read: frozenset[str] | None, touched: frozenset[str] | None) -> bool:
    """Whether writes that touched `touched` (None: everything) can have changed an answer
    that read `read` (None: everything)."""
    return read is None or touched is None or not read.isdisjoint(touched)
