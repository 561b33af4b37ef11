"""Authorization matrix: every route × every demo role, for the own commune's case and another's.

Expected outcomes come from a rule per route, not from the implementation; a denial of a case or
task is indistinguishable from absence (404). Every route the app registers must appear here.
"""

from __future__ import annotations

import re

import pytest

from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import open_task
from webui import create_app
from workflows import registry
from workflows.child_protection.process import open_case
from workflows.seed import DEMO_PASSWORD
from workflows.seed import DEMO_USERS

INTAKE = {"commune_officer", "hotline", "commune_police"}
COMMUNE_FULL = {"commune_officer", "commune_chairman"}
REPORTS = COMMUNE_FULL | {"provincial_reader", "provincial_health", "policy"}
BREAK_GLASS = {"commune_officer", "commune_chairman", "provincial_health", "hotline", "commune_police"}
BG_LOG = COMMUNE_FULL | {"provincial_health", "provincial_reader"}
PROVINCE_REGISTER = {"provincial_health"}
REGISTER = COMMUNE_FULL | PROVINCE_REGISTER
ADMIN = {"provincial_admin"}   # administration only: no case, task or report (the rows above refuse it)


def role(u):
    return DEMO_USERS[u][1]


def commune(u):
    return DEMO_USERS[u][2]


def case_allowed(u, case_commune):
    """Own commune's officer and chairman; an agency holding a task of the case (police of X01 after
    the referral below is not yet there, so no)."""
    return role(u) in COMMUNE_FULL and commune(u) == case_commune


def task_allowed(u):
    return u == "canbo.x01"


