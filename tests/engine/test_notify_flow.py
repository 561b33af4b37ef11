"""The write path queues notifications in its own transaction: a hotline report for X01 e-mails the X01
officer; the 12 hours passing (the timer sweep) tells the chairman and the police at once, by SMS to the
on-duty person; the sender delivers each once. SQLite and PostgreSQL, on the injected clock."""

import datetime as dt

import pytest
from sqlalchemy import select

from engine.models import User
from engine.notify.channels import SmtpChannel
from engine.notify.channels import WebhookChannel
from engine.notify.models import Notification
from engine.notify.sender import Sender
from tests.engine.test_notify_sender import BASE
from tests.support.notify_servers import Gateway
from tests.support.notify_servers import SmtpServer
from tests.support.samples import REPORT
from workflows.child_protection.process import open_case


@pytest.fixture
def servers():
    smtp, gateway = SmtpServer().start(), Gateway().start()
    yield smtp, gateway
    smtp.stop()
    gateway.stop()


def _rows(engine, case_id):
    with engine.db.read() as s:
        return [r._asdict() for r in s.execute(
            select(Notification.event_key, Notification.kind, User.username, Notification.channel,
                   Notification.emergency, Notification.status).join(User, User.id == Notification.user_id)
            .where(Notification.case_id == case_id).order_by(Notification.id))]


def test_report_then_twelve_hours_pass(engine, as_user, clock, servers):
    smtp, gateway = servers
    case = open_case(engine, REPORT, as_user("tongdai111"))
    first = {(r["username"], r["channel"]) for r in _rows(engine, case.id)}
    assert {("canbo.x01", "app"), ("canbo.x01", "email"), ("canbo.x01", "sms")} <= first
    sender = Sender(engine, {"email": SmtpChannel(smtp.url, "bvte@example.invalid"),
                             "sms": WebhookChannel(gateway.url, "secret")}, base_url=BASE)
    sender.run_once()
    mails = [(to, m) for to, m in smtp.mailbox.messages if to == ["canbo.x01@example.invalid"]]
    assert mails and case.reference in mails[0][1]["Subject"]
    assert "Nguyễn Thị Bé" not in mails[0][1].get_content() and "Trần Văn Báo" not in mails[0][1].get_content()

    clock.advance(dt.timedelta(hours=12, minutes=1))
    assert engine.fire_due_timers() >= 1
    rows = _rows(engine, case.id)
    sms = {r["username"] for r in rows if r["channel"] == "sms" and r["emergency"] and r["kind"] == "new_task"
           and r["username"] != "canbo.x01"}
    assert {"chutich.x01", "congan.x01"} <= sms          # the on-duty people of the chairman and the police
    assert any(r["kind"] == "overdue" and r["username"] == "canbo.x01" for r in rows)   # the agency that missed it
    before = len(gateway.calls)
    sender.run_once()
    texts = [b["text"] for b in gateway.bodies()[before:]]
    assert any(case.reference in t for t in texts) and len(gateway.calls) > before
    assert all(r["status"] == "sent" for r in _rows(engine, case.id))
    assert sender.run_once() == 0


def test_a_case_handed_over_tells_the_receiving_commune(engine, as_user):
    from tests.support.samples import complete

    case = open_case(engine, dict(REPORT, residence_commune="X02"), as_user("tongdai111"))
    steps = [("initial_assessment", "canbo.x01"), ("specific_assessment", "canbo.x01"), ("draft_plan", "canbo.x01"),
             ("approve_plan", "chutich.x01")]
    for name, user in steps:
        if engine.get_case(case.id).commune_code == "X02":
            break
        complete(engine, case.id, name, as_user(user))
    assert engine.get_case(case.id).commune_code == "X02"
    rows = _rows(engine, case.id)
    assert any(r["kind"] == "handover" and r["username"] == "canbo.x02" and r["channel"] == "app" for r in rows)
    assert not any(r["kind"] == "handover" and r["username"] == "canbo.x01" for r in rows)
