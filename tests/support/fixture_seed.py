"""A seed folder about a fictional mission, written for the tests and marked as a fixture.

It holds one short text about the "Example Support Force", which does not exist, so a test
can add a fact kind to the vocabulary and see it through every output without touching the
shipped seed. `serve` never loads it: it is written to a temporary folder by the test itself.
"""

import hashlib
from pathlib import Path

import yaml

SOURCE_ID = "test-only-example-support-force"
TEXT = (
    "TEST FIXTURE, NOT A REAL SOURCE. The Example Support Force is a fictional mission "
    "written for the test suite. Its fictional commander said it needs about 40 trainers "
    "for its new academy."
)
MISSION = "example-support-force"


def write_fixture_seed(folder: Path, facts: list[dict[str, object]]) -> Path:
    """A seed folder with the fixture text, its mission, and these facts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "example-support-force.txt").write_text(TEXT, "utf-8")
    sources = {
        "sources": [
            {
                "id": SOURCE_ID,
                "file": "example-support-force.txt",
                "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
                "url": "https://example.org/test-fixture/example-support-force",
                "publisher": "Test fixture (not a real publisher)",
                "title": "Test fixture: the Example Support Force",
                "language": "en",
                "published": {"value": "2030-01-15"},
                "notes": "A test fixture written for the test suite; it states nothing real.",
            }
        ]
    }
    mission = {
        "slug": MISSION,
        "name": "Example Support Force",
        "label": "Example Support Force (test fixture)",
        "kind": "test_fixture",
        "status": "active",
        "description": "A fictional mission written for the test suite.",
        "cite": ["The Example Support Force is a fictional mission written for the test suite"],
    }
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources), "utf-8")
    body = {"source": SOURCE_ID, "missions": [mission], "facts": facts}
    (folder / "facts.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    return folder
