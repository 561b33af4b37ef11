"""``bvte cases list|migrate|start|show``: a scriptable CLI with stable JSON output.

Each call is its own process with its own ``Engine``, so a script driving a case one call per action
checks that whatever one process does with a case, any other continues.
"""

from __future__ import annotations

import json

import click

from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly
from webui.cli.common import json_object


def _default_process() -> str | None:
    """The process of the first procedure with an intake (what ``--process`` means when not given)."""
    from workflows.registry import default_intake

    procedure = default_intake()
    return procedure.config.process_id if procedure is not None else None


@click.group()
def cases():
    """Cases."""


@cases.command("list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="all")
@click.option("--limit", type=click.IntRange(1, 10000), default=50)
@friendly
def cases_list(status, limit):
    from engine.admin import list_cases

    rows = list_cases(engine(), None if status == "all" else status, limit)
    for c in rows:
        click.echo(f"{c.reference}\t{c.id}\t{c.status}\t{c.commune_code}\t{c.received_at.isoformat()}")
    click.echo(f"{len(rows)} case(s)")


_DEFAULT_PROCESS = _default_process()


@cases.command("migrate")
@click.option("--process", "process_id", default=_DEFAULT_PROCESS, required=_DEFAULT_PROCESS is None,
              show_default=True)
@click.option("--from-version", "from_version", type=int, required=True)
@click.option("--to-version", "to_version", type=int, required=True)
@click.option("--dry-run", is_flag=True)
@friendly
def cases_migrate(process_id, from_version, to_version, dry_run):
    """Move open cases from one process version to another where their current steps exist there."""
    from engine.versions import migrate_cases

    target = engine()
    ids = {v.version: v.id for v in target.versions(process_id)}
    for label, number in (("--from-version", from_version), ("--to-version", to_version)):
        if number not in ids:
            fail(f"{process_id} has no version {number} ({label})")
    results = migrate_cases(target, ids[from_version], ids[to_version], cli_actor(), dry_run=dry_run)
    for r in results:
        click.echo(f"{r.reference}\t{'MOVE' if r.moved else 'STAY'}\t{r.reason}")
    moved = sum(r.moved for r in results)
    click.echo(f"{moved} of {len(results)} open case(s) {'can move' if dry_run else 'moved'}")


@cases.command("start")
@click.argument("process_id")
@click.option("--commune", required=True, help="commune code where it happened")
@click.option("--data", "data_json", default="{}", help="JSON object: the start event's data")
@click.option("--json", "as_json", is_flag=True, help='print {"id": …, "reference": …}')
@friendly
def cases_start(process_id, commune, data_json, as_json):
    """Start a case of any deployed process. A procedure's main process with an intake (e.g. Mẫu 01) is started
    through that intake, as the web form and the API do: the same validation, and no reporter kept without
    consent (#16.7)."""
    from workflows import registry

    data = json_object(data_json, "--data")
    proc = registry.for_process(process_id)
    if proc is not None and proc.intake is not None and process_id == proc.config.process_id:
        case = proc.intake.open_case(engine(), dict(data, incident_commune=commune), cli_actor())
    else:
        case = engine().start_case(process_id, data, cli_actor(), incident_commune=commune)
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

    view = describe(engine(), case_ref)
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


COMMANDS = [cases]
