"""The README's recipes for the analyst's tools, run as written against a live server: pandas,
DuckDB, R and the Google Sheets formula. A recipe that stops working fails here.

R comes from the system (Debian: `apt-get install r-base-core r-cran-jsonlite`). Without it the
R recipe skips, unless MISSION_FACTS_REQUIRE_TOOLS=1 (as in CI), which makes it fail instead.
"""

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import DatabaseFactory, migrated_and_seeded
from tests.support.servers import serving

README_BASE = "http://127.0.0.1:8000"
RECIPE = re.compile(r"<!-- recipe: (?P<tool>\w+) -->\n```\w*\n(?P<code>.*?)```", re.S)


def recipes(tool: str) -> list[str]:
    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    found = [m["code"] for m in RECIPE.finditer(readme) if m["tool"] == tool]
    assert found, f"the README has no {tool} recipe"
    return found


@pytest.fixture(scope="module")
def live(make_database: DatabaseFactory) -> Iterator[str]:
    with serving(migrated_and_seeded(make_database())) as base:
        yield base


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_python_recipes_run_as_written(live: str, tmp_path: Path) -> None:
    pandas_code, duckdb_code = (code.replace(README_BASE, live) for code in recipes("python"))
    pandas_code += (
        '\nprint("rows:", len(facts), len(lines), list(lines["id"]) == list(facts["id"]))\n'
    )
    pandas_output = run([sys.executable, "-c", pandas_code], tmp_path)
    duckdb_output = run([sys.executable, "-c", duckdb_code], tmp_path)
    total = len(httpx.get(f"{live}/facts?format=ndjson").text.splitlines())
    assert f"rows: {total} {total} True" in pandas_output
    assert "hti-displacement-recent-weeks-2025-02" in pandas_output and "at_least" in pandas_output
    assert "funding.received" in duckdb_output and "displacement" in duckdb_output
    downloaded = (tmp_path / "facts.csv").read_bytes()
    assert downloaded == httpx.get(f"{live}/facts?format=csv").content


def test_the_r_recipe_runs_as_written(live: str, tmp_path: Path) -> None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        reason = "the R recipe needs R and jsonlite: apt-get install r-base-core r-cran-jsonlite"
        if os.environ.get("MISSION_FACTS_REQUIRE_TOOLS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    (code,) = recipes("r")
    script = tmp_path / "recipe.R"
    script.write_text(
        code.replace(README_BASE, live)
        + 'cat("rows:", nrow(facts), nrow(lines), "\\n")\n'
        + 'cat("kinds:", length(unique(facts$kind)), "\\n")\n'
    )
    output = run([rscript, str(script)], tmp_path)
    total = len(httpx.get(f"{live}/facts?format=ndjson").text.splitlines())
    assert f"rows: {total} {total}" in output
    kinds = {
        row["kind"]
        for row in csv.DictReader(io.StringIO(httpx.get(f"{live}/facts?format=csv").text))
    }
    assert f"kinds: {len(kinds)}" in output


def test_the_sheets_formula_reads_csv_with_no_token_and_a_cache_buster(live: str) -> None:
    (formula,) = recipes("sheets")
    url = re.fullmatch(r'=IMPORTDATA\("(?P<url>[^"]+)"\)\s*', formula)
    assert url is not None, formula
    address = url["url"].replace(README_BASE, live)
    assert "_=" in address  # the cache-buster the README tells of
    response = httpx.get(address)  # no Authorization header: reading needs no token
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {"id", "kind", "value", "quote"} <= set(rows[0])
    other = httpx.get(address.replace("_=1", "_=1796140000"))
    assert other.status_code == 200 and other.text == response.text
