"""The seed loader: validates everything, writes in one transaction, changes nothing twice."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from app import cli
from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.settings import get_settings
from app.writes import seed as writer
from app.writes.seed import load_seed
from app.writes.seed_files import SeedError, read_seed
from tests.conftest import SEED_DIR, DatabaseFactory


@pytest.fixture
def engine(make_database: DatabaseFactory) -> Iterator[Engine]:
    url = make_database()
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def assert_nothing_loaded(engine: Engine) -> None:
    """No row anywhere, and the data version (one row made by the migrations) never moved."""
    tables = dump(engine)
    assert [version for _, version, _ in tables.pop("data_state")] == [0]
    assert all(rows == [] for rows in tables.values())


def edit(seed_dir: Path, old: str, new: str, file: str = "facts.yaml") -> None:
    path = seed_dir / file
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    first = load_seed(engine, SEED_DIR)
    assert first.changes["fact"] == {"inserted": 57}
    before = dump(engine)
    second = load_seed(engine, SEED_DIR)
    assert not second.changed, second
    assert dump(engine) == before


def test_a_quote_not_in_the_text_refuses_the_whole_load(engine: Engine, seed_copy: Path) -> None:
    edit(seed_copy, '"$48 million remains unallocated"', '"$49 million remains unallocated"')
    with pytest.raises(SeedError) as refused:
        load_seed(engine, seed_copy)
    message = str(refused.value)
    assert "mss-funding-unallocated" in message
    assert "$49 million remains unallocated" in message
    assert_nothing_loaded(engine)


def test_a_refused_load_leaves_a_seeded_database_as_it_was(engine: Engine, seed_copy: Path) -> None:
    load_seed(engine, SEED_DIR)
    before = dump(engine)
    edit(seed_copy, "summary: Kenya leads the MSS.", "summary: Kenya leads it.")
    edit(seed_copy, '"The MSS, led by Kenya"', '"The MSS, led by Kenya and Chile"')
    with pytest.raises(SeedError):
        load_seed(engine, seed_copy)
    assert dump(engine) == before


def test_a_failure_while_writing_rolls_everything_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_facts = writer._write_facts

    def write_then_fail(*args: Any) -> None:
        write_facts(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_write_facts", write_then_fail)
    with pytest.raises(RuntimeError):
        load_seed(engine, SEED_DIR)
    assert_nothing_loaded(engine)


def test_an_ambiguous_quote_needs_an_occurrence(seed_copy: Path) -> None:
    edit(seed_copy, '- "The MSS, led by Kenya"', '- "The MSS, "')
    with pytest.raises(SeedError, match=r"occurs 2 times.*occurrence"):
        read_seed(seed_copy)
    edit(seed_copy, '- "The MSS, "', '- {quote: "The MSS, ", occurrence: 2}')
    seed = read_seed(seed_copy)
    span = next(f.spans[0] for f in seed.facts if f.spec.id == "mss-lead-nation")
    text = seed.sources[span.source_id].text
    assert text[span.start : span.end] == "The MSS, "
    assert span.start == text.index("The MSS, ", text.index("The MSS, ") + 1)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("country: KEN", "country: XKX", "not an ISO 3166-1 alpha-3"),
        ("qualifier: at_least", "qualifier: roughly", "qualifier"),
        ('value: "2025-10"', 'value: "2025-02-30"', "day is out of range"),
        ("mission: mss\n    country: KEN", "mission: msss\n    country: KEN", "unknown mission"),
        ("as_stated: over 6,000 people", "as_stated: 6,000 people or more", "not in its quotes"),
        ("kind: funding.donor", "kind: funding.pledge", "unknown kind"),
        ('- "The MSS, led by Kenya"', '- "Can\'t read it? Listen"', "furniture"),
        (
            "inputs: [mss-funding-received, mss-funding-unallocated]",
            "inputs: [mss-funding-received, mss-donor-can]",
            "known values",
        ),
        (
            "inputs: [mss-funding-received, mss-funding-unallocated]",
            "inputs: [mss-funding-received, mss-funding-allocated]",
            "cycle",
        ),
        (
            "inputs: [mss-funding-received, mss-funding-unallocated]",
            "inputs: [mss-funding-received, mss-personnel-deployed-share]",
            "one unit",
        ),
    ],
)
def test_invalid_records_are_refused_with_the_record_named(
    seed_copy: Path, old: str, new: str, problem: str
) -> None:
    edit(seed_copy, old, new)
    with pytest.raises(SeedError, match=problem) as refused:
        read_seed(seed_copy)
    assert "facts.yaml" in str(refused.value)


def test_an_edited_source_text_is_refused(seed_copy: Path) -> None:
    text_file = seed_copy / "mss-support-office-2025-02.txt"
    text_file.write_bytes(text_file.read_bytes().replace(b"85%", b"86%"))
    with pytest.raises(SeedError, match="sha256"):
        read_seed(seed_copy)


def test_correcting_a_fact_adds_a_version_and_removing_one_retracts_it(
    engine: Engine, seed_copy: Path
) -> None:
    from sqlmodel import Session, col
    from sqlmodel import select as sql_select

    from app.db.tables import Fact

    load_seed(engine, SEED_DIR)
    edit(seed_copy, "summary: Kenya leads the MSS.", "summary: Kenya is the MSS's lead nation.")
    seed_copy_text = (seed_copy / "facts.yaml").read_text("utf-8")
    start = seed_copy_text.index("  - id: mss-most-immediate-response\n")
    end = seed_copy_text.index("  # --- Funding")
    (seed_copy / "facts.yaml").write_text(seed_copy_text[:start] + seed_copy_text[end:], "utf-8")
    report = load_seed(engine, seed_copy)
    assert report.changes["fact"] == {"versioned": 1, "retracted": 1}

    with Session(engine) as session:
        lead = session.exec(
            sql_select(Fact).where(Fact.fact_id == "mss-lead-nation").order_by(col(Fact.version))
        ).all()
        assert [(f.version, f.record_status) for f in lead] == [(1, "superseded"), (2, "current")]
        assert lead[0].superseded_at is not None
        assert lead[1].summary == "Kenya is the MSS's lead nation."
        assert lead[0].summary == "Kenya leads the MSS."
        gone = session.exec(
            sql_select(Fact).where(Fact.fact_id == "mss-most-immediate-response")
        ).all()
        # Retraction is a last version, same content, with its reason; the first one stays.
        gone = sorted(gone, key=lambda f: f.version)
        assert [(f.version, f.record_status) for f in gone] == [(1, "superseded"), (2, "retracted")]
        assert gone[1].change_reason == "Removed from the seed files"
        assert gone[0].change_reason == "Loaded from the seed files"
        assert gone[0].superseded_at == gone[1].recorded_at
        assert gone[0].summary == gone[1].summary
    # And restoring the original seed brings the fact back as a new version.
    report = load_seed(engine, SEED_DIR)
    assert report.changes["fact"] == {"inserted": 1, "versioned": 1}


def test_seed_command_check_and_load(
    make_database: DatabaseFactory,
    seed_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_database()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MISSION_FACTS_SEED_DIR", str(seed_copy))
    get_settings.cache_clear()
    try:
        assert cli.main(["seed", "--check"]) == 0
        assert "every quote found" in capsys.readouterr().out
        assert cli.main(["migrate"]) == 0
        assert cli.main(["seed"]) == 0
        assert "57 inserted" in capsys.readouterr().out
        assert cli.main(["seed"]) == 0
        assert "nothing changed" in capsys.readouterr().out
        edit(seed_copy, '"Funding has been a persistent obstacle."', '"Funding was an obstacle."')
        assert cli.main(["seed", "--check"]) == 1
        err = capsys.readouterr().err
        assert "mss-challenge-funding-obstacle" in err and "Funding was an obstacle." in err
        assert cli.main(["seed"]) == 1
        assert "nothing written" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


NESTED_MISSION = """missions:
  - slug: test-only-nested-body
    name_unknown_reason: Test-only record, not in any source.
    label: A body backing the proposed support office (test only)
    kind: test
    status: proposed
    description: Exists only in this test, to check missions are written in dependency order.
    supports: un-support-office
    cite:
      - {quote: "UN support office", occurrence: 2}
