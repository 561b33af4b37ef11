"""``bvte deadline``, ``bvte calendar set|clear`` (national) and ``bvte calendar province`` (a province's own
day, #20.5: previewed with ``--preview``, else applied with the running deadlines it moves): time limits as the
Civil Code counts them."""

from __future__ import annotations

import datetime as dt

import click

from engine.workdays import UNITS
from engine.workdays import VN_TZ
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


@calendar.command("province")
@click.argument("province")
@click.argument("day")
@click.option("--off", "kind", flag_value="off", help="a day off for the province")
@click.option("--working", "kind", flag_value="working", help="a working day (swapped) for the province")
@click.option("--clear", "kind", flag_value="clear", help="remove the province's own declaration of the day")
@click.option("--document", default="", help="the deciding document's number")
@click.option("--document-date", default="", help="the deciding document's date, YYYY-MM-DD")
@click.option("--reason", required=True, help="why the calendar changes (required)")
@click.option("--note", default="")
@click.option("--preview", is_flag=True, help="only list the running deadlines that would move")
@friendly
def calendar_province(province, day, kind, document, document_date, reason, note, preview):
    """A province's own day: the running deadlines it moves (old -> new, Vietnam time), then applied."""
    from engine import calendar_moves

    if kind is None:
        fail("give one of --off, --working, --clear")
    change = calendar_moves.Change(province, _day(day), {"off": False, "working": True, "clear": None}[kind],
                                   document, _day(document_date) if document_date else None, note, reason)
    eng = engine()
    if preview:
        moves = calendar_moves.preview(eng, change)
    else:
        moves = calendar_moves.apply(eng, change, cli_actor().label)
    for m in moves:
        old, new = (x.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") for x in (m.old, m.new))
        click.echo(f"{m.reference}\t{m.kind}\t{m.rule}\t{old} -> {new}")
    click.echo(f"{len(moves)} running deadline(s) {'would move' if preview else 'moved'}")


COMMANDS = [deadline_cmd, calendar]
