"""The outbox hook: who is told of a case's change, on which channel, when; one row per (event, recipient,
channel); written in the change's transaction; no case data in any message. SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import delete
from sqlalchemy import select

from engine.models import Case
from engine.models import OpenTask
from engine.models import User
from engine.notify import outbox
from engine.notify import people
from engine.notify.models import Notification
from engine.notify.reminders import remind_at
from engine.notify.settings import LeadTime
from engine.workdays import VN_TZ
from engine.workdays import WorkCalendar
from tests.support.samples import REPORT
from workflows.child_protection.notify import NOTIFY
from workflows.child_protection.process import open_case


def _task_rows(engine, case_id):
    with engine.db.read() as s:
        return [{c.name: getattr(t, c.name) for c in OpenTask.__table__.columns}
                for t in s.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalars()]


def _enqueue(engine, case_id, **kw):
    with engine.db.write() as s:
        case = s.get(Case, case_id)
        return outbox.enqueue_for_changes(s, engine.now(), case, _task_rows(engine, case_id), settings=NOTIFY, **kw)


def _rows(engine, case_id=None):
    with engine.db.read() as s:
        q = select(Notification.event_key, User.username, Notification.channel, Notification.status,
                   Notification.address, Notification.digest, Notification.send_after, Notification.emergency,
                   Notification.subject, Notification.body).join(User, User.id == Notification.user_id)
        if case_id:
            q = q.where(Notification.case_id == case_id)
        return [r._asdict() for r in s.execute(q.order_by(Notification.id))]


def _fresh_case(engine, as_user, data=REPORT):
    case = open_case(engine, data, as_user("tongdai111"))
    with engine.db.write() as s:   # start from an empty outbox whether or not the write path queued already
        s.execute(delete(Notification))
    return case


def test_an_emergency_task_goes_to_the_agency_and_by_sms_to_the_on_duty_person(engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    rows = _rows(engine, case.id)
    got = {(r["username"], r["channel"]) for r in rows}
    assert got == {("canbo.x01", "app"), ("canbo.x01", "email"), ("canbo.x01", "sms")}
    email = next(r for r in rows if r["channel"] == "email")
    assert email["address"] == "canbo.x01@example.invalid" and email["emergency"]
    # 22:00 on a Friday is inside quiet hours, but an emergency is never held for the morning
    assert not email["digest"] and email["send_after"] == engine.now()
    assert case.reference in email["subject"] and "{link}" in email["body"]


def test_the_same_event_makes_one_row_per_recipient_and_channel(engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    before = _rows(engine, case.id)
    assert _enqueue(engine, case.id) == 0 or len(_rows(engine, case.id)) == len(before)
    assert len(_rows(engine, case.id)) == len(before)


def test_a_rolled_back_change_notifies_nobody(engine, as_user):
    case = _fresh_case(engine, as_user)
    with pytest.raises(RuntimeError):
        with engine.db.write() as s:
            outbox.enqueue_for_changes(s, engine.now(), s.get(Case, case.id), _task_rows(engine, case.id),
                                       settings=NOTIFY)
            raise RuntimeError("the change failed")
    assert _rows(engine, case.id) == []


def test_quiet_hours_hold_other_notifications_for_the_morning_digest(engine, as_user):
    case = _fresh_case(engine, as_user)
    with engine.db.write() as s:
        user = s.execute(select(User).where(User.username == "canbo.x01")).scalar_one()
        people.set_contact(s, user.id, sms_on=True)
        t = s.execute(select(OpenTask).where(OpenTask.case_id == case.id)).scalars().first()
        ev = outbox.Event("test:plain", "new_task", t.agency_id, "Việc thường", False, f"/tasks/{t.id}", t.id)
        outbox.enqueue(s, engine.now(), s.get(Case, case.id), [ev])
    rows = [r for r in _rows(engine, case.id) if r["event_key"] == "test:plain"]
    morning = dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN_TZ)
    held = [r for r in rows if r["channel"] in ("email", "sms")]
    assert {r["channel"] for r in held} == {"email", "sms"}
    assert all(r["digest"] and r["send_after"] == morning for r in held)
    assert [r["status"] for r in rows if r["channel"] == "app"] == ["sent"]   # the bell is not held


def test_a_province_sets_its_own_quiet_hours(engine, as_user):
    with engine.db.write() as s:
        people.set_quiet_hours(s, "P01", 23 * 60, 5 * 60)
        assert people.quiet_minutes(s, "P01") == (23 * 60, 5 * 60)
    at_2230 = dt.datetime(2026, 11, 20, 22, 30, tzinfo=VN_TZ)
    assert people.quiet_until(at_2230, (23 * 60, 5 * 60)) is None
    assert people.quiet_until(at_2230, people.DEFAULT_QUIET) == dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN_TZ)
    assert people.quiet_until(dt.datetime(2026, 11, 21, 3, 0, tzinfo=VN_TZ), people.DEFAULT_QUIET) == \
        dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN_TZ)
    assert people.quiet_until(dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN_TZ), people.DEFAULT_QUIET) is None


def _string_values(data):
    if isinstance(data, dict):
        for v in data.values():
            yield from _string_values(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _string_values(v)
    elif isinstance(data, str):
        yield data
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield str(data)


def test_no_message_carries_any_value_of_the_case_data(engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    data = engine.case_data(case.id)
    values = {v for v in _string_values(data) if len(v) >= 3 and v not in (case.reference, case.commune_code)}
    assert "Nguyễn Thị Bé" in values and "Trần Văn Báo" in values   # the child's and the reporter's names
    rows = _rows(engine, case.id)
    assert rows
    for r in rows:
        text = r["subject"] + "\n" + r["body"]
        leaked = [v for v in values if v in text]
        assert leaked == [], f"{r['channel']} message carries case data {leaked}"


def test_lead_times_in_hours_and_working_days():
    due = dt.datetime(2026, 11, 21, 10, 0, tzinfo=VN_TZ)
    assert remind_at(due, LeadTime(3), WorkCalendar()) == dt.datetime(2026, 11, 21, 7, 0, tzinfo=VN_TZ)
    monday_end = dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=VN_TZ)
    assert remind_at(monday_end, LeadTime(1, "working_days"), WorkCalendar()) == \
        dt.datetime(2026, 11, 23, 0, 0, tzinfo=VN_TZ)
    # two working days before Monday's end: from the start of Friday (the weekend is skipped)
    assert remind_at(monday_end, LeadTime(2, "working_days"), WorkCalendar()) == \
        dt.datetime(2026, 11, 20, 0, 0, tzinfo=VN_TZ)


def test_a_break_glass_opening_tells_the_commune_officer_and_chairman(engine, as_user):
    from engine import breakglass

    case = _fresh_case(engine, as_user)
    reader = as_user("baocao.tinh")
    grant = breakglass.grant(engine, reader.user_id, reader.username, engine.get_case(case.id), "Trẻ gặp nguy", 2)
    rows = [r for r in _rows(engine, case.id) if r["event_key"] == f"breakglass:{grant.id}"]
    assert {(r["username"], r["channel"]) for r in rows} >= {("canbo.x01", "app"), ("chutich.x01", "app"),
                                                             ("canbo.x01", "email"), ("chutich.x01", "email")}
    assert all("Trẻ gặp nguy" not in r["body"] for r in rows)   # the reason stays in the log, not in messages
