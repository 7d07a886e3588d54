"""Numbers, dates and list flags in plain words, keeping every qualifier the source gives.

A reader of the fact sheet should see "over 6,000 people", never "6000", and "October 2025",
never "1 October 2025": the words must not claim more precision than the source has.
"""

import re
from collections.abc import Mapping

from app.api.schemas import DateOut, FactOut, QuantityOut
from app.domain.vocabulary import (
    DATE_QUALIFIER_WORDS,
    QUALIFIER_WORDS,
    STANCE_WORDS,
    TENSE_WORDS,
    VOCABULARY,
)

UNKNOWN = "unknown"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

OPERATOR_WORDS = {"-": "minus", "+": "plus", "/": "divided by", "*": "times"}


def _trim(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_in_words(value: float, unit: str) -> str:
    """1000 officers -> "1,000 officers"; 110800000 USD -> "$110.8 million"; 85 percent -> "85%"."""
    if unit == "USD":
        for size, name in ((1e9, "billion"), (1e6, "million")):
            if abs(value) >= size:
                return f"${_trim(value / size, 2)} {name}"
        return f"${_trim(value, 2)}"
    if unit == "percent":
        return f"{_trim(value, 1)}%"
    return f"{_trim(value, 2)} {unit}"


def qualifier_word(quantity: QuantityOut) -> str:
    """The word that says how the number relates to the truth, taken from the source's own
    words when they carry one ("over 6,000 people" -> "over")."""
    qualifier = str(quantity.qualifier or "exact")
    words = QUALIFIER_WORDS.get(qualifier, ())
    stated = (quantity.as_stated or "").strip().lower()
    for word in words:
        if re.match(rf"{re.escape(word)}\b", stated):
            return word
    return words[0] if words else ""


def quantity_in_words(quantity: QuantityOut | None) -> str:
    """The value with its qualifier in words, or "unknown" when the source gives none."""
    if quantity is None or quantity.value is None:
        return UNKNOWN
    word = qualifier_word(quantity)
    number = number_in_words(quantity.value, quantity.unit)
    return f"{word} {number}" if word else number


def date_in_words(date: DateOut | None) -> str:
    """A date at its own precision: "2010", "October 2025", "25 February 2025", with its
    qualifier ("on or before 25 February 2025")."""
    if date is None or not date.value:
        return UNKNOWN
    parts = date.value.split("-")
    year = parts[0]
    if len(parts) == 1:
        text = year
    elif len(parts) == 2:
        text = f"{MONTHS[int(parts[1]) - 1]} {year}"
    else:
        text = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {year}"
    word = DATE_QUALIFIER_WORDS.get(str(date.qualifier or "exact"), "")
    return f"{word} {text}" if word else text


def formula_in_words(fact: FactOut, facts_by_id: Mapping[str, FactOut]) -> str | None:
    """A derived fact's formula with fact ids replaced by what they are: "funds received
    minus funds unallocated"."""
    if fact.derivation is None:
        return None
    words = []
    for token in fact.derivation.formula.split():
        if token in OPERATOR_WORDS:
            words.append(OPERATOR_WORDS[token])
        elif token in facts_by_id:
            words.append(VOCABULARY.label(facts_by_id[token].kind))
        else:
            words.append(token)
    return " ".join(words)


def list_completeness_in_words(complete: bool | None) -> str:
    if complete is False:
        return "list partial"
    if complete is True:
        return "list complete"
    return "completeness not stated"


def stance_in_words(stance: str | None) -> str:
    if not stance:
        return UNKNOWN
    return STANCE_WORDS.get(stance, stance)


def tense_in_words(tense: str | None) -> str:
    if not tense:
        return UNKNOWN
    return TENSE_WORDS.get(tense, tense)


def deployed_of_planned(deployed: FactOut | None, planned: FactOut | None) -> str | None:
    """ "1,000 of 2,500 planned officers": both figures, each with its own qualifier."""
    if deployed is None or planned is None or deployed.quantity is None:
        return None
    if planned.quantity is None or deployed.quantity.value is None:
        return None
    if planned.quantity.value is None:
        return f"{quantity_in_words(deployed.quantity)}, of an unknown number planned"
    unit = f" {planned.quantity.unit}"
    first = quantity_in_words(deployed.quantity).removesuffix(unit)
    second = quantity_in_words(planned.quantity)
    if second.endswith(unit):
        return f"{first} of {second.removesuffix(unit)} planned{unit}"
    return f"{first} of {second} planned"
