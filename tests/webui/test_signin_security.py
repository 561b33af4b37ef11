"""Sign-in security (#18 items 3, 4, 5 and 10): login throttling per account and per real client in the
database with growing delays, ProxyFix only for configured proxies, no open redirect after login, sessions
revoked server-side, logout audited, API token scopes and expiry, HSTS in production, the password policy,
``bvte seed-demo`` refused in production."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import accounts
from engine import passwords
from engine.account_models import LoginThrottle
from engine.models import AuditEvent
from tests.support.samples import REPORT
from webui import create_app
from workflows.seed import DEMO_PASSWORD


def make_app(engine, **extra):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True, **extra},
                      engine=engine)


@pytest.fixture
def app(sqlite_engine):
    return make_app(sqlite_engine)


def client_at(app, ip="10.0.0.1"):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = ip
    return c


def login(client, username, password=DEMO_PASSWORD, next_=None, headers=None):
    page = client.get("/login").get_data(as_text=True)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = "/login" if next_ is None else "/login?next=" + next_
    return client.post(url, data={"username": username, "password": password, "csrf_token": tok},
                       headers=headers or {})


def csrf(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inbox").get_data(as_text=True)).group(1)


# --- 3. throttling ---------------------------------------------------------------------------------------

def test_throttle_per_account_lives_in_the_database_and_spares_other_users(engine, clock):
    """Two apps (two workers) share the count; one account's failures never lock out another user."""
    worker1, worker2 = make_app(engine), make_app(engine)
    for i in range(5):
        assert login(client_at(worker1 if i % 2 else worker2, f"10.0.0.{i}"), "chutich.x02", "wrong-password-x")\
            .status_code == 401
    refused = login(client_at(worker2, "10.9.9.9"), "chutich.x02")   # right password, new client: still waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert login(client_at(worker1, "10.0.0.1"), "canbo.x01").status_code == 302   # others are unaffected
    with engine.db.read() as s:
        assert s.get(LoginThrottle, "u:chutich.x02").failures == 5


def test_delays_grow_and_end_never_a_hard_lockout(app, sqlite_engine, clock):
    c = client_at(app)
    for _ in range(5):
        login(c, "chutich.x02", "wrong-password-x")
    assert login(c, "chutich.x02").status_code == 429
    clock.advance(dt.timedelta(seconds=31))
    assert login(c, "chutich.x02", "wrong-password-x").status_code == 401   # heard again, wrong again
    wait = int(login(c, "chutich.x02").headers["Retry-After"])
    assert 31 < wait <= 61                                                 # the wait doubled
    clock.advance(dt.timedelta(seconds=wait))
    assert login(c, "chutich.x02").status_code == 302                      # then the right password works
    with sqlite_engine.db.read() as s:
        assert s.get(LoginThrottle, "u:chutich.x02") is None              # and the count is forgotten


def test_throttle_per_client_behind_a_trusted_proxy(sqlite_engine):
    """Behind the configured proxy every request comes from its address: the real client (X-Forwarded-For)
    is what is throttled, so one guessing client does not lock out the others."""
    app = make_app(sqlite_engine, BVTE_TRUSTED_PROXIES=1)
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    for i in range(20):
        assert login(client_at(app, "127.0.0.1"), f"nobody{i}", "wrong-password-x", headers=attacker)\
            .status_code == 401
    assert login(client_at(app, "127.0.0.1"), "canbo.x01", headers=attacker).status_code == 429
    assert login(client_at(app, "127.0.0.1"), "canbo.x01",
                 headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 302


def test_forwarded_for_is_ignored_without_a_configured_proxy(app, sqlite_engine):
    """Without BVTE_TRUSTED_PROXIES a client cannot dodge its own count by inventing X-Forwarded-For."""
    for i in range(20):
        login(client_at(app, "10.1.1.1"), f"nobody{i}", "wrong-password-x",
              headers={"X-Forwarded-For": f"192.0.2.{i}"})
    res = login(client_at(app, "10.1.1.1"), "canbo.x01", headers={"X-Forwarded-For": "192.0.2.200"})
    assert res.status_code == 429
    with sqlite_engine.db.read() as s:
        assert s.get(LoginThrottle, "ip:10.1.1.1").failures == 20


def test_trusted_proxies_setting_is_checked(monkeypatch):
    from webui.config import ConfigError
    from webui.config import from_env

    monkeypatch.setenv("BVTE_TRUSTED_PROXIES", "many")
    with pytest.raises(ConfigError):
        from_env()


# --- 4. open redirect -------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "%09/evil.example/", "//evil.example/", "%09//evil.example", "/%09/evil.example", "/%0d%0a/evil.example",
    "%20//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "https:/evil.example",
    "javascript:alert(1)", "%E2%80%8B//evil.example", "evil.example", "/%00/evil.example", "///evil.example",
    "%2F%2Fevil.example",
])
def test_next_never_leaves_the_site(app, target):
    from urllib.parse import urlsplit

    res = login(client_at(app), "canbo.x01", next_=target)
    if res.status_code == 400:          # a NUL anywhere in a request is refused outright
        assert "%00" in target
        return
    assert res.status_code == 302
    location = res.headers["Location"]
    parts = urlsplit(location)
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert not parts.scheme and not parts.netloc and location in ("/inbox", "/evil.example/")


def test_next_keeps_a_local_path(app):
    res = login(client_at(app), "canbo.x01", next_="/reports%3Fyear%3D2026")
    assert res.headers["Location"] == "/reports?year=2026"


def test_tab_before_a_path_is_a_local_path(app):
    """The issue's case: %09/evil.example/ becomes the local path /evil.example/, never //evil.example/."""
    assert login(client_at(app), "canbo.x01", next_="%09/evil.example/").headers["Location"] == "/evil.example/"


