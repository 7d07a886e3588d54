"""Medians over the repeats, ratios to the ceiling and to Datasette, the targets, and the
Markdown table."""

import statistics
from typing import Any

from bench.scenarios import Scenario

CEILING = "ceiling (constant /missions/mss)"


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
        }
        for target, m in ceilings.items()
    ]
    for scenario in scenarios:
        peer = None
        if scenario.datasette is not None:
            found = [k for k in runs if k.startswith("datasette /") and _same(k, scenario)]
            if found:
                peer = _median(runs[found[0]]["Datasette"])
        for target, measured in runs.get(scenario.name, {}).items():
            m = _median(measured)
            rows.append(
                {
                    "scenario": scenario.name,
                    "server": target,
                    "path": scenario.path,
                    **m,
                    "x_ceiling": _ratio(m["requests_per_s"], fastapi),
                    "x_datasette": _ratio(m["requests_per_s"], peer["requests_per_s"])
                    if peer
                    else None,
                    "hot": scenario.hot,
                    "uncached_list": scenario.uncached_list,
                }
            )
        if peer is not None:
            rows.append(
                {
                    "scenario": scenario.name,
                    "server": "Datasette",
                    "path": scenario.datasette,
                    **peer,
                    "x_ceiling": _ratio(peer["requests_per_s"], fastapi),
                }
            )
    starts = {name: round(statistics.median(t), 3) for name, t in cold.items() if t}
    return {"rows": rows, "cold_start_s": starts, "targets": _targets(rows, starts)}


def _same(key: str, scenario: Scenario) -> bool:
    assert scenario.datasette is not None
    # The Datasette path with its database name filled in ends the same way.
    tail = scenario.datasette.split("}", 1)[1]
    return key.endswith(tail)


def _targets(rows: list[dict[str, Any]], starts: dict[str, float]) -> list[dict[str, Any]]:
    project = [r for r in rows if r["server"].startswith("project")]
    checks: list[dict[str, Any]] = []
    for r in project:
        where = f"{r['scenario']} [{r['server']}]"
        if r.get("hot"):
            met = (r["x_ceiling"] or 0) >= 0.8 and r["p99_ms"] < 10
            checks.append(
                {
                    "target": "hot read >= 0.8x ceiling, p99 < 10 ms",
                    "where": where,
                    "value": f"{r['x_ceiling']}x, p99 {r['p99_ms']} ms",
                    "met": met,
                }
            )
        if r.get("uncached_list"):
            checks.append(
                {
                    "target": "uncached list page >= 0.3x ceiling",
                    "where": where,
                    "value": f"{r['x_ceiling']}x",
                    "met": (r["x_ceiling"] or 0) >= 0.3,
                }
            )
        if r.get("x_datasette") is not None:
            checks.append(
                {
                    "target": ">= 10x Datasette",
                    "where": where,
                    "value": f"{r['x_datasette']}x",
                    "met": r["x_datasette"] >= 10,
                }
            )
        checks.append(
            {
                "target": "RSS < 100 MB per worker",
                "where": where,
                "value": f"{r['rss_mb']} MB",
                "met": r["rss_mb"] < 100,
            }
        )
    by_name = {(r["scenario"], r["server"]): r for r in project}
    for (scenario, server), r in by_name.items():
        if "[large]" in scenario:
            small = by_name.get((scenario.replace("[large]", "[small]"), server))
            if small:
                ratio = round(r["p50_ms"] / small["p50_ms"], 2)
                checks.append(
                    {
                        "target": "p50 at 1M within 1.3x of p50 at 10k",
                        "where": f"{scenario} [{server}]",
                        "value": f"{ratio}x",
                        "met": ratio <= 1.3,
                    }
                )
    if "project (empty SQLite)" in starts and "Datasette" in starts:
        ratio = round(starts["project (empty SQLite)"] / starts["Datasette"], 2)
        checks.append(
            {
                "target": "cold start within 2x Datasette",
                "where": "cold start",
                "value": f"{ratio}x",
                "met": ratio <= 2,
            }
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
        "| x ceiling | x Datasette |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
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
            r.get("x_ceiling"),
            r.get("x_datasette"),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "| Cold start (process start to first 200) | seconds |", "|---|--:|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in results["cold_start_s"].items()]
    lines += ["", "| Target | Where | Measured | Met |", "|---|---|---|---|"]
    for check in results["targets"]:
        met = "yes" if check["met"] else "**no**"
        lines.append(f"| {check['target']} | {check['where']} | {check['value']} | {met} |")
    return "\n".join(lines) + "\n"
