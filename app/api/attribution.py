"""The sentence a journalist pastes: every quote that states the fact, who the source says
claims it, the figure (and, for a derived one, that it was calculated and from what), and the
sources with their dates at the precision known."""

from collections.abc import Mapping, Sequence

from app.api.schemas import CitationOut, FactOut
from app.api.wording import OPERATOR_WORDS, quantity_in_words
from app.db.tables import Source
from app.domain.vocabulary import VOCABULARY

# How the seed words an attribution the article itself reports.
_REPORTED = ", as reported by the source"


def _figure(fact: FactOut) -> str:
    return quantity_in_words(fact.quantity)


def _formula_with_values(fact: FactOut, inputs: Mapping[str, FactOut]) -> str:
    """ "funds received ($110.8 million) minus funds unallocated ($48 million)"."""
    assert fact.derivation is not None
    words = []
    for token in fact.derivation.formula.split():
        if token in OPERATOR_WORDS:
            words.append(OPERATOR_WORDS[token])
        elif token in inputs:
            term = inputs[token]
            words.append(f"{VOCABULARY.label(term.kind)} ({_figure(term)})")
        else:
            words.append(token)
    return " ".join(words)


def claim(fact: FactOut, inputs: Mapping[str, FactOut]) -> str:
    """What the fact says; a derived figure with its value and how it was calculated."""
    if fact.derivation is not None:
        label = VOCABULARY.label(fact.kind)
        return (
            f"{label[:1].upper()}{label[1:]}: {_figure(fact)}, calculated by Mission Facts as "
            f"{_formula_with_values(fact, inputs)}; the source states the inputs, not this figure."
        )
    text = fact.summary.strip()
    if fact.quantity is not None and fact.quantity.value is None:
        reason = (fact.quantity.unknown_reason or "").rstrip(".")
        text = f"{text.rstrip('.')} (figure unknown: {reason})." if reason else text
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


def _source_words(source: Source, published: str) -> str:
    if source.title and source.title_derived:
        # Read from the page address, so not a headline: never shown in quotes.
        title = f" (no headline in the text; the page address reads {source.title})"
    elif source.title:
        title = f", “{source.title}”"
    else:
        title = ""
    return f"{source.publisher}{title}, published {published} ({source.url})"


def attribution_text(
    fact: FactOut,
    *,
    sources: Mapping[str, Source],
    published: Mapping[str, str],
    inputs: Mapping[str, FactOut],
    permalink: str,
) -> str:
    """One paragraph: the claim, then each source with its quotes, then the permalink."""
    by_source: dict[str, list[CitationOut]] = {}
    for citation in fact.citations:
        by_source.setdefault(citation.source_id, []).append(citation)
    parts = []
    for source_id, citations in by_source.items():
        quotes = " … ".join(f"“{c.quote}”" for c in citations)
        parts.append(f"{_source_words(sources[source_id], published[source_id])}: {quotes}")
    lead = "As reported by"
    if fact.attributed_to:
        who = fact.attributed_to.removesuffix(_REPORTED)
        lead = f"According to {who}, as reported by"
    return (
        f"{claim(fact, inputs)} {lead} {'; and by '.join(parts)}. Mission Facts record: {permalink}"
    )


def derived_inputs(fact: FactOut, candidates: Sequence[FactOut]) -> dict[str, FactOut]:
    wanted = set(fact.derivation.derived_from) if fact.derivation else set()
    return {f.id: f for f in candidates if f.id in wanted}
