"""The JSON API: intake with idempotency, tasks, completion, conflicts, errors; on SQLite and PostgreSQL."""

import threading

import pytest

from engine.accounts import create_api_token
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from webui import create_app


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url}, engine=engine)


@pytest.fixture
def api(app, engine):
    tokens = {}

    def call(method, path, username=None, **kw):
        headers = kw.pop("headers", {})
        if username:
            if username not in tokens:
                tokens[username] = create_api_token(engine, username, "test")
            headers["Authorization"] = f"Bearer {tokens[username]}"
        return getattr(app.test_client(), method)(f"/api/v1{path}", headers=headers, **kw)
    return call


def test_openapi_document(api):
    res = api("get", "/openapi.json")
    assert res.status_code == 200
    doc = res.get_json()
    assert doc["openapi"].startswith("3.") and "/reports" in doc["paths"]
    assert any(name.startswith("Intake_") for name in doc["components"]["schemas"])   # one per procedure


def test_intake_is_idempotent(api, engine):
    first = api("post", "/reports", "tongdai111", json=REPORT, headers={"Idempotency-Key": "call-42"})
    assert first.status_code == 201
    again = api("post", "/reports", "tongdai111", json=REPORT, headers={"Idempotency-Key": "call-42"})
    assert again.status_code == 201 and again.get_json()["case_id"] == first.get_json()["case_id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = api("post", "/reports", "tongdai111", json=dict(REPORT, child_age=10),
                headers={"Idempotency-Key": "call-42"})
    assert other.status_code == 422
    from sqlalchemy import func
    from sqlalchemy import select

    from engine.models import Case
    with engine.db.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 1


def test_concurrent_retries_create_one_case(api, engine):
    results = []
    barrier = threading.Barrier(4)
    api("get", "/tasks", "tongdai111")   # create the token first

    def post():
        barrier.wait()
        results.append(api("post", "/reports", "tongdai111", json=REPORT, headers={"Idempotency-Key": "k-7"}))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.status_code for r in results} == {201}
    assert len({r.get_json()["case_id"] for r in results}) == 1


def test_repeat_report_offers_existing_case(api):
    first = api("post", "/reports", "tongdai111", json=REPORT).get_json()
    second = api("post", "/reports", "canbo.x01", json=dict(REPORT, channel="walk_in")).get_json()
    assert second["existing_open_cases"] == [first["reference"]]      # the commune officer sees both


def test_repeat_report_names_no_case_the_reporter_may_not_see(api, engine):
    """Issue #18.2: another commune's police get no reference; the owning commune is told instead."""
    from sqlalchemy import select

    from engine.models import User
    from engine.notify.models import Notification

    first = api("post", "/reports", "tongdai111", json=REPORT).get_json()
    second = api("post", "/reports", "congan.x02", json=dict(REPORT, channel="police")).get_json()
    assert second["existing_open_cases"] == []
    with engine.db.read() as s:
        told = s.execute(select(User.username, Notification.subject).join(User, User.id == Notification.user_id)
                         .where(Notification.kind == "duplicate", Notification.channel == "app")).all()
    assert [u for u, _ in told] == ["canbo.x01"]
    assert first["reference"] in told[0][1] and second["reference"] in told[0][1]
    assert REPORT["child_name"] not in told[0][1]


def test_link_cases_by_officer_only(api):
    first = api("post", "/reports", "tongdai111", json=REPORT).get_json()
    second = api("post", "/reports", "congan.x01", json=dict(REPORT, channel="police")).get_json()
    path = f"/cases/{second['case_id']}/links"
    assert api("post", path, "chutich.x01", json={"other_case_id": first["case_id"]}).status_code == 403
    assert api("post", path, "canbo.x02", json={"other_case_id": first["case_id"]}).status_code == 404
    assert api("post", path, "canbo.x01", json={"other_case_id": "nope"}).status_code == 422
    res = api("post", path, "canbo.x01", json={"other_case_id": first["case_id"]})
    assert res.status_code == 201 and res.get_json()["linked"] == [first["reference"]]


def test_errors_name_fields(api):
    res = api("post", "/reports", "tongdai111", json={"channel": "pigeon", "child_age": "old"})
    body = res.get_json()
    assert res.status_code == 422 and {"channel", "child_age", "description", "incident_commune"} <= set(body["fields"])
    assert api("post", "/reports", "tongdai111", data="{not json", content_type="application/json").status_code == 400
    assert api("post", "/reports", "tongdai111", json=[1, 2]).status_code == 400
    assert api("post", "/reports", json=REPORT).status_code == 401
    assert api("post", "/reports", "truonghoc.x01", json=REPORT).status_code == 403
    assert api("get", "/tasks/not-a-uuid", "canbo.x01").status_code == 404
    assert api("get", "/cases/00000000-0000-0000-0000-000000000000", "canbo.x01").status_code == 404
    res = api("post", "/reports", "tongdai111", json=dict(REPORT, incident_commune="NOPE"))
    assert res.status_code == 422 and "incident_commune" in res.get_json()["fields"]


