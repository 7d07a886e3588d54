"""A mission's facts turned into chart inputs: values in words, derived parts marked."""

from sqlmodel import Session

from app.api.schemas import FactOut
from app.api.wording import date_in_words, deployed_of_planned, formula_in_words, quantity_in_words
from app.web.charts import Chart, ChartValue, TimelineEntry, funding_chart, personnel_chart
from app.web.charts import timeline_chart as draw_timeline
from app.web.sheet import MissionSheet, credit_line, source_credits


def _short_name(sheet: MissionSheet) -> str:
    return sheet.mission.acronym or sheet.mission.label


def _chart_value(sheet: MissionSheet, label: str, fact: FactOut | None) -> ChartValue:
    if fact is None:
        return ChartValue(label, None, "unknown", note="the sources give no figure")
    quantity = fact.quantity
    words = quantity_in_words(quantity)
    note = None
    if fact.derived:
        note = f"derived: {formula_in_words(fact, sheet.facts_by_id)}"
    elif quantity is not None and quantity.value is None and quantity.unknown_reason:
        note = quantity.unknown_reason.rstrip(".")
    elif fact.date is not None and fact.date.as_stated:
        note = f"as of {date_in_words(fact.date)}"
    value = quantity.value if quantity is not None else None
    return ChartValue(label, value, words, note=note, derived=fact.derived)


def _credit(session: Session, sheet: MissionSheet, facts: list[FactOut | None]) -> str:
    """The sources of the facts drawn; with none drawn, the sources that describe the mission,
    which are what says nothing about these figures."""
    citations = [c for fact in facts if fact is not None for c in fact.citations]
    return credit_line(source_credits(session, citations or sheet.mission.citations))


def personnel(session: Session, sheet: MissionSheet) -> Chart:
    deployed = sheet.figure("personnel_deployed")
    planned = sheet.figure("personnel_planned")
    share = sheet.figure("personnel_deployed_share")
    headline = deployed_of_planned(deployed, planned)
    title = f"{_short_name(sheet)} personnel: " + (
        f"{headline} deployed" if headline else "deployed and planned"
    )
    return personnel_chart(
        title=title,
        planned=_chart_value(sheet, "Planned", planned),
        deployed=_chart_value(sheet, "Deployed", deployed),
        share=_chart_value(sheet, "Deployed share of planned", share) if share else None,
        credit=_credit(session, sheet, [deployed, planned, share]),
    )


def funding(session: Session, sheet: MissionSheet) -> Chart:
    received = sheet.funding_part("received")
    allocated = sheet.funding_part("allocated")
    unallocated = sheet.funding_part("unallocated")
    need = sheet.funding_part("need")
    received_words = quantity_in_words(received.quantity if received else None)
    return funding_chart(
        title=f"{_short_name(sheet)} trust fund: {received_words} received",
        received=_chart_value(sheet, "Received", received),
        allocated=_chart_value(sheet, "Allocated", allocated),
        unallocated=_chart_value(sheet, "Unallocated", unallocated),
        need=_chart_value(sheet, "Still needed", need) if need else None,
        credit=_credit(session, sheet, [received, allocated, unallocated, need]),
    )


def _with_date_origin(fact: FactOut) -> str:
    """A date the cited words do not give says where it came from, beside the credit line."""
    if fact.date is None or not fact.date.resolved_from:
        return fact.summary
    return f"{fact.summary} (Date from: {fact.date.resolved_from.rstrip('.')}.)"


def timeline(session: Session, sheet: MissionSheet) -> Chart:
    entries = [
        TimelineEntry(
            when=date_in_words(fact.date),
            precision=str(fact.date.precision if fact.date else "day"),
            text=_with_date_origin(fact),
        )
        for fact in sheet.timeline
    ]
    return draw_timeline(
        title=f"{_short_name(sheet)} timeline",
        entries=entries,
        credit=_credit(session, sheet, list(sheet.timeline)),
    )


# Every chart a mission has, by the name in its URL (/missions/{slug}/charts/{name}.svg).
CHARTS = {"personnel": personnel, "funding": funding, "timeline": timeline}
