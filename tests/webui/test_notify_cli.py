"""``bvte notify``: two sender worker processes send each notification once (SQLite and PostgreSQL);
contacts, the roster, quiet hours and the status counts from the command line."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from engine.clock import FixedClock
from engine.notify import admin
from tests.engine.test_notify_sender import _many
from tests.support.db import START
from tests.support.db import make_seeded_engine
from tests.support.notify_servers import Gateway
from tests.support.notify_servers import SmtpServer
from tests.support.samples import actor_for
from webui.cli.notify import notify

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def seeded(db_url, cli_clock, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    eng = make_seeded_engine(db_url, FixedClock(START))
    yield eng
    eng.db.dispose()


def test_two_sender_processes_send_each_notification_once(seeded):
    _many(seeded, lambda u: actor_for(seeded, u), 40)
    smtp, gateway = SmtpServer().start(), Gateway().start()
    try:
        env = dict(os.environ, BVTE_SMTP_URL=smtp.url, BVTE_MAIL_FROM="bvte@example.invalid",
                   BVTE_SMS_WEBHOOK_URL=gateway.url, BVTE_SMS_WEBHOOK_SECRET="s", BVTE_BASE_URL="https://b.invalid",
                   PYTHONPATH=ROOT)
        procs = [subprocess.Popen([sys.executable, "-m", "webui.cli", "notify", "run", "--once"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
    finally:
        smtp.stop()
        gateway.stop()
    ids = [m["Message-ID"] for _, m in smtp.mailbox.messages]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert len(gateway.calls) == 40 and len({b["id"] for b in gateway.bodies()}) == 40
    assert admin.counts(seeded) == {("app", "sent"): 40, ("email", "sent"): 40, ("sms", "sent"): 40}


def test_contacts_roster_quiet_hours_and_status(seeded, monkeypatch):
    import webui.cli

    monkeypatch.setattr(webui.cli, "make_engine", lambda clock=None: seeded)   # one engine, disposed at the end
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(notify, list(args), catch_exceptions=False)

    res = cli("contact", "congan.x01", "--email", "tuan@ca.example.invalid", "--sms-on")
    assert res.exit_code == 0, res.output
    assert cli("contact", "nobody").exit_code == 1
    res = cli("roster", "add", "--agency", "commune_police.X02", "--user", "congan.x02",
              "--from", "2026-11-20T18:00+07:00", "--to", "2026-11-21T07:00+07:00")
    assert res.exit_code == 0, res.output
    listing = cli("roster", "list", "--agency", "commune_police.X02").output
    assert "congan.x02\t18:00 20/11/2026\t07:00 21/11/2026" in listing
    assert "commune_officer.X01\tcanbo.x01" in cli("roster", "list").output   # the demo roster
    assert cli("roster", "add", "--agency", "nope", "--user", "congan.x02", "--from", "2026-11-20T18:00+07:00",
               "--to", "2026-11-21T07:00+07:00").exit_code == 2
    assert cli("quiet-hours", "--province", "P01", "--from", "21:30", "--to", "06:30").exit_code == 0
    assert cli("quiet-hours", "--province", "P01", "--from", "25:00").exit_code == 2
    from engine.notify import people

    with seeded.db.read() as s:
        assert people.quiet_minutes(s, "P01") == (21 * 60 + 30, 6 * 60 + 30)
    _many(seeded, lambda u: actor_for(seeded, u), 2)
    assert "email\tqueued\t2" in cli("status").output
