"""Reading and validating the seed files, and resolving every quote to its span in the text.

Nothing here writes to the database: `mission-facts seed --check` runs exactly this.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.domain.derivation import derive
from app.domain.quotes import Span, locate_quote, words_outside_quotes
from app.domain.spec import CitationIn, FactIn, FactsFile, MissionIn, SourceIn, SourcesFile

M = TypeVar("M", bound=BaseModel)

SOURCES_FILE = "sources.yaml"
FACTS_FILE = "facts.yaml"


class SeedError(Exception):
    """The seed cannot be loaded; `problems` says which record and which quote, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the seed:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedSource:
    spec: SourceIn
    text: str
    sha256: str


@dataclass
class ResolvedFact:
    spec: FactIn
    spans: list[Span]
    # Filled for derived facts: the computed value, its qualifier and the formula.
    value: float | None = None
    qualifier: str | None = None
    formula: str | None = None


@dataclass
class Seed:
    sources: dict[str, LoadedSource]
    facts_file: FactsFile
    mission_spans: dict[str, list[Span]] = field(default_factory=dict)
    actor_spans: dict[str, list[Span]] = field(default_factory=dict)
    facts: list[ResolvedFact] = field(default_factory=list)

    def missions_in_dependency_order(self) -> list[MissionIn]:
        """Each mission after the one it supports, so its foreign key always resolves."""
        by_slug = {m.slug: m for m in self.facts_file.missions}

        def depth(mission: MissionIn) -> int:
            steps = 0
            while mission.supports is not None and steps <= len(by_slug):
                mission, steps = by_slug[mission.supports], steps + 1
            return steps

        return sorted(self.facts_file.missions, key=depth)

    @property
    def country_codes(self) -> set[str]:
        codes = {f.spec.country for f in self.facts if f.spec.country}
        codes |= {m.host_country for m in self.facts_file.missions if m.host_country}
        codes |= {a.country for a in self.facts_file.actors if a.country}
        return codes


@dataclass(frozen=True)
class KnownRecords:
    """Records a folder may refer to without defining them: those the database already holds
    (an imported source's facts may be about a mission an earlier source introduced)."""

    missions: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise SeedError([f"{path.name}: file not found"]) from exc
    except yaml.YAMLError as exc:
        raise SeedError([f"{path.name}: not valid YAML: {exc}"]) from exc


