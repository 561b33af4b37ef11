"""«Nguy cơ mới» through the case page, the API and the CLI (#16.3): offered to the commune officer, the police and
the hotline on the case page; a payload without the kind named is a 422 naming the field; the CLI exits 1 with a
sentence for an agency that may not send it (NĐ 56/2017 Điều 26, 31, 32)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from engine.accounts import create_api_token
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from tests.support.samples import open_task
from webui import create_app
from webui.cli import main
from workflows.child_protection.intake import open_case
from workflows.seed import DEMO_PASSWORD

SEND = "/cases/{}/events/message/nguy_co_moi"


@pytest.fixture
def app(sqlite_engine):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url, "TESTING": True},
                      engine=sqlite_engine)


def _assessed(engine):
    case = open_case(engine, REPORT, actor_for(engine, "tongdai111"))
    engine.complete_task(open_task(engine, case.id, "initial_assessment").id, SAMPLES["initial_assessment"],
                         actor_for(engine, "canbo.x01"))
    return engine.get_case(case.id)


def _login(app, username):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})
    return client


def test_the_case_page_records_new_danger_for_the_officer_not_the_school(app, sqlite_engine):
    case = _assessed(sqlite_engine)
    chairman = _login(app, "chutich.x01").get(f"/cases/{case.id}").get_data(as_text=True)
    assert SEND.format(case.id) not in chairman
    officer = _login(app, "canbo.x01")
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert SEND.format(case.id) in page and "Nguy cơ mới" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    res = officer.post(SEND.format(case.id), data={"csrf_token": csrf, "note": "Trẻ lại bị đánh tối nay."})
    assert res.status_code == 303
    names = sorted(t.task_name for t in sqlite_engine.open_tasks(case.id))
    assert names == ["danger_assessment", "specific_assessment"]
    assert SEND.format(case.id) in officer.get(f"/cases/{case.id}").get_data(as_text=True)   # it may come again


def test_api_names_the_field_and_cli_refuses_with_a_sentence(app, sqlite_engine, monkeypatch, cli_clock):
    case = _assessed(sqlite_engine)
    token = create_api_token(sqlite_engine, "canbo.x01", "test")
    client = app.test_client()
    path = f"/api/v1/cases/{case.id}/messages/nguy_co_moi"
    bad = client.post(path, json={"danger_description": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and "danger_kind" in bad.get_data(as_text=True)
    ok = client.post(path, json={"danger_kind": "plan_refused", "danger_description": "Cha mẹ không hợp tác."},
                     headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200, ok.get_json()
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    runner = CliRunner()
    refused = runner.invoke(main, ["messages", "send", "nguy_co_moi", "--case", case.reference, "--as", "yte.x01",
                                   "--data", '{"danger_kind": "new_danger", "danger_description": "x"}'])
    assert refused.exit_code == 1 and "may not send" in refused.output
    sent = runner.invoke(main, ["messages", "send", "nguy_co_moi", "--case", case.reference, "--as", "tongdai111",
                                "--data", '{"danger_kind": "new_danger", "danger_description": "Gọi lại 111."}'])
    assert sent.exit_code == 0, sent.output
    assert sorted(t.task_name for t in sqlite_engine.open_tasks(case.id)).count("danger_assessment") == 2
