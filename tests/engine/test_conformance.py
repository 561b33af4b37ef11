"""The conformance corpus (tests/conformance/, written for BVTE, #19 item 6): every file validates, deploys and
runs to the end through the ``bvte`` command line, one command (a new engine) per action: tasks completed,
messages and signals sent, timers fired with the test clock moved. The README's table lists what it shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
from click.testing import CliRunner

from webui.cli import main

CORPUS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "conformance")
FILES = sorted(f for f in os.listdir(CORPUS) if re.fullmatch(r"c\d\d_\w+\.bpmn", f))   # callee.bpmn is called


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, f"bvte {' '.join(args)}: {res.output}"
    return res.output


@pytest.mark.parametrize("name", FILES)
def test_each_file_runs_to_the_end_through_the_cli(sqlite_engine, monkeypatch, cli_clock, name):
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    path = os.path.join(CORPUS, name)
    _run("validate", path)
    _run("deploy", path)
    case = json.loads(_run("cases", "start", name[:-5], "--commune", "X01", "--json"))["id"]
    now, trace = cli_clock, []
    for _ in range(40):
        shown = json.loads(_run("cases", "show", case, "--json"))
        assert shown["problem"] is None, (shown["problem"], trace)
        if shown["status"] == "closed":
            return
        if shown["open_tasks"]:
            task = sorted(shown["open_tasks"], key=lambda t: t["name"])[0]
            _run("tasks", "complete", task["id"], "--as", "canbo.x01", "--data", json.dumps({"note": "xong"}))
            trace.append(task["name"])
        elif shown["waiting_for"]:
            event = shown["waiting_for"][0]
            group = "messages" if event["kind"] == "message" else "signals"
            _run(group, "send", event["name"], "--case", case, "--as", "canbo.x01")
            trace.append(f"{event['kind']}:{event['name']}")
        else:
            assert shown["timers"], trace
            due = min(dt.datetime.fromisoformat(t["due_at"]) for t in shown["timers"])
            now = max(now, due + dt.timedelta(seconds=1))
            _run("timers", "run", "--once", "--now", now.isoformat())
            trace.append("timer")
    pytest.fail(f"{name} did not end: {trace}")
