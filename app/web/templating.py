"""The Jinja2 environment of the pages: autoescaped, strict about undefined names, and with
the wording functions as filters, so templates never format a number themselves.

Built at the first page, not at import: jinja2 and the templates are a part of a start (and
of the memory of a process) that a server answering only JSON never needs."""

import functools
from typing import TYPE_CHECKING

from app.api import wording
from app.domain.vocabulary import VOCABULARY

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates
    from jinja2 import Environment


def _environment() -> "Environment":
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("app.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        quantity_words=wording.quantity_in_words,
        date_words=wording.date_in_words,
        stance_words=wording.stance_in_words,
        tense_words=wording.tense_in_words,
        completeness_words=wording.list_completeness_in_words,
        kind_label=VOCABULARY.label,
    )
    environment.globals.update(
        formula_words=wording.formula_in_words,
        deployed_of_planned=wording.deployed_of_planned,
        UNKNOWN=wording.UNKNOWN,
    )
    return environment


@functools.cache
def templates() -> "Jinja2Templates":
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(env=_environment())
