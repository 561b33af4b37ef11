"""The bell on every page, the list (opening marks read), a person's channel choices, a case's delivery
status for its commune officer only, and the operators' outbox. SQLite and PostgreSQL."""

import pytest
from sqlalchemy import delete

from engine.notify import views
from engine.notify.models import Notification
from tests.engine.test_notify_outbox import _enqueue
from tests.engine.test_notify_outbox import _fresh_case
from tests.webui.test_webui import login
from tests.webui.test_webui import token
from webui import create_app


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def _logged_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_the_bell_counts_unread_and_opening_marks_read(app, engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    officer = _logged_in(app, "canbo.x01")
    page = officer.get("/").get_data(as_text=True)
    assert 'class="bell unread"' in page and '<span class="count">1</span>' in page
    listing = officer.get("/notifications").get_data(as_text=True)
    assert case.reference in listing and "chưa đọc" in listing
    [row] = views.inbox(engine, as_user("canbo.x01").user_id)
    res = officer.get(f"/notifications/{row.id}/open")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/tasks/{engine.open_tasks(case.id)[0].id}")
    assert '<span class="count">0</span>' in officer.get("/").get_data(as_text=True)
    other = _logged_in(app, "canbo.x02")   # someone else's notification is not theirs to open
    assert other.get(f"/notifications/{row.id}/open").status_code == 404
    assert "Notifications" in officer.get("/notifications?lang=en").get_data(as_text=True)


def test_mark_all_read_and_channel_choices(app, engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    officer = _logged_in(app, "canbo.x01")
    csrf = token(officer.get("/notifications").get_data(as_text=True))
    assert officer.post("/notifications/read", data={"csrf_token": csrf}).status_code == 302
    assert views.unread_count(engine, as_user("canbo.x01").user_id) == 0
    res = officer.post("/notifications/settings", data={"csrf_token": csrf, "email": "hanh@xa.example.invalid",
                                                        "phone": "+84 90 000 0001", "sms_on": "1"})
    assert res.status_code == 302
    contact = views.my_contact(engine, as_user("canbo.x01").user_id)
    assert (contact.email, contact.phone, contact.email_on, contact.sms_on) == \
        ("hanh@xa.example.invalid", "+84 90 000 0001", False, True)
    officer.post("/notifications/settings", data={"csrf_token": csrf, "email": "not an address"})
    assert views.my_contact(engine, as_user("canbo.x01").user_id).email == "hanh@xa.example.invalid"


def test_delivery_status_for_the_commune_officer_and_the_operators(app, engine, as_user):
    case = _fresh_case(engine, as_user)
    _enqueue(engine, case.id)
    officer = _logged_in(app, "canbo.x01")
    assert f"/notifications/case/{case.id}" in officer.get(f"/cases/{case.id}").get_data(as_text=True)
    page = officer.get(f"/notifications/case/{case.id}").get_data(as_text=True)
    assert "Đang chờ gửi" in page and "canbo.x01" in page
    assert _logged_in(app, "canbo.x02").get(f"/notifications/case/{case.id}").status_code == 404
    assert _logged_in(app, "congan.x01").get(f"/notifications/case/{case.id}").status_code == 404
    operator = _logged_in(app, "chinhsach.tinh")
    assert operator.get(f"/notifications/case/{case.id}").status_code == 200
    outbox = operator.get("/notifications/outbox").get_data(as_text=True)
    assert case.reference in outbox and "queued" in outbox
    assert officer.get("/notifications/outbox").status_code == 403
    with engine.db.write() as s:
        s.execute(delete(Notification))
    assert "Tất cả đã được gửi" in operator.get("/notifications/outbox").get_data(as_text=True)


def _plain_event(engine, case_id, n):
    """A non-emergency notification for the X01 officer's agency now (what quiet hours may hold)."""
    from sqlalchemy import select

    from engine.models import Case
    from engine.models import OpenTask
    from engine.notify import outbox

    with engine.db.write() as s:
        t = s.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalars().first()
        key = f"test:plain:{n}"
        ev = outbox.Event(key, "new_task", t.agency_id, "Việc thường", False, f"/tasks/{t.id}", t.id)
        outbox.enqueue(s, engine.now(), s.get(Case, case_id), [ev])
    with engine.db.read() as s:
        return [n for n in s.execute(select(Notification).where(Notification.event_key == key)).scalars()
                if n.channel == "email"]


def test_my_own_quiet_hours_hold_my_mail_and_bad_times_are_refused(app, engine, as_user):
    import datetime as dt

    from engine.workdays import VN_TZ

    case = _fresh_case(engine, as_user)
    officer = _logged_in(app, "canbo.x01")
    page = officer.get("/notifications").get_data(as_text=True)
    assert 'name="quiet_from"' in page and "22:00–06:00" in page     # the province's hours, shown
    csrf = token(page)
    now = engine.now().astimezone(VN_TZ).replace(second=0, microsecond=0)

    def hhmm(delta_minutes):
        t = now + dt.timedelta(minutes=delta_minutes)
        return f"{t.hour:02d}:{t.minute:02d}"

    def save(start, end):
        return officer.post("/notifications/settings", data={"csrf_token": csrf, "email_on": "1", "email": "hanh@xa.example.invalid",
                                                              "quiet_from": start, "quiet_to": end})

    assert save(hhmm(120), hhmm(180)).status_code == 302          # quiet later: now is not held
    assert [n.digest for n in _plain_event(engine, case.id, 1)] == [False]
    assert save(hhmm(-60), hhmm(60)).status_code == 302           # quiet now: held until its end
    held = _plain_event(engine, case.id, 2)
    assert [n.digest for n in held] == [True]
    assert held[0].send_after.astimezone(VN_TZ) == now + dt.timedelta(minutes=60)
    assert f'value="{hhmm(-60)}"' in officer.get("/notifications").get_data(as_text=True)

    bad = save("25:00", "06:00")
    assert bad.status_code == 422 and "Giờ yên tĩnh từ" in bad.get_data(as_text=True)
    assert save("06:00", "06:00").status_code == 422
    assert save("22:00", "").status_code == 422
    contact = views.my_contact(engine, as_user("canbo.x01").user_id)
    assert (contact.quiet_start_minute, contact.quiet_end_minute) == \
        ((now.hour * 60 + now.minute - 60) % 1440, (now.hour * 60 + now.minute + 60) % 1440)
    assert save("", "").status_code == 302                       # back to the province's hours
    assert views.my_contact(engine, as_user("canbo.x01").user_id).quiet_start_minute is None
    from sqlalchemy import select

    from engine.models import AuditEvent
    with engine.db.read() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "notify.contact",
                                                  AuditEvent.actor == "canbo.x01")).first() is not None


def test_the_list_reads_in_one_language():
    from engine.notify import messages

    subject, _body = messages.compose("new_task", title="Đánh giá ban đầu", reference="X01-ABC", due_at=None,
                                      emergency=True, link="/tasks/1")
    assert messages.in_language(subject, "new_task", "vi") == "[KHẨN CẤP] Việc mới: Đánh giá ban đầu — X01-ABC"
    assert messages.in_language(subject, "new_task", "en", lambda t: "Initial assessment") == \
        "[EMERGENCY] New task: Initial assessment — X01-ABC"
    assert messages.in_language("Something else", "new_task", "en") == "Something else"
    assert messages.in_language(subject, "no_such_kind", "en") == subject
