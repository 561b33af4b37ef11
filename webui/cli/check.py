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
@click.option("--checkpoints", default=None,
              help="checkpoint file(s) kept outside the database (default: BVTE_AUDIT_CHECKPOINTS)")
@friendly
def audit_verify(checkpoints):
    """Verify the audit log's hash chain (signed with the audit key), the case states its writes recorded,
    and the checkpoints kept outside the database. Exit 1 if anything was edited, removed or forged."""
    from engine.admin import verify_audit

    problems = verify_audit(engine(), checkpoints)
    for p in problems:
        click.echo(p)
    click.echo("audit chain intact" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@audit.command("checkpoint")
@click.option("--checkpoints", default=None, help="checkpoint file(s) (default: BVTE_AUDIT_CHECKPOINTS)")
@friendly
def audit_checkpoint(checkpoints):
    """Append the audit chain's newest row to the checkpoint file (the timer worker does it every sweep)."""
    from engine.admin import checkpoint_audit

    wrote = checkpoint_audit(engine(), checkpoints)
    click.echo("checkpoint written" if wrote else "nothing new to checkpoint (or no checkpoint file configured)")


COMMANDS = [check_cmd, audit]