def _validate(model: type[M], data: Any, file_name: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SeedError([_describe(error, data, file_name) for error in exc.errors()]) from exc


def _describe(error: Any, data: Any, file_name: str) -> str:
    """A validation error located by record id ("fact 'mss-funding-received'") as well as path."""
    loc = list(error["loc"])
    where = ".".join(str(part) for part in loc)
    record = ""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
        items = data.get(str(loc[0])) or []
        if loc[1] < len(items) and isinstance(items[loc[1]], dict):
            item = items[loc[1]]
            key = item.get("id") or item.get("slug")
            record = f" ({str(loc[0]).rstrip('s')} {key!r})" if key else ""
    return f"{file_name}: {where}{record}: {error['msg']}"


def read_sources(seed_dir: Path) -> dict[str, LoadedSource]:
    sources_file = _validate(SourcesFile, _read_yaml(seed_dir / SOURCES_FILE), SOURCES_FILE)
    loaded: dict[str, LoadedSource] = {}
    problems: list[str] = []
    for spec in sources_file.sources:
        path = seed_dir / spec.file
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            problems.append(f"{SOURCES_FILE}: source {spec.id!r}: file {spec.file!r} not found")
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != spec.sha256:
            problems.append(
                f"{SOURCES_FILE}: source {spec.id!r}: {spec.file} has sha256 {digest}, "
                f"expected {spec.sha256}; the text must stay byte for byte as published"
            )
            continue
        if spec.id in loaded:
            problems.append(f"{SOURCES_FILE}: source {spec.id!r} is listed twice")
        loaded[spec.id] = LoadedSource(spec, raw.decode("utf-8"), digest)
    for source in loaded.values():
        for furniture in source.spec.not_citable:
            if furniture not in source.text:
                problems.append(
                    f"{SOURCES_FILE}: source {source.spec.id!r}: not_citable text "
                    f"{furniture!r} is not in the text"
                )
    if problems:
        raise SeedError(problems)
    return loaded


def find_span(sources: dict[str, LoadedSource], citation: CitationIn, default_source: str) -> Span:
    """The span of a quote in its source; ValueError says why when it cannot be resolved."""
    source_id = citation.source or default_source
    source = sources.get(source_id)
    if source is None:
        raise ValueError(f"unknown source {source_id!r}")
    return locate_quote(
        source_id=source_id,
        text=source.text,
        quote=citation.quote,
        occurrence=citation.occurrence,
        not_citable=source.spec.not_citable,
    )


def _resolve_all(
    seed: Seed, label: str, cites: list[CitationIn], problems: list[str]
) -> list[Span]:
    spans = []
    for number, citation in enumerate(cites, start=1):
        try:
            spans.append(find_span(seed.sources, citation, seed.facts_file.source))
        except ValueError as exc:
            problems.append(f"{FACTS_FILE}: {label}, citation {number}: {exc}")
    return spans


def _check_as_stated(fact: FactIn, spans: list[Span], problems: list[str]) -> None:
    stated = [part.as_stated if part else None for part in (fact.quantity, fact.date)]
    for words in words_outside_quotes(stated, spans):
        problems.append(f"{FACTS_FILE}: fact {fact.id!r}: as_stated {words!r} is not in its quotes")


def _check_references(seed: Seed, problems: list[str], known: KnownRecords | None) -> None:
    spec = seed.facts_file
    missions = {m.slug for m in spec.missions} | (known.missions if known else set())
    actors = {a.slug for a in spec.actors} | (known.actors if known else set())
    for kind, slugs in (
        ("mission", [m.slug for m in spec.missions]),
        ("actor", [a.slug for a in spec.actors]),
        ("fact", [f.id for f in spec.facts]),
    ):
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                problems.append(f"{FACTS_FILE}: {kind} {slug!r} is defined twice")
            seen.add(slug)
    if spec.source not in seed.sources:
        problems.append(f"{FACTS_FILE}: source {spec.source!r} is not in {SOURCES_FILE}")
    supports = {m.slug: m.supports for m in spec.missions}
    for mission in spec.missions:
        if mission.supports and mission.supports not in missions:
            problems.append(
                f"{FACTS_FILE}: mission {mission.slug!r}: supports unknown mission "
                f"{mission.supports!r}"
            )
        chain, at = [mission.slug], mission.supports
        while at in supports and at not in chain:
            chain.append(at)
            at = supports[at]
        if at in chain:
            problems.append(f"{FACTS_FILE}: missions support each other in a cycle: {chain}")
    for fact in spec.facts:
        if fact.mission and fact.mission not in missions:
            problems.append(f"{FACTS_FILE}: fact {fact.id!r}: unknown mission {fact.mission!r}")
        if fact.actor and fact.actor not in actors:
            problems.append(f"{FACTS_FILE}: fact {fact.id!r}: unknown actor {fact.actor!r}")
        if fact.related_mission and fact.related_mission not in missions:
            problems.append(
                f"{FACTS_FILE}: fact {fact.id!r}: unknown related mission {fact.related_mission!r}"
            )


def _derive(seed: Seed, problems: list[str]) -> None:
    """Compute derived values from their inputs, which may themselves be derived."""
    by_id = {fact.spec.id: fact for fact in seed.facts}
    failed: set[str] = set()

    def figure(fact: ResolvedFact, trail: tuple[str, ...]) -> tuple[float, str, str] | None:
        """(value, unit, qualifier) of a fact, computing it first if it is derived."""
        spec = fact.spec
        if spec.derived is None:
            q = spec.quantity
            return (q.value, q.unit, str(q.qualifier)) if q and q.value is not None else None
        if fact.value is not None and fact.qualifier is not None:
            return fact.value, spec.derived.unit, fact.qualifier
        if spec.id in failed:
            return None
        error = _compute(fact, trail)
        if error:
            failed.add(spec.id)
            problems.append(f"{FACTS_FILE}: fact {spec.id!r}: {error}")
            return None
        return figure(fact, trail)

    def _compute(fact: ResolvedFact, trail: tuple[str, ...]) -> str | None:
        derivation = fact.spec.derived
        assert derivation is not None
        if fact.spec.id in trail:
            return f"derived facts depend on each other in a cycle: {[*trail, fact.spec.id]}"
        missing = [fact_id for fact_id in derivation.inputs if fact_id not in by_id]
        if missing:
            return f"unknown inputs {missing}"
        figures = [figure(by_id[i], (*trail, fact.spec.id)) for i in derivation.inputs]
        try:
            fact.value, fact.formula = derive(derivation, figures)
        except ValueError as error:
            return str(error)
        fact.qualifier = "exact"
        return None

    for fact in seed.facts:
        if fact.spec.derived is not None:
            figure(fact, ())


def read_seed(seed_dir: Path, known: KnownRecords | None = None) -> Seed:
    """Parse, validate and resolve the whole seed; SeedError lists every problem found."""
    sources = read_sources(seed_dir)
    facts_file = _validate(FactsFile, _read_yaml(seed_dir / FACTS_FILE), FACTS_FILE)
    seed = Seed(sources=sources, facts_file=facts_file)
    problems: list[str] = []
    _check_references(seed, problems, known)
    if not problems:
        for mission in facts_file.missions:
            label = f"mission {mission.slug!r}"
            seed.mission_spans[mission.slug] = _resolve_all(seed, label, mission.cite, problems)
        for actor in facts_file.actors:
            label = f"actor {actor.slug!r}"
            seed.actor_spans[actor.slug] = _resolve_all(seed, label, actor.cite, problems)
        for fact in facts_file.facts:
            spans = _resolve_all(seed, f"fact {fact.id!r}", fact.cite, problems)
            _check_as_stated(fact, spans, problems)
            seed.facts.append(ResolvedFact(fact, spans))
        _derive(seed, problems)
    if problems:
        raise SeedError(problems)
    return seed
