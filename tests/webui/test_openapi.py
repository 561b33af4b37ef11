"""The OpenAPI document is generated from the routes (every API route is in it), one intake schema per
procedure; the docs page loads local assets only; the API names no procedure."""

from __future__ import annotations

import io
import os
import re
import tokenize

import pytest

from engine.accounts import create_api_token
from tests.support.samples import REPORT
from webui import create_app
from workflows import registry

API_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "webui", "api")


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url}, engine=engine)


def _doc_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule)[len("/api/v1"):]


def test_every_api_route_is_in_the_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    routes = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(routes) >= 10
    for rule in routes:
        path = _doc_path(rule.rule)
        assert path in doc["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            op = doc["paths"][path][method.lower()]
            assert op["summary"] and op["responses"], (rule.rule, method)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["in"] == "path" and p["name"] == name for p in op["parameters"])
    assert set(doc["paths"]) == {_doc_path(r.rule) for r in routes}     # nothing written by hand beside them


def test_one_intake_schema_per_procedure(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    procs = registry.intake_procedures()
    assert procs
    for proc in procs:
        schema = doc["components"]["schemas"][f"Intake_{proc.code}"]
        assert set(schema["properties"]) == {f.name for f in proc.intake.form.fields}
    body = doc["paths"]["/reports"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    refs = re.findall(r"#/components/schemas/(Intake_\w+)", str(body))
    assert sorted(refs) == sorted(f"Intake_{p.code}" for p in procs)
    params = {p["name"]: p for p in doc["paths"]["/reports"]["post"]["parameters"]}
    assert params["procedure"]["schema"]["enum"] == [p.code for p in procs]


def test_docs_page_loads_local_assets_only(app):
    client = app.test_client()
    res = client.get("/api/v1/docs")
    assert res.status_code == 200 and res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))      # no CDN, no other host
    assets = [u for u in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html) if u != "data:,"]
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    for url in assets:
        got = client.get(url)
        assert got.status_code == 200, f"{url} missing: run 'make install' (copies swagger-ui-dist)"
        assert len(got.get_data()) > 100
        got.close()
    assert "<script>" not in html          # no inline script: the page runs under default-src 'self'
    assert client.get("/api/v1/openapi.json").status_code == 200   # what the page loads, unauthenticated


@pytest.fixture
def api(app, engine):
    tokens: dict[str, str] = {}

    def call(method, path, username, **kw):
        if username not in tokens:
            tokens[username] = create_api_token(engine, username, "test")
        headers = dict(kw.pop("headers", {}), Authorization=f"Bearer {tokens[username]}")
        return getattr(app.test_client(), method)(f"/api/v1{path}", headers=headers, **kw)
    return call


def test_report_names_its_procedure(api):
    default = registry.default_intake()
    assert api("post", "/reports", "tongdai111", json=dict(REPORT, procedure=default.code)).status_code == 201
    assert api("post", f"/reports?procedure={default.code}", "tongdai111", json=REPORT).status_code == 201
    for bad in ({"procedure": "no_such_procedure"}, {"procedure": 7}):
        res = api("post", "/reports", "tongdai111", json=dict(REPORT, **bad))
        assert res.status_code == 422 and list(res.get_json()["fields"]) == ["procedure"], bad
    res = api("post", "/reports?procedure=no_such", "tongdai111", json=dict(REPORT, procedure=default.code))
    assert res.status_code == 422 and "procedure" in res.get_json()["fields"]
    res = api("post", "/reports", "yte.x01", json=dict(REPORT, procedure=default.code))   # not an intake role
    assert res.status_code == 403 and res.get_json()["error"] == "forbidden"


def test_the_api_names_no_procedure():
    """``grep -rniE 'child_protection|child_key|trafficking' webui/api`` finds nothing outside comments."""
    word = re.compile(r"child_protection|child_key|trafficking", re.IGNORECASE)
    found = []
    for name in sorted(os.listdir(API_DIR)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(API_DIR, name), encoding="utf-8") as fh:
            source = fh.read()
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.COMMENT and word.search(tok.string):
                found.append(f"{name}:{tok.start[0]}: {tok.string[:60]}")
    assert found == []