# (method, path template, expected(user) -> status)
MATRIX = [
    ("GET", "/", lambda u: 200),
    ("GET", "/health", lambda u: 200),
    ("GET", "/lang/vi", lambda u: 302),
    ("GET", "/inbox", lambda u: 200),
    ("GET", "/intake", lambda u: {0: 403, 1: 302}.get(len(registry.intake_procedures(role(u))), 200)),
    ("GET", "/intake/child_protection", lambda u: 200 if role(u) in INTAKE else 403),
    ("GET", "/cases", lambda u: 200 if role(u) in COMMUNE_FULL else 403),
    ("GET", "/cases/{case_x01}", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/cases/{case_x02}", lambda u: 200 if case_allowed(u, "X02") else 404),
    ("GET", "/cases/{case_x01}/diagram", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/cases/{case_x01}/print/mau-01", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/cases/{case_x01}/print/mau-01.pdf", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/cases/{case_x01}/attachments/new", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/tasks/{task_x01}", lambda u: 200 if task_allowed(u) else 404),
    ("POST", "/tasks/{task_x01}/claim", lambda u: 302 if task_allowed(u) else 404),
    ("POST", "/tasks/{task_x01}/release", lambda u: 302 if task_allowed(u) else 404),
    ("GET", "/reports", lambda u: 200 if role(u) in REPORTS else 403),
    ("GET", "/reports.xlsx", lambda u: 200 if role(u) in REPORTS else 403),
    ("GET", "/reports/submissions", lambda u: 200 if role(u) in REPORTS else 403),
    ("GET", "/reports/submissions.xlsx", lambda u: 200 if role(u) in REPORTS - COMMUNE_FULL else 403),
    ("GET", "/break-glass", lambda u: 200 if role(u) in BREAK_GLASS else 403),
    ("GET", "/break-glass/log", lambda u: 200 if role(u) in BG_LOG else 403),
    ("GET", "/processes", lambda u: 200 if role(u) == "policy" else 403),
    ("GET", "/processes/diff?a={v}&b={v}", lambda u: 200 if role(u) == "policy" else 403),
    ("GET", "/processes/versions/{v}/files/child_protection_case.bpmn", lambda u: 200 if role(u) == "policy" else 403),
    ("GET", "/api/v1/tasks", lambda u: 200),
    ("GET", "/api/v1/tasks/{task_x01}", lambda u: 200 if task_allowed(u) else 404),
    ("GET", "/api/v1/cases/{case_x01}", lambda u: 200 if case_allowed(u, "X01") else 404),
    ("GET", "/api/v1/cases/{case_x02}", lambda u: 200 if case_allowed(u, "X02") else 404),
    ("GET", "/api/v1/openapi.json", lambda u: 200),
    ("GET", "/incidents", lambda u: 200 if role(u) == "policy" else 403),
    ("GET", "/notifications", lambda u: 200),
    ("GET", "/notifications/outbox", lambda u: 200 if role(u) == "policy" else 403),
    ("GET", "/notifications/case/{case_x01}",
     lambda u: 200 if (role(u) == "commune_officer" and commune(u) == "X01") or role(u) == "policy" else 404),
    ("GET", "/metrics", lambda u: 200),          # the test client is a loopback client
    ("GET", "/ready", lambda u: 503),            # public; this database was not built by the migrations
    ("GET", "/api/v1/docs", lambda u: 200),
    ("GET", "/api/v1/docs/init.js", lambda u: 200),
    # my account (everyone) and the second step of a login (none pending here: back to the login page)
    ("GET", "/account", lambda u: 200),
    ("GET", "/account/password", lambda u: 200),
    ("POST", "/account/password", lambda u: 422),          # no current password
    ("GET", "/account/2fa", lambda u: 200),
    ("POST", "/account/2fa", lambda u: 422),               # no code
    ("POST", "/account/2fa/disable", lambda u: 302),       # not on: told so
    ("GET", "/login/2fa", lambda u: 302),
    ("POST", "/login/2fa", lambda u: 302),
    # the register of children (#21.1): the commune's officer and chairman, the province's health department
    ("GET", "/register", lambda u: 200 if role(u) in REGISTER else 403),
    ("GET", "/register/new", lambda u: 200 if role(u) == "commune_officer" else 403),
    ("GET", "/register/{person_x01}", lambda u: 200 if case_allowed(u, "X01") or role(u) in PROVINCE_REGISTER else 404),
    ("GET", "/register/{person_x01}/edit", lambda u: 200 if u == "canbo.x01" else
     403 if case_allowed(u, "X01") or role(u) in PROVINCE_REGISTER else 404),
    ("GET", "/register/match/{case_x01}", lambda u: 200 if case_allowed(u, "X01") else 404),
    # a province's administration: the administrator only (the writes below lack their reason: refused)
    *[("GET", p, lambda u: 200 if role(u) in ADMIN else 403) for p in (
        "/admin", "/admin/users", "/admin/users/canbo.x01", "/admin/users/import", "/admin/security",
        "/admin/communes", "/admin/agencies",
        "/admin/schedules", "/admin/tokens", "/admin/rosters")],
    # the calendar deadlines count on (#20.5): the administrator changes it, the province's policy staff read it
    *[("GET", p, lambda u: 200 if role(u) in ADMIN or role(u) == "policy" else 403) for p in (
        "/admin/calendar", "/admin/calendar?day=2026-11-23")],
    *[("POST", p, lambda u: 422 if role(u) in ADMIN else 403) for p in (
        "/admin/users", "/admin/users/import", "/admin/communes", "/admin/communes/import", "/admin/agencies",
        "/admin/calendar/preview", "/admin/calendar")],
    # a change refused for want of its reason: the page again with the field named, 422 (webui.admin.refused)
    *[("POST", p, lambda u: 422 if role(u) in ADMIN else 403) for p in (
        "/admin/users/canbo.x01", "/admin/users/canbo.x01/deactivate", "/admin/users/canbo.x01/reactivate",
        "/admin/users/canbo.x01/reset-password", "/admin/users/canbo.x01/reset-2fa", "/admin/security",
        "/admin/communes/X01", "/admin/agencies/commune_officer.X01")],
    *[("POST", p, lambda u: 302 if role(u) in ADMIN else 403) for p in (
        "/admin/schedules", "/admin/tokens", "/admin/tokens/999/revoke", "/admin/rosters")],
    # the former district tasks of NĐ 147/2025 per province (#16.10): the administrator; a post without its
    # task, level and basis is refused naming the fields
    ("GET", "/admin/province-split", lambda u: 200 if role(u) in ADMIN else 403),
    ("POST", "/admin/province-split", lambda u: 422 if role(u) in ADMIN else 403),
]
# Routes exercised elsewhere with their own bodies (forms, uploads), listed so the coverage check is explicit.
COVERED_ELSEWHERE = {"/api/v1/cases/<case_id>/messages/<name>", "/api/v1/cases/<case_id>/signals/<name>",
                     "/cases/<case_id>/events/<kind>/<name>",        # tests/webui/test_messages_web.py
                     "/cases/<case_id>/notes",                        # tests/webui/test_case_notes.py
                     "/notifications/<int:notification_id>/open", "/notifications/read",
                     "/notifications/settings",                      # tests/webui/test_notify_web.py
                     "/cases/<case_id>/link", "/cases/<case_id>/reopen", "/cases/<case_id>/attachments/<int:attachment_id>", "/api/v1/cases/<case_id>/links", "/login", "/logout", "/static/<path:filename>", "/tasks/<task_id>", "/intake/<code>",
                     "/api/v1/reports", "/api/v1/tasks/<task_id>/complete", "/api/v1/tasks/<task_id>/claim",
                     "/api/v1/tasks/<task_id>/release", "/break-glass", "/processes/upload",
                     "/processes/versions/<int:version_id>/edit", "/processes/drafts/<int:draft_id>",
                     "/processes/drafts/<int:draft_id>/files/<name>", "/processes/drafts/<int:draft_id>/override",
                     "/processes/drafts/<int:draft_id>/override/approve", "/processes/drafts/<int:draft_id>/deploy",
                     "/processes/drafts/<int:draft_id>/test", "/processes/migrate",
                     "/incidents/<case_id>/retry",
                     "/reports/submissions",     # the commune's POST: tests/workflows/test_submissions.py
                     "/account/setup/<token>",   # one-time links: tests/webui/test_admin.py
                     # the register's writes: tests/webui/test_register_web.py
                     "/register/<person_id>/caregivers", "/register/<person_id>/caregivers/<int:relation_id>/remove",
                     "/register/<person_id>/periods/<kind>", "/register/<person_id>/periods/<int:period_id>/end",
                     "/register/<person_id>/consents", "/register/<person_id>/consents/<int:consent_id>/withdraw",
                     "/register/<person_id>/export"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One seeded database for the whole matrix (reads only, claims are released)."""
    import datetime as dt

    from engine.clock import FixedClock
    from engine.db import Base
    from engine.db import Database
    from tests.support.db import START
    from tests.support.db import make_seeded_engine

    url = f"sqlite:///{tmp_path_factory.mktemp('matrix')}/m.sqlite3"
    db = Database(url)
    Base.metadata.create_all(db.write_engine)
    engine = make_seeded_engine(url, FixedClock(START + dt.timedelta(minutes=1)))
    hotline = actor_for(engine, "tongdai111")
    x01 = open_case(engine, REPORT, hotline)
    x02 = open_case(engine, dict(REPORT, incident_commune="X02"), hotline)
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": url}, engine=engine)
    from engine.register import service
    from workflows.child_protection.register import from_case

    person_x01 = service.decide(engine, "canbo.x01", x01, from_case(REPORT, x01.reference, x01.received_at), None)
    ids = {"case_x01": x01.id, "case_x02": x02.id, "person_x01": person_x01, "task_x01": open_task(engine, x01.id, "initial_assessment").id,
           "v": engine.versions("child_protection_case")[0].id}
    clients = {}
    for username in DEMO_USERS:
        c = app.test_client()
        page = c.get("/login").get_data(as_text=True)
        tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                      "csrf_token": tok}).status_code == 302
        c.csrf = tok
        clients[username] = c
    return app, ids, clients


def test_every_route_is_in_the_matrix(world):
    app, ids, _ = world
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(p.format(**ids).split("?")[0], method=m)[0] for m, p, _ in MATRIX}
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if rule.endpoint not in listed and rule.rule not in COVERED_ELSEWHERE
               and not rule.rule.startswith("/_test")]
    assert missing == []


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
@pytest.mark.parametrize("method,path,expect", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_matrix(world, username, method, path, expect):
    app, ids, clients = world
    client = clients[username]
    url = path.format(**ids)
    if method == "GET":
        res = client.get(url)
    else:
        res = client.post(url, data={"csrf_token": client.csrf})
    assert res.status_code == expect(username), f"{username} {method} {url}"


@pytest.mark.parametrize("method,path,expect", MATRIX, ids=[f"anon {m} {p}" for m, p, _ in MATRIX])
def test_anonymous(world, method, path, expect):
    app, ids, _ = world
    url = path.format(**ids)
    res = app.test_client().open(url, method=method)
    public = {"/", "/health", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/init.js",
              "/metrics"}   # /metrics: counts only, for a scraper on this host (or with its token)
    if path in public:
        assert res.status_code == 200
    elif path == "/ready":
        assert res.status_code == 503 and res.get_json()["status"] == "not_ready"
    elif path.startswith("/lang/"):
        assert res.status_code == 302
    elif path.startswith("/api/"):
        assert res.status_code == 401
    elif method == "POST":
        assert res.status_code in (400, 302)    # CSRF refuses before login redirect
    else:
        assert res.status_code == 302 and "/login" in res.headers["Location"]
