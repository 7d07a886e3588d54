"""/datapackage.json: every CSV the API serves, described as a Frictionless Data Package.

Each resource is one list's whole CSV (`format=csv` without `limit` streams it all), with a
Table Schema read from the same column declarations the CSV is written from: names, types,
closed vocabularies as enums, primary and foreign keys, and the empty cell as the missing
value. A new column or kind changes the package with nothing else to edit.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

from app.api.csv_columns import (
    ACTOR_COLUMNS,
    CITATION_COLUMNS,
    COUNTRY_COLUMNS,
    MISSION_COLUMNS,
    SOURCE_COLUMNS,
    fact_columns,
)
from app.api.formats import CSV_MEDIA_TYPE, CsvColumn
from app.api.routes.changes import CHANGE_COLUMNS
from app.api.routing import api_router
from app.api.sessions import SessionDep
from app.domain.read_scopes import ENTITIES, reads_header
from app.domain.vocabulary import Group, kinds_in
from app.queries import entities

router = api_router(tags=["index"])

MISSING = ""  # a null is an empty cell in every CSV of the API


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    resource: str  # the resource it points into ("" for the same one)
    reference: str


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str  # the list's URL
    title: str
    columns: Sequence[CsvColumn[Any]]
    primary_key: Sequence[str]
    foreign_keys: Sequence[ForeignKey] = field(default_factory=tuple)


_FACT_KEYS = (
    ForeignKey("mission", "missions", "slug"),
    ForeignKey("related_mission", "missions", "slug"),
    ForeignKey("country_iso3", "countries", "iso3"),
    ForeignKey("actor", "actors", "slug"),
    ForeignKey("source", "sources", "id"),
)
DATASETS = (
    Dataset("facts", "/facts", "Every current fact", fact_columns(), ["id"], _FACT_KEYS),
    Dataset(
        "citations",
        "/citations",
        "Every cited span, with its context",
        CITATION_COLUMNS,
        ["source_id", "start", "end"],
        [ForeignKey("source_id", "sources", "id")],
    ),
    Dataset("sources", "/sources", "Source documents", SOURCE_COLUMNS, ["id"]),
    Dataset(
        "missions",
        "/missions",
        "Missions and bodies",
        MISSION_COLUMNS,
        ["slug"],
        [ForeignKey("host_country_iso3", "countries", "iso3"), ForeignKey("supports", "", "slug")],
    ),
    Dataset("countries", "/countries", "Countries and their roles", COUNTRY_COLUMNS, ["iso3"]),
    Dataset(
        "actors",
        "/actors",
        "People, bodies and groups",
        ACTOR_COLUMNS,
        ["slug"],
        [ForeignKey("country_iso3", "countries", "iso3")],
    ),
    Dataset(
        "events",
        "/displacement-events",
        "Displacement events",
        fact_columns(kinds=kinds_in(Group.displacement)),
        ["id"],
        _FACT_KEYS,
    ),
    Dataset(
        "changes", "/changes", "Every create, correction and retraction", CHANGE_COLUMNS, ["id"]
    ),
)


def _field(column: CsvColumn[Any]) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.header, "type": column.type}
    if column.hxl:
        described["rdfType"] = f"https://hxlstandard.org/standard/1-1final/dictionary/#{column.hxl}"
    if column.enum:
        described["constraints"] = {"enum": list(column.enum)}
    return described


def _resource(dataset: Dataset, base: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(column) for column in dataset.columns],
        "missingValues": [MISSING],
        "primaryKey": list(dataset.primary_key),
    }
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": key.fields, "reference": {"resource": key.resource, "fields": key.reference}}
            for key in dataset.foreign_keys
        ]
    return {
        "name": dataset.name,
        "title": dataset.title,
        "path": f"{base}{dataset.path}?format=csv",
        "format": "csv",
        "mediatype": CSV_MEDIA_TYPE.split(";")[0],
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\r\n"},
        "schema": schema,
    }


@router.get(
    "/datapackage.json",
    summary="Every CSV as a Frictionless Data Package",
    responses={200: {"description": "A Data Package descriptor (frictionlessdata.io)."}},
)
def datapackage(request: Request, response: Response, session: SessionDep) -> dict[str, Any]:
    """A Data Package describing each CSV this API serves (facts, citations, sources,
    missions, countries, actors, events, changes): where to fetch it, its Table Schema
    (types, enums from the vocabulary, primary and foreign keys, missing values), the license
    and the sources the data is traced to. `frictionless validate` reads it as it is; pandas,
    R and DuckDB read each resource's `path` as CSV."""
    base = str(request.base_url).rstrip("/")
    response.headers.update(reads_header([ENTITIES]))  # the sources and the vocabulary
    return {
        "profile": "data-package",
        "name": "mission-facts",
        "title": "Mission Facts",
        "description": "Structured, citable facts about international security missions. "
        "Every record carries the verbatim quote of its source and the quote's span.",
        "homepage": base + "/",
        "licenses": [
            {
                "name": "MIT",
                "path": "https://opensource.org/license/mit",
                "title": "MIT License: the records and their structure. The quoted words "
                "remain their publishers'; every record names its source.",
            }
        ],
        "sources": [
            {"title": source.publisher, "path": source.url}
            for source in entities.all_sources(session)
        ],
        "resources": [_resource(dataset, base) for dataset in DATASETS],
    }
