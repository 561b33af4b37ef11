"""Operations endpoints: /health, /ready (database, schema at head, timer worker heartbeat), /metrics
(loopback or token; request counts by URL rule; the work gauges), and the one log format."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from engine import metrics as work
from engine.db import Base
from engine.db import Database
from engine.migrate import upgrade
from engine.models import AUDIT_HEAD_ROW
from engine.models import OpenTask
from engine.models import Timer
from tests.support.db import make_seeded_engine
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from webui import create_app
from webui.logging_config import FORMAT
from webui.logging_config import KeyValueFormatter
from workflows import registry


def _app(engine, **config):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url, **config}, engine=engine)


@pytest.fixture(params=["sqlite", "postgres"])
def migrated(request, tmp_path, clock):
    """A seeded engine over a database built by the migrations (so at their head)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/migrated.sqlite3"
        db = Database(url)
        upgrade(db)
        db.dispose()
    else:
        url = request.getfixturevalue("pg_url")   # the run's PostgreSQL database: migrated once; emptied
        db = Database(url)
        with db.write_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)} RESTART IDENTITY "
                              "CASCADE"))
            conn.execute(text(AUDIT_HEAD_ROW))
        db.dispose()
    eng = make_seeded_engine(url, clock)
    yield eng
    eng.db.dispose()


