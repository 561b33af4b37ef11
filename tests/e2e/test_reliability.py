"""Reliability on PostgreSQL with real processes: concurrency over HTTP, SIGKILL during writes, a timer
worker killed mid-sweep, backup and restore. `bvte check` and `bvte audit verify` must stay clean."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from engine.accounts import create_api_token
from engine.clock import FixedClock
from engine.clock import SystemClock
from engine.consistency import check
from engine.db import Database
from engine.migrate import upgrade
from engine.models import AuditEvent
from engine.models import Case
from engine.models import Timer
from engine.runtime import Engine
from tests.support.db import ThrowawayDatabase
from tests.support.db import throwaway_pg
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from workflows import build_registry
from workflows.child_protection.process import open_case
from workflows.seed import seed_demo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
@pytest.fixture
def pg_db():
    """A fresh, migrated and seeded PostgreSQL database for one test; dropped afterwards."""
    pg = throwaway_pg("bvte_rel")
    db = Database(pg.url)
    upgrade(db)
    engine = Engine(db, build_registry(), SystemClock())
    seed_demo(engine)
    yield pg.url, engine
    engine.db.dispose()
    pg.drop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AUDIT_KEY = b"reliability-test-audit-key-32-bytes!"


@pytest.fixture(autouse=True)
def _signed_audit(tmp_path_factory):
    """Production signs the audit chain: the servers get the key file, this process the same key."""
    from engine import audit

    path = tmp_path_factory.getbasetemp() / "audit.key"
    path.write_bytes(AUDIT_KEY)
    os.environ["BVTE_AUDIT_KEY_FILE"] = str(path)
    totp_key = tmp_path_factory.getbasetemp() / "totp.key"   # production also needs the two-factor secrets' key
    totp_key.write_bytes(b"reliability-test-totp-key-32-bytes!!")
    os.environ["BVTE_TOTP_KEY_FILE"] = str(totp_key)
    audit.set_key(AUDIT_KEY)
    yield
    audit.set_key(None)
    os.environ.pop("BVTE_AUDIT_KEY_FILE", None)
    os.environ.pop("BVTE_TOTP_KEY_FILE", None)
    from engine import account_crypto

    account_crypto.configure()   # back to the development key for the tests after these


class Server:
    """gunicorn serving BVTE on a loopback port (a real WSGI server in its own process group)."""

    def __init__(self, url: str, workers: int = 4):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, BVTE_SECRET_KEY="reliability-test", BVTE_ENV="production")
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
                                      f"127.0.0.1:{self.port}", "--graceful-timeout", "1", "webui.wsgi:app"],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


def call(base, method, path, token, body=None, headers=None, timeout=20):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                          **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def assert_clean(engine):
    problems, _ = check(engine)
    assert problems == []
    from engine import audit
    with engine.db.read() as s:
        assert audit.verify(s) == []


def test_fifty_concurrent_clients_over_http(pg_db):
    url, engine = pg_db
    hotline = actor_for(engine, "tongdai111")
    cases = [open_case(engine, REPORT, hotline) for _ in range(10)]
    token = create_api_token(engine, "canbo.x01", "load")
    server = Server(url)
    try:
        status, body = call(server.base, "GET", "/api/v1/tasks", token)
        tasks = [t["id"] for t in body["tasks"]]
        assert len(tasks) == 10
        rng = random.Random(3)
        # 50 workers: every task is completed by several at once; claims mixed in
        jobs = [rng.choice(tasks) for _ in range(50)]

        def work(task_id):
            if rng.random() < 0.3:
                call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", token)
            return call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete", token, {"data": HIGH})[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(work, jobs))
        assert set(statuses) <= {200, 409}, statuses
        assert statuses.count(200) == len(set(jobs))
        for c in cases:
            names = [t.task_name for t in engine.open_tasks(c.id)]
            done = [s.task_name for s in engine.steps(c.id)]
            assert done.count("initial_assessment") <= 1
            # high risk with serious harm: the emergency decision, the police's crime report at once, the
            # commune's immediate incident report (#21.4)
            assert sorted(names) == (["emergency_decision", "police_crime_report", "report_incident"] if done
                                     else ["initial_assessment"])
    finally:
        server.kill()
    assert_clean(engine)


def test_sigkill_during_writes_loses_no_acknowledged_report(pg_db):
    url, engine = pg_db
    token = create_api_token(engine, "tongdai111", "crash")
    acknowledged: list[str] = []
    rng = random.Random(11)
    for _round in range(20 if os.environ.get("BVTE_SOAK") else 3):
        server = Server(url, workers=2)
        stop = time.monotonic() + rng.uniform(0.5, 1.5)

        def stream(server=server, stop=stop):
            while time.monotonic() < stop + 2:
                try:
                    status, body = call(server.base, "POST", "/api/v1/reports", token, dict(REPORT),
                                        headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=5)
                except (OSError, http.client.HTTPException):
                    return      # refused, reset or cut mid-response: the report was never acknowledged
                if status == 201:
                    acknowledged.append(body["case_id"])

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(stream) for _ in range(4)]
            time.sleep(max(0.0, stop - time.monotonic()))
            server.kill()          # SIGKILL the whole server at a random point of the stream
            for f in futures:
                f.result()
    assert len(acknowledged) > 5
    with engine.db.read() as s:
        stored = set(s.execute(select(Case.id)).scalars())
    assert set(acknowledged) <= stored
    assert_clean(engine)


def test_timer_worker_killed_mid_sweep_fires_each_timer_once(pg_db):
    """60 cases' timers, each fired exactly once although the first worker dies mid-sweep. The workers run
    on a fixed clock inside a statutory-report reminder window (their reminder cases add timers of their
    own, which this test leaves out of its counts), so the result holds on any real date."""
    url, engine = pg_db
    received = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.timezone.utc)     # reminder window 30/11-15/12
    sweep_at = (received + dt.timedelta(days=1)).isoformat()
    old = Engine(Database(url), build_registry(), FixedClock(received))
    hotline = actor_for(old, "tongdai111")
    ids = [open_case(old, dict(REPORT, received_at=received.isoformat()), hotline).id for _ in range(60)]
    old.db.dispose()
    # the timers due by the sweep's instant (the 12 hours and the escalations they start); later ones (the
    # crime report's 20 days) stay waiting
    ours = Timer.case_id.in_(ids) & (Timer.due_at <= dt.datetime.fromisoformat(sweep_at))
    env = dict(os.environ, DATABASE_URL=url, BVTE_TEST_CLOCK="1")
    env.pop("BVTE_ENV", None)
    sweep = [sys.executable, "-m", "webui.cli", "timers", "run", "--once", "--now", sweep_at]
    worker = subprocess.Popen(sweep, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:     # kill it once it has fired some but not all
        with engine.db.read() as s:
            left = s.execute(select(func.count()).select_from(Timer).where(ours)).scalar()
        if left < 60 or worker.poll() is not None:
            break
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    with engine.db.read() as s:
        left = s.execute(select(func.count()).select_from(Timer).where(ours)).scalar()
    assert_clean(engine)
    again = subprocess.run(sweep, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    with engine.db.read() as s:
        assert s.execute(select(func.count()).select_from(Timer).where(ours)).scalar() == 0
        fired = s.execute(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "timer.fire", AuditEvent.case_id.in_(ids))).scalar()
        reminders = s.execute(select(func.count()).select_from(Case)
                              .where(Case.reference.like("BC-%"))).scalar()
    assert fired == 60
    assert reminders >= 1     # the sweep did open the report reminder the window asks for
    for cid in ids:
        assert [t.task_name for t in engine.open_tasks(cid)].count("escalate_response_overdue") == 1
    assert_clean(engine)
    assert left < 60          # the killed worker had fired some before it died


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed")
def test_backup_and_restore(pg_db, tmp_path):
    url, engine = pg_db
    open_case(engine, REPORT, actor_for(engine, "tongdai111"))
    dump = tmp_path / "bvte.dump"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), plain], check=True, timeout=120)
    target = ThrowawayDatabase("bvte_restore")
    target.create()
    restored = target.url.replace("postgresql+psycopg://", "postgresql://")
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", restored, str(dump)], check=True, timeout=120)
        env = dict(os.environ, DATABASE_URL=restored)
        for cmd in (["check"], ["audit", "verify"]):
            res = subprocess.run([sys.executable, "-m", "webui.cli", *cmd], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
            assert res.returncode == 0, res.stdout + res.stderr
        assert "checked 1 case(s): 0 problem(s)" in subprocess.run(
            [sys.executable, "-m", "webui.cli", "check"], cwd=ROOT, env=env, capture_output=True, text=True).stdout
    finally:
        target.drop()


def test_production_mode_refuses_default_secrets(monkeypatch):
    from webui.config import ConfigError
    from webui.config import from_env

    monkeypatch.setenv("BVTE_ENV", "production")
    monkeypatch.delenv("BVTE_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="BVTE_SECRET_KEY"):
        from_env()
    monkeypatch.setenv("BVTE_SECRET_KEY", "x" * 32)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        from_env()
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    cfg = from_env()
    assert cfg["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("BVTE_TEST_CLOCK", "1")
    with pytest.raises(ConfigError):
        from_env()


def test_production_refuses_to_start_without_the_audit_key(monkeypatch, tmp_path):
    from webui.compose import AuditKeyMissing
    from webui.compose import configure_audit

    monkeypatch.setenv("BVTE_ENV", "production")
    monkeypatch.delenv("BVTE_AUDIT_KEY_FILE", raising=False)
    with pytest.raises(AuditKeyMissing, match="BVTE_AUDIT_KEY_FILE"):
        configure_audit()
    short = tmp_path / "short.key"
    short.write_bytes(b"too short")
    monkeypatch.setenv("BVTE_AUDIT_KEY_FILE", str(short))
    with pytest.raises(AuditKeyMissing, match="32 bytes"):
        configure_audit()
