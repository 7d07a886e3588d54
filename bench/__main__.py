"""`python -m bench`: the project, the framework ceiling and Datasette, loaded in one run.

Every server runs pinned to core 0 and wrk to core 1. Each repeat starts every server afresh
and loads each of its scenarios; medians over the repeats are reported, as ratios to the
FastAPI constant route and to Datasette measured in the same run. Results go to
bench/results/latest.json and bench/results/latest.md.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.memory import ARENAS
from bench import mix, report, servers, wrk
from bench.cursors import deep_cursor_path
from bench.databases import BenchDatabases, prepare
from bench.scenarios import Scenario, large_scenarios, mix_scenarios, seed_scenarios

RESULTS = servers.ROOT / "bench" / "results"
REFERENCE = report.REFERENCE
SERVER_CORE, LOAD_CORE = 0, 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="length of each load (10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of everything (3)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--events", type=int, default=1_000_000, help="large data set (1M)")
    parser.add_argument("--small-events", type=int, default=10_000, help="small data set (10k)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure the project on this PostgreSQL database (schemas bench_*)",
    )
    parser.add_argument("--skip-cold-start", action="store_true")
    parser.add_argument(
        "--only",
        metavar="REGEX",
        help="measure only the scenarios whose name matches (the ceiling always runs)",
    )
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="another checkout of the project (e.g. a `git worktree` of an older commit), "
        "measured beside this one in the same run as `project before`",
    )
    return parser.parse_args(argv)


def _machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
    }


def recorded_command(argv: list[str]) -> str:
    """The command as the results write it down: without the credentials of a database URL,
    nor the folder of the older checkout (its commit is written beside)."""
    command = "python -m bench " + " ".join(argv)
    command = re.sub(r"://[^@/]+@", "://USER:PASSWORD@", command)
    return re.sub(r"(--before[ =])\S+", r"\1DIR", command)


def _commit(checkout: Path) -> str:
    """The checkout's commit, and "+changes" when its files differ from it."""

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=checkout, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (
        "+changes"
        if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
        else ""
    )


