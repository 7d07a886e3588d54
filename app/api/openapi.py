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
    # FastAPI's own validation-error shapes are never served: every 422 is a Problem.
    text = json.dumps(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text:
            schema["components"]["schemas"].pop(unused, None)
    app.openapi_schema = schema
    return schema


def install_openapi(app: FastAPI) -> None:
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