def test_task_flow_and_conflict(api):
    case = api("post", "/reports", "tongdai111", json=REPORT).get_json()
    tasks = api("get", "/tasks", "canbo.x01").get_json()["tasks"]
    assert [t["task_name"] for t in tasks] == ["initial_assessment"]
    assert api("get", "/tasks", "canbo.x02").get_json()["tasks"] == []
    tid = tasks[0]["id"]
    detail = api("get", f"/tasks/{tid}", "canbo.x01").get_json()
    assert any(f["name"] == "harm_severity" for f in detail["form"])
    assert api("get", f"/tasks/{tid}", "canbo.x02").status_code == 404
    bad = api("post", f"/tasks/{tid}/complete", "canbo.x01", json={"data": {"harm_severity": "x"}})
    assert bad.status_code == 422 and "harm_severity" in bad.get_json()["fields"]
    stale = api("post", f"/tasks/{tid}/complete", "canbo.x01", json={"data": HIGH, "case_version": 99})
    assert stale.status_code == 409
    done = api("post", f"/tasks/{tid}/complete", "canbo.x01", json={"data": HIGH, "case_version": detail["case_version"]})
    assert done.status_code == 200
    # a serious harm by the caregiver is also a crime report to the commune police at once (4af2e5f)
    # and the commune's immediate incident report (#21.4)
    assert sorted(t["task_name"] for t in done.get_json()["open_tasks"]) == ["emergency_decision",
                                                                             "police_crime_report", "report_incident"]
    again = api("post", f"/tasks/{tid}/complete", "canbo.x01", json={"data": HIGH})
    assert again.status_code == 409 and "canbo.x01" in again.get_json()["message"]
    summary = api("get", f"/cases/{case['case_id']}", "chutich.x01").get_json()
    assert "reporter_name" not in summary["data"] and summary["data"]["child_name"] == REPORT["child_name"]
    assert api("get", f"/cases/{case['case_id']}", "canbo.x02").status_code == 404


def test_session_auth_needs_csrf_for_writes(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "tongdai111", "password": "bvte-demo-2026", "csrf_token": token})
    assert client.get("/api/v1/tasks").status_code == 200
    assert client.post("/api/v1/reports", json=REPORT).status_code == 400
    assert client.post("/api/v1/reports", json=REPORT, headers={"X-CSRFToken": token}).status_code == 201


def test_a_lost_database_connection_is_a_503_with_nothing_written(api, engine, monkeypatch):
    from sqlalchemy.exc import OperationalError

    case = api("post", "/reports", "tongdai111", json=REPORT).get_json()
    task = api("get", "/tasks", "canbo.x01").get_json()["tasks"][0]

    def lost(*args, **kwargs):
        raise OperationalError("UPDATE cases", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(engine, "complete", lost)
    res = api("post", f"/tasks/{task['id']}/complete", "canbo.x01", json={"data": HIGH})
    assert res.status_code == 503 and res.get_json()["error"] == "database_unavailable"
    monkeypatch.undo()
    assert [t["id"] for t in api("get", "/tasks", "canbo.x01").get_json()["tasks"]] == [task["id"]]
    assert api("get", f"/cases/{case['case_id']}", "canbo.x01").status_code == 200


def test_a_revoked_token_is_refused_at_once(app, engine, monkeypatch):
    from click.testing import CliRunner

    from webui import cli as cli_module

    monkeypatch.setattr(cli_module, "make_engine", lambda: engine)   # the commands on this test's database
    runner = CliRunner()
    main = cli_module.main

    def cli(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    token = cli("tokens", "create", "--user", "tongdai111", "--name", "switchboard").output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/tasks", headers=headers).status_code == 200
    listed = cli("tokens", "list").output
    assert "switchboard\ttongdai111" in listed and "active" in listed and token not in listed
    token_id = listed.split("\t", 1)[0]
    res = cli("tokens", "revoke", token_id)
    assert res.exit_code == 0 and f"token {token_id} revoked" in res.output
    res = app.test_client().get("/api/v1/tasks", headers=headers)
    assert res.status_code == 401 and res.get_json()["error"] == "unauthorized"
    assert "already revoked" in cli("tokens", "revoke", token_id).output
    res = cli("tokens", "revoke", "999")
    assert res.exit_code == 1 and "no API token 999" in res.output
    assert "revoked" in cli("tokens", "list").output
    assert cli("audit", "verify").exit_code == 0
