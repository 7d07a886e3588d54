"""A mission's life after one article: mandate periods and renewals, a successor, strength per
contributor, money by stage, every figure as a series with its disagreements, old figures and
ended mandates flagged, and new sources brought in with `import`.

The data is three fixture documents about the fictional Example Support Force (see
tests/support/missions_over_time.py), imported one by one; the day the answers are for is
set with the `today` setting, so every status and age here is for a day the test chooses.
"""

import csv
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app.cli import main as cli
from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.writes.imports import import_folder
from app.writes.seed_files import SeedError
from tests.conftest import DatabaseFactory
from tests.support.db_state import database_state
from tests.support.editing import editor_for
from tests.support.missions_over_time import (
    DOCUMENTS,
    EDITOR,
    FIXTURES,
    FORCE,
    SUCCESSOR,
    ImportedHistory,
    import_all,
)


@pytest.fixture(scope="module")
def history(make_database: DatabaseFactory) -> Iterator[ImportedHistory]:
    yield from import_all(make_database())


def status_of(client: TestClient, slug: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/missions/{slug}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["status"]


# --- Status, said for a day, from the cited mandates and the succession ----------------------


@pytest.mark.parametrize(
    ("today", "force", "successor"),
    [
        (date(2021, 3, 5), "proposed", "proposed"),  # adopted, its mandate not yet started
        (date(2021, 6, 1), "active", "proposed"),
        (date(2022, 3, 14), "active", "proposed"),  # the last day of the first mandate
        (date(2022, 6, 1), "active", "proposed"),  # renewed until 14 March 2023
        (date(2023, 6, 1), "succeeded", "active"),
        (date(2024, 6, 1), "succeeded", "unknown"),  # the successor's mandate ended
    ],
)
def test_status_at_several_days(
    history: ImportedHistory, today: date, force: str, successor: str
) -> None:
    client = history.on(today)
    assert status_of(client, FORCE)["value"] == force
    found = status_of(client, SUCCESSOR)
    assert found["value"] == successor and found["as_of"] == today.isoformat()
    ended = [c["code"] for c in found["caveats"]]
    assert ended == (["mandate_ended"] if successor == "unknown" else [])


def test_status_cites_the_mandate_and_the_succession_it_rests_on(history: ImportedHistory) -> None:
    active = status_of(history.on(date(2022, 6, 1)), FORCE)
    assert "Resolution 9950 (2022)" in active["rule"] and "2023-03-14" in active["rule"]
    assert set(active["fact_ids"]) >= {"esf-mandate-2-start", "esf-mandate-2-end"}
    succeeded = status_of(history.on(date(2023, 6, 1)), FORCE)
    assert succeeded["fact_ids"] == ["esf-succeeded-by-esm"] and SUCCESSOR in succeeded["rule"]


def test_status_as_known_at_each_import(history: ImportedHistory) -> None:
    """`as_of` reads what was known then: after the first source, the force's mandate had
    ended by June 2022; after the renewal was imported, it was active that day."""
    client = history.on(date(2022, 6, 1))
    first = history.after["01-esf-authorized"].isoformat()
    second = history.after["02-esf-renewed"].isoformat()
    then = status_of(client, FORCE, as_of=first)
    assert then["value"] == "unknown" and [c["code"] for c in then["caveats"]] == ["mandate_ended"]
    assert status_of(client, FORCE, as_of=second)["value"] == "active"
    # The successor was not recorded yet after the second import: it is not served then.
    assert client.get(f"/missions/{SUCCESSOR}", params={"as_of": second}).status_code == 404
    listed = client.get("/missions", params={"as_of": second}).json()["items"]
    assert SUCCESSOR not in {m["slug"] for m in listed}
    assert SUCCESSOR in {m["slug"] for m in client.get("/missions").json()["items"]}


# --- Mandates and succession ------------------------------------------------------------------


def test_mandate_periods_each_cited_renewals_included(history: ImportedHistory) -> None:
    mission = history.on(date(2023, 6, 1)).get(f"/missions/{FORCE}").json()
    periods = mission["mandates"]
    assert [p["instrument"] for p in periods] == [
        "Resolution 9901 (2021)",
        "Resolution 9950 (2022)",
    ]
    first, renewal = periods
    assert (first["adopted"]["date"]["value"], first["start"]["date"]["value"]) == (
        "2021-03-01",
        "2021-03-15",
    )
    assert first["end"]["date"] == {
        **first["end"]["date"],
        "value": "2022-03-14",
        "precision": "day",
    }
    assert first["ceiling"]["quantity"]["value"] == 1000
    assert first["ceiling"]["quantity"]["qualifier"] == "at_most"
    assert renewal["ceiling"]["quantity"]["value"] == 1500
    for period in periods:
        for part in ("adopted", "start", "end", "ceiling"):
            fact = period[part]
            assert fact["instrument"] == period["instrument"] and fact["citations"], part
        assert period["disagree"] == [] and period["other_values"] == []


def test_succession_both_ways(history: ImportedHistory) -> None:
    client = history.on(date(2023, 6, 1))
    (forward,) = client.get(f"/missions/{FORCE}").json()["relations"]
    assert (forward["relation"], forward["mission"]["slug"]) == ("succeeded_by", SUCCESSOR)
    assert forward["date"]["value"] == "2023-03-15" and forward["fact_id"] == "esf-succeeded-by-esm"
    assert forward["citations"][0]["quote"].startswith("replaced the Example Support Force")
    (backward,) = client.get(f"/missions/{SUCCESSOR}").json()["relations"]
    assert (backward["relation"], backward["mission"]["slug"]) == ("succeeds", FORCE)
    assert backward["fact_id"] == forward["fact_id"] and backward["date"] == forward["date"]
    # The successor's own mandate.
    (period,) = client.get(f"/missions/{SUCCESSOR}").json()["mandates"]
    assert period["instrument"] == "Resolution 9990 (2023)"
    assert period["ceiling"]["quantity"]["value"] == 2000


def test_the_seeds_support_office_backs_the_mss_both_ways(client: TestClient) -> None:
    office = client.get("/missions/un-support-office").json()["relations"]
    assert [(r["relation"], r["mission"]["slug"]) for r in office] == [("supports", "mss")]
    mss = client.get("/missions/mss").json()["relations"]
    assert ("supported_by", "un-support-office") in {
        (r["relation"], r["mission"]["slug"]) for r in mss
    }


# --- Series, disagreements, key figures -------------------------------------------------------


def test_a_series_shows_every_sources_value_and_the_rule_that_chose(
    history: ImportedHistory,
) -> None:
    client = history.on(date(2023, 6, 1))
    body = client.get(f"/missions/{FORCE}/series", params={"kind": "personnel.deployed"}).json()
    (series,) = body["items"]
    assert series["kind"] == "personnel.deployed" and series["unit"] == "personnel"
    (point,) = series["points"]
    assert point["date"] == "2022-03-01" and point["disagree"] is True
    # Same rank: the more recent source (March 2023) is preferred over the first (March 2022).
    assert point["preferred_by"] == "latest_source"
    values = {
        v["fact"]["id"]: (v["fact"]["quantity"]["value"], v["preferred"]) for v in point["values"]
    }
    assert values == {
        "esf-deployed-2022-03": (450, False),
        "esf-deployed-2022-03-revised": (470, True),
    }
    for value in point["values"]:
        assert value["fact"]["citations"]


def test_a_series_as_csv_holds_every_value_of_its_json(history: ImportedHistory) -> None:
    client = history.on(date(2023, 6, 1))
    params = {"kind": "personnel.contributed"}
    series = client.get(f"/missions/{FORCE}/series", params=params).json()["items"]
    text = client.get(f"/missions/{FORCE}/series", params={**params, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = [
        (s["country"]["iso3"], p["date"], v["fact"]["id"], str(v["fact"]["quantity"]["value"]))
        for s in series
        for p in s["points"]
        for v in p["values"]
    ]
    got = [(r["series_country_iso3"], r["point_date"], r["id"], r["value"]) for r in rows]
    assert [(c, d, i, v.removesuffix(".0")) for c, d, i, v in expected] == got
    assert {r["disagree"] for r in rows} == {"false"}  # the later source agrees on Iceland's 300
    ndjson = client.get(f"/missions/{FORCE}/series", params={**params, "format": "ndjson"})
    assert len(ndjson.text.strip().splitlines()) == len(rows)


def test_a_series_of_a_kind_without_figures_is_refused(history: ImportedHistory) -> None:
    client = history.on(date(2023, 6, 1))
    response = client.get(f"/missions/{FORCE}/series", params={"kind": "mission.challenge"})
    assert response.status_code == 422 and "holds no figures" in response.text
    every = client.get(f"/missions/{FORCE}/series").json()["items"]
    assert {"personnel.deployed", "personnel.contributed", "funding.pledged"} <= {
        s["kind"] for s in every
    }


def test_key_figures_use_the_latest_point_and_say_who_disagrees(
    history: ImportedHistory,
) -> None:
    mission = history.on(date(2023, 6, 1)).get(f"/missions/{FORCE}").json()
    deployed = mission["key_figures"]["personnel_deployed"]
    assert deployed["id"] == "esf-deployed-2022-03-revised"
    assert mission["key_figures"]["disagreements"] == {
        "personnel_deployed": ["esf-deployed-2022-03"]
    }
    codes = [c["code"] for c in mission["caveats"]]
    assert "sources_disagree" in codes and "stale" in codes  # a figure of March 2022, in 2023


# --- Strength per contributor, money by stage -------------------------------------------------


def test_contributors_latest_count_per_country_and_its_series(history: ImportedHistory) -> None:
    client = history.on(date(2022, 6, 1))
    items = client.get(f"/missions/{FORCE}/contributors").json()["items"]
    got = {c["iso3"]: (c["role"], c["roles"], c["personnel"]["quantity"]["value"]) for c in items}
    assert got == {
        "ISL": ("lead", ["lead", "personnel_contributor"], 300),
        "URY": ("personnel_contributor", ["personnel_contributor"], 150),
    }
    assert [c["iso3"] for c in items] == ["ISL", "URY"]  # the lead nation first
    assert all(c["personnel"]["date"]["value"] == "2022-03-01" for c in items)
    series = client.get(f"/missions/{FORCE}/contributors", params={"series": "true"}).json()
    counts = {
        s["country"]["iso3"]: [(p["date"], [v["fact"]["quantity"]["value"] for v in p["values"]])
                               for p in s["points"]]
        for s in series["items"]
    }  # fmt: skip
    assert counts == {
        "ISL": [("2021-03-08", [120]), ("2022-03-01", [300, 300])],
        "URY": [("2021-03-08", [80]), ("2022-03-01", [150])],
    }
    # Known before the renewal's source was imported: the first counts only.
    first = history.after["01-esf-authorized"].isoformat()
    then = client.get(f"/missions/{FORCE}/contributors", params={"as_of": first}).json()["items"]
    assert {c["iso3"]: c["personnel"]["quantity"]["value"] for c in then} == {"ISL": 120, "URY": 80}


def test_a_contributor_without_a_count_is_unknown_with_a_reason(client: TestClient) -> None:
    items = client.get("/missions/mss/contributors").json()["items"]
    assert items and all(c["personnel"] is None for c in items)
    assert all(c["personnel_unknown_reason"] for c in items)
    assert items[0]["iso3"] == "KEN" and items[0]["role"] == "lead"


def test_funding_stages_side_by_side_per_donor_in_their_currencies(
    history: ImportedHistory,
) -> None:
    funding = history.on(date(2022, 6, 1)).get(f"/missions/{FORCE}/funding").json()
    stages = {s["stage"]: s for s in funding["stages"]}
    assert list(stages) == [
        "pledged",
        "committed",
        "received",
        "disbursed",
        "allocated",
        "unallocated",
    ]
    pledged = stages["pledged"]
    assert pledged["total"]["quantity"]["value"] == 30_000_000  # the latest total, of 2022
    assert pledged["as_of"]["value"] == "2022-03-01"
    assert [
        (d["country"]["iso3"], d["fact"]["quantity"]["value"]) for d in pledged["by_donor"]
    ] == [("NOR", 5_000_000)]
    assert stages["committed"]["total"]["quantity"]["value"] == 25_000_000
    disbursed = stages["disbursed"]
    assert disbursed["total"]["quantity"]["unit"] == "USD"
    (norway,) = disbursed["by_donor"]
    # Stated in euros, kept in euros: no conversion is made, so none is added to the dollars.
    assert norway["fact"]["quantity"]["unit"] == "EUR" and disbursed["currencies"] == ["EUR", "USD"]
    assert stages["received"]["total"] is None and stages["received"]["by_donor"] == []


# --- Age -----------------------------------------------------------------------------------------


def test_figures_grow_old_with_the_day(history: ImportedHistory) -> None:
    def stale(today: date) -> set[str]:
        items = history.on(today).get(f"/missions/{FORCE}/contributors").json()["items"]
        return {
            c["iso3"] for c in items if "stale" in [x["code"] for x in c["personnel"]["caveats"]]
        }

    assert stale(date(2022, 6, 1)) == set()  # three months old
    assert stale(date(2023, 6, 1)) == {"ISL", "URY"}  # fifteen months old
    assert stale(date(2022, 6, 1)) == set()


# --- Import -------------------------------------------------------------------------------------


def test_each_import_is_recorded_under_its_editor(history: ImportedHistory) -> None:
    client = history.on(date(2023, 6, 1))
    changes = client.get("/changes", params={"limit": 500}).json()["items"]
    assert {c["recorded_by"] for c in changes} == {EDITOR}
    assert {c["reason"] for c in changes} == {f"Imported from {name}" for name in DOCUMENTS}
    kinds = {(c["record_type"], c["record_id"]) for c in changes}
    assert {
        ("mission", FORCE),
        ("mission", SUCCESSOR),
        ("source", "test-fixture-esm-2023-03"),
    } <= kinds
    assert ("fact", "esf-succeeded-by-esm") in kinds
    versions = client.get(f"/missions/{SUCCESSOR}/history").json()["versions"]
    assert [(v["version"], v["recorded_by"], v["origin"]) for v in versions] == [
        (1, EDITOR, "import")
    ]
    fact = client.get("/facts/esf-deployed-2022-03-revised/history").json()["versions"]
    assert fact[0]["recorded_by"] == EDITOR and fact[0]["origin"] == "import"


def test_importing_again_changes_nothing(history: ImportedHistory) -> None:
    engine = make_engine(history.url)
    before = history.on(date(2023, 6, 1)).get("/changes", params={"include_total": "true"})
    for name in DOCUMENTS:
        report = import_folder(engine, FIXTURES / name, editor="someone-else")
        assert not report.changed, report
    after = history.on(date(2023, 6, 1)).get("/changes", params={"include_total": "true"})
    assert after.json()["total"] == before.json()["total"]
    engine.dispose()


def test_the_imported_sources_are_fixtures_never_served_by_default(
    history: ImportedHistory,
) -> None:
    for name in DOCUMENTS:
        (source,) = yaml.safe_load((FIXTURES / name / "sources.yaml").read_text("utf-8"))["sources"]
        assert "test fixture" in source["notes"].lower() and "not a real" in source["publisher"]
        text = (FIXTURES / name / source["file"]).read_text("utf-8")
        assert text.startswith("TEST FIXTURE, NOT A REAL SOURCE.")


def test_an_import_is_one_transaction(make_database: DatabaseFactory, tmp_path: Path) -> None:
    """A record the write API refuses, met after others were written, leaves nothing: here the
    second document's last fact takes the id of a fact retracted meanwhile (a retraction is
    final), after its source and its other facts were written in the same transaction."""
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    import_folder(engine, FIXTURES / DOCUMENTS[0], editor=EDITOR)
    with contextmanager(editor_for)(url) as editor:
        retracted = editor.client.delete(
            "/facts/esf-pledged-2021-03", params={"reason": "Test retraction"}, headers=editor.auth
        )
        assert retracted.status_code == 200, retracted.text
    folder = tmp_path / DOCUMENTS[1]
    shutil.copytree(FIXTURES / DOCUMENTS[1], folder)
    body = yaml.safe_load((folder / "facts.yaml").read_text("utf-8"))
    body["facts"][-1]["id"] = "esf-pledged-2021-03"
    (folder / "facts.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
    before = database_state(engine)
    with pytest.raises(SeedError, match="retracted"):
        import_folder(engine, folder, editor=EDITOR)
    assert database_state(engine) == before
    engine.dispose()


def test_the_command_checks_then_imports(
    make_database: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from app.settings import get_settings

    url = make_database()
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        second = str(FIXTURES / DOCUMENTS[1])
        # The renewal is about a mission only the first document introduces.
        assert cli(["import", second, "--check"]) == 1
        assert "unknown mission 'example-support-force'" in capsys.readouterr().err
        first = str(FIXTURES / DOCUMENTS[0])
        assert cli(["import", first, "--check"]) == 0
        assert "nothing written" in capsys.readouterr().out
        engine = make_engine(url)
        assert database_state(engine).counts["fact"] == 0
        assert cli(["import", first, "--editor", "desk-a"]) == 0
        assert "9 created" in capsys.readouterr().out
        assert cli(["import", first, "--editor", "desk-a"]) == 0
        assert "nothing changed" in capsys.readouterr().out
        assert cli(["import", second, "--check"]) == 0
        engine.dispose()
    finally:
        get_settings.cache_clear()
