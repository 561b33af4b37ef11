"""#16.4 checked: when the 12 hours pass with nothing done, the commune chairman (who carries the duty, NĐ 56/2017
Điều 26.3) and the commune police (on duty 24/7) get an escalation at once, each with its own limit (the
province's setting ``response_escalation``); when that passes too, Sở Y tế is alerted to guide, check and urge.
The same holds for alternative care after a separation (Điều 32), whichever level arranges it (NĐ 147/2025).
(The emergency decision overdue and new danger on Tết are in tests/engine/test_runtime.py and
tests/workflows/test_new_danger.py.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.models import Agency
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection.deadlines import RESPONSE_ESCALATION_HOURS
from workflows.child_protection.district_split import SPLITS
from workflows.child_protection.process import open_case

VN = dt.timezone(dt.timedelta(hours=7))


def _agency(engine, code):
    with engine.db.read() as s:
        return s.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def _by_name(engine, case_id):
    return {t.task_name: t for t in engine.open_tasks(case_id)}


def test_a_report_nobody_assessed_in_12_hours_at_night_reaches_chairman_and_police_then_the_province(
        engine, as_user, clock):
    clock.set(dt.datetime(2026, 11, 20, 21, 30, tzinfo=VN))        # a Friday night report
    case = open_case(engine, REPORT, as_user("tongdai111"))
    received = clock.now()
    clock.set(received + dt.timedelta(hours=11, minutes=59))
    engine.fire_due_timers()
    assert set(_by_name(engine, case.id)) == {"initial_assessment"}
    clock.set(received + dt.timedelta(hours=12, minutes=1))        # Saturday 09:31: not a working day
    engine.fire_due_timers()
    escalated = clock.now()
    tasks = _by_name(engine, case.id)
    assert tasks["escalate_response_overdue"].agency_id == _agency(engine, "commune_chairman.X01")
    assert tasks["escalate_response_police"].agency_id == _agency(engine, "commune_police.X01")
    assert "escalate_response_province" not in tasks               # the chairman and the police first
    # each escalation has its own limit from the moment it was raised, in clock hours (a Saturday counts)
    for name in ("escalate_response_overdue", "escalate_response_police"):
        assert tasks[name].due_at == escalated + dt.timedelta(hours=RESPONSE_ESCALATION_HOURS)
    assert tasks["initial_assessment"].escalated_at is not None
    clock.set(escalated + dt.timedelta(hours=RESPONSE_ESCALATION_HOURS - 1))
    engine.fire_due_timers()
    assert "escalate_response_province" not in _by_name(engine, case.id)
    clock.set(escalated + dt.timedelta(hours=RESPONSE_ESCALATION_HOURS, minutes=1))
    engine.fire_due_timers()
    tasks = _by_name(engine, case.id)
    assert tasks["escalate_response_province"].agency_id == _agency(engine, "provincial_health.P01")
    assert {"escalate_response_overdue", "escalate_response_police", "initial_assessment"} <= set(tasks)


def test_alternative_care_not_arranged_in_12_hours_reaches_chairman_and_police_at_either_level(
        engine, as_user, clock):
    from engine.province_settings import change

    change(engine, SPLITS, "P01", "nd147.alternative_care", "province", "Quyết định 12/QĐ-UBND", "quantri.tinh")
    case = open_case(engine, REPORT, as_user("tongdai111"))
    received = clock.now()
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **HIGH)
    complete(engine, case.id, "emergency_decision", as_user("chutich.x01"), separation_ordered=True,
             shelter_place="Nhà bà ngoại")
    complete(engine, case.id, "emergency_intervention", as_user("canbo.x01"))
    care = open_task(engine, case.id, "arrange_alternative_care")
    assert care.agency_id == _agency(engine, "provincial_health.P01")      # the province arranges it here
    assert care.due_at == received + dt.timedelta(hours=12)
    clock.set(received + dt.timedelta(hours=12, minutes=1))
    engine.fire_due_timers()
    tasks = _by_name(engine, case.id)
    assert tasks["escalate_care_overdue"].agency_id == _agency(engine, "commune_chairman.X01")
    assert tasks["escalate_care_police"].agency_id == _agency(engine, "commune_police.X01")
    assert "escalate_care_province" not in tasks
