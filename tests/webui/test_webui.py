"""The web UI through Flask's test client, against a real database (SQLite and PostgreSQL)."""

import re

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from tests.support.samples import REPORT
from tests.support.samples import open_task
from webui import create_app
from workflows.child_protection.process import open_case
from workflows.seed import DEMO_PASSWORD


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, username, password=DEMO_PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token(page.get_data(as_text=True))})


def test_login_and_inbox_only_own_agency(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    officer, other = app.test_client(), app.test_client()
    assert login(officer, "canbo.x01").status_code == 302
    html = officer.get("/inbox").get_data(as_text=True)
    assert "Đánh giá nguy cơ ban đầu (Mẫu 02)" in html
    assert login(other, "canbo.x02").status_code == 302
    assert "Đánh giá nguy cơ ban đầu" not in other.get("/inbox").get_data(as_text=True)
    t = open_task(engine, case.id, "initial_assessment")
    assert other.get(f"/tasks/{t.id}").status_code == 404


def test_wrong_password_then_rate_limit(app):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "chutich.x02", "wrong-password").status_code == 401
    assert login(client, "chutich.x02").status_code == 429


def test_anonymous_is_sent_to_login(app):
    res = app.test_client().get("/inbox")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_post_without_csrf_is_refused(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    client = app.test_client()
    login(client, "canbo.x01")
    t = open_task(engine, case.id, "initial_assessment")
    res = client.post(f"/tasks/{t.id}", data={"assessment_notes": "x"})
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    assert open_task(engine, case.id, "initial_assessment").id == t.id


def test_complete_task_through_the_form(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    client = app.test_client()
    login(client, "canbo.x01")
    t = open_task(engine, case.id, "initial_assessment")
    page = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    assert "Hạn:" in page and "Mẫu 02" in page
    bad = client.post(f"/tasks/{t.id}", data={"csrf_token": token(page), "harm_severity": "high"})
    assert bad.status_code == 422
    assert 'id="field-assessment_notes"' in bad.get_data(as_text=True)
    assert "Bắt buộc nhập" in bad.get_data(as_text=True)
    good = client.post(f"/tasks/{t.id}", data={
        "csrf_token": token(page), "harm_severity": "high", "abuser_access": "high", "care_obstacles": "high",
        "self_protection": "low", "serious_harm": "on", "risk_conclusion": "high", "assessment_notes": "Nguy hiểm <script>alert(1)</script>"})
    assert good.status_code == 302
    assert sorted(x.task_name for x in engine.open_tasks(case.id)) == ["emergency_decision", "police_crime_report",
                                                                       "report_incident"]
    # the same form posted again: told that it was completed, nothing changes
    again = client.post(f"/tasks/{t.id}", data={"csrf_token": token(page), "assessment_notes": "x"},
                        follow_redirects=True)
    assert "đã được Nguyễn Thị Hạnh · " in again.get_data(as_text=True)   # people by name and agency (#22.2)


def test_case_file_scope_and_audit(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    officer, stranger, police = app.test_client(), app.test_client(), app.test_client()
    login(officer, "canbo.x01")
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Trần Văn Báo" in html        # reporter visible to the commune officer
    login(stranger, "canbo.x02")
    assert stranger.get(f"/cases/{case.id}").status_code == 404
    assert stranger.get("/cases/not-a-uuid").status_code == 404
    login(police, "congan.x01")
    assert police.get(f"/cases/{case.id}").status_code == 404   # no task on the case yet
    with engine.db.read() as s:
        actions = [(a.actor, a.action) for a in s.execute(select(AuditEvent)).scalars()]
    assert ("canbo.x01", "case.view") in actions and ("canbo.x02", "case.view_denied") in actions


def test_xss_is_escaped(app, engine, as_user):
    case = open_case(engine, dict(REPORT, description="<script>alert(1)</script>"), as_user("tongdai111"))
    client = app.test_client()
    login(client, "canbo.x01")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_intake_form(app, engine):
    client = app.test_client()
    login(client, "canbo.x01")
    page = client.get("/intake/child_protection").get_data(as_text=True)
    bad = client.post("/intake/child_protection", data={"csrf_token": token(page), "channel": "pigeon"})
    assert bad.status_code == 422 and "Lựa chọn không hợp lệ" in bad.get_data(as_text=True)
    good = client.post("/intake/child_protection", data={"csrf_token": token(page), "channel": "walk_in", "case_category": "at_risk",
                                        "urgency": "non_emergency", "incident_commune": "X01", "child_sex": "unknown",
                                        "description": "Trẻ lang thang", "reporter_anonymous": "on"})
    assert good.status_code == 302
    assert "Đánh giá nguy cơ ban đầu" in client.get("/inbox").get_data(as_text=True)


def test_intake_form_resubmitted_creates_one_case(app, engine):
    """A double click or a browser resubmit of the same intake form (same hidden key) records one case."""
    from sqlalchemy import func

    from engine.models import Case

    client = app.test_client()
    login(client, "canbo.x01")
    page = client.get("/intake/child_protection").get_data(as_text=True)
    key = re.search(r'name="intake_key" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token(page), "intake_key": key, "channel": "walk_in", "case_category": "at_risk",
            "urgency": "non_emergency", "incident_commune": "X01", "child_sex": "unknown",
            "description": "Trẻ lang thang", "reporter_anonymous": "on"}

    def count():
        with engine.db.read() as s:
            return s.execute(select(func.count()).select_from(Case).where(Case.reference.notlike("BC-%"))).scalar()
    assert client.post("/intake/child_protection", data=form).status_code == 302
    again = client.post("/intake/child_protection", data=form, follow_redirects=True)
    assert again.status_code == 200 and "đã được ghi nhận" in again.get_data(as_text=True)
    assert count() == 1
    fresh = client.get("/intake/child_protection").get_data(as_text=True)
    assert re.search(r'name="intake_key" value="([^"]+)"', fresh).group(1) != key


def test_school_cannot_intake(app):
    client = app.test_client()
    login(client, "truonghoc.x01")
    assert client.get("/intake").status_code == 403


def test_printable_forms(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    client = app.test_client()
    login(client, "canbo.x01")
    page = client.get(f"/cases/{case.id}/print/mau-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mẫu số 01" in html and "Nguyễn Thị Bé" in html and "Tổng đài 111" in html
    assert client.get(f"/cases/{case.id}/print/mau-02").status_code == 200
    assert client.get(f"/cases/{case.id}/print/mau-99").status_code == 404
    other = app.test_client()
    login(other, "canbo.x02")
    assert other.get(f"/cases/{case.id}/print/mau-01").status_code == 404


def test_break_glass_is_reasoned_time_limited_and_shown(app, engine, as_user, clock):
    import datetime as dt

    case = open_case(engine, REPORT, as_user("tongdai111"))
    police = app.test_client()
    login(police, "congan.x02")     # another commune's police
    assert police.get(f"/cases/{case.id}").status_code == 404
    page = police.get("/break-glass").get_data(as_text=True)
    short = police.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference, "reason": "xem"})
    assert short.status_code == 422
    ok = police.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference,
                                           "reason": "Trẻ được tìm thấy tại xã X02, cần biết người chăm sóc"})
    assert ok.status_code == 302
    html = police.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "truy cập khẩn cấp" in html and "Trần Văn Báo" not in html
    officer = app.test_client()
    login(officer, "canbo.x01")
    assert "Bùi Quốc Việt" in officer.get(f"/cases/{case.id}").get_data(as_text=True)
    province = app.test_client()
    login(province, "soyte.tinh")
    assert "congan.x02" in province.get("/break-glass/log").get_data(as_text=True)
    clock.advance(dt.timedelta(hours=2, minutes=1))
    assert police.get(f"/cases/{case.id}").status_code == 404
    assert app.test_client().get("/break-glass").status_code == 302
    school = app.test_client()
    login(school, "truonghoc.x01")
    assert school.get("/break-glass").status_code == 403


def test_english_is_switchable_vietnamese_is_default(app, engine, as_user):
    open_case(engine, REPORT, as_user("tongdai111"))
    client = app.test_client()
    login(client, "canbo.x01")
    vi = client.get("/inbox").get_data(as_text=True)
    assert "Việc cần làm" in vi and 'lang="vi"' in vi and "Đánh giá nguy cơ ban đầu" in vi
    client.get("/lang/en")
    en = client.get("/inbox").get_data(as_text=True)
    assert "My tasks" in en and 'lang="en"' in en and "Claim" in en
    t = open_task(engine, open_case(engine, REPORT, as_user("tongdai111")).id, "initial_assessment")
    form = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    assert "Severity of harm" in form and "Complete" in form
    client.get("/lang/vi")
    assert "Mức độ nghiêm trọng của tổn hại" in client.get(f"/tasks/{t.id}").get_data(as_text=True)


def test_repeat_report_is_offered_for_linking_never_merged(app, engine, as_user):
    first = open_case(engine, REPORT, as_user("tongdai111"))
    second = open_case(engine, dict(REPORT, channel="police"), as_user("congan.x01"))
    officer = app.test_client()
    login(officer, "canbo.x01")
    page = officer.get(f"/cases/{second.id}").get_data(as_text=True)
    assert "Có thể cùng một người" in page and first.reference in page
    assert [c.id for c in engine.linked_cases(second.id)] == []          # nothing linked silently
    res = officer.post(f"/cases/{second.id}/link", data={"csrf_token": token(page), "other_case_id": first.id})
    assert res.status_code == 303
    assert [c.id for c in engine.linked_cases(second.id)] == [first.id]
    assert [c.id for c in engine.linked_cases(first.id)] == [second.id]
    assert engine.get_case(first.id).status == engine.get_case(second.id).status == "open"
    chairman = app.test_client()
    login(chairman, "chutich.x01")
    own = chairman.get(f"/cases/{second.id}").get_data(as_text=True)
    assert chairman.post(f"/cases/{second.id}/link", data={"csrf_token": token(own),
                                                           "other_case_id": first.id}).status_code == 403


def test_break_glass_keeps_need_to_know(app, engine, as_user, clock):
    """Issue #18.1: emergency access never shows the reporter, stays in the user's province, is limited in
    number, and refused attempts are audited and limited too."""
    from sqlalchemy import select

    from engine.models import AuditEvent
    from workflows.seed import seed_org

    case = open_case(engine, REPORT, as_user("tongdai111"))
    officer = app.test_client()
    login(officer, "canbo.x02")      # another commune's officer: full rights at home, none here
    page = officer.get("/break-glass").get_data(as_text=True)
    reason = "Trẻ được tìm thấy tại xã X02 lúc nửa đêm, cần biết người chăm sóc"
    assert officer.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference,
                                              "reason": reason}).status_code == 302
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Nguyễn Thị Bé" in html
    for secret in (REPORT["reporter_name"], REPORT["reporter_phone"]):
        assert secret not in html
        assert secret not in officer.get(f"/cases/{case.id}/print/mau-01").get_data(as_text=True)
    # a case of another province is not found, and the attempt is audited
    seed_org(engine, ("P02", "Tỉnh khác"), [("Y01", "Xã khác")])
    far = open_case(engine, dict(REPORT, incident_commune="Y01", residence_commune="Y01"), as_user("tongdai111"))
    other = officer.post("/break-glass", data={"csrf_token": token(page), "reference": far.reference,
                                               "reason": reason})
    assert other.status_code == 422 and f"/cases/{far.id}" not in other.get_data(as_text=True)
    with engine.db.read() as s:
        refused = s.execute(select(AuditEvent).where(AuditEvent.action == "case.break_glass_refused")).scalars().all()
    assert [r.actor for r in refused] == ["canbo.x02"]
    # at most three grants a day
    for _ in range(2):
        assert officer.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference,
                                                  "reason": reason}).status_code == 302
    fourth = officer.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference,
                                                "reason": reason})
    assert fourth.status_code == 422 and "24 giờ" in fourth.get_data(as_text=True)
    # five refused attempts in an hour: even a right reference is refused until the hour has passed
    police = app.test_client()
    login(police, "congan.x02")
    page = police.get("/break-glass").get_data(as_text=True)
    for i in range(5):
        assert police.post("/break-glass", data={"csrf_token": token(page), "reference": f"X01-000000-{i:06d}",
                                                 "reason": reason}).status_code == 422
    blocked = police.post("/break-glass", data={"csrf_token": token(page), "reference": case.reference,
                                                "reason": reason})
    assert blocked.status_code == 422 and "quá nhiều lần" in blocked.get_data(as_text=True)


