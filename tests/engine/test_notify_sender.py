"""The sender worker against a real SMTP server (aiosmtpd, STARTTLS and AUTH) and a real HTTP server as the
SMS gateway, on the injected clock: delivery, signature, once with two workers, outages, digest, reminders."""

import datetime as dt
import hashlib
import hmac
import threading

import pytest
from sqlalchemy import select
from sqlalchemy import update

from engine.models import Case
from engine.models import OpenTask
from engine.models import User
from engine.notify import outbox
from engine.notify import people
from engine.notify.channels import SmtpChannel
from engine.notify.channels import WebhookChannel
from engine.notify.models import Notification
from engine.notify.reminders import scan
from engine.notify.sender import Sender
from engine.workdays import VN_TZ
from tests.engine.test_notify_outbox import _enqueue
from tests.engine.test_notify_outbox import _fresh_case
from tests.support.notify_servers import Gateway
from tests.support.notify_servers import SmtpServer
from tests.support.notify_servers import self_signed_cert

SECRET = "gateway-secret"
BASE = "https://bvte.example.invalid"


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tls_files=self_signed_cert(tmp_path), login=("bvte", "s3cret pass")).start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    gw = Gateway().start()
    yield gw
    gw.stop()


def _channels(smtp, gateway):
    return {"email": SmtpChannel(smtp.url, "bvte@so-yte.example.invalid", ca_file=smtp.tls_files[0]),
            "sms": WebhookChannel(gateway.url, SECRET)}


def _sender(engine, smtp, gateway, **kw):
    return Sender(engine, _channels(smtp, gateway), base_url=BASE, **kw)


def _statuses(engine):
    with engine.db.read() as s:
        return {(r.channel, r.status) for r in s.execute(select(Notification.channel, Notification.status))}


def test_email_and_signed_sms_arrive_with_recipient_subject_and_link(engine, as_user, smtp, gateway):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    task = engine.open_tasks(case.id)[0]
    assert _sender(engine, smtp, gateway).run_once() == 2
    [(rcpts, msg)] = smtp.mailbox.messages
    assert rcpts == ["canbo.x01@example.invalid"]
    assert case.reference in msg["Subject"] and "KHẨN CẤP" in msg["Subject"]
    assert f"{BASE}/tasks/{task.id}" in msg.get_content()
    [(headers, body)] = gateway.calls
    stamp = headers["X-BVTE-Timestamp"]
    assert stamp == str(int(engine.now().timestamp()))
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-BVTE-Signature"] == f"sha256={expected}"
    sms = gateway.bodies()[0]
    assert sms["to"].startswith("+84-000-") and sms["emergency"] and f"{BASE}/tasks/{task.id}" in sms["text"]
    assert _statuses(engine) == {("app", "sent"), ("email", "sent"), ("sms", "sent")}
    assert _sender(engine, smtp, gateway).run_once() == 0   # nothing left, nothing again


def _many(engine, as_user, n):
    case = _fresh_case(engine, as_user)
    with engine.db.write() as s:
        t = s.execute(select(OpenTask).where(OpenTask.case_id == case.id)).scalars().first()
        events = [outbox.Event(f"bulk:{i}", "new_task", t.agency_id, "Việc", True, f"/tasks/{t.id}", t.id)
                  for i in range(n)]
        outbox.enqueue(s, engine.now(), s.get(Case, case.id), events)
    return case


