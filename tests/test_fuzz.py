"""Property-based fuzzing of every operation, generated from the app's own OpenAPI schema.

Schemathesis sends generated requests, valid ones and invalid ones, straight to the ASGI app
(no network) and checks each answer: never a 5xx, only status codes the operation documents,
the documented content type and a body that matches the documented schema. Each operation is
fuzzed without a token (the seeded database must come out unchanged) and with a write token
(on a database of its own, which must hold no half-written record afterwards).

A few examples per operation keep the suite fast; set MISSION_FACTS_FUZZ_EXAMPLES for a longer
run (e.g. 1000). Every failure a run finds becomes a regular test in test_bad_input.py.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from app.api.auth import create_token
from app.db.engine import make_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR, DatabaseFactory, migrated_and_seeded
from tests.support.db_state import database_state, half_written_facts

EXAMPLES = int(os.environ.get("MISSION_FACTS_FUZZ_EXAMPLES", "25"))
# The one 5xx the API gives on purpose: oEmbed's specification asks for a 501 when a format
# other than the provider's is asked for. It is documented on the operation.
DELIBERATE = {("GET", "/oembed"): 501}


def no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """Never a 5xx, but the one a specification asks for."""
    if DELIBERATE.get((case.method.upper(), case.path)) == response.status_code:
        return None
    result: bool | None = not_a_server_error(ctx, response, case)
    return result


CHECKS = [
    no_server_error,
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


@dataclass
class Caller:
    app: Any
    headers: dict[str, str]


@pytest.fixture(scope="module", params=["anonymous", "writer"])
def caller(
    request: pytest.FixtureRequest, seeded_url: str, make_database: DatabaseFactory
) -> Iterator[Caller]:
    """Every operation is fuzzed twice. Anonymously, on the shared seeded database, which must
    come out unchanged (every write is refused). Then with a write token, on a database of
    its own, where generated writes that pass validation really happen (rate limits off, so
    they are not cut short)."""
    if request.param == "anonymous":
        before = database_state(seeded_url)
        app = create_app(Settings(database_url=seeded_url, seed_dir=SEED_DIR))
        yield Caller(app, {})
        app.state.engine.dispose()
        assert database_state(seeded_url) == before
        return
    url = migrated_and_seeded(make_database())
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        token = create_token(session, name="test-fuzz", scope="write")
    engine.dispose()
    settings = Settings(
        database_url=url, seed_dir=SEED_DIR, write_rate_per_token=0, write_rate_per_address=0
    )
    app = create_app(settings)
    yield Caller(app, {"Authorization": f"Bearer {token}"})
    app.state.engine.dispose()
    # Whatever was written is whole: each version has its citations, log entry and index entry.
    assert half_written_facts(url) == []


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_operation(case: Any, caller: Caller) -> None:
    case.call_and_validate(app=caller.app, headers=caller.headers, checks=CHECKS)
