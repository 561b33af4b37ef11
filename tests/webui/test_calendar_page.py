"""The administrator's calendar page (#20.5) through the Flask test client, on SQLite and PostgreSQL, on the
injectable clock (START: Friday 20/11/2026 22:00 in Vietnam): this year's and next year's days with the
deciding document, national and the province's own; a preview of the running deadlines a day off moves
(old -> new, dd/mm/yyyy HH:mm, with the case reference and no child data); the confirmed change, the history
with its reason; bad input answered 422 naming the field; nobody but the province's administrator."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from tests.webui.test_admin import login
from tests.webui.test_admin import tok
from tests.webui.test_cli import cli  # noqa: F401  (the fixture)
from webui import create_app
from workflows.child_protection.process import open_case

DAY_OFF = {"day": "2026-11-23", "kind": "off", "doc_number": "123/QĐ-UBND", "doc_date": "2026-11-19",
           "note": "nghỉ bù", "reason": "Nghỉ bù theo quyết định của UBND tỉnh"}


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True,
                       "SERVER_NAME": "bvte.test"}, engine=engine)


def client_of(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    c.csrf = tok(c.get("/account").get_data(as_text=True))
    return c


def load_official(engine):
    """The official decisions as migration 0017 writes them (the test schema is made by create_all)."""
    import importlib.util
    import os

    from engine.models import CalendarDay

    path = os.path.join(os.path.dirname(__file__), "..", "..", "engine", "migrations", "versions",
                        "0017_official_calendar.py")
    spec = importlib.util.spec_from_file_location("m0017", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    with engine.db.write() as s:
        for e in m.official_days():
            s.add(CalendarDay(day=dt.date.fromisoformat(e["date"]), working=e["working"], note=m.note_of(e),
                              changed_by=m.OFFICIAL, changed_at=engine.now()))
    engine.calendars.forget()


def test_the_page_shows_this_year_and_next_with_their_documents(app, engine):
    load_official(engine)
    page = client_of(app, "quantri.tinh").get("/admin/calendar").get_data(as_text=True)
    assert "Năm 2026" in page and "Năm 2027" in page and "Năm 2028" not in page
    # the New Year swap of 2026, a national decision shipped as data (#16.6)
    assert "02/01/2026" in page and "10/01/2026" in page and "12729/VPCP-KGVX" in page
    assert "Cả nước – văn bản chính thức" in page


def test_the_years_follow_the_clock_in_vietnam(app, clock):
    """31/12/2026 17:30 UTC is already 01/01/2027 in Vietnam: the page shows 2027 and 2028."""
    clock.advance(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.timezone.utc) - clock.now())
    page = client_of(app, "quantri.tinh").get("/admin/calendar").get_data(as_text=True)
    assert "Năm 2027" in page and "Năm 2028" in page and "Năm 2026" not in page


def test_preview_then_confirm_moves_the_running_deadline(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    c = client_of(app, "quantri.tinh")
    res = c.post("/admin/calendar/preview", data={"csrf_token": c.csrf, **DAY_OFF})
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert case.reference in page and "27/11/2026 23:59" in page and "30/11/2026 23:59" in page
    assert REPORT["child_name"] not in page and REPORT["description"] not in page     # no child data
    assert open_task(engine, case.id, "specific_assessment").due_at.day == 27      # the preview wrote nothing
    res = c.post("/admin/calendar", data={"csrf_token": c.csrf, **DAY_OFF})
    assert res.status_code == 302
    assert open_task(engine, case.id, "specific_assessment").due_at.day == 30
    page = c.get("/admin/calendar").get_data(as_text=True)
    assert "Tỉnh tự khai báo" in page and "123/QĐ-UBND" in page and "Nghỉ bù theo quyết định của UBND tỉnh" in page
    assert "quantri.tinh" in page                                                     # the history: who
    assert not engine.work_calendar("P01").is_working_day(dt.date(2026, 11, 23))


@pytest.mark.parametrize("field,data", [
    ("reason", dict(DAY_OFF, reason=" ")), ("day", dict(DAY_OFF, day="23/11/2026")),
    ("doc_number", dict(DAY_OFF, doc_number="")), ("doc_date", dict(DAY_OFF, doc_date="hôm qua")),
    ("kind", dict(DAY_OFF, kind="maybe")),
])
def test_bad_input_is_refused_naming_the_field(app, engine, field, data):
    c = client_of(app, "quantri.tinh")
    for url in ("/admin/calendar/preview", "/admin/calendar"):
        res = c.post(url, data={"csrf_token": c.csrf, **data})
        assert res.status_code == 422, url
        assert f'id="err-{field}"' in res.get_data(as_text=True)
    assert engine.work_calendar("P01").is_working_day(dt.date(2026, 11, 23))


def test_removing_a_day_the_province_never_declared_is_refused(app):
    c = client_of(app, "quantri.tinh")
    res = c.post("/admin/calendar", data={"csrf_token": c.csrf, "day": "2026-11-23", "kind": "clear",
                                          "reason": "thử"})
    assert res.status_code == 422


@pytest.mark.parametrize("username", ["canbo.x01", "chinhsach.tinh", "soyte.tinh"])
def test_only_the_administrator(app, username):
    c = client_of(app, username)
    res = c.get("/admin/calendar")
    if username == "chinhsach.tinh":     # policy staff read it, with no form to change it
        assert res.status_code == 200 and "calendar/preview" not in res.get_data(as_text=True)
    else:
        assert res.status_code == 403
    assert c.post("/admin/calendar/preview", data={"csrf_token": c.csrf, **DAY_OFF}).status_code == 403
    assert c.post("/admin/calendar", data={"csrf_token": c.csrf, **DAY_OFF}).status_code == 403


def test_bvte_calendar_province_previews_and_applies(cli, tmp_path):   # noqa: F811
    """``bvte calendar province`` on a migrated database (0017's official days, 0027's table)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite3")
    up = subprocess.run([sys.executable, "-m", "webui.cli", "db", "upgrade"], env=env, capture_output=True,
                        text=True, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert cli("seed-demo").exit_code == 0
    args = ["calendar", "province", "P01", "2026-11-23", "--off", "--document", "123/QĐ-UBND",
            "--document-date", "2026-11-19", "--reason", "Nghỉ bù theo quyết định của UBND tỉnh"]
    res = cli(*args, "--preview")
    assert res.exit_code == 0 and "0 running deadline(s) would move" in res.output
    res = cli(*args)
    assert res.exit_code == 0 and "moved" in res.output
    res = cli("calendar", "province", "P01", "2026-11-24", "--off", "--reason", "thiếu văn bản")
    assert res.exit_code == 1
    res = cli("calendar", "province", "P99", "2026-11-24", "--clear", "--reason", "không có tỉnh")
    assert res.exit_code == 1
