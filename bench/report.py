"""Medians over the repeats, ratios to the ceiling and to Datasette, the targets, and the
Markdown table."""

import statistics
from typing import Any

from bench.scenarios import Scenario

CEILING = "ceiling (constant /missions/mss)"
REFERENCE = "lean reference"


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "requests_per_s": round(statistics.median(r["requests_per_s"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 3),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 3),
        "errors": sum(r["errors"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "repeats": len(runs),
    }


def _ratio(value: float, base: float | None) -> float | None:
    return round(value / base, 2) if base else None


def summarise(
    runs: dict[str, dict[str, list[dict[str, Any]]]],
    cold: dict[str, list[float]],
    scenarios: list[Scenario],
) -> dict[str, Any]:
    ceilings = {target: _median(r) for target, r in runs.get(CEILING, {}).items()}
    fastapi = ceilings.get("ceiling: FastAPI", {}).get("requests_per_s")
    rows: list[dict[str, Any]] = [
        {
            "scenario": CEILING,
            "server": target,
            **m,
            "x_ceiling": _ratio(m["requests_per_s"], fastapi),
            "x_starlette": _ratio(
                m["requests_per_s"], ceilings.get("ceiling: Starlette", {}).get("requests_per_s")
            ),
        }
        for target, m in ceilings.items()
    ]
    starlette = ceilings.get("ceiling: Starlette", {}).get("requests_per_s")
    for scenario in scenarios:
        peer = _peer(runs, scenario.datasette)
        sql_peer = _peer(runs, scenario.datasette_sql)
        measured_here = runs.get(scenario.name, {})
        reference = _median(measured_here[REFERENCE]) if REFERENCE in measured_here else None
        before = {
            target.replace("project before", "project"): _median(r)
            for target, r in measured_here.items()
            if target.startswith("project before")
        }
        for target, measured in measured_here.items():
            m = _median(measured)
            rate = m["requests_per_s"]
            rows.append(
                {
                    "scenario": scenario.name,
                    "server": target,
                    "path": scenario.path,
                    **m,
                    "x_ceiling": _ratio(rate, fastapi),
                    "x_starlette": _ratio(rate, starlette),
                    "x_datasette": _ratio(rate, peer["requests_per_s"]) if peer else None,
                    "x_datasette_sql": _ratio(rate, sql_peer["requests_per_s"])
                    if sql_peer
                    else None,
                    "x_reference": _ratio(rate, reference["requests_per_s"])
                    if reference and target != REFERENCE
                    else None,
                    "x_before": _ratio(rate, before[target]["requests_per_s"])
                    if target in before
                    else None,
                    "hot": scenario.hot,
                    "cached": scenario.cached,
                    "uncached_list": scenario.uncached_list,
                    "mix": bool(scenario.paths),
                    "writes": scenario.writes,
                }
            )
        for name, found, path in (
            ("Datasette", peer, scenario.datasette),
            ("Datasette SQL", sql_peer, scenario.datasette_sql),
        ):
            if found is not None:
                rows.append(
                    {
                        "scenario": scenario.name,
                        "server": name,
                        "path": path,
                        **found,
                        "x_ceiling": _ratio(found["requests_per_s"], fastapi),
                    }
                )
    starts = {name: round(statistics.median(t), 3) for name, t in cold.items() if t}
    return {"rows": rows, "cold_start_s": starts, "targets": _targets(rows, starts)}


def _peer(runs: dict[str, dict[str, list[dict[str, Any]]]], path: str | None) -> Any:
    """Datasette's medians for this path (its database name filled in, it ends the same)."""
    if path is None:
        return None
    tail = path.split("}", 1)[1]
    found = [k for k in runs if k.startswith("datasette /") and k.endswith(tail)]
    return _median(runs[found[0]]["Datasette"]) if found else None


def _check(target: str, where: str, value: str, met: bool) -> dict[str, Any]:
    return {"target": target, "where": where, "value": value, "met": met}


def _targets(rows: list[dict[str, Any]], starts: dict[str, float]) -> list[dict[str, Any]]:
    """The targets of the fast read path, each checked where it applies."""
    project = [r for r in rows if r["server"].startswith("project (")]
    checks: list[dict[str, Any]] = []
    for r in project:
        where = f"{r['scenario']} [{r['server']}]"
        if r.get("hot"):
            met = (r["x_starlette"] or 0) >= 0.5 and r["p99_ms"] < 10
            value = f"{r['x_starlette']}x, p99 {r['p99_ms']} ms"
            checks.append(
                _check("cached >= 0.5x Starlette ceiling, p99 < 10 ms", where, value, met)
            )
        if r.get("x_reference") is not None:
            value = f"{r['x_reference']}x"
            checks.append(
                _check(">= 0.7x the lean reference", where, value, r["x_reference"] >= 0.7)
            )
        if r.get("x_datasette_sql") is not None:
            value = f"{r['x_datasette_sql']}x"
            met = r["x_datasette_sql"] >= 1.5
            checks.append(_check(">= 1.5x Datasette's SQL", where, value, met))
        if not r.get("cached") and r.get("x_datasette") is not None:
            bar = 1.5 if r.get("uncached_list") else 1.0
            value = f"{r['x_datasette']}x"
            met = r["x_datasette"] >= bar
            checks.append(_check(f"uncached >= {bar}x Datasette", where, value, met))
        if not r.get("cached") and r.get("x_before") is not None:
            value = f"{r['x_before']}x"
            checks.append(_check("uncached >= 4x before", where, value, r["x_before"] >= 4))
        checks.append(
            _check("RSS < 100 MB per worker", where, f"{r['rss_mb']} MB", r["rss_mb"] < 100)
        )
    by_name = {(r["scenario"], r["server"]): r for r in project}
    for (scenario, server), r in by_name.items():
        if "[large]" in scenario:
            small = by_name.get((scenario.replace("[large]", "[small]"), server))
            if small:
                ratio = round(r["p50_ms"] / small["p50_ms"], 2)
                where = f"{scenario} [{server}]"
                checks.append(
                    _check("p50 at 1M within 1.3x of 10k", where, f"{ratio}x", ratio <= 1.3)
                )
        if r.get("writes"):
            quiet = next(
                (
                    other
                    for (name, where_run), other in by_name.items()
                    if where_run == server and other.get("mix") and not other.get("writes")
                ),
                None,
            )
            if quiet:
                rate = round(r["requests_per_s"] / quiet["requests_per_s"], 2)
                p99 = round(r["p99_ms"] / quiet["p99_ms"], 2)
                checks.append(
                    _check(
                        "a correction a second: >= 0.9x the mix without writes, p99 < 2x",
                        f"{scenario} [{server}]",
                        f"{rate}x, p99 {p99}x",
                        rate >= 0.9 and p99 < 2,
                    )
                )
        if server == "project (postgresql)":
            sqlite = by_name.get((scenario, "project (sqlite)"))
            if sqlite:
                ratio = round(r["requests_per_s"] / sqlite["requests_per_s"], 2)
                where = f"{scenario}"
                checks.append(_check("PostgreSQL >= 0.5x SQLite", where, f"{ratio}x", ratio >= 0.5))
    if "project (seeded SQLite)" in starts and "Datasette" in starts:
        ratio = round(starts["project (seeded SQLite)"] / starts["Datasette"], 2)
        checks.append(
            _check(
                "cold start <= 1.2x Datasette, same seeded file",
                "cold start",
                f"{ratio}x",
                ratio <= 1.2,
            )
        )
    return checks


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "| Scenario | Server | req/s | p50 ms | p99 ms | errors | RSS MB "
        "| x Starlette | x Datasette | x Datasette SQL | x reference | x before |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results["rows"]:
        cells = [
            r["scenario"],
            r["server"],
            r["requests_per_s"],
            r["p50_ms"],
            r["p99_ms"],
            r["errors"],
            r["rss_mb"],
            r.get("x_starlette"),
            r.get("x_datasette"),
            r.get("x_datasette_sql"),
            r.get("x_reference"),
            r.get("x_before"),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "| Cold start (process start to first 200) | seconds |", "|---|--:|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in results["cold_start_s"].items()]
    lines += ["", "| Target | Where | Measured | Met |", "|---|---|---|---|"]
    for check in results["targets"]:
        met = "yes" if check["met"] else "**no**"
        lines.append(f"| {check['target']} | {check['where']} | {check['value']} | {met} |")
    return "\n".join(lines) + "\n"
