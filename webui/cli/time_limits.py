"""``bvte deadline`` and ``bvte calendar set|clear``: time limits as the Civil Code counts them."""

from __future__ import annotations

import datetime as dt

import click

from engine.workdays import UNITS
from engine.workdays import compute_due
from engine.workdays import parse_instant
from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


@click.command("deadline")
@click.option("--from", "start", required=True, help="start instant, ISO 8601 (no offset = Vietnam time)")
@click.option("--hours", type=int)
@click.option("--days", type=int)
@click.option("--working-days", type=int)
@friendly
def deadline_cmd(start, hours, days, working_days):
    """Print the due instant of a time limit, counted as the Civil Code counts, in ISO 8601."""
    given = [(u, v) for u, v in (("hours", hours), ("days", days), ("working_days", working_days)) if v is not None]
    if len(given) != 1:
        fail("give exactly one of --hours, --days, --working-days")
    unit, amount = given[0]
    assert unit in UNITS
    try:
        instant = parse_instant(start)
    except ValueError:
        fail(f"--from '{start}' is not an ISO 8601 date-time")
    if amount < 1:
        fail("the amount must be at least 1")
    calendar = _calendar_or_default()
    click.echo(compute_due(instant, amount, unit, calendar).isoformat())


def _calendar_or_default():
    """Administrator overrides from the database when it is reachable; the public calendar otherwise."""
    from engine.workdays import WorkCalendar

    try:
        return engine().calendar()
    except Exception:
        return WorkCalendar()


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"'{text}' is not a date (YYYY-MM-DD)")


@click.group()
def calendar():
    """Working-day calendar overrides (e.g. a Tết schedule announced late)."""


@calendar.command("set")
@click.argument("day")
@click.option("--working/--off", required=True)
@click.option("--note", required=True)
@friendly
def calendar_set(day, working, note):
    d = _day(day)
    engine().set_calendar_day(d, working, note, cli_actor())
    click.echo(f"{d} is now a {'working day' if working else 'day off'}")


@calendar.command("clear")
@click.argument("day")
@friendly
def calendar_clear(day):
    d = _day(day)
    removed = engine().clear_calendar_day(d, cli_actor())
    click.echo(f"{d}: override {'removed' if removed else 'not found'}")


COMMANDS = [deadline_cmd, calendar]
