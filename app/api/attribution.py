"""What a journalist pastes: the full attribution (every quote that states the fact, who the
source says claims it, the figure and, for a derived one, that it was calculated and from what,
and the sources with their dates at the precision known), or one article-ready sentence in
plain text, Markdown or HTML."""

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from app.api.schemas import CitationOut, DateOut, FactOut
from app.api.wording import OPERATOR_WORDS, date_in_words, quantity_in_words
from app.db.tables import Mission, Source
from app.domain.vocabulary import (
    DATE_AS_OF,
    DATE_OCCURRED,
    VOCABULARY,
    DatePrecision,
    DateQualifier,
)

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


# --- The article-ready sentence ---------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """Who published what the sentence reports, and where."""

    publisher: str
    url: str


@dataclass(frozen=True)
class Sentence:
    """A sentence in parts, so each style writes the same words: the statement, then either
    its attribution to the publishers or how it was calculated from what they report."""

    statement: str
    according_to: str | None  # "UN reports": who the source says claims it
    credits: list[Credit]
    formula: str | None  # for a derived figure: its terms with their values
    rest: str = ""  # the summary's further sentences, after the attributed one


def _mission_words(mission: Mission | None) -> str:
    """ "the MSS": how an article names a mission after its first mention."""
    if mission is None:
        return "the mission"
    if mission.acronym:
        return f"the {mission.acronym}"
    name = mission.name or mission.slug
    return name if name.lower().startswith("the ") else f"the {name}"


def _date_phrase(date: DateOut | None, tag: str) -> str:
    """ " as of 25 February 2025", " in October 2025", " on or before 25 February 2025"."""
    if date is None or not date.value:
        return ""
    words = date_in_words(date)  # with its qualifier: "on or before ...", "around ..."
    qualifier = str(date.qualifier or DateQualifier.exact)
    bound = qualifier not in (DateQualifier.exact, DateQualifier.approximate)
    if tag == DATE_AS_OF:
        return f" as of a date {words}" if bound else f" as of {words}"
    if tag == DATE_OCCURRED:
        if qualifier != DateQualifier.exact:
            return f" {words}"
        return f" on {words}" if date.precision == DatePrecision.day else f" in {words}"
    return ""


def _without_attribution(summary: str, according_to: str | None) -> str:
    """The summary without a closing "according to ..." the sentence says again."""
    text = summary.strip().rstrip(".")
    if according_to:
        text = re.sub(rf",? according to {re.escape(according_to)}$", "", text, flags=re.I)
    return text


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence_parts(
    fact: FactOut,
    *,
    mission: Mission | None,
    sources: Mapping[str, Source],
    inputs: Mapping[str, FactOut],
) -> Sentence:
    kind = VOCABULARY.kinds[fact.kind]
    according_to = fact.attributed_to.removesuffix(_REPORTED) if fact.attributed_to else None
    quantity = fact.quantity
    rest = ""
    if kind.sentence and quantity is not None and quantity.value is not None:
        subjects = {
            "figure": quantity_in_words(quantity),
            "mission": _mission_words(mission),
            "country": fact.country.name if fact.country else "the country",
            "actor": fact.actor.name if fact.actor else "an unnamed group",
            "place": fact.place or "the place",
        }
        statement = _capitalized(kind.sentence.format(**subjects))
        statement += _date_phrase(fact.date, kind.date_tag)
    else:
        # The attribution follows the summary's first sentence; any others follow it.
        first, *others = _SENTENCE_BREAK.split(fact.summary.strip(), maxsplit=1)
        statement, rest = _without_attribution(first, according_to), " ".join(others)
    source_ids = dict.fromkeys(c.source_id for c in fact.citations)
    for term in inputs.values():
        source_ids.update(dict.fromkeys(c.source_id for c in term.citations))
    credits = [Credit(sources[sid].publisher, sources[sid].url) for sid in source_ids]
    formula = _formula_with_values(fact, inputs) if fact.derivation is not None else None
    return Sentence(statement, according_to, credits, formula, rest)


def _joined(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "the source"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _written(parts: Sentence, text: Callable[[str], str], link: Callable[[Credit], str]) -> str:
    attributed = _attributed(parts, text, link)
    return f"{attributed} {text(parts.rest)}" if parts.rest else attributed


def _attributed(parts: Sentence, text: Callable[[str], str], link: Callable[[Credit], str]) -> str:
    publishers = _joined([link(credit) for credit in parts.credits])
    if parts.formula is not None:
        # A derived figure: never attributed to the source, which does not state it.
        return (
            f"{text(parts.statement)}, calculated from figures reported by {publishers}: "
            f"{text(parts.formula)}."
        )
    if parts.according_to:
        who = text(parts.according_to)
        return f"{text(parts.statement)}, according to {who} cited by {publishers}."
    return f"{text(parts.statement)}, {publishers} reported."


def plain_sentence(parts: Sentence) -> str:
    return _written(parts, str, lambda credit: credit.publisher)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _markdown_text(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_sentence(parts: Sentence, permalink: str) -> str:
    def link(credit: Credit) -> str:
        return f"[{_markdown_text(credit.publisher)}](<{credit.url}>)"

    return f"{_written(parts, _markdown_text, link)} ([Mission Facts](<{permalink}>))"


def html_sentence(parts: Sentence, permalink: str) -> str:
    def link(credit: Credit) -> str:
        return f'<a href="{html.escape(credit.url)}">{html.escape(credit.publisher)}</a>'

    sentence = _written(parts, html.escape, link)
    return f'{sentence} (<a href="{html.escape(permalink)}">Mission Facts</a>)'
