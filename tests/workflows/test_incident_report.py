"""The immediate incident report («báo cáo đột xuất», #21.4): a case received with signs of a crime, sexual abuse
or trafficking gives the commune officer the task, due 24 hours after receipt (the province's setting); overdue,
the commune chairman is told; a case without them has no such task. Each action on a fresh Engine."""

from __future__ import annotations

import datetime as dt

from engine.db import Database
from engine.runtime import Engine
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection.intake import open_case
from workflows.registry import build_registry

FORM = {"phoned_at": "2026-11-20T22:30:00+07:00", "phoned_to": "Bà Lê Thị Hoa, Chi cục Dân số – Xã hội (Sở Y tế)",
        "written_report_number": "12/BC-UBND", "written_report_date": "2026-11-21"}


def _names(eng, username, case_id):
    return sorted(t.task_name for t in eng.inbox(actor_for(eng, username).agency_id) if t.case_id == case_id)


def test_serious_case_gets_the_incident_report_with_its_one_day_and_escalation(engine, clock):
    case = open_case(engine, {**REPORT, "abuse_forms": ["sexual_abuse"]}, actor_for(engine, "canbo.x01"))
    plain = open_case(engine, {**REPORT, "child_name": "Trần Văn Cường"}, actor_for(engine, "canbo.x01"))
    assert "report_incident" in _names(engine, "canbo.x01", case.id)
    assert "report_incident" not in _names(engine, "canbo.x01", plain.id)
    task = next(t for t in engine.inbox(actor_for(engine, "canbo.x01").agency_id)
                if t.case_id == case.id and t.task_name == "report_incident")
    assert task.due_at == case.received_at + dt.timedelta(hours=24)
    made = []
    try:
        clock.set(case.received_at + dt.timedelta(hours=24, minutes=1))
        made.append(Engine(Database(engine.db.url), build_registry(), clock))
        made[-1].fire_due_timers()
        made.append(Engine(Database(engine.db.url), build_registry(), clock))
        eng = made[-1]
        assert "escalate_incident_report" in _names(eng, "chutich.x01", case.id)
        eng.complete_task(task.id, FORM, actor_for(eng, "canbo.x01"))
        assert "report_incident" not in _names(eng, "canbo.x01", case.id)
        assert [st.task_name for st in eng.steps(case.id) if st.task_name == "report_incident"] == ["report_incident"]
    finally:
        for eng in made:
            eng.db.dispose()


def test_assessment_that_first_finds_sexual_abuse_gives_the_report_counted_from_the_assessment(engine, clock):
    """A report received as plain neglect whose initial assessment finds sexual abuse: the incident report is due
    24 h after the assessment (when the commune learnt of it), beside the crime report to the police."""
    report = {**REPORT, "case_category": "at_risk", "abuse_forms": [], "urgency": "non_emergency"}
    case = open_case(engine, report, actor_for(engine, "canbo.x01"))
    assert "report_incident" not in [t.task_name for t in engine.open_tasks(case.id)]
    clock.set(case.received_at + dt.timedelta(hours=30))
    assessed_at = clock.now()
    complete(engine, case.id, "initial_assessment", actor_for(engine, "canbo.x01"), abuse_forms=["sexual_abuse"])
    fresh = Engine(Database(engine.db.url), build_registry(), clock)
    try:
        task = open_task(fresh, case.id, "report_incident")
        assert task.due_at == assessed_at + dt.timedelta(hours=24)
        assert "report_incident" in _names(fresh, "canbo.x01", case.id)
        clock.set(assessed_at + dt.timedelta(hours=23))
        fresh.fire_due_timers()
        assert "escalate_incident_report" not in [t.task_name for t in fresh.open_tasks(case.id)]
        clock.set(assessed_at + dt.timedelta(hours=24, minutes=1))
        fresh.fire_due_timers()
        assert "escalate_incident_report" in _names(fresh, "chutich.x01", case.id)
    finally:
        fresh.db.dispose()


def test_assessment_of_a_case_already_reported_at_intake_gives_no_second_report(engine, clock):
    case = open_case(engine, {**REPORT, "abuse_forms": ["sexual_abuse"]}, actor_for(engine, "canbo.x01"))
    complete(engine, case.id, "initial_assessment", actor_for(engine, "canbo.x01"), abuse_forms=["sexual_abuse"])
    assert [t.task_name for t in engine.open_tasks(case.id)].count("report_incident") == 1
