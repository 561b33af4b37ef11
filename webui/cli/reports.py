"""``bvte reports schedule``: a province's calendar of statutory reports."""

from __future__ import annotations

import click

from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


@click.group()
def reports():
    """Statutory report schedules."""


@reports.command("schedule")
@click.option("--province", required=True)
@click.option("--code", required=True, help="e.g. ky_1")
@click.option("--label", required=True)
@click.option("--due", required=True, help="DD/MM, the day the report is due each year")
@click.option("--remind-days", type=click.IntRange(1, 90), default=10, show_default=True)
@friendly
def reports_schedule(province, code, label, due, remind_days):
    """Add or change a report of a province's reporting calendar."""
    from workflows.reporting import set_schedule

    try:
        day, month = (int(x) for x in due.split("/"))
    except ValueError:
        fail(f"--due '{due}' must be DD/MM")
    set_schedule(engine(), province, code, label, month, day, remind_days)
    click.echo(f"{province} {code}: due {day:02d}/{month:02d}, reminder {remind_days} days before")


COMMANDS = [reports]
