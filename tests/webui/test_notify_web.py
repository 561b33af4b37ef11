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
