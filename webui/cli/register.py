"""``bvte register``: the register's retention period, anonymising closed records, exporting one record, the
periodic follow-ups of children in special circumstances (``followups start``, ``followups interval``).

Every command is audited: ``register.retention_set``, ``register.anonymise`` (one event per record) or
``register.anonymise_dry_run``, ``register.export``.
"""

from __future__ import annotations

import json

import click

from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


def _register():
    from webui.register_scope import main_register

    reg = main_register()
    if reg is None:
        fail("no installed procedure keeps a register")
    return reg


@click.group()
def register():
    """The register of persons (children) and its data protection."""


@register.command("retention")
@click.option("--province", required=True)
@click.option("--years", type=click.IntRange(1, 100), help="set it (omit to show it)")
@friendly
def register_retention(province, years):
    """Show or set the years after a record closed before it is anonymised."""
    from engine.register import service

    eng = engine()
    if years is not None:
        service.set_retention(eng, cli_actor().username, province, years)
    shown = service.retention_of(eng, province, _register().default_retention_years)
    click.echo(f"{province}: closed records are anonymised {shown} years after they closed")


@register.command("anonymise")
@click.option("--province", required=True)
@click.option("--dry-run", is_flag=True, help="list the records that are due, change nothing")
@friendly
def register_anonymise(province, dry_run):
    """Anonymise the province's records closed for longer than its retention period."""
    from engine.register import service

    years, due = service.anonymise_due(engine(), cli_actor().username, province,
                                       _register().default_retention_years, dry_run)
    for d in due:
        click.echo(f"{d.person_id}  closed since {d.closed_since:%Y-%m-%d}  cases {d.cases}")
    verb = "due (dry run, nothing changed)" if dry_run else "anonymised"
    click.echo(f"{province}: {len(due)} record(s) {verb}; retention {years} years")


@register.command("export")
@click.argument("person_id")
@click.option("--requester", required=True, help="who asked (a person or an authority)")
@click.option("--basis", required=True, help="the legal basis and the request's document number")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="file (default: standard output)")
@friendly
def register_export(person_id, requester, basis, out):
    """One person's whole record as JSON, for a lawful request."""
    from engine.register import service

    data = service.export(engine(), cli_actor().username, person_id, requester, basis)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(body + "\n")
        click.echo(f"written to {out}")
    else:
        click.echo(body)


@register.group("followups")
def register_followups():
    """The periodic follow-up of children in special circumstances (one case per group membership)."""


def _followups():
    from webui.register_scope import main_register

    hook = getattr(main_register(), "followups", None)
    if hook is None:
        fail("the installed register keeps no periodic follow-up")
    return hook()


@register_followups.command("start")
@click.option("--province", required=True)
@friendly
def followups_start(province):
    """Start the follow-up of every running group membership of the province that has none (idempotent)."""
    started = _followups().ensure_followups(engine(), province)
    click.echo(f"{province}: {started} follow-up(s) started")


@register_followups.command("interval")
@click.option("--province", required=True)
@click.option("--group", "group", help="the group's code (Luật Trẻ em Điều 10.1: a, b, c, d, dd, e ... o)")
@click.option("--months", type=int, help="set it (omit to show every group)")
@friendly
def followups_interval(province, group, months):
    """Show or set the months between two periodic reviews of a child in a group."""
    fu = _followups()
    eng = engine()
    if months is not None:
        if not group:
            fail("--months needs --group")
        moved = fu.set_months(eng, cli_actor().username, province, group, months)
        click.echo(f"{province} {group}: {moved} running follow-up(s) rescheduled")
    for code, n in fu.months_for(eng, province).items():
        if not group or code == group:
            click.echo(f"{province} {code}: every {n} month(s)")


COMMANDS = [register]
