"""Issue #16.7 through the web UI: the intake form says the reporter is kept only with consent and keeps none
without it; the hotline follows the status (not the content) of the reports it sent on its inbox page and sees
the reporter only on those; a school sees the child's name but not where the child is; a referral of a child
of 7 or more without consent or exception is refused with 422 naming the field."""

from types import SimpleNamespace

from tests.support.samples import LOW
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from tests.webui.test_webui import app as app  # noqa: F401  (the fixture)
from tests.webui.test_webui import login
from tests.webui.test_webui import token
from webui import access
from workflows.child_protection.intake import open_case


def test_the_intake_form_says_so_and_keeps_no_reporter_without_consent(app, engine):  # noqa: F811
    client = app.test_client()
    login(client, "tongdai111")
    page = client.get("/intake/child_protection").get_data(as_text=True)
    assert 'id="help-reporter_consent"' in page and "sẽ không được lưu" in page
    answer = client.post("/intake/child_protection", data={
        "csrf_token": token(page), "intake_key": "k-consent-1", "channel": "hotline_111", "case_category": "abused",
        "urgency": "emergency", "incident_commune": "X01", "child_sex": "female", "child_name": "Đinh Thị Gái",
        "description": "Trẻ bị đánh.", "reporter_name": "Người Hàng Xóm", "reporter_phone": "0911111111",
        "reporter_address": "Thôn 3", "reporter_relation": "neighbour"})   # consent not ticked
    assert answer.status_code == 302
    from engine import lookups

    case = lookups.cases_of_commune(engine, "X01")[0]
    data = engine.case_data(case.id)
    assert not any(data.get(k) for k in ("reporter_name", "reporter_phone", "reporter_address", "reporter_relation"))


def test_the_hotline_follows_the_status_of_the_reports_it_sent_not_their_content(app, engine, as_user):  # noqa: F811
    sent = open_case(engine, dict(REPORT, description="Nội dung mật của báo cáo."), as_user("tongdai111"))
    open_case(engine, dict(REPORT, child_name="Hồ Văn Sáu"), as_user("canbo.x01"))   # not the hotline's
    client = app.test_client()
    login(client, "tongdai111")
    page = client.get("/inbox").get_data(as_text=True)
    assert 'id="reports-sent"' in page and sent.reference in page
    section = page[page.index('id="reports-sent"'):]
    assert open_task(engine, sent.id, "initial_assessment").title in section   # the current step by name
    assert section.count("<tr>") == 2   # the header and its one report
    for secret in (REPORT["child_name"], "Nội dung mật", REPORT["reporter_name"], "Hồ Văn Sáu"):
        assert secret not in page
    officer = app.test_client()
    login(officer, "canbo.x01")
    assert 'id="reports-sent"' not in officer.get("/inbox").get_data(as_text=True)   # it has the case list


def test_the_reporter_only_for_the_hotline_that_received_the_report(app, engine, as_user):  # noqa: F811
    hotline = as_user("tongdai111")
    case = engine.get_case(open_case(engine, REPORT, hotline).id)
    data = engine.case_data(case.id)
    own = SimpleNamespace(role="hotline", agency_id=hotline.agency_id)
    another = SimpleNamespace(role="hotline", agency_id=hotline.agency_id + 1000)   # another hotline agency
    assert access.visible_data(engine, data, own, case, "partner")["reporter_name"] == REPORT["reporter_name"]
    assert "reporter_name" not in access.visible_data(engine, data, another, case, "partner")
    by_commune = engine.get_case(open_case(engine, dict(REPORT, channel="walk_in"), as_user("canbo.x01")).id)
    assert "reporter_name" not in access.visible_data(engine, engine.case_data(by_commune.id), own, by_commune,
                                                      "partner")


def _plan_task(engine, as_user, **report):
    case = open_case(engine, dict(REPORT, urgency="non_emergency", abuse_forms=["neglect"],
                                  child_current_location="Nhà bà ngoại, thôn 5", **report), as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **LOW)
    complete(engine, case.id, "specific_assessment", as_user("canbo.x01"))
    return case, open_task(engine, case.id, "draft_plan")


def test_a_referral_without_consent_is_refused_with_422_naming_the_field(app, engine, as_user):  # noqa: F811
    case, task = _plan_task(engine, as_user)
    client = app.test_client()
    login(client, "canbo.x01")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="child_data_sharing_basis"' in page and 'id="help-child_data_sharing_basis"' in page
    base = {"csrf_token": token(page), "plan_objectives": "Trẻ an toàn.", "plan_measures": "Học lại.",
            "refer_education": "on"}
    bad = client.post(f"/tasks/{task.id}", data=dict(base, child_data_sharing_basis="consent_representative",
                                                     child_data_consent_by="Mẹ", child_data_consent_on="2026-11-25"))
    assert bad.status_code == 422
    assert 'id="field-child_data_sharing_basis"' in bad.get_data(as_text=True)
    assert "từ đủ 7 tuổi" in bad.get_data(as_text=True)
    good = client.post(f"/tasks/{task.id}", data=dict(
        base, child_data_sharing_basis="consent_child_and_representative", child_data_consent_by="Trẻ và mẹ",
        child_data_consent_on="2026-11-25"))
    assert good.status_code == 302
    complete(engine, case.id, "approve_plan", as_user("chutich.x01"))
    school = app.test_client()
    login(school, "truonghoc.x01")
    html = school.get(f"/cases/{case.id}").get_data(as_text=True)
    assert REPORT["child_name"] in html                  # the school supports its pupil
    assert "Nhà bà ngoại, thôn 5" not in html            # but is not told where the child is
    assert REPORT["reporter_name"] not in html


def test_the_api_refuses_a_referral_without_consent_naming_the_field(app, engine, as_user):  # noqa: F811
    from engine import accounts

    _case, task = _plan_task(engine, as_user)
    secret = accounts.create_api_token(engine, "canbo.x01", "test")
    client = app.test_client()
    answer = client.post(f"/api/v1/tasks/{task.id}/complete", headers={"Authorization": f"Bearer {secret}"},
                         json={"data": {"plan_objectives": "Trẻ an toàn.", "plan_measures": "Khám.",
                                        "refer_health": True}})
    assert answer.status_code == 422, answer.get_json()
    assert "child_data_sharing_basis" in str(answer.get_json())


def test_the_cli_starts_a_report_through_the_intake_and_keeps_no_reporter_without_consent(tmp_path, monkeypatch,
                                                                                           cli_clock):
    import json

    from click.testing import CliRunner

    from engine.db import Database
    from engine.migrate import upgrade
    from webui.cli import main
    from webui.cli.common import engine as cli_engine

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.chdir(tmp_path)
    db = Database(f"sqlite:///{tmp_path}/cli.sqlite3")
    upgrade(db)   # migration 0024 included
    runner = CliRunner()
    assert runner.invoke(main, ["seed-demo"], catch_exceptions=False).exit_code == 0
    res = runner.invoke(main, ["cases", "start", "child_protection_case", "--commune", "X01", "--json", "--data",
                               json.dumps(dict(REPORT, reporter_consent=False, reporter_address="Thôn 3"))],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = cli_engine().case_data(json.loads(res.output)["id"])
    assert data["child_name"] == REPORT["child_name"]
    assert not any(data.get(k) for k in ("reporter_name", "reporter_phone", "reporter_address"))
