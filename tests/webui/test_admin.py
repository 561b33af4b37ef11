"""Administration of a province (#20) through the web UI on a real database: the administrator sees no case,
creates users who set their own password through a one-time link, deactivates them (locked out at once,
claims back in the inbox, tokens revoked), resets passwords, imports users and administrative units (with
merges that move open cases and tasks), sets the two-factor policy; everyone's account page: password
change, TOTP enrolment, the second step of a login; ``bvte admin create``."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import account_self
from engine import accounts
from engine.account_models import UserSecurity
from engine.models import AuditEvent
from engine.models import Case
from engine.models import OpenTask
from engine.models import User
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import open_task
from webui import create_app
from workflows.child_protection.process import open_case  # tests may name the procedure
from workflows.seed import DEMO_PASSWORD

NEW_PASSWORD = "Đồi-thông-hai-mộ-2026"


@pytest.fixture
def app(sqlite_engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": sqlite_engine.db.url, "TESTING": True,
                       "SERVER_NAME": "bvte.test"}, engine=sqlite_engine)


def tok(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, username, password=DEMO_PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": tok(page)})


def post(client, url, page="/account", **data):
    return client.post(url, data={"csrf_token": tok(client.get(page).get_data(as_text=True)), **data})


@pytest.fixture
def app_both(engine):
    """The app on SQLite and on PostgreSQL."""
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True,
                       "SERVER_NAME": "bvte.test"}, engine=engine)


def admin(app):
    c = app.test_client()
    assert login(c, "quantri.tinh").status_code == 302
    return c


def setup_link(html: str) -> str:
    return re.search(r"(/account/setup/[A-Za-z0-9_-]+)", html).group(1)


def audit_actions(engine):
    with engine.db.read() as s:
        return [(e.actor, e.action, e.detail) for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_the_administrator_sees_no_case(app, sqlite_engine):
    case = open_case(sqlite_engine, REPORT, actor_for(sqlite_engine, "tongdai111"))
    c = admin(app)
    assert c.get(f"/cases/{case.id}").status_code == 404
    assert c.get("/cases").status_code == 403 and c.get("/reports").status_code == 403
    assert c.get(f"/api/v1/cases/{case.id}").status_code == 404
    assert case.reference not in c.get("/inbox").get_data(as_text=True)
    assert c.get("/admin/users").status_code == 200


def test_create_user_set_password_with_link_then_two_factor_is_required(app, sqlite_engine):
    c = admin(app)
    res = post(c, "/admin/users", page="/admin/users", username="canbo2.x01", full_name="Lê Thị Thu",
               agency="commune_officer.X01", reason="cán bộ mới theo QĐ 12/QĐ-UBND")
    assert res.status_code == 200
    link = setup_link(res.get_data(as_text=True))
    assert ("quantri.tinh", "admin.user_create") in [(a, b) for a, b, _ in audit_actions(sqlite_engine)]
    newbie = app.test_client()
    assert login(newbie, "canbo2.x01", "anything-long-enough").status_code == 401   # no password before the link
    weak = newbie.post(link, data={"csrf_token": tok(newbie.get(link).get_data(as_text=True)),
                                   "new": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422 and "phổ biến" in weak.get_data(as_text=True)
    ok = newbie.post(link, data={"csrf_token": tok(newbie.get(link).get_data(as_text=True)),
                                 "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.status_code == 302
    assert newbie.get(link).status_code == 404                                       # the link works once
    account_self.set_totp_roles(sqlite_engine, "quantri.tinh", "P01", ["commune_officer"], "chính sách tỉnh")
    res = login(newbie, "canbo2.x01", NEW_PASSWORD)
    assert res.status_code == 302 and res.headers["Location"].endswith("/account/2fa")
    assert newbie.get("/inbox").headers["Location"].endswith("/account/2fa")           # nothing else until enrolled
    page = newbie.get("/account/2fa").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    code = pyotp.TOTP(secret).at(sqlite_engine.now())
    done = newbie.post("/account/2fa", data={"csrf_token": tok(page), "code": code})
    assert done.status_code == 200 and len(re.findall(r"<code>[0-9a-f]{10}-[0-9a-f]{10}</code>",
                                                      done.get_data(as_text=True))) == 10
    assert newbie.get("/inbox").status_code == 200


def test_login_with_two_factor(app, sqlite_engine, clock):
    uid = actor_for(sqlite_engine, "canbo.x01").user_id
    secret, _ = account_self.totp_begin(sqlite_engine, uid)
    codes = account_self.totp_confirm(sqlite_engine, uid, pyotp.TOTP(secret).at(sqlite_engine.now()))
    c = app.test_client()
    res = login(c, "canbo.x01")
    assert res.headers["Location"].endswith("/login/2fa")
    assert c.get("/inbox").status_code == 302                                        # not logged in yet
    page = c.get("/login/2fa").get_data(as_text=True)
    assert c.post("/login/2fa", data={"csrf_token": tok(page), "code": "000000"}).status_code == 401
    used = pyotp.TOTP(secret).at(sqlite_engine.now())
    assert c.post("/login/2fa", data={"csrf_token": tok(page), "code": used}).status_code == 401  # replayed
    clock.advance(dt.timedelta(seconds=30))
    assert c.post("/login/2fa", data={"csrf_token": tok(page),
                                      "code": pyotp.TOTP(secret).at(sqlite_engine.now())}).status_code == 302
    assert c.get("/inbox").status_code == 200
    other = app.test_client()
    login(other, "canbo.x01")
    page = other.get("/login/2fa").get_data(as_text=True)
    assert other.post("/login/2fa", data={"csrf_token": tok(page), "code": codes[0]}).status_code == 302
    assert account_self.state(sqlite_engine, uid).recovery_left == 9
    third = app.test_client()
    login(third, "canbo.x01")
    page = third.get("/login/2fa").get_data(as_text=True)
    assert third.post("/login/2fa", data={"csrf_token": tok(page), "code": codes[0]}).status_code == 401


def test_deactivation_locks_out_at_once_and_returns_claims(app_both, engine):
    case = open_case(engine, REPORT, actor_for(engine, "tongdai111"))
    officer = app_both.test_client()
    login(officer, "canbo.x01")
    t = open_task(engine, case.id, "initial_assessment")
    assert post(officer, f"/tasks/{t.id}/claim", page="/inbox").status_code == 302
    token = accounts.create_api_token(engine, "canbo.x01", "phone app")
    c = admin(app_both)
    res = post(c, "/admin/users/canbo.x01/deactivate", page="/admin/users", reason="nghỉ việc từ 01/12")
    assert res.status_code == 302
    assert officer.get("/inbox").status_code == 302                                  # locked out at once
    assert app_both.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert login(app_both.test_client(), "canbo.x01").status_code == 401
    with engine.db.read() as s:
        assert s.get(OpenTask, t.id).claimed_by is None                              # back in the agency's inbox
    detail = [d for a, act, d in audit_actions(engine) if act == "admin.user_deactivate"][0]
    assert detail["reason"] == "nghỉ việc từ 01/12" and detail["released_tasks"] == 1 and detail["tokens"] == 1
    refused = post(c, "/admin/users/quantri.tinh/deactivate", page="/admin/users", reason="thử tự khoá")
    assert refused.status_code == 409                                                # told: not yourself
    assert "không thể tự khoá" in refused.get_data(as_text=True)
    with engine.db.read() as s:
        assert s.execute(select(User.active).where(User.username == "quantri.tinh")).scalar() is True


def test_bad_admin_input_is_a_4xx_naming_the_field(app, sqlite_engine):
    c = app.test_client()
    assert login(c, "quantri.tinh").status_code == 302
    short = post(c, "/admin/users/canbo.x01/deactivate", page="/admin/users", reason="x")
    assert short.status_code == 422
    body = short.get_data(as_text=True)
    assert "Lý do: Ghi rõ lý do" in body and "give the reason" not in body      # one language, the field named
    assert post(c, "/admin/users/nobody.here/reset-password", page="/admin/users", reason="quên mật khẩu").status_code == 404
    bad_agency = post(c, "/admin/users/canbo.x01", page="/admin/users", full_name="Lê Hạnh", agency="no-such",
                      reason="chuyển công tác")
    assert bad_agency.status_code == 422 and "Cơ quan:" in bad_agency.get_data(as_text=True)
    english = post(c, "/admin/communes/X01?lang=en", page="/admin/communes", name="", reason="đổi tên xã")
    assert english.status_code == 422
    with sqlite_engine.db.read() as s:
        assert s.execute(select(User.active).where(User.username == "canbo.x01")).scalar() is True


def test_reset_password_ends_the_old_one(app, sqlite_engine):
    victim = app.test_client()
    login(victim, "yte.x01")
    c = admin(app)
    res = post(c, "/admin/users/yte.x01/reset-password", page="/admin/users", reason="quên mật khẩu")
    link = setup_link(res.get_data(as_text=True))
    assert victim.get("/inbox").status_code == 302
    assert login(app.test_client(), "yte.x01").status_code == 401
    fresh = app.test_client()
    fresh.post(link, data={"csrf_token": tok(fresh.get(link).get_data(as_text=True)), "new": NEW_PASSWORD,
                           "confirm": NEW_PASSWORD})
    assert login(app.test_client(), "yte.x01", NEW_PASSWORD).status_code == 302


def test_another_provinces_user_is_out_of_reach(app, sqlite_engine):
    from engine import admin_users
    from engine.errors import NotFound

    with pytest.raises(NotFound):
        admin_users.deactivate_user(sqlite_engine, "quantri.p02", "P02", "canbo.x01", "không thuộc tỉnh")


def test_change_my_password(app, sqlite_engine):
    c, other = app.test_client(), app.test_client()
    login(c, "truonghoc.x01")
    login(other, "truonghoc.x01")
    assert post(c, "/account/password", current="wrong-password-x", new=NEW_PASSWORD,
                confirm=NEW_PASSWORD).status_code == 422
    assert post(c, "/account/password", current=DEMO_PASSWORD, new="short", confirm="short").status_code == 422
    assert post(c, "/account/password", current=DEMO_PASSWORD, new=NEW_PASSWORD,
                confirm=NEW_PASSWORD).status_code == 302
    assert c.get("/inbox").status_code == 200 and other.get("/inbox").status_code == 302
    assert login(app.test_client(), "truonghoc.x01", NEW_PASSWORD).status_code == 302


def test_import_users_preview_then_apply_idempotent(app, sqlite_engine):
    c = admin(app)
    text = "username,full_name,agency\nyte2.x02,Hà Văn Tâm,health_station.X02\nbad user,X,nowhere\n"
    res = post(c, "/admin/users/import", page="/admin/users/import", csv=text, reason="đợt tuyển dụng 2026")
    assert res.status_code == 200 and "dòng/line 3" in res.get_data(as_text=True)
    with sqlite_engine.db.read() as s:
        assert s.execute(select(User).where(User.username == "yte2.x02")).scalar() is None   # preview: nothing
    good = "username,full_name,agency\nyte2.x02,Hà Văn Tâm,health_station.X02\n"
    res = post(c, "/admin/users/import", page="/admin/users/import", csv=good, reason="đợt tuyển dụng 2026", apply="1")
    assert "/account/setup/" in res.get_data(as_text=True)
    again = post(c, "/admin/users/import", page="/admin/users/import", csv=good, reason="đợt tuyển dụng 2026",
                 apply="1").get_data(as_text=True)
    assert "/account/setup/" not in again and "yte2.x02" in again                   # skipped the second time


def test_units_import_with_a_merge_moves_open_cases_and_tasks(app_both, engine):
    case = open_case(engine, dict(REPORT, incident_commune="X02"), actor_for(engine, "tongdai111"))
    c = admin(app_both)
    csv_text = ("code,name,province,replaces\nX01,Xã Đạ Tẻh (demo),P01,\nX03,Phường Bảo Lộc mới,P01,X02\n"
                "Z99,Xã tỉnh khác,P02,\n")
    preview = post(c, "/admin/communes/import", page="/admin/communes", csv=csv_text, reason="NQ 1671/NQ-UBTVQH15")
    assert preview.status_code == 200 and "X02 → X03" in preview.get_data(as_text=True)
    with engine.db.read() as s:
        assert s.get(Case, case.id).commune_code == "X02"                            # a preview changes nothing
    applied = post(c, "/admin/communes/import", page="/admin/communes", csv=csv_text, reason="NQ 1671/NQ-UBTVQH15",
                   apply="1")
    assert applied.status_code == 200
    with engine.db.read() as s:
        assert s.get(Case, case.id).commune_code == "X03"
        task = s.execute(select(OpenTask).where(OpenTask.case_id == case.id)).scalars().first()
        assert task.commune_code == "X03"
    officer = create_officer(app_both, engine, c, "canbo.x03", "commune_officer.X03")
    assert "Đánh giá nguy cơ ban đầu" in officer.get("/inbox").get_data(as_text=True)
    again = post(c, "/admin/communes/import", page="/admin/communes", csv=csv_text, reason="NQ 1671/NQ-UBTVQH15",
                 apply="1")
    assert "Không có gì thay đổi" in again.get_data(as_text=True)                     # idempotent
    merged = [d for _, a, d in audit_actions(engine) if a == "admin.units_import"]
    assert len(merged) == 1 and merged[0]["merged"] == [["X02", "X03"]]
    # a new report for the old commune goes to the new one
    later = open_case(engine, dict(REPORT, incident_commune="X02", child_name="Trần Bé Na"),
                      actor_for(engine, "tongdai111"))
    assert open_task(engine, later.id, "initial_assessment").agency_id == \
        task.agency_id


def create_officer(app, engine, admin_client, username, agency):
    res = post(admin_client, "/admin/users", page="/admin/users", username=username, full_name="Người Mới",
               agency=agency, reason="cán bộ xã mới")
    link = setup_link(res.get_data(as_text=True))
    c = app.test_client()
    c.post(link, data={"csrf_token": tok(c.get(link).get_data(as_text=True)), "new": NEW_PASSWORD,
                       "confirm": NEW_PASSWORD})
    assert login(c, username, NEW_PASSWORD).status_code == 302
    return c


def test_communes_and_agencies_pages(app, sqlite_engine):
    c = admin(app)
    assert post(c, "/admin/communes", page="/admin/communes", code="X09", name="Xã Mới",
                reason="thành lập mới").status_code == 302
    assert "commune_officer.X09" in c.get("/admin/agencies").get_data(as_text=True)
    post(c, "/admin/communes/X09", page="/admin/communes", name="Xã Mới Đổi Tên", action="rename", reason="đổi tên")
    assert "Xã Mới Đổi Tên" in c.get("/admin/communes").get_data(as_text=True)
    post(c, "/admin/agencies/school.X09", page="/admin/agencies", action="deactivate", reason="trường sáp nhập")
    with sqlite_engine.db.read() as s:
        from engine.models import Agency
        assert s.execute(select(Agency.active).where(Agency.code == "school.X09")).scalar() is False


def test_calendar_tokens_schedules_pages(app, sqlite_engine):
    c = admin(app)
    res = post(c, "/admin/calendar", page="/admin/calendar", day="2027-02-11", kind="off", doc_number="QĐ 5/TTg",
               doc_date="2026-12-01", note="Tết", reason="Tết Đinh Mùi")   # the preview: tests/webui/test_calendar_page.py
    assert res.status_code == 302
    assert sqlite_engine.calendar(province="P01").is_working_day(dt.date(2027, 2, 11)) is False
    page = c.get("/admin/calendar").get_data(as_text=True)
    assert "QĐ 5/TTg" in page and "Tết Đinh Mùi" in page
    res = post(c, "/admin/tokens", page="/admin/tokens", user="tongdai111", name="tổng đài", scope="intake", days="30")
    assert "bvte_" in res.get_data(as_text=True)
    assert post(c, "/admin/schedules", page="/admin/schedules", code="ky_9", label="Báo cáo thử", due="10/05",
                remind_days="10").status_code == 302
    assert "ky_9" in c.get("/admin/schedules").get_data(as_text=True)
    assert post(c, "/admin/rosters", page="/admin/rosters", user="congan.x02", **{"from": "2026-12-01T18:00",
                                                                               "to": "2026-12-02T07:00"}).status_code == 302
    page = c.get("/admin/rosters").get_data(as_text=True)
    assert "commune_police.X02" in page and "01/12/2026 18:00" in page


def test_bvte_admin_create_prints_a_set_up_link(tmp_path, monkeypatch, cli_clock):
    import os
    import subprocess
    import sys

    from webui.cli import main

    url = f"sqlite:///{tmp_path}/a.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert subprocess.run([sys.executable, "-m", "webui.cli", "db", "upgrade"], env=dict(os.environ),
                          cwd=tmp_path, capture_output=True).returncode == 0
    res = CliRunner().invoke(main, ["admin", "create", "--province", "P09", "--province-name", "Tỉnh Mới",
                                    "--username", "quantri.p09", "--base-url", "https://bvte.example.vn"])
    assert res.exit_code == 0, res.output
    link = re.search(r"https://bvte\.example\.vn(/account/setup/\S+)", res.output).group(1)
    from engine.clock import FixedClock
    from engine.db import Database
    from engine.runtime import Engine
    from tests.support.db import START
    from workflows import build_registry

    engine = Engine(Database(url), build_registry(), FixedClock(START))
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": url, "TESTING": True}, engine=engine)
    c = app.test_client()
    c.post(link, data={"csrf_token": tok(c.get(link).get_data(as_text=True)), "new": NEW_PASSWORD,
                       "confirm": NEW_PASSWORD})
    res = login(c, "quantri.p09", NEW_PASSWORD)
    assert res.headers["Location"].endswith("/account/2fa")          # an administrator must enrol first
    with engine.db.read() as s:
        uid = s.execute(select(User.id).where(User.username == "quantri.p09")).scalar_one()
        assert s.get(UserSecurity, uid).must_change_password is False
    again = CliRunner().invoke(main, ["admin", "create", "--province", "P09", "--username", "quantri.p09"])
    assert again.exit_code == 1 and "Traceback" not in again.output
    engine.db.dispose()


def test_enrolment_shows_the_same_secret_until_confirmed_and_can_be_turned_off(app, sqlite_engine, clock):
    c = app.test_client()
    login(c, "yte.x02")   # a role the demo province does not require two factors of
    first = re.search(r"<code>([A-Z2-7]{16,})</code>", c.get("/account/2fa").get_data(as_text=True)).group(1)
    page = c.get("/account/2fa").get_data(as_text=True)
    assert first in page
    c.post("/account/2fa", data={"csrf_token": tok(page), "code": pyotp.TOTP(first).at(sqlite_engine.now())})
    assert "đang bật" in c.get("/account").get_data(as_text=True)
    page = c.get("/account/2fa").get_data(as_text=True)
    res = c.post("/account/2fa/disable", data={"csrf_token": tok(page), "code": "123456"})
    assert res.status_code == 302 and account_self.state(sqlite_engine, actor_for(sqlite_engine, "yte.x02").user_id).totp_enabled
    clock.advance(dt.timedelta(seconds=30))   # the step used to enrol cannot be used again
    page = c.get("/account/2fa").get_data(as_text=True)
    c.post("/account/2fa/disable", data={"csrf_token": tok(page), "code": pyotp.TOTP(first).at(sqlite_engine.now())})
    assert not account_self.state(sqlite_engine, actor_for(sqlite_engine, "yte.x02").user_id).totp_enabled
