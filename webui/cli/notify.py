"""``bvte notify``: the sender worker (e-mail, SMS) and the people it reaches (contacts, on-duty roster,
quiet hours)."""

from __future__ import annotations

import re

import click

from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly
from webui.cli.common import worker_loop


@click.group()
def notify():
    """Notifications: the sender worker, contacts, on-duty roster, quiet hours."""


def _hhmm(text: str, option: str) -> int:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        fail(f"{option}: expected HH:MM (Vietnam time), got {text!r}", 2)
    return int(m.group(1)) * 60 + int(m.group(2))


@notify.command("run")
@click.option("--once", is_flag=True, help="deliver what is due once and exit")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=1.0, show_default=True)
@click.option("--now", "now_text", default=None, metavar="ISO-INSTANT",
              help="as of this instant (only with BVTE_TEST_CLOCK=1, never in production)")
@friendly
def notify_run(once, interval, now_text):
    """Deliver queued e-mail and SMS (and queue due reminders): safe to run in several processes at once.

    A row is leased to one worker, retried with a doubling backoff (30 s to 1 h) while SMTP or the SMS
    gateway is down, and the worker never dies of a database error (it waits and tries again).
    """
    import logging

    from engine.notify.sender import Sender
    from webui.cli.timers import _clock_at
    from webui.logging_config import configure

    configure()
    log = logging.getLogger("bvte.notify")
    eng = engine(_clock_at(now_text))
    try:
        sender = Sender(eng)
    except ValueError as exc:
        fail(str(exc), 2)
    if not sender.channels:
        log.warning("neither BVTE_SMTP_URL nor BVTE_SMS_WEBHOOK_URL is set: only the in-app bell is served")
    worker_loop(sender.run_once, db=eng.db, log=log, interval=interval, once=once,
                done="handled %d notification(s)", failed="delivery")


@notify.command("contact")
@click.argument("username")
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option("--email-on/--email-off", default=None)
@click.option("--sms-on/--sms-off", default=None)
@friendly
def notify_contact(username, email, phone, email_on, sms_on):
    """Set a user's e-mail, phone and channels (emergency SMS to the on-duty person cannot be switched off)."""
    from engine.notify import admin

    changes = {k: v for k, v in (("email", email), ("phone", phone), ("email_on", email_on),
                                 ("sms_on", sms_on)) if v is not None}
    try:
        admin.set_contact(engine(), username, cli_actor().username, **changes)
    except LookupError as exc:
        fail(str(exc))
    click.echo(f"{username}: {', '.join(sorted(changes)) or 'nothing'} set")


@notify.group("roster")
def roster():
    """The agencies' on-duty roster (who is reachable at night and on days off)."""


@roster.command("add")
@click.option("--agency", required=True, help="agency code, e.g. commune_officer.X01")
@click.option("--user", "username", required=True)
@click.option("--from", "start", required=True, metavar="ISO-INSTANT")
@click.option("--to", "end", required=True, metavar="ISO-INSTANT")
@friendly
def roster_add(agency, username, start, end):
    from engine.clock_settable import parse_aware
    from engine.notify import admin

    try:
        admin.add_shift(engine(), agency, username, parse_aware(start, "--from"), parse_aware(end, "--to"),
                        cli_actor().username)
    except (LookupError, ValueError) as exc:
        fail(str(exc), 2)
    click.echo(f"{username} on duty for {agency} from {start} to {end}")


@roster.command("list")
@click.option("--agency", default=None)
@friendly
def roster_list(agency):
    from engine.notify import admin
    from engine.notify.messages import when

    for code, username, starts, ends in admin.roster(engine(), agency):
        click.echo(f"{code}\t{username}\t{when(starts)}\t{when(ends)}")


@notify.command("quiet-hours")
@click.option("--province", required=True)
@click.option("--from", "start", default="22:00", show_default=True, help="HH:MM, Vietnam time")
@click.option("--to", "end", default="06:00", show_default=True, help="HH:MM, Vietnam time")
@friendly
def quiet_hours(province, start, end):
    """Set a province's quiet hours (e-mail and SMS then wait for the morning digest; emergencies do not)."""
    from engine.notify import admin

    admin.set_quiet_hours(engine(), province, _hhmm(start, "--from"), _hhmm(end, "--to"), cli_actor().username)
    click.echo(f"{province}: quiet hours {start}–{end}")


@notify.command("status")
@click.option("--case", "case_id", default=None)
@friendly
def notify_status(case_id):
    """Notifications by channel and status (queued, sent, failed)."""
    from engine.notify import admin

    for (channel, status), n in sorted(admin.counts(engine(), case_id).items()):
        click.echo(f"{channel}\t{status}\t{n}")


COMMANDS = [notify]
