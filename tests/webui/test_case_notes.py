"""Messages and directives on a case (issue #17.1): written by an agency that may see the case to another
that may, shown on the case file to the author's agency, the addressee and those who see the whole case,
told to the addressee's people through the outbox without the text or any name, audited, one transaction;
bad input is a 422 naming the field. SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.models import Agency
from engine.models import AuditEvent
from engine.models import User
from engine.notify import case_messages as notes
from engine.notify.models import CaseMessage
from engine.notify.models import Notification
from tests.engine.test_notify_outbox import _fresh_case
from tests.support.samples import REPORT
from tests.webui.test_webui import login
from tests.webui.test_webui import token
from webui import create_app
from webui.access import COMMUNE_FULL_ROLES


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def _agency(engine, code):
    with engine.db.read() as s:
        return s.execute(select(Agency).where(Agency.code == code)).scalar_one()


def _client(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


def _notified(engine, case_id):
    with engine.db.read() as s:
        return [(u, n.channel, n.kind, n.subject, n.body) for n, u in s.execute(
            select(Notification, User.username).join(User, User.id == Notification.user_id)
            .where(Notification.case_id == case_id, Notification.kind == "message"))]


def test_a_directive_reaches_the_addressee_without_names_and_is_audited(app, engine, as_user):
    case = _fresh_case(engine, as_user)
    officer = _agency(engine, "commune_officer.X01")
    chairman = _client(app, "chutich.x01")
    page = chairman.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="case-messages"' in page and f'value="{officer.id}"' in page
    text = "Đề nghị đồng chí xác minh ngay trong buổi sáng và báo cáo kết quả cho UBND xã."
    res = chairman.post(f"/cases/{case.id}/notes", data={"csrf_token": token(page), "kind": "chi_dao",
                                                        "to": str(officer.id), "text": text})
    assert res.status_code == 303 and res.headers["Location"].endswith("#case-messages")
    got = _notified(engine, case.id)
    assert {(u, ch) for u, ch, *_ in got} == {("canbo.x01", "app"), ("canbo.x01", "email")}
    for _u, _ch, _kind, subject, body in got:
        assert case.reference in subject and "Chỉ đạo" in subject
        for secret in (REPORT["child_name"], REPORT["reporter_name"], text[:20]):
            assert secret not in subject and secret not in body
    with engine.db.read() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "case.message",
                                                   AuditEvent.case_id == case.id)).scalar_one()
    assert event.actor == "chutich.x01" and event.detail["to"] == "commune_officer.X01"
    assert event.detail["length"] == len(text) and text not in str(event.detail)
    # the addressee reads it on the case file; the bell links there
    reader = _client(app, "canbo.x01")
    assert text in reader.get(f"/cases/{case.id}").get_data(as_text=True)
    with engine.db.read() as s:
        links = set(s.execute(select(Notification.link).where(Notification.kind == "message")).scalars())
    assert links == {f"/cases/{case.id}#case-messages"}


def test_need_to_know_and_bad_input(app, engine, as_user):
    case = _fresh_case(engine, as_user)
    officer = _agency(engine, "commune_officer.X01")
    outsider = _agency(engine, "commune_police.X02")   # no task of the case, not of its communes
    actor = as_user("chutich.x01")
    with pytest.raises(InvalidTaskData) as bad:
        notes.post(engine, case.id, actor, outsider.id, "huong_dan", "Một nội dung hợp lệ", COMMUNE_FULL_ROLES)
    assert "to" in bad.value.fields
    with pytest.raises(Forbidden):   # an agency that may not see the case writes nothing
        notes.post(engine, case.id, as_user("congan.x02"), officer.id, "trao_doi", "Nội dung", COMMUNE_FULL_ROLES)
    with pytest.raises(InvalidTaskData) as bad:
        notes.post(engine, case.id, actor, officer.id, "khong_co", "", COMMUNE_FULL_ROLES)
    assert set(bad.value.fields) == {"kind", "text"}
    with engine.db.read() as s:
        assert s.execute(select(CaseMessage)).first() is None
    chairman = _client(app, "chutich.x01")
    csrf = token(chairman.get(f"/cases/{case.id}").get_data(as_text=True))
    res = chairman.post(f"/cases/{case.id}/notes", data={"csrf_token": csrf, "kind": "trao_doi",
                                                        "to": str(officer.id), "text": ""})
    assert res.status_code == 422 and "Nội dung" in res.get_data(as_text=True)
    res = chairman.post(f"/cases/{case.id}/notes", data={"csrf_token": csrf, "kind": "trao_doi",
                                                        "to": "x", "text": "Nội dung"})
    assert res.status_code == 422 and "Gửi đến" in res.get_data(as_text=True)
    assert chairman.post(f"/cases/{case.id}/notes", data={"kind": "trao_doi", "to": str(officer.id),
                                                         "text": "Nội dung"}).status_code == 400   # CSRF
    other = _client(app, "chutich.x02")   # out of scope: like absence
    csrf2 = token(other.get("/notifications").get_data(as_text=True))
    assert other.post(f"/cases/{case.id}/notes", data={"csrf_token": csrf2, "kind": "trao_doi",
                                                       "to": str(officer.id), "text": "Nội dung"}).status_code == 404


def test_a_reader_outside_the_whole_case_reads_only_its_own_agencys_messages(engine, as_user):
    case = _fresh_case(engine, as_user)
    officer = _agency(engine, "commune_officer.X01")
    chairman = _agency(engine, "commune_chairman.X01")
    addressable = {a.code for a in notes.recipients(engine, case.id, COMMUNE_FULL_ROLES)}
    assert {"commune_officer.X01", "commune_chairman.X01"} <= addressable
    assert not {a for a in addressable if a.endswith(".X02")}
    hotline = as_user("tongdai111")   # took the report, holds no task: it may not see the case now
    assert hotline.agency_id not in {a.id for a in notes.recipients(engine, case.id, COMMUNE_FULL_ROLES)}
    with pytest.raises(Forbidden):
        notes.post(engine, case.id, hotline, officer.id, "trao_doi", "Người báo tin gọi lại", COMMUNE_FULL_ROLES)
    notes.post(engine, case.id, as_user("canbo.x01"), chairman.id, "trao_doi", "Xin ý kiến chủ tịch",
               COMMUNE_FULL_ROLES)
    assert [m.body for m in notes.for_reader(engine, case.id, chairman.id, whole_case=False)] == ["Xin ý kiến chủ tịch"]
    assert notes.for_reader(engine, case.id, hotline.agency_id, whole_case=False) == []
    assert notes.for_reader(engine, case.id, None, whole_case=False) == []
    assert [m.from_agency for m in notes.for_reader(engine, case.id, None, whole_case=True)] == [officer.name]
