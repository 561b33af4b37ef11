"""``bvte check`` and ``bvte audit verify``: is the stored data what it should be? Exit 1 when not."""

from __future__ import annotations

import sys

import click

from webui.cli.common import engine
from webui.cli.common import friendly


@click.command("check")
@friendly
def check_cmd():
    """Check that every open case's state, open-task table and timer table agree. Exit 1 on mismatch."""
    from engine.consistency import check

    problems, checked = check(engine())
    for p in problems:
        click.echo(p)
    click.echo(f"checked {checked} case(s): {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@click.group()
def audit():
    """The audit trail."""


@audit.command("verify")
@friendly
def audit_verify():
    """Verify the audit log's hash chain. Exit 1 if a row was edited or removed."""
    from engine.admin import verify_audit

    problems = verify_audit(engine())
    for p in problems:
        click.echo(p)
    click.echo("audit chain intact" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


COMMANDS = [check_cmd, audit]