def _gauge(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found, name
    return float(found.group(1))


def test_health_needs_no_database(clock):
    from engine.runtime import Engine

    down = Engine(Database("postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"),
                  registry.build_registry(), clock)
    client = _app(down).test_client()
    res = client.get("/health")
    assert res.status_code == 200 and res.get_json() == {"status": "ok"}
    res = client.get("/ready")
    assert res.status_code == 503 and res.get_json() == {"status": "not_ready", "checks": {"database": "unreachable"}}


def test_ready_needs_schema_at_head_and_a_recent_sweep(migrated, clock):
    client = _app(migrated).test_client()
    res = client.get("/ready")
    assert res.status_code == 503
    assert res.get_json()["checks"] == {"database": "ok", "migrations": "ok", "timer_worker": "never_seen"}
    work.record_sweep(migrated)
    work.record_sweep(migrated)          # an update of the one row, not a second row
    res = client.get("/ready")
    assert res.status_code == 200 and res.get_json()["status"] == "ready"
    clock.set(clock.now() + dt.timedelta(seconds=work_limit() + 1))
    assert client.get("/ready").get_json()["checks"]["timer_worker"] == "stale"
    assert migrated.replay(work.HEARTBEAT_USER, work.HEARTBEAT_KEY) is not None   # the reserved row


def work_limit() -> float:
    from webui.ops import READY_SWEEP_SECONDS

    return READY_SWEEP_SECONDS


def test_ready_refuses_a_schema_behind_the_migrations(sqlite_engine):
    work.record_sweep(sqlite_engine)     # tables made by create_all: no Alembic revision recorded
    res = _app(sqlite_engine).test_client().get("/ready")
    assert res.status_code == 503 and res.get_json()["checks"]["migrations"] == "not_at_head"


def test_metrics_only_for_loopback_or_the_token(sqlite_engine):
    app = _app(sqlite_engine, BVTE_METRICS_TOKEN="s3cret-token")
    client = app.test_client()
    assert client.get("/metrics").status_code == 200                                  # loopback
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    res = client.get("/metrics", environ_base=remote)
    assert res.status_code == 401 and res.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 401   # via a proxy
    assert client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer nope"}).status_code == 403
    res = client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer s3cret-token"})
    assert res.status_code == 200 and "bvte_open_tasks" in res.get_data(as_text=True)
    no_token = _app(sqlite_engine).test_client()
    assert no_token.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer "}).status_code == 403


def test_metrics_count_requests_by_rule_and_read_the_work(engine, clock):
    client = _app(engine).test_client()

    def scrape() -> str:
        return client.get("/metrics").get_data(as_text=True)

    def requests(route: str, status: str) -> float:
        found = re.search(rf'^bvte_http_requests_total{{method="GET",route="{re.escape(route)}",status="{status}"}} '
                          r"(\S+)$", scrape(), re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    before = requests("/api/v1/tasks/<task_id>", "401")
    for i in range(3):
        client.get(f"/api/v1/tasks/{i}")
    assert requests("/api/v1/tasks/<task_id>", "401") == before + 3
    assert "/api/v1/tasks/0" not in scrape()                       # the rule, never the raw path
    assert 'bvte_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/v1/tasks/<task_id>"}' \
        in scrape() or 'route="/api/v1/tasks/<task_id>"' in scrape()
    assert 'bvte_http_request_duration_seconds_count{method="GET",route="/api/v1/tasks/<task_id>"}' in scrape()

    registry.default_intake().intake.open_case(engine, REPORT, actor_for(engine, "tongdai111"))
    text = scrape()
    with engine.db.read() as s:
        tasks = s.execute(select(func.count()).select_from(OpenTask)).scalar_one()
        first_due = s.execute(select(func.min(Timer.due_at))).scalar_one()
    assert tasks >= 1 and _gauge(text, "bvte_open_tasks") == tasks
    assert _gauge(text, "bvte_overdue_tasks") == 0 and _gauge(text, "bvte_due_timers") == 0
    assert _gauge(text, "bvte_oldest_due_timer_lateness_seconds") == 0
    clock.set(first_due + dt.timedelta(minutes=30))                 # the first limit passed, nobody swept
    text = scrape()
    assert _gauge(text, "bvte_due_timers") >= 1 and _gauge(text, "bvte_overdue_tasks") >= 1
    assert _gauge(text, "bvte_oldest_due_timer_lateness_seconds") == 1800
    assert 'bvte_incidents{kind="failing"} 0.0' in text and 'bvte_incidents{kind="stalled"} 0.0' in text
    assert "bvte_timer_worker_last_sweep_age_seconds" not in text
    work.record_sweep(engine)
    clock.set(clock.now() + dt.timedelta(seconds=42))
    assert _gauge(scrape(), "bvte_timer_worker_last_sweep_age_seconds") == 42
    assert REPORT["child_name"] not in text


def test_log_lines_have_time_level_logger_and_key_values():
    record = logging.LogRecord("bvte.timers", logging.ERROR, __file__, 1, "database error, retrying in %d s",
                               (10,), None)
    record.attempt = 2
    record.step = "Đánh giá ban đầu"
    line = KeyValueFormatter(FORMAT).format(record)
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR bvte\.timers: database error, retrying in 10 s "
                    r'attempt=2 step="Đánh giá ban đầu"$', line), line


def test_gunicorn_workers_share_the_request_counters(tmp_path, cli_clock):
    """Under gunicorn with several workers (``-c python:webui.gunicorn_conf``: multiprocess mode), a scrape
    counts the requests every worker served; gunicorn's access log has the app's log form."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    url = f"sqlite:///{tmp_path}/served.sqlite3"
    db = Database(url)
    upgrade(db)
    db.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(DATABASE_URL=url, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"))
    out = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:webui.gunicorn_conf", "-w", "3",
                               "-b", f"127.0.0.1:{port}", "webui.wsgi:app"], cwd=root, env=env, stdout=out,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        from concurrent.futures import ThreadPoolExecutor

        def served() -> float:   # requests of a route the start-up probes (/health) do not use
            text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
            n = re.search(r'^bvte_http_requests_total{method="GET",route="/api/v1/docs/init.js",status="200"} '
                          r"(\S+)$", text, re.MULTILINE)
            assert n, text[:2000]
            return float(n.group(1))


        path = "/api/v1/docs/init.js"
        held = []
        for _ in range(2):   # a sync worker that has read half a request serves nobody else until it ends
            conn = socket.create_connection(("127.0.0.1", port), timeout=60)
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            held.append(conn)
            time.sleep(0.2)   # the accept queue is first in, first out: the next one goes to another worker
        with ThreadPoolExecutor(6) as pool:   # the third worker serves these
            list(pool.map(lambda _: urllib.request.urlopen(base + path, timeout=60).close(), range(30)))
        for conn in held:   # the two held workers finish their requests
            conn.sendall(b"Connection: close\r\n\r\n")
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
            conn.close()
            assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        sent = 32
        assert len([f for f in os.listdir(tmp_path / "prom") if f.startswith("counter_")]) == 3
        for _ in range(6):   # several scrapes, answered by different workers: each sees every worker's count
            assert served() == sent
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        out.close()
    log = (tmp_path / "gunicorn.log").read_text()
    assert re.search(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO gunicorn\.access: remote=127\.0\.0\.1 method=GET '
                     r'path="/health" status=200 ', log, re.MULTILINE), log[:2000]
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO gunicorn\.error: Booting worker", log, re.MULTILINE)
