"""A locked case row, a read-only database: clear 409/503 answers in seconds, no traceback, nothing lost
(real PostgreSQL; the lock and the read-only switch are made by another connection)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text

from engine.accounts import create_api_token
from engine.db import Database
from engine.runtime import Engine
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from webui import create_app
from workflows import build_registry
from workflows.child_protection.process import open_case


@pytest.fixture
def pg(engine, clock, monkeypatch):
    if engine.db.is_sqlite:
        pytest.fail("this fixture is parametrized for PostgreSQL only")
    monkeypatch.setenv("BVTE_PG_LOCK_TIMEOUT_MS", "300")
    fresh = Engine(Database(engine.db.url), build_registry(), clock)    # picks up the short lock timeout
    yield fresh
    fresh.db.dispose()


def _client(eng):
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": eng.db.url}, engine=eng)
    return app.test_client()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_locked_case_row_is_answered_409_in_seconds(pg):
    case = open_case(pg, REPORT, actor_for(pg, "tongdai111"))
    (task,) = pg.open_tasks(case.id)
    token = create_api_token(pg, "canbo.x01", "t")
    other = create_engine(pg.db.url)
    try:
        with other.connect() as conn:
            conn.execute(text("BEGIN"))
            conn.execute(text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case.id})
            started = time.monotonic()
            res = _client(pg).post(f"/api/v1/tasks/{task.id}/complete", json={"data": HIGH},
                                   headers={"Authorization": f"Bearer {token}"})
            waited = time.monotonic() - started
            conn.execute(text("ROLLBACK"))
    finally:
        other.dispose()
    assert res.status_code == 409 and res.get_json()["error"] == "database_busy"
    assert "thử lại" in res.get_json()["message"] and res.headers["Retry-After"]
    assert waited < 10      # not a 30-second gunicorn kill (a bound, not a timing assertion)
    assert [t.id for t in pg.open_tasks(case.id)] == [task.id]
    pg.complete_task(task.id, HIGH, actor_for(pg, "canbo.x01"))    # and it goes through once free


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_read_only_database_is_a_503_with_a_sentence(pg):
    case = open_case(pg, REPORT, actor_for(pg, "tongdai111"))
    (task,) = pg.open_tasks(case.id)
    token = create_api_token(pg, "canbo.x01", "t")
    name = pg.db.url.rsplit("/", 1)[1]
    admin = create_engine(pg.db.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        pg.db.dispose()                      # new connections see the setting
        client = _client(pg)
        res = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": HIGH},
                          headers={"Authorization": f"Bearer {token}"})
        page = client.post("/login", data={"username": "canbo.x01", "password": "x"})
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()
        pg.db.dispose()
    assert res.status_code == 503 and res.get_json()["error"] == "database_read_only"
    assert page.status_code in (400, 503) and b"Traceback" not in page.data
    assert [t.id for t in pg.open_tasks(case.id)] == [task.id]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_the_timer_worker_survives_a_read_only_database(pg, cli_clock, tmp_path):
    """A due timer on a read-only database: the worker logs (time, level), backs off, stays alive, and fires
    the timer once the database is writable again."""
    import datetime as dt
    import os
    import subprocess
    import sys

    from engine.clock import FixedClock

    received = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.timezone.utc)
    opener = Engine(Database(pg.db.url), build_registry(), FixedClock(received))
    case = open_case(opener, dict(REPORT, received_at=received.isoformat()), actor_for(opener, "tongdai111"))
    opener.db.dispose()
    name = pg.db.url.rsplit("/", 1)[1]
    admin = create_engine(pg.db.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    env = dict(os.environ, DATABASE_URL=pg.db.url, BVTE_TEST_NOW="2026-11-22T01:00:00+00:00")
    log = open(tmp_path / "worker.log", "w")
    worker = None
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        worker = subprocess.Popen([sys.executable, "-m", "webui.cli", "timers", "run", "--interval", "0.2"],
                                  cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "database" not in (tmp_path / "worker.log").read_text():
            time.sleep(0.2)
        assert worker.poll() is None
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(t.task_name == "escalate_response_overdue"
                                                      for t in pg.open_tasks(case.id)):
            time.sleep(0.5)
        assert worker.poll() is None
        assert any(t.task_name == "escalate_response_overdue" for t in pg.open_tasks(case.id))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()
        log.close()
    lines = (tmp_path / "worker.log").read_text().splitlines()
    import re

    stamped = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR bvte\.timers: database error")
    assert any(stamped.match(line) for line in lines)     # logged with time and level
    assert worker.returncode == 0     # stopped by SIGTERM, cleanly
