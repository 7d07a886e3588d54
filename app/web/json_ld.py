"""schema.org JSON-LD for a fact's page: the figure as a Claim, its value as a
QuantitativeValue, and each quote as a Quotation from its news article, so search engines and
fact-check tools read the same figure and citation as the page."""

import json
from typing import Any

from app.api.attribution import plain_sentence
from app.api.csv_columns import json_time
from app.api.fact_context import FactContext
from app.domain.vocabulary import VOCABULARY, Qualifier

# Which bound a qualifier implies, in schema.org's terms.
_BOUNDS = {Qualifier.at_least: "minValue", Qualifier.at_most: "maxValue"}


def _value(context: FactContext) -> dict[str, Any] | None:
    quantity = context.fact.quantity
    if quantity is None or quantity.value is None:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": quantity.unit}
    bound = _BOUNDS.get(Qualifier(quantity.qualifier)) if quantity.qualifier else None
    if bound:
        value[bound] = quantity.value  # "over 6,000" is a bound, not a value
    else:
        value["value"] = quantity.value
    if quantity.qualifier and quantity.qualifier != Qualifier.exact:
        value["description"] = f"qualifier: {quantity.qualifier}"
    return value


def fact_document(context: FactContext, *, permalink: str, site: str) -> dict[str, Any]:
    fact = context.fact
    label = VOCABULARY.label(fact.kind)
    quotations = []
    for citation in fact.citations:
        source = context.sources[citation.source_id]
        article: dict[str, Any] = {
            "@type": "NewsArticle",
            "url": source.url,
            "publisher": {"@type": "Organization", "name": source.publisher},
        }
        if source.title and not source.title_derived:
            article["headline"] = source.title
        if source.published_value and source.published_qualifier in (None, "exact"):
            # Only a date the source states exactly: "on or after" is not a publication date.
            article["datePublished"] = source.published_value
        quotations.append({"@type": "Quotation", "text": citation.quote, "isPartOf": article})
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Claim",
        "@id": permalink,
        "url": permalink,
        "name": label[:1].upper() + label[1:],
        "text": plain_sentence(context.sentence),
        "description": fact.summary,
        "dateModified": json_time(fact.recorded_at),
        "publisher": {"@type": "Organization", "name": "Mission Facts", "url": site},
        "citation": quotations,
    }
    if fact.record_status != "current":
        document["creativeWorkStatus"] = fact.record_status  # retracted: not to be reused
    if quotations and fact.derivation is None:
        # A derived figure appears nowhere before this API: it cites the quotes of its terms.
        document["firstAppearance"] = quotations[0]["isPartOf"]
    if (value := _value(context)) is not None:
        document["mainEntity"] = value
    if fact.date is not None and fact.date.value:
        document["temporalCoverage"] = fact.date.value
    if fact.derivation is not None:
        base = permalink.rsplit("/", 1)[0]
        document["isBasedOn"] = [f"{base}/{term}" for term in fact.derivation.derived_from]
    return document


def script_text(document: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: `<`, `>` and `&` as escapes, so no text of a
    fact can close the element or open another."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
