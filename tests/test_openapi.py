"""The OpenAPI document people browse, and the offline /docs and /redoc pages."""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.openapi import EXAMPLES_FILE
from app.api.openapi_examples import EXAMPLE_BASE_URL, collect


@pytest.fixture(scope="module")
def schema(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def test_every_operation_has_a_tag_summary_and_description(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("tags"), where
            assert operation.get("summary"), where
            assert len(operation.get("description", "")) > 20, where
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{where} {parameter['name']}"


def test_every_field_is_described(schema: dict[str, Any]) -> None:
    undescribed = []
    for name, component in schema["components"]["schemas"].items():
        if name in {"ValidationError", "HTTPValidationError"}:
            continue
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                undescribed.append(f"{name}.{field}")
    assert undescribed == []


def test_errors_are_documented_as_problem_json(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for status, response in operations["get"]["responses"].items():
            if int(status) >= 400 and status != "503" and "content" in response:
                assert list(response["content"]) == ["application/problem+json"], path


def test_examples_are_the_real_seeded_responses(client: TestClient, schema: dict) -> None:
    """Fails when the seed or the code changes and the examples were not regenerated
    (python -m app.api.openapi_examples)."""

    def without_timestamps(node: Any) -> Any:
        text = re.sub(r'"recorded_at": ?"[^"]+"', '"recorded_at": ""', json.dumps(node))
        return json.loads(re.sub(r"as_of=[^\"&]+", "as_of=", text))

    live = collect(lambda path: client.get(path).json())
    live["/health"]["database"] = "sqlite"  # the examples were made on SQLite
    # They were made against the address `serve` answers at; no example names a test host.
    live = json.loads(json.dumps(live).replace("http://testserver", EXAMPLE_BASE_URL))
    assert "testserver" not in EXAMPLES_FILE.read_text("utf-8")
    stored = json.loads(EXAMPLES_FILE.read_text("utf-8"))
    assert without_timestamps(stored) == without_timestamps(live)
    for path, example in stored.items():
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["example"] == example


@pytest.mark.parametrize(
    ("page", "marker"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "<redoc")]
)
def test_docs_pages_use_only_the_apps_own_assets(
    client: TestClient, page: str, marker: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert marker in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert fetched.content.strip(), asset
    assert "fonts.googleapis" not in html


def test_the_data_model_doc_lists_every_fact_kind() -> None:
    from app.domain.vocabulary import FACT_KINDS
    from app.settings import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "data-model.md").read_text("utf-8")
    for kind, rule in FACT_KINDS.items():
        assert f"| `{kind}` | {rule.description} |" in doc, kind