"""


def test_missions_are_written_after_the_missions_they_support(
    engine: Engine, seed_copy: Path
) -> None:
    # Listed first, it supports a mission that itself supports another.
    edit(seed_copy, "missions:\n", NESTED_MISSION)
    report = load_seed(engine, seed_copy)
    assert report.changes["mission"] == {"inserted": 4}


def test_missions_that_support_each_other_are_refused(seed_copy: Path) -> None:
    edit(seed_copy, "missions:\n", NESTED_MISSION)
    edit(seed_copy, "    supports: mss\n", "    supports: test-only-nested-body\n")
    with pytest.raises(SeedError, match="cycle"):
        read_seed(seed_copy)


def test_a_derived_value_can_build_on_another(seed_copy: Path) -> None:
    path = seed_copy / "facts.yaml"
    path.write_text(
        path.read_text("utf-8")
        + """
  - id: test-only-allocated-less-unallocated
    kind: funding.allocated
    mission: mss
    summary: Test only. Allocated less unallocated, from a derived input.
    derived:
      operation: difference
      inputs: [mss-funding-allocated, mss-funding-unallocated]
      unit: USD
    cite:
      - "$48 million remains unallocated"
""",
        "utf-8",
    )
    chained = "test-only-allocated-less-unallocated"
    derived = next(f for f in read_seed(seed_copy).facts if f.spec.id == chained)
    assert derived.value == pytest.approx(62_800_000 - 48_000_000)
    assert derived.formula == "mss-funding-allocated - mss-funding-unallocated"
