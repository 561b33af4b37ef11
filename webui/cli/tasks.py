"""``bvte tasks list|complete``: an agency's open tasks, and completing one as a user.

``tasks complete`` goes through the same validation, permissions and audit as the web form
(``Engine.complete_task``).
"""

from __future__ import annotations

import click

from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly
from webui.cli.common import json_object


@click.group()
def tasks():
    """Open tasks."""


@tasks.command("list")
@click.option("--agency", "agency_code", required=True, help="agency code, e.g. commune_officer.X01")
@friendly
def tasks_list(agency_code):
    from engine.directory import agency_by_code

    target = engine()
    agency = agency_by_code(target, agency_code)
    if agency is None:
        fail(f"no agency with code '{agency_code}'")
    rows = target.inbox(agency.id, limit=1000)
    for t in rows:
        due = t.due_at.isoformat() if t.due_at else "-"
        click.echo(f"{t.id}\t{t.task_name}\t{t.commune_code}\tdue {due}\t{t.title}")
    click.echo(f"{len(rows)} open task(s) for {agency.name}")


@tasks.command("complete")
@click.argument("task_id")
@click.option("--as", "username", required=True, help="the user who completes it (their agency must hold it)")
@click.option("--data", "data_json", default="{}", help="JSON object: the form's data")
@friendly
def tasks_complete(task_id, username, data_json):
    """Complete a task as a user: the web form's validation, permissions and audit."""
    from engine.accounts import active_actor

    data = json_object(data_json, "--data")
    target = engine()
    actor = active_actor(target, username)
    if actor is None:
        fail(f"no active user '{username}'")
    case = target.complete_task(task_id, data, actor)
    click.echo(f"completed; case {case.reference} is {case.status}")


COMMANDS = [tasks]