def _fetch_json_and_tag(port: int) -> tuple[bytes, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/missions/mss")
    response = connection.getresponse()
    body = response.read()
    return body, response.headers["etag"]


class Runner:
    def __init__(self, args: argparse.Namespace, wrk_path: str) -> None:
        self.args, self.wrk = args, wrk_path
        # name -> target -> list of per-repeat results
        self.runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._tokens: dict[str, str] = {}

    def token(self, database_url: str) -> str:
        """The mix editor's write token on this database, made once a run."""
        if database_url not in self._tokens:
            self._tokens[database_url] = mix.editor_token(database_url)
        return self._tokens[database_url]

    def load(
        self,
        server: servers.Server,
        scenario: str,
        target: str,
        path: str,
        editor: mix.Editor | None = None,
        **kw: Any,
    ) -> None:
        # One request first, waited for however long it takes (a list's caveats over a
        # million rows are a pass of seconds, made once per data version), then a short
        # warm-up: imports, caches and connection pools are filled.
        servers.get_status(server.port, path, timeout=120)
        wrk.run(self.wrk, server.url(path), core=LOAD_CORE, seconds=1, connections=4, **kw)
        with editor or contextlib.nullcontext():
            result = wrk.run(
                self.wrk,
                server.url(path),
                core=LOAD_CORE,
                seconds=self.args.seconds,
                connections=self.args.connections,
                **kw,
            )
        if editor is not None and (editor.failures or not editor.writes):
            raise RuntimeError(f"{scenario}: the editor's writes failed: {editor.failures}")
        entry = {**asdict(result), "rss_mb": round(server.rss_mb, 1)}
        self.runs.setdefault(scenario, {}).setdefault(target, []).append(entry)
        print(
            f"  {scenario:<44} {target:<22} {result.requests_per_s:>9.0f} req/s "
            f"p50 {result.p50_ms:6.2f} ms p99 {result.p99_ms:7.2f} ms err {result.errors}"
        )


def _project(
    name: str,
    url: str,
    *,
    cached: bool,
    port: int,
    checkout: Path = servers.ROOT,
    extra_env: dict[str, str] | None = None,
) -> Any:  # a context manager of servers.Server
    env = {"DATABASE_URL": url, "MISSION_FACTS_RESPONSE_CACHE_MB": "32" if cached else "0"}
    # As `mission-facts serve` runs it: with its few malloc arenas (app/memory.py).
    env["MALLOC_ARENA_MAX"] = str(ARENAS)
    env.update(extra_env or {})
    # Run from the checkout, so `python -m uvicorn` imports its `app` package first.
    return servers.started(
        name,
        servers.project_command(port),
        port=port,
        ready_path="/health",
        core=SERVER_CORE,
        env=env,
        cwd=checkout,
    )


def _measure(
    runner: Runner,
    dbs: BenchDatabases,
    scenarios: list[Scenario],
    constant_json: Path,
    before: Path | None,
) -> None:
    ceilings = {"fastapi_app": "ceiling: FastAPI", "starlette_app": "ceiling: Starlette"}
    for factory, target in ceilings.items():
        port = servers.free_port()
        command = servers.ceiling_command(port, factory)
        env = {"BENCH_CONSTANT_JSON": str(constant_json)}
        with servers.started(
            target, command, port=port, ready_path="/constant", core=SERVER_CORE, env=env
        ) as server:
            runner.load(server, "ceiling (constant /missions/mss)", target, "/constant")
    checkouts = {"project": servers.ROOT}
    if before is not None:
        checkouts["project before"] = before
    for backend, urls in dbs.project_urls().items():
        for label, checkout in checkouts.items():
            if label != "project" and backend != "sqlite":
                continue  # the before/after comparison is made on SQLite
            for cached in (True, False):
                groups: dict[str, list[Scenario]] = {}
                for scenario in scenarios:
                    if scenario.cached == cached and scenario.db in urls:
                        groups.setdefault(scenario.db, []).append(scenario)
                for db, members in groups.items():
                    port = servers.free_port()
                    editing = any(scenario.writes for scenario in members)
                    with _project(
                        f"{label} {db}",
                        urls[db],
                        cached=cached,
                        port=port,
                        checkout=checkout,
                        extra_env=mix.EDITOR_ENV if editing else None,
                    ) as server:
                        token = runner.token(urls[db]) if editing else ""
                        if editing:
                            mix.Editor(port, token).prepare()
                        for scenario in members:
                            runner.load(
                                server,
                                scenario.name,
                                f"{label} ({backend})",
                                scenario.path,
                                editor=mix.Editor(port, token) if scenario.writes else None,
                                headers=scenario.headers,
                                script=mix.round_robin_script(dbs.folder, scenario.paths)
                                if scenario.paths
                                else None,
                            )
    files = dbs.sqlite_files()
    referenced = [s for s in scenarios if s.reference]
    if referenced:
        port = servers.free_port()
        with servers.started(
            "reference",
            servers.reference_command(port),
            port=port,
            ready_path="/facts",
            core=SERVER_CORE,
            env={"BENCH_REFERENCE_DB": str(files["seed"])},
        ) as server:
            for scenario in referenced:
                runner.load(server, scenario.name, REFERENCE, scenario.path)
    port = servers.free_port()
    with servers.started(
        "datasette",
        servers.datasette_command(port, list(files.values())),
        port=port,
        ready_path="/-/versions.json",
        core=SERVER_CORE,
    ) as server:
        measured = set()
        for scenario in scenarios:
            for peer in (scenario.datasette, scenario.datasette_sql):
                if peer is None:
                    continue
                # Scenarios with one equivalent (a 304: Datasette has no validators) share a
                # load.
                path = peer.format(db=files[scenario.db].stem)
                if path not in measured:
                    measured.add(path)
                    runner.load(server, f"datasette {path}", "Datasette", path)


def _first_200(command: list[str], port: int, path: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` on the server's core to its first 200 of `path`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        ["taskset", "-c", str(SERVER_CORE), *command],
        cwd=servers.ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        servers.wait_for_200(port, path, process, limit=120)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def _cold_start(dbs: BenchDatabases, repeats: int) -> dict[str, list[float]]:
    """Seconds from process start to the first 200 of the mission: `mission-facts serve` on
    a copy of the seeded file (what a restart is) and on an empty file (migrate, seed, serve),
    against Datasette opening the seeded file.

    The project's modules are compiled first, as the image does at build time (Datasette's
    come compiled with its package): a start that compiles the sources measures the compiler.
    """
    subprocess.run(
        [servers.PYTHON, "-m", "compileall", "-q", "app", "migrations"],
        cwd=servers.ROOT,
        check=True,
    )
    times: dict[str, list[float]] = {
        "project (seeded SQLite)": [],
        "project (empty SQLite)": [],
        "Datasette": [],
    }
    seeded = dbs.sqlite_files()["seed"]
    for i in range(repeats):
        for name in ("seeded", "empty"):
            copy = dbs.folder / f"cold-start-{name}-{i}.db"
            for leftover in dbs.folder.glob(f"{copy.name}*"):
                leftover.unlink()
            if name == "seeded":
                shutil.copyfile(seeded, copy)
            port = servers.free_port()
            command = [servers.PYTHON, "-m", "app.cli", "serve", "--port", str(port)]
            env = {"DATABASE_URL": f"sqlite:///{copy}"}
            times[f"project ({name} SQLite)"].append(
                _first_200(command, port, "/missions/mss", env)
            )
        port = servers.free_port()
        command = servers.datasette_command(port, [seeded])
        times["Datasette"].append(_first_200(command, port, f"/{seeded.stem}/mission/mss.json", {}))
    return times


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if (os.cpu_count() or 1) < 2:
        sys.exit("the benchmark pins the server and wrk to separate cores: it needs two")
    wrk_path = wrk.require_wrk()
    wanted = re.compile(args.only) if args.only else None
    synthetic = wanted is None or any(
        wanted.search(s.name) for db in ("large", "small") for s in large_scenarios(db, "", "", "")
    )
    dbs = prepare(args.events, args.small_events, args.postgres, synthetic=synthetic)
    runner = Runner(args, wrk_path)

    # The constant the ceiling returns: the project's own /missions/mss, so the size matches.
    port = servers.free_port()
    with _project("project", dbs.project_urls()["sqlite"]["seed"], cached=True, port=port) as s:
        body, etag = _fetch_json_and_tag(s.port)
    constant_json = dbs.folder / "constant.json"
    constant_json.write_bytes(body)
    scenarios = seed_scenarios(etag) + mix_scenarios()
    for db, events in (("large", args.events), ("small", args.small_events)):
        if wanted and not any(wanted.search(s.name) for s in large_scenarios(db, "", "", "")):
            continue
        engine, settings = dbs.engine_and_settings(db)
        deep_id, id_values = deep_cursor_path(
            engine, settings, "/facts", {"kind": "displacement"}, "id", int(events * 0.9)
        )
        deep_date, _ = deep_cursor_path(
            engine, settings, "/displacement-events", {}, "date", int(events * 0.9)
        )
        engine.dispose()
        scenarios += large_scenarios(db, deep_id, id_values[0], deep_date)

    if wanted:
        scenarios = [s for s in scenarios if wanted.search(s.name)]
    before = Path(args.before).resolve() if args.before else None
    for repeat in range(1, args.repeats + 1):
        print(f"repeat {repeat} of {args.repeats}")
        _measure(runner, dbs, scenarios, constant_json, before)
    cold = {} if args.skip_cold_start else _cold_start(dbs, args.repeats)

    results = report.summarise(runner.runs, cold, scenarios)
    results["runs"] = runner.runs  # every repeat's figures, beside the medians
    results["machine"] = _machine()
    command = recorded_command(argv if argv is not None else sys.argv[1:])
    results["settings"] = {
        "seconds": args.seconds,
        "repeats": args.repeats,
        "connections": args.connections,
        "events": args.events,
        "small_events": args.small_events,
        "command": command,
        "commit": _commit(servers.ROOT),
        "before_commit": _commit(before) if before is not None else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    print(report.markdown(results))
    print(f"written: {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