def test_a_plan_sent_back_opens_with_its_content(app, engine, as_user):
    """Issue #16.9: revising a rejected plan starts from the rejected plan and its referrals, so nothing is
    dropped by resubmitting the form as it opens."""
    from tests.support.samples import LOW
    from tests.support.samples import complete

    case = open_case(engine, dict(REPORT, urgency="non_emergency", abuse_forms=["neglect"]), as_user("tongdai111"))
    officer, chairman = as_user("canbo.x01"), as_user("chutich.x01")
    complete(engine, case.id, "initial_assessment", officer, **LOW)
    complete(engine, case.id, "specific_assessment", officer)
    complete(engine, case.id, "draft_plan", officer, plan_objectives="Trẻ đi học đều, an toàn ở nhà.",
             refer_health=True, refer_legal_aid=True)
    complete(engine, case.id, "approve_plan", chairman, approval_decision="revise", approval_notes="Bổ sung.")
    client = app.test_client()
    login(client, "canbo.x01")
    html = client.get(f"/tasks/{open_task(engine, case.id, 'revise_plan').id}").get_data(as_text=True)
    assert "Trẻ đi học đều, an toàn ở nhà." in html
    assert re.search(r'name="refer_health" checked', html) and re.search(r'name="refer_legal_aid" checked', html)
    assert not re.search(r'name="refer_police" checked', html)
