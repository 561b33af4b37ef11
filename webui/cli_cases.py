"""``bvte cases start|show`` and ``bvte tasks complete``: a scriptable CLI with stable JSON output.

Each call is its own process with its own ``Engine``, so a script driving a case one call per action
checks that whatever one process does with a case, any other continues. ``tasks complete`` goes
through the same validation, permissions and audit as the web form (``Engine.complete_task``).
"""

from __future__ import annotations

import json
import sys

import click

from webui.cli import _cli_actor
from webui.cli import cases
from webui.cli import friendly
from webui.cli import make_engine
from webui.cli import tasks


def _json_object(text: str, option: str) -> dict:
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        click.echo(f"Lỗi / error: {option} must be a JSON object", err=True)
        sys.exit(1)
    return data


@cases.command("start")
@click.argument("process_id")
@click.option("--commune", required=True, help="commune code where it happened")
@click.option("--data", "data_json", default="{}", help="JSON object: the start event's data")
@click.option("--json", "as_json", is_flag=True, help='print {"id": …, "reference": …}')
@friendly
def cases_start(process_id, commune, data_json, as_json):
    """Start a case of any deployed process (the child-protection intake has its own form and API)."""
    data = _json_object(data_json, "--data")
    case = make_engine().start_case(process_id, data, _cli_actor(), incident_commune=commune)
    if as_json:
        click.echo(json.dumps({"id": case.id, "reference": case.reference}))
    else:
        click.echo(f"started {case.reference} ({case.id})")


@cases.command("show")
@click.argument("case_ref")
@click.option("--json", "as_json", is_flag=True, help="stable JSON (for scripts)")
@friendly
def cases_show(case_ref, as_json):
    """A case: status, open tasks, timers, what it waits for, and whether it is stuck."""
    from engine.status import describe

    view = describe(make_engine(), case_ref)
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False))
        return
    click.echo(f"{view['reference']}  {view['status']}  {view['process']} v{view['version']}  xã {view['commune']}")
    for t in view["open_tasks"]:
        click.echo(f"  task  {t['id']}  {t['name']}  {t['agency']}  due {t['due_at'] or '-'}")
    for t in view["timers"]:
        click.echo(f"  timer {t['name']}  due {t['due_at']}")
    for w in view["waiting_for"]:
        click.echo(f"  waits {w['kind']} {w['name']}")
    if view["problem"]:
        click.echo(f"  PROBLEM: {view['problem']}")


@tasks.command("complete")
@click.argument("task_id")
@click.option("--as", "username", required=True, help="the user who completes it (their agency must hold it)")
@click.option("--data", "data_json", default="{}", help="JSON object: the form's data")
@friendly
def tasks_complete(task_id, username, data_json):
    """Complete a task as a user: the web form's validation, permissions and audit."""
    from engine.accounts import active_actor

    data = _json_object(data_json, "--data")
    engine = make_engine()
    actor = active_actor(engine, username)
    if actor is None:
        click.echo(f"Lỗi / error: no active user '{username}'", err=True)
        sys.exit(1)
    case = engine.complete_task(task_id, data, actor)
    click.echo(f"completed; case {case.reference} is {case.status}")
