"""Issue #18.10, the small points checked again: reads that list case references or case content are
audited, uploaded process files are served as sandboxed attachments, who completed a task is not named to
another agency, NUL and bidi characters in a form field are refused with a 4xx naming the field."""

import re

from sqlalchemy import select

from engine.models import AuditEvent
from engine.models import User
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from tests.webui.test_webui import app as app  # noqa: F401  (the fixture)
from tests.webui.test_webui import login
from tests.webui.test_webui import token
from workflows.child_protection.intake import open_case


def _actions(engine, actor):
    with engine.db.read() as s:
        return [a.action for a in s.execute(select(AuditEvent).where(AuditEvent.actor == actor)).scalars()]


def test_reads_of_lists_diagrams_reports_logs_and_versions_are_audited(app, engine, as_user):  # noqa: F811
    case = open_case(engine, REPORT, as_user("tongdai111"))
    officer = app.test_client()
    login(officer, "canbo.x01")
    assert officer.get("/cases").status_code == 200
    assert officer.get(f"/cases/{case.id}/diagram").status_code == 200
    assert officer.get("/break-glass/log").status_code == 200
    actions = _actions(engine, "canbo.x01")
    assert {"cases.list", "case.view_diagram", "break_glass.log_view"} <= set(actions), actions
    reader = app.test_client()
    login(reader, "baocao.tinh")
    assert reader.get("/reports").status_code == 200
    assert "report.view" in _actions(engine, "baocao.tinh")
    policy = app.test_client()
    login(policy, "chinhsach.tinh")
    page = policy.get("/processes").get_data(as_text=True)
    version = re.findall(r"/processes/versions/(\d+)/edit", page)[0]
    answer = policy.post(f"/processes/versions/{version}/edit", data={"csrf_token": token(page)})
    assert answer.status_code == 303
    assert "process.draft_from_version" in _actions(engine, "chinhsach.tinh")
    draft_url = answer.headers["Location"]
    draft = policy.get(draft_url).get_data(as_text=True)
    name = re.search(r"/drafts/\d+/files/([\w.\-]+\.bpmn)", draft).group(1)
    served = policy.get(f"{draft_url.rstrip('/')}/files/{name}")
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_who_completed_a_task_is_named_only_within_its_agency(app, engine, as_user):  # noqa: F811
    from tests.support.samples import LOW

    case = open_case(engine, dict(REPORT, urgency="non_emergency", abuse_forms=["neglect"]), as_user("tongdai111"))
    task_id = open_task(engine, case.id, "initial_assessment").id
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **LOW)
    with engine.db.read() as s:
        officer_name = s.execute(select(User.full_name).where(User.username == "canbo.x01")).scalar()
    colleague = app.test_client()
    login(colleague, "canbo.x01")
    seen = colleague.get(f"/tasks/{task_id}", follow_redirects=True).get_data(as_text=True)
    assert officer_name in seen                                   # within the agency: told who did it
    for username in ("congan.x01", "canbo.x02", "yte.x01"):
        outsider = app.test_client()
        login(outsider, username)
        answer = outsider.get(f"/tasks/{task_id}", follow_redirects=True)
        assert officer_name not in answer.get_data(as_text=True), username


def test_nul_and_bidi_characters_in_a_form_field_are_refused(app):  # noqa: F811
    client = app.test_client()
    login(client, "tongdai111")
    url = "/intake/child_protection"
    page = client.get(url).get_data(as_text=True)
    form = {"csrf_token": token(page), "channel": "hotline_111", "case_category": "abused", "urgency": "emergency",
            "incident_commune": "X01", "child_sex": "female", "child_age": "9", "description": "Trẻ bị đánh.",
            "abuse_forms": "violence", "reporter_consent": "y"}
    for name, code in (("Nguyễn Thị\x00Bé", 400), ("Nguyễn \u202eThị Bé", 422), ("Nguyễn\u2066 Bé", 422),
                       ("Bé\u200f", 422), ("\ufeffBé", 422), ("Bé\u061c", 422)):
        answer = client.post(url, data=dict(form, child_name=name))
        assert answer.status_code == code, (repr(name), answer.status_code)
        assert "child_name" in answer.get_data(as_text=True) or code == 422
