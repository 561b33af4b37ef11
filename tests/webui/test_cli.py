"""The bvte command line, run as a user would (a real subprocess for set-up, CliRunner for the rest)."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.support.bpmn_snippets import script_process
from webui.cli import main
from workflows import BPMN_DIR

MAIN_BPMN = os.path.join(BPMN_DIR, "child_protection_case.bpmn")


@pytest.fixture
def cli(tmp_path, monkeypatch, cli_clock):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_validate_good_file(cli):
    res = cli("validate", MAIN_BPMN)
    assert res.exit_code == 0 and "OK: child_protection_case" in res.output


def test_validate_hostile_file_lists_element_and_runs_nothing(cli, tmp_path):
    marker = tmp_path / "ran"
    evil = tmp_path / "evil.bpmn"
    evil.write_bytes(script_process(f"import os\nopen({str(marker)!r}, 'w')"))
    res = cli("validate", str(evil))
    assert res.exit_code == 1
    assert res.output.startswith("evil_script: ")
    assert not marker.exists()


def test_validate_xxe(cli, tmp_path):
    evil = tmp_path / "xxe.bpmn"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
    res = cli("validate", str(evil))
    assert res.exit_code == 1 and "xxe.bpmn: " in res.output and "root:" not in res.output


def test_validate_missing_file(cli):
    res = cli("validate", "/nonexistent.bpmn")
    assert res.exit_code != 0


@pytest.mark.parametrize("args,expected", [
    (["--from", "2027-02-03T09:00", "--working-days", "5"], "2027-02-17T23:59:59+07:00"),
    (["--from", "2026-11-20T22:00", "--hours", "12"], "2026-11-21T10:00:00+07:00"),
    (["--from", "2026-11-20T15:00:00Z", "--hours", "12"], "2026-11-21T10:00:00+07:00"),
    (["--from", "2026-11-20T10:00+07:00", "--days", "15"], "2026-12-07T23:59:59+07:00"),
])
def test_deadline(cli, args, expected):
    res = cli("deadline", *args)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == expected


@pytest.mark.parametrize("args", [["--from", "yesterday", "--hours", "12"],
                                  ["--from", "2026-11-20T10:00"],
                                  ["--from", "2026-11-20T10:00", "--hours", "0"],
                                  ["--from", "2026-11-20T10:00", "--hours", "1", "--days", "1"]])
def test_deadline_bad_input_is_a_sentence(cli, args):
    res = cli("deadline", *args)
    assert res.exit_code == 1 and "error" in res.output.lower() and "Traceback" not in res.output


def test_full_cli_cycle(cli, tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite3")
    up = subprocess.run([sys.executable, "-m", "webui.cli", "db", "upgrade"], env=env, capture_output=True,
                        text=True, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    res = cli("seed-demo")
    assert res.exit_code == 0 and "canbo.x01" in res.output
    assert "already" in cli("seed-demo").output
    res = cli("deploy", MAIN_BPMN)
    assert res.exit_code == 0 and "version 1" in res.output
    res = cli("tasks", "list", "--agency", "commune_officer.X01")
    assert res.exit_code == 0 and "0 open task(s)" in res.output
    assert cli("tasks", "list", "--agency", "nope").exit_code == 1
    assert cli("cases", "list").exit_code == 0
    res = cli("timers", "run", "--once")
    assert res.exit_code == 0 and "fired timers of 0" in res.output
    res = cli("check")
    assert res.exit_code == 0 and "0 problem(s)" in res.output
    res = cli("audit", "verify")
    assert res.exit_code == 0 and "intact" in res.output
    res = cli("calendar", "set", "2026-12-31", "--off", "--note", "Nghỉ bù")
    assert res.exit_code == 0
    assert cli("calendar", "set", "31/12/2026", "--off", "--note", "x").exit_code == 1


def test_database_error_is_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    res = CliRunner().invoke(main, ["cases", "list"])
    assert res.exit_code == 2 and "database error" in res.output


def test_the_cli_names_no_procedure():
    """Procedures come from ``workflows.registry`` (the ``--process`` default, the sweep hooks): outside its
    comments, no module of ``webui/cli`` names one."""
    import io
    import pathlib
    import re
    import tokenize

    cli_dir = pathlib.Path(__file__).resolve().parents[2] / "webui" / "cli"
    named = re.compile(r"child_protection|child_key|trafficking", re.IGNORECASE)
    found = []
    for path in sorted(cli_dir.rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        found += [f"{path.name}:{t.start[0]}: {t.string}" for t in tokens
                  if t.type != tokenize.COMMENT and named.search(t.string)]
    assert found == []


def test_the_cli_holds_no_sql():
    """Commands call engine and workflows service functions; none builds a query or opens a session."""
    import pathlib

    cli_dir = pathlib.Path(__file__).resolve().parents[2] / "webui" / "cli"
    found = [f"{p.name}: {word}" for p in sorted(cli_dir.rglob("*.py")) for word in
             ("sqlalchemy import select", "select(", ".db.read(", ".db.write(", ".db.first(", "engine.models")
             if word in p.read_text(encoding="utf-8")]
    assert found == []


def test_the_process_default_is_the_registrys():
    from workflows.registry import default_intake

    res = CliRunner().invoke(main, ["cases", "migrate", "--help"])
    assert f"[default: {default_intake().config.process_id}]" in res.output


def test_one_composition_root_picks_the_clock(tmp_path, monkeypatch):
    from engine.clock import FixedClock
    from engine.clock import SystemClock
    from engine.clock_settable import SettableClock
    from webui.compose import build_engine
    from workflows.registry import procedures

    url = f"sqlite:///{tmp_path}/compose.sqlite3"
    monkeypatch.delenv("BVTE_TEST_CLOCK", raising=False)
    assert isinstance(build_engine(url).clock, SystemClock)
    assert isinstance(build_engine(url, test_clock=False).clock, SystemClock)
    monkeypatch.setenv("BVTE_TEST_CLOCK", "1")
    monkeypatch.setenv("BVTE_TEST_NOW", "2027-01-04T09:00:00+07:00")
    monkeypatch.setenv("BVTE_TEST_CLOCK_FILE", str(tmp_path / "clock"))
    engine = build_engine(url)
    assert isinstance(engine.clock, SettableClock)
    assert engine.now() == dt.datetime.fromisoformat("2027-01-04T09:00:00+07:00")
    assert isinstance(build_engine(url, test_clock=False).clock, SystemClock)
    fixed = FixedClock(engine.now())
    assert build_engine(url, fixed).clock is fixed
    registry = build_engine(url).registry
    assert all(registry.get(p.config.process_id) is not None for p in procedures())


def test_audit_signed_checkpointed_and_verified_from_the_cli(cli, tmp_path, monkeypatch):
    """Issue #18.6 from the command line: with a key file the chain is signed; the timer worker (and
    ``audit checkpoint``) pin its tail outside the database; ``audit verify`` finds the tail cut."""
    from sqlalchemy import delete
    from sqlalchemy import select
    from sqlalchemy import update

    from engine import audit
    from engine.db import Database
    from engine.migrate import upgrade
    from engine.models import AuditEvent
    from engine.models import AuditHead

    key = tmp_path / "audit.key"
    key.write_bytes(b"a-test-audit-key-of-thirty-two-bytes")
    marks = tmp_path / "audit.checkpoints"
    monkeypatch.setenv("BVTE_AUDIT_KEY_FILE", str(key))
    monkeypatch.setenv("BVTE_AUDIT_CHECKPOINTS", str(marks))
    db = Database(f"sqlite:///{tmp_path}/cli.sqlite3")
    upgrade(db)
    try:
        assert cli("seed-demo").exit_code == 0
        res = cli("timers", "run", "--once")                    # a sweep also writes the checkpoint
        assert res.exit_code == 0 and marks.exists()
        assert "intact" in cli("audit", "verify").output
        assert "nothing new" in cli("audit", "checkpoint").output
        with db.write_engine.begin() as conn:                   # the owner drops the trigger, cuts the tail
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            newest = conn.execute(select(AuditEvent.id, AuditEvent.prev_hash)
                                  .order_by(AuditEvent.id.desc()).limit(1)).first()
            conn.execute(delete(AuditEvent).where(AuditEvent.id == newest.id))
            conn.execute(update(AuditHead).values(hash=newest.prev_hash))
        res = cli("audit", "verify")
        assert res.exit_code == 1 and "cut" in res.output
    finally:
        audit.set_key(None)
        db.dispose()
