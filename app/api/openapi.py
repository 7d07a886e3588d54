"""The OpenAPI document: problem+json for every error, and examples taken from the real seed.

The examples live in openapi_examples.json, written by `python -m app.api.openapi_examples` from a
freshly seeded database; a test regenerates them and fails if the file has drifted.
"""

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import PROBLEM_JSON
from app.domain.vocabulary import FACT_KINDS

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")


def load_examples() -> dict[str, Any]:
    if not EXAMPLES_FILE.exists():
        return {}
    examples: dict[str, Any] = json.loads(EXAMPLES_FILE.read_text("utf-8"))
    return examples


def _is_problem(response: dict[str, Any]) -> bool:
    """Responses documented with the Problem model, or FastAPI's default 422."""
    content = response.get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return PROBLEM_JSON in content or ref.endswith(("/Problem", "/HTTPValidationError"))


# Fields and parameters whose values are fact kinds. The kinds are read when the document is
# built, not when the models are defined, so a kind added to the vocabulary is listed too.
FACT_KIND_FIELDS = (("FactOut", "kind"), ("Series", "kind"), ("SearchHit", "kind"))
FACT_KIND_PARAMETERS = (("/facts", "kind"),)


def _close(node: dict[str, Any], values: list[str]) -> None:
    """Give the string schema inside `node` (itself, an array's items or an anyOf branch)
    the closed list of values it takes."""
    if node.get("type") == "string":
        node["enum"] = values
    for branch in node.get("anyOf", []):
        _close(branch, values)
    if isinstance(node.get("items"), dict):
        _close(node["items"], values)


def _close_fact_kinds(schema: dict[str, Any]) -> None:
    kinds = list(FACT_KINDS)
    models = schema.get("components", {}).get("schemas", {})
    for model, field in FACT_KIND_FIELDS:
        node = models.get(model, {}).get("properties", {}).get(field)
        if node is not None:
            _close(node, kinds)
    for path, name in FACT_KIND_PARAMETERS:
        for parameter in schema["paths"].get(path, {}).get("get", {}).get("parameters", []):
            if parameter.get("name") == name:
                _close(parameter["schema"], kinds)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    examples = load_examples()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                if _is_problem(response):
                    # Errors are problem details, served as application/problem+json only.
                    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
                    response["content"] = {PROBLEM_JSON: problem}
            ok = operation.get("responses", {}).get("200", {}).get("content", {})
            if path in examples and "application/json" in ok:
                ok["application/json"]["example"] = examples[path]
    _close_fact_kinds(schema)
    # FastAPI's own validation-error shapes are never served: every 422 is a Problem.
    text = json.dumps(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text:
            schema["components"]["schemas"].pop(unused, None)
    app.openapi_schema = schema
    return schema


def install_openapi(app: FastAPI) -> None:
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
