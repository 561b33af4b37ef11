"""Messages and signals through the API, the CLI and the case page (#19 item 1): permission-checked,
audited, documented in the OpenAPI document; `cases show --json` lists what the case waits for."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from engine.accounts import create_api_token
from engine.context import Actor
from engine.messages import find_case
from tests.support.diff_bpmn import event_gateway
from tests.support.samples import actor_for
from tests.support.samples import open_task
from webui import create_app
from webui.cli import main
from workflows.seed import DEMO_PASSWORD


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def _waiting(engine):
    engine.deploy(event_gateway(), Actor("test"), main_id="event_gw")
    case = engine.start_case("event_gw", {}, Actor("test"), incident_commune="X01")
    engine.complete_task(open_task(engine, case.id, "ask").id, {}, actor_for(engine, "canbo.x01"))
    return engine.get_case(case.id)


def _api(app, engine, method, path, username, **kw):
    token = create_api_token(engine, username, "test")
    return getattr(app.test_client(), method)(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kw)


def test_api_delivers_a_message_and_refuses_what_it_must(app, engine):
    case = _waiting(engine)
    path = f"/cases/{case.id}/messages/answer"
    assert _api(app, engine, "post", path, "canbo.x02", json={}).status_code == 404        # out of scope
    assert _api(app, engine, "post", path, "congan.x01", json={}).status_code == 404       # not involved
    assert _api(app, engine, "post", path, "chutich.x01", json={}).status_code == 403      # in scope, not a sender
    assert _api(app, engine, "post", f"/cases/{case.id}/messages/other", "canbo.x01", json={}).status_code == 409
    res = _api(app, engine, "post", path, "canbo.x01", json={"reply": "ok"})
    assert res.status_code == 200, res.get_json()
    assert [t["task_name"] for t in res.get_json()["open_tasks"]] == ["read_answer"]
    assert _api(app, engine, "post", path, "canbo.x01", json={}).status_code == 409        # no longer awaited
    doc = _api(app, engine, "get", "/openapi.json", "canbo.x01").get_json()
    assert "post" in doc["paths"]["/cases/{case_id}/messages/{name}"]


def test_cli_sends_and_cases_show_lists_what_is_awaited(sqlite_engine, monkeypatch, cli_clock):
    engine = sqlite_engine
    case = _waiting(engine)
    monkeypatch.setenv("DATABASE_URL", engine.db.url)
    runner = CliRunner()
    shown = runner.invoke(main, ["cases", "show", case.reference, "--json"])
    assert shown.exit_code == 0, shown.output
    assert {"kind": "message", "name": "answer"} in json.loads(shown.output)["waiting_for"]
    refused = runner.invoke(main, ["messages", "send", "answer", "--case", case.reference, "--as", "congan.x01"])
    assert refused.exit_code == 1 and "may not send" in refused.output
    sent = runner.invoke(main, ["messages", "send", "answer", "--case", case.reference, "--as", "canbo.x01",
                                "--data", '{"reply": "đã nhận"}'])
    assert sent.exit_code == 0, sent.output
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["read_answer"]
    none = runner.invoke(main, ["signals", "send", "nobody_waits", "--commune", "X01"])
    assert none.exit_code == 1 and "no open case waits" in none.output


def _login(app, username):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})
    return client


def test_the_case_page_offers_the_button_to_the_sender_only(app, engine):
    case = _waiting(engine)
    police = _login(app, "congan.x01").get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/events/message/answer" not in police
    officer = _login(app, "canbo.x01")
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/events/message/answer" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    res = officer.post(f"/cases/{case.id}/events/message/answer", data={"csrf_token": csrf, "note": "đã nhận"})
    assert res.status_code == 303
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["read_answer"]
    assert f"/cases/{case.id}/events/message/answer" not in officer.get(f"/cases/{case.id}").get_data(as_text=True)


def test_cli_starts_a_case_with_a_message(sqlite_engine, monkeypatch, cli_clock):
    from tests.engine.test_messages import HANDLER

    sqlite_engine.deploy(HANDLER, Actor("test"), main_id="referral_handler")
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    res = CliRunner().invoke(main, ["messages", "send", "referral", "--commune", "X01", "--as", "canbo.x01"])
    assert res.exit_code == 0 and res.output.startswith("started X01-"), res.output
    case = find_case(sqlite_engine, res.output.split()[1])
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["handle"]