# --- 5. server-side sessions ------------------------------------------------------------------------------

def test_copied_cookie_is_dead_after_logout(app, sqlite_engine):
    c = client_at(app)
    assert login(c, "canbo.x01").status_code == 302
    stolen = c.get_cookie("session").value
    assert c.post("/logout", data={"csrf_token": csrf(c)}).status_code == 302
    thief = client_at(app, "10.6.6.6")
    thief.set_cookie("session", stolen)
    res = thief.get("/inbox")
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    assert thief.get("/api/v1/tasks").status_code == 401
    with sqlite_engine.db.read() as s:
        actions = [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions[-2:] == ["auth.login", "auth.logout"]


def test_a_session_without_its_server_row_is_refused(app, sqlite_engine):
    """A cookie signed with the key but naming no open session (or none at all) is anonymous."""
    c = client_at(app)
    login(c, "canbo.x01")
    with c.session_transaction() as sess:
        sess["sid"] = "forged"
    assert c.get("/inbox").status_code == 302


def test_revoking_sessions_logs_the_user_out_at_once(app, sqlite_engine):
    from engine import signin
    from engine.models import User

    c = client_at(app)
    login(c, "canbo.x01")
    assert c.get("/inbox").status_code == 200
    with sqlite_engine.db.write() as s:
        uid = s.execute(select(User.id).where(User.username == "canbo.x01")).scalar_one()
        assert signin.revoke_sessions(s, uid, sqlite_engine.now()) == 1
    assert c.get("/inbox").status_code == 302


def test_a_session_ends_twelve_hours_after_login(app, clock):
    c = client_at(app)
    login(c, "canbo.x01")
    clock.advance(dt.timedelta(hours=12, minutes=1))
    assert c.get("/inbox").status_code == 302


# --- 10. the rest -----------------------------------------------------------------------------------------

def test_seed_demo_is_refused_in_production(tmp_path, monkeypatch, cli_clock):
    from webui.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("BVTE_ENV", "production")
    monkeypatch.delenv("BVTE_TEST_CLOCK", raising=False)
    res = CliRunner().invoke(main, ["seed-demo"])
    assert res.exit_code == 1 and "production" in res.output and "Traceback" not in res.output


def test_hsts_in_production_only(sqlite_engine):
    prod = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url, "BVTE_ENV": "production"},
                      engine=sqlite_engine)
    assert "max-age=" in prod.test_client().get("/login").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in make_app(sqlite_engine).test_client().get("/login").headers


def test_token_scopes_are_enforced(app, sqlite_engine):
    read = accounts.create_api_token(sqlite_engine, "tongdai111", "dashboard", scope="read")
    intake = accounts.create_api_token(sqlite_engine, "tongdai111", "switchboard", scope="intake")
    full = accounts.create_api_token(sqlite_engine, "tongdai111", "all")
    c = app.test_client()

    def auth(t):
        return {"Authorization": f"Bearer {t}"}

    assert c.get("/api/v1/tasks", headers=auth(read)).status_code == 200
    assert c.post("/api/v1/reports", json=REPORT, headers=auth(read)).status_code == 403
    assert c.get("/api/v1/tasks", headers=auth(intake)).status_code == 403
    assert c.post("/api/v1/reports", json=REPORT, headers=auth(intake)).status_code == 201
    assert c.get("/api/v1/tasks", headers=auth(full)).status_code == 200


def test_tokens_expire(app, sqlite_engine, clock):
    tok = accounts.create_api_token(sqlite_engine, "tongdai111", "short", days=1)
    c = app.test_client()
    assert c.get("/api/v1/tasks", headers={"Authorization": f"Bearer {tok}"}).status_code == 200
    clock.advance(dt.timedelta(days=1, seconds=1))
    res = c.get("/api/v1/tasks", headers={"Authorization": f"Bearer {tok}"})
    assert res.status_code == 401 and "expired" in res.get_json()["message"]
    with pytest.raises(ValueError):
        accounts.create_api_token(sqlite_engine, "tongdai111", "forever", days=3650)
    with pytest.raises(ValueError):
        accounts.create_api_token(sqlite_engine, "tongdai111", "odd", scope="admin")


def test_tokens_cli_takes_scope_and_days(tmp_path, monkeypatch, cli_clock):
    import subprocess
    import sys

    from webui.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/t.sqlite3")
    monkeypatch.chdir(tmp_path)
    import os
    env = dict(os.environ)
    assert subprocess.run([sys.executable, "-m", "webui.cli", "db", "upgrade"], env=env, cwd=tmp_path,
                          capture_output=True).returncode == 0
    runner = CliRunner()
    assert runner.invoke(main, ["seed-demo"]).exit_code == 0
    res = runner.invoke(main, ["tokens", "create", "--user", "tongdai111", "--name", "sw", "--scope", "intake",
                               "--days", "30"])
    assert res.exit_code == 0 and res.output.startswith("bvte_")
    listed = runner.invoke(main, ["tokens", "list"]).output
    assert "\tintake\t" in listed and "no expiry" not in listed


@pytest.mark.parametrize("weak", ["short-pass", "password1234", "qwertyuiop12", "1234567890123", "Password123!"])
def test_password_policy_refuses_weak_passwords(weak):
    assert passwords.problems(weak)
    with pytest.raises(ValueError):
        accounts.hash_password(weak)


def test_password_policy_accepts_a_long_uncommon_one():
    assert passwords.problems("rừng-thông-Đà-Lạt-2026") == []
    assert passwords.problems("canbo.x01-mùa-xuân", "canbo.x01")   # contains the username
    assert len(passwords.common_passwords()) > 5000
