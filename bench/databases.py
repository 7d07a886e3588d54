"""The databases the benchmark reads: the curated seed (made afresh each run) and two synthetic
data sets (made once and kept: a million events take minutes to write), on SQLite and, when
asked, on PostgreSQL."""

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.settings import Settings
from app.writes.seed import load_seed
from bench.servers import ROOT
from bench.synth import generate

FOLDER = ROOT / "data" / "bench"


def _schema_url(url: str, schema: str) -> str:
    return (
        make_url(Settings(database_url=url).database_url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def _events_written(engine: Engine) -> int | None:
    """How many synthetic events a finished data set holds (None: none, or unfinished)."""
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version FROM data_state")).scalar()
            if not version:
                return None
            return int(
                connection.execute(
                    text("SELECT count(*) FROM fact WHERE kind = 'displacement'")
                ).scalar_one()
            )
    except Exception:
        return None


def _synthetic(url: str, events: int, fresh: Callable[[], None]) -> None:
    engine = make_engine(url)
    try:
        if _events_written(engine) == events:
            upgrade(url)  # indexes added since it was written
            return
        engine.dispose()
        fresh()
        upgrade(url)
        engine = make_engine(url)
        print(f"writing {events} synthetic events to {make_url(url).render_as_string()} ...")
        print(f"  {generate(engine, missions=200, events=events)}")
    finally:
        engine.dispose()


def _seeded(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    load_seed(engine, Settings().seed_dir)
    engine.dispose()


def _checkpoint(path: Path) -> None:
    # Datasette opens the files immutable: everything must be in the main file.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass
class BenchDatabases:
    folder: Path
    files: dict[str, Path]
    postgres: dict[str, str] = field(default_factory=dict)
    mix: dict[str, str] = field(default_factory=dict)  # backend -> the newsroom mix's copy

    def sqlite_files(self) -> dict[str, Path]:
        return self.files

    def project_urls(self) -> dict[str, dict[str, str]]:
        urls = {"sqlite": {db: f"sqlite:///{path}" for db, path in self.files.items()}}
        if self.postgres:
            urls["postgresql"] = dict(self.postgres)
        for backend, url in self.mix.items():
            urls[backend]["mix"] = url
        return urls

    def engine_and_settings(self, db: str) -> tuple[Engine, Settings]:
        settings = Settings(database_url=f"sqlite:///{self.files[db]}")
        return make_engine(settings.database_url), settings


def prepare(
    events: int, small_events: int, postgres: str | None, *, synthetic: bool = True
) -> BenchDatabases:
    """The databases of a run; the synthetic ones only when a measured scenario reads them."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    files = {"seed": FOLDER / "mission-facts.db"}
    if synthetic:
        files["large"] = FOLDER / f"synthetic-{events}.db"
        files["small"] = FOLDER / f"synthetic-{small_events}.db"
    for leftover in FOLDER.glob("mission-facts.db*"):
        leftover.unlink()
    _seeded(f"sqlite:///{files['seed']}")

    def remover(path: Path) -> Callable[[], None]:
        def remove() -> None:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()

        return remove

    sizes = (("large", events), ("small", small_events)) if synthetic else ()
    for db, count in sizes:
        _synthetic(f"sqlite:///{files[db]}", count, remover(files[db]))
    for path in files.values():
        _checkpoint(path)
    # The newsroom mix's editor writes: to a copy of the seed of its own, so every other
    # scenario reads the seed as it is.
    mix = {"sqlite": f"sqlite:///{FOLDER / 'mix.db'}"}
    for leftover in FOLDER.glob("mix.db*"):
        leftover.unlink()
    shutil.copyfile(files["seed"], FOLDER / "mix.db")

    urls: dict[str, str] = {}
    if postgres:
        admin = create_engine(Settings(database_url=postgres).database_url)

        def schema(name: str, drop: bool) -> Callable[[], None]:
            def make() -> None:
                with admin.begin() as connection:
                    if drop:
                        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
                    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {name}"))

            return make

        urls = {db: _schema_url(postgres, f"bench_{db}") for db in files}
        for db in ("seed", "mix"):
            schema(f"bench_{db}", drop=True)()
            urls[db] = _schema_url(postgres, f"bench_{db}")
            _seeded(urls[db])
        mix["postgresql"] = urls.pop("mix")
        for db, count in sizes:
            schema(f"bench_{db}", drop=False)()
            _synthetic(urls[db], count, schema(f"bench_{db}", drop=True))
        admin.dispose()
    return BenchDatabases(FOLDER, files, urls, mix)
