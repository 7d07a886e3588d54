"""Property-based fuzzing of every operation, generated from the app's own OpenAPI schema.

Schemathesis sends generated requests, valid ones and invalid ones, straight to the ASGI app
(no network) and checks each answer: never a 5xx, only status codes the operation documents,
the documented content type and a body that matches the documented schema. The seeded
database must come out of it unchanged.

A few examples per operation keep the suite fast; set MISSION_FACTS_FUZZ_EXAMPLES for a longer
run (e.g. 1000). Every failure a run finds becomes a regular test in test_bad_input.py.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR
from tests.db_state import database_state

EXAMPLES = int(os.environ.get("MISSION_FACTS_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The schema does not depend on the data: an app that never connects is enough to read it.
schema = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite://", seed_dir=SEED_DIR)).openapi()
)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    database="none",  # no example store written into the checkout
)

# Who calls: every operation is fuzzed as each of these callers, with these extra headers.
CALLERS: dict[str, dict[str, str]] = {"anonymous": {}}


@pytest.fixture(scope="module", params=sorted(CALLERS))
def caller_headers(request: pytest.FixtureRequest) -> dict[str, str]:
    return CALLERS[request.param]


@pytest.fixture(scope="module", autouse=True)
def data_untouched(seeded_url: str) -> Iterator[None]:
    before = database_state(seeded_url)
    yield
    assert database_state(seeded_url) == before


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_operation(case: Any, client: TestClient, caller_headers: dict[str, str]) -> None:
    case.call_and_validate(app=client.app, headers=caller_headers, checks=CHECKS)
