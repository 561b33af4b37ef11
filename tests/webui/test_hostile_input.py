"""Hostile and odd input: every case gets a clear 4xx (or is stored verbatim and rendered escaped)."""

import re

import pytest

from engine.accounts import create_api_token
from tests.support.samples import REPORT
from webui import create_app

INJECTIONS = ["'; DROP TABLE cases; --", "<img src=x onerror=alert(1)>", "\" OR 1=1 --", "{{7*7}}",
              "Nguyễn Thị Ánh Tuyết", "Nguye\u0302\u0303n Thi\u0323 A\u0301nh",   # NFD combining marks
              "Lê\u200dVăn", "Bé 👶 An", "ก" * 3, "Đặng Thị Ngọc Hân " * 10]


@pytest.fixture
def client(engine):
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url}, engine=engine)
    token = create_api_token(engine, "tongdai111", "hostile")
    c = app.test_client()
    c.headers = {"Authorization": f"Bearer {token}"}
    return app, c


@pytest.mark.parametrize("value", INJECTIONS)
def test_text_is_stored_verbatim_and_rendered_escaped(client, engine, value):
    app, c = client
    text_fields = ["child_name", "incident_place", "description", "child_condition", "family_situation",
                   "reporter_name", "reporter_address", "child_current_location"]
    body = dict(REPORT, **{f: value for f in text_fields})
    res = c.post("/api/v1/reports", json=body, headers=c.headers)
    assert res.status_code == 201, res.get_json()
    case_id = res.get_json()["case_id"]
    data = engine.case_data(case_id)
    assert all(data[f] == value for f in text_fields)
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    web.post("/login", data={"username": "canbo.x01", "password": "bvte-demo-2026", "csrf_token": tok})
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/print/mau-01"):
        html = web.get(path).get_data(as_text=True)
        assert "<img src=x" not in html
        if "<" in value:
            assert "&lt;img src=x onerror=alert(1)&gt;" in html
        if value == "{{7*7}}":
            assert "{{7*7}}" in html and ">49<" not in html


@pytest.mark.parametrize("value,field", [("a\x00b", "description"), ("\u202eevil", "child_name"),
                                         ("x" * 4001, "description"), ("x" * 301, "child_name")])
def test_invalid_text_is_a_422_naming_the_field(client, value, field):
    _, c = client
    res = c.post("/api/v1/reports", json=dict(REPORT, **{field: value}), headers=c.headers)
    assert res.status_code == 422 and field in res.get_json()["fields"]


@pytest.mark.parametrize("patch,field", [({"child_age": "nine"}, "child_age"), ({"child_age": -1}, "child_age"),
                                         ({"child_age": 10**30}, "child_age"), ({"abuse_forms": "violence"}, "abuse_forms"),
                                         ({"abuse_forms": [1, 2]}, "abuse_forms"), ({"reporter_anonymous": "maybe"}, "reporter_anonymous"),
                                         ({"child_birth_date": "31/12/2020"}, "child_birth_date"),
                                         ({"received_at": "2026-11-20T22:00"}, "received_at"),
                                         ({"description": ["list"]}, "description"), ({"channel": None}, "channel")])
def test_wrong_types(client, patch, field):
    _, c = client
    res = c.post("/api/v1/reports", json=dict(REPORT, **patch), headers=c.headers)
    assert res.status_code == 422 and field in res.get_json()["fields"], res.get_json()


def test_malformed_deep_and_oversized_bodies(client):
    _, c = client
    assert c.post("/api/v1/reports", data=b"\xff\xfe{", content_type="application/json",
                  headers=c.headers).status_code == 400
    deep = "[" * 100000 + "]" * 100000
    assert c.post("/api/v1/reports", data=deep, content_type="application/json", headers=c.headers).status_code == 400
    big = b'{"description": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    res = c.post("/api/v1/reports", data=big, content_type="application/json", headers=c.headers)
    assert res.status_code == 413
    assert c.post("/api/v1/reports", data="null", content_type="application/json", headers=c.headers).status_code == 400
    assert c.post("/api/v1/reports", data="{}", content_type="text/plain", headers=c.headers).status_code == 400


def test_odd_ids_and_paths(client):
    app, c = client
    for path in ("/api/v1/cases/' OR 1=1 --", "/api/v1/cases/" + "a" * 5000, "/api/v1/tasks/../../etc/passwd"):
        assert c.get(path, headers=c.headers).status_code == 404
    nul = c.get("/api/v1/tasks/%00", headers=c.headers)          # a NUL is refused before any lookup
    assert nul.status_code == 400 and nul.get_json()["fields"] == {"path": [nul.get_json()["message"]]}
    assert c.get("/api/v1/tasks?page=abc", headers=c.headers).status_code == 422
    assert c.get("/api/v1/tasks?claimed=<script>", headers=c.headers).status_code == 422
    assert c.get("/api/v1/tasks", headers={"Authorization": "Bearer x" * 1000}).status_code == 401
    assert c.get("/api/v1/tasks", headers={"Authorization": "Basic abc"}).status_code == 401
