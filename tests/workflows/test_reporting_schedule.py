"""Statutory report deadlines per province, with reminders as tasks and escalation when missed."""

import datetime as dt

from engine.workdays import parse_instant
from tests.support.samples import actor_for
from workflows.reporting import ensure_report_reminders
from workflows.reporting import set_schedule


def test_reminder_task_before_due_date_once_then_escalation(engine, clock):
    reader = actor_for(engine, "baocao.tinh")
    clock.set(parse_instant("2027-04-29T08:00:00+07:00"))       # 11 days before 10/5: not yet
    assert ensure_report_reminders(engine) == 0
    clock.set(parse_instant("2027-04-30T08:00:00+07:00"))       # 10 days before: reminder
    assert ensure_report_reminders(engine) == 1
    assert ensure_report_reminders(engine) == 0                 # idempotent
    tasks = engine.inbox(reader.agency_id)
    assert [t.task_name for t in tasks] == ["submit_statutory_report"]
    assert tasks[0].due_at == parse_instant("2027-05-10T23:59:59+07:00")
    clock.set(parse_instant("2027-05-11T00:00:30+07:00"))
    engine.fire_due_timers()
    soyte = actor_for(engine, "soyte.tinh")
    assert [t.task_name for t in engine.inbox(soyte.agency_id)] == ["escalate_report_overdue"]
    engine.complete_task(tasks[0].id, {"document_number": "15/BC-SYT", "submitted_on": "2027-05-11"}, reader)
    assert [t.task_name for t in engine.inbox(reader.agency_id)] == []


def test_schedule_is_configurable_and_validated(engine, clock):
    import pytest

    from engine.errors import InvalidTaskData

    set_schedule(engine, "P01", "ky_1", "Báo cáo 6 tháng (hạn 20/6)", 6, 20, 5)
    clock.set(parse_instant("2027-04-30T08:00:00+07:00"))
    assert ensure_report_reminders(engine) == 0
    clock.set(dt.datetime(2027, 6, 15, 3, 0, tzinfo=dt.timezone.utc))
    assert ensure_report_reminders(engine) == 1
    with pytest.raises(InvalidTaskData):
        set_schedule(engine, "P01", "bad", "x", 2, 30, 5)
