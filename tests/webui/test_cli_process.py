"""The scriptable CLI, one process per action (as a script or a checker drives it): start, show, complete,
and timers moved across processes with ``--now``; a stalled case is reported by ``show`` and ``check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.diff_bpmn import _flows
from tests.support.diff_bpmn import _user
from tests.support.diff_bpmn import doc
from tests.support.diff_bpmn import multi_instance
from tests.support.diff_bpmn import stalled_join

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def bvte(tmp_path, sqlite_engine, cli_clock):
    env = dict(os.environ, DATABASE_URL=sqlite_engine.db.url)

    def call(*args, ok=True):
        res = subprocess.run([sys.executable, "-m", "webui.cli", *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
        if ok:
            assert res.returncode == 0, res.stdout + res.stderr
        return res
    return call


def _write(tmp_path, files):
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    return paths


def test_multi_instance_case_driven_one_process_per_action(bvte, tmp_path):
    bvte("deploy", *_write(tmp_path, multi_instance("mi_cli", False, False)))
    started = json.loads(bvte("cases", "start", "mi_cli", "--commune", "X01", "--json").stdout)
    for _ in range(3):
        view = json.loads(bvte("cases", "show", started["id"], "--json").stdout)
        assert view["problem"] is None and [t["name"] for t in view["open_tasks"]] == ["each"] * 3
        bvte("tasks", "complete", view["open_tasks"][0]["id"], "--as", "canbo.x01", "--data", '{"note": "xong"}')
        break
    for _ in range(2):
        view = json.loads(bvte("cases", "show", started["reference"], "--json").stdout)
        bvte("tasks", "complete", view["open_tasks"][0]["id"], "--as", "canbo.x01")
    view = json.loads(bvte("cases", "show", started["id"], "--json").stdout)
    assert [t["name"] for t in view["open_tasks"]] == ["after"]
    assert set(view) == {"id", "reference", "status", "process", "version", "commune", "open_tasks", "timers",
                         "waiting_for", "problem"}
    bvte("tasks", "complete", view["open_tasks"][0]["id"], "--as", "canbo.x01")
    assert json.loads(bvte("cases", "show", started["id"], "--json").stdout)["status"] == "closed"


def test_refusals_are_one_sentence_and_exit_1(bvte, tmp_path):
    bvte("deploy", *_write(tmp_path, multi_instance("mi_cli", False, False)))
    started = json.loads(bvte("cases", "start", "mi_cli", "--commune", "X01", "--json").stdout)
    task = json.loads(bvte("cases", "show", started["id"], "--json").stdout)["open_tasks"][0]["id"]
    for args in (["tasks", "complete", task, "--as", "congan.x01"], ["tasks", "complete", task, "--as", "nobody"],
                 ["tasks", "complete", task, "--as", "canbo.x01", "--data", "[1]"], ["cases", "show", "nope"]):
        res = bvte(*args, ok=False)
        assert res.returncode == 1 and "Traceback" not in res.stderr and res.stderr.strip(), args


def test_timers_move_across_processes_with_now(bvte, tmp_path):
    body = ('<bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="wait_2h"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>"PT2H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            + _user("later") + '<bpmn:endEvent id="e"/>' + _flows("s", "wait_2h", "later", "e"))
    bvte("deploy", *_write(tmp_path, doc("later_cli", body)))
    case = json.loads(bvte("cases", "start", "later_cli", "--commune", "X01", "--json").stdout)["id"]
    view = json.loads(bvte("cases", "show", case, "--json").stdout)
    assert view["open_tasks"] == [] and [t["name"] for t in view["timers"]] == ["wait_2h"]
    bvte("timers", "run", "--once", "--now", "2026-11-20T16:00:00+00:00")        # 1 h later: not yet
    assert json.loads(bvte("cases", "show", case, "--json").stdout)["open_tasks"] == []
    bvte("timers", "run", "--once", "--now", "2026-11-20T17:00:01+00:00")
    assert [t["name"] for t in json.loads(bvte("cases", "show", case, "--json").stdout)["open_tasks"]] == ["later"]


def test_now_is_refused_without_the_test_clock(bvte, monkeypatch):
    monkeypatch.delenv("BVTE_TEST_CLOCK")
    res = subprocess.run([sys.executable, "-m", "webui.cli", "timers", "run", "--once", "--now",
                          "2026-11-20T17:00:01+00:00"], cwd=ROOT, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "BVTE_TEST_CLOCK"}, timeout=60)
    assert res.returncode == 2 and "BVTE_TEST_CLOCK" in res.stderr


def test_a_stalled_case_is_reported_by_show_and_check(bvte, tmp_path):
    """A modelling error BVTE cannot refuse up front: an exclusive choice into a parallel join. The case
    stops with no task, timer or event; ``show`` says so, ``check`` lists it and exits 1."""
    bvte("deploy", *_write(tmp_path, stalled_join("stuck_cli")))
    case = json.loads(bvte("cases", "start", "stuck_cli", "--commune", "X01", "--json").stdout)
    task = json.loads(bvte("cases", "show", case["id"], "--json").stdout)["open_tasks"][0]["id"]
    bvte("tasks", "complete", task, "--as", "canbo.x01")
    view = json.loads(bvte("cases", "show", case["id"], "--json").stdout)
    assert view["status"] == "open" and view["open_tasks"] == [] and "join" in view["problem"]
    res = bvte("check", ok=False)
    assert res.returncode == 1 and case["reference"] in res.stdout and "cannot move" in res.stdout


def test_serve_stops_all_its_children_on_sigterm(sqlite_engine, cli_clock):
    """``bvte serve`` started, then SIGTERM: gunicorn, its workers and the timer worker are all gone."""
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=sqlite_engine.db.url)
    serve = subprocess.Popen([sys.executable, "-m", "webui.cli", "serve", "--port", str(port), "--workers", "2"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        children = subprocess.run(["pgrep", "-g", str(serve.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 4          # serve, gunicorn master, 2 workers, timer worker
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 20
        left = children
        while left and time.monotonic() < deadline:
            left = subprocess.run(["pgrep", "-g", str(serve.pid)], capture_output=True, text=True).stdout.split()
            time.sleep(0.2)
        assert left == []
    finally:
        try:
            os.killpg(serve.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