def test_two_workers_send_each_notification_once(engine, as_user, smtp, gateway):
    _many(engine, as_user, 60)
    workers = [_sender(engine, smtp, gateway, batch=7, reminders=False) for _ in range(2)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [m["Message-ID"] for _, m in smtp.mailbox.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    sms_ids = [b["id"] for b in gateway.bodies()]
    assert len(sms_ids) == 60 and len(set(sms_ids)) == 60
    assert _statuses(engine) == {("app", "sent"), ("email", "sent"), ("sms", "sent")}


def test_an_smtp_outage_delays_and_loses_nothing(engine, as_user, clock, smtp, gateway):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    smtp.stop()
    _sender(engine, smtp, gateway).run_once()
    with engine.db.read() as s:
        row = s.execute(select(Notification).where(Notification.channel == "email")).scalar_one()
    assert row.status == "queued" and row.attempts == 1 and "SMTP unavailable" in row.last_error
    assert row.send_after == engine.now() + dt.timedelta(seconds=30)
    assert len(gateway.calls) == 1   # the SMS gateway was up: its message went
    smtp.start()
    assert _sender(engine, smtp, gateway).run_once() == 0   # backing off: not yet
    clock.advance(dt.timedelta(seconds=31))
    assert _sender(engine, smtp, gateway).run_once() == 1
    assert len(smtp.mailbox.messages) == 1 and len(gateway.calls) == 1
    assert _statuses(engine) == {("app", "sent"), ("email", "sent"), ("sms", "sent")}


def test_a_refusal_is_failed_with_its_reason(engine, as_user, smtp):
    gw = Gateway(status=400).start()
    try:
        case = _fresh_case(engine, as_user)
        _enqueue(engine, case.id)
        _sender(engine, smtp, gw).run_once()
    finally:
        gw.stop()
    with engine.db.read() as s:
        row = s.execute(select(Notification).where(Notification.channel == "sms")).scalar_one()
    assert row.status == "failed" and row.last_error == "SMS gateway answered 400"


def test_quiet_hours_gather_a_morning_digest(engine, as_user, clock, smtp, gateway):
    case = _fresh_case(engine, as_user)
    with engine.db.write() as s:
        user = s.execute(select(User).where(User.username == "canbo.x01")).scalar_one()
        people.set_contact(s, user.id, sms_on=True)
        t = s.execute(select(OpenTask).where(OpenTask.case_id == case.id)).scalars().first()
        events = [outbox.Event(f"plain:{i}", "new_task", t.agency_id, f"Việc {i}", False, f"/tasks/{t.id}", t.id)
                  for i in range(3)]
        outbox.enqueue(s, engine.now(), s.get(Case, case.id), events)
    clock.set(dt.datetime(2026, 11, 21, 5, 59, tzinfo=VN_TZ))
    assert _sender(engine, smtp, gateway, reminders=False).run_once() == 0
    assert smtp.mailbox.messages == [] and gateway.calls == []
    clock.set(dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN_TZ))
    assert _sender(engine, smtp, gateway, reminders=False).run_once() == 6
    [(rcpts, msg)] = smtp.mailbox.messages
    assert "Morning digest: 3" in msg["Subject"]
    assert all(f"Việc {i}" in msg.get_content() for i in range(3))
    assert len(gateway.calls) == 1 and "Morning digest: 3" in gateway.bodies()[0]["text"]


def test_reminders_before_a_limit_and_the_overdue_notice_are_written_once(engine, as_user, clock):
    case = _fresh_case(engine, as_user)
    task = engine.open_tasks(case.id)[0]
    due = task.due_at
    assert due is not None and task.deadline_rule == "emergency_response"
    with engine.db.write() as s:   # the escalation timer has not fired: the scan's own overdue notice
        s.execute(update(OpenTask).where(OpenTask.id == task.id).values(escalated_at=None))

    def keys():
        with engine.db.read() as s:
            return sorted({k for k in s.execute(select(Notification.event_key)
                                                .where(Notification.case_id == case.id)).scalars()})

    assert scan(engine, engine.now()) == 0
    clock.set(due - dt.timedelta(hours=3))
    assert scan(engine, engine.now()) > 0
    assert scan(engine, engine.now()) == 0
    assert keys() == [f"task:{task.id}:lead:3h"]
    clock.set(due - dt.timedelta(minutes=30))
    scan(engine, engine.now())
    assert keys() == [f"task:{task.id}:lead:1h", f"task:{task.id}:lead:3h"]
    clock.set(due + dt.timedelta(seconds=1))
    scan(engine, engine.now())
    assert f"task:{task.id}:overdue" in keys()


def test_the_worker_queues_and_sends_reminders(engine, as_user, clock, smtp, gateway):
    case = _fresh_case(engine, as_user)
    task = engine.open_tasks(case.id)[0]
    sender = _sender(engine, smtp, gateway)
    clock.set(task.due_at - dt.timedelta(hours=3))
    sender.run_once()
    subjects = [m["Subject"] for _, m in smtp.mailbox.messages]
    assert any("Sắp hết hạn / Limit about to pass" in s and case.reference in s for s in subjects)
    clock.advance(dt.timedelta(seconds=30))   # within a minute: no second scan, nothing new
    assert sender.run_once() == 0
