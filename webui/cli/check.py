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
@click.option("--province", default=None, help="verify this province's chain only (its code, e.g. P01)")
@click.option("--file", "export_file", type=click.Path(dir_okay=False), default=None,
              help="verify an exported chain (bvte audit export) instead of the database; needs --province")
@click.option("--checkpoints", default=None,
              help="checkpoint file(s) kept outside the database (default: BVTE_AUDIT_CHECKPOINTS)")
@friendly
def audit_verify(province, export_file, checkpoints):
    """Verify the audit chains (one per province, and the install-wide one): hashes signed with the audit key,
    the case states their writes recorded, and the checkpoints kept outside the database. Exit 1 if anything
    was edited, removed or forged."""
    from engine.admin import verify_audit

    if export_file is not None:
        from engine import audit_verify

        if not province:
            raise click.UsageError("--file needs --province: the province whose chain was exported")
        engine()   # loads the audit key
        try:
            with open(export_file, encoding="utf-8") as fh:
                problems = audit_verify.verify_export(fh, province)
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"cannot read {export_file}: {exc}") from None
    else:
        problems = verify_audit(engine(), checkpoints, province)
    for p in problems:
        click.echo(p)
    scope = f"audit chain of province {province}" if province else "audit chains"
    click.echo(f"{scope} intact" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@audit.command("export")
@click.option("--province", required=True, help="the province whose chain to export (its code, e.g. P01)")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="file to write (default: standard output)")
@friendly
def audit_export(province, output):
    """Export one province's audit chain as JSON lines (its opening row first), to keep or verify on its own
    (bvte audit verify --province P --file F)."""
    from engine.admin import export_audit

    try:
        lines = export_audit(engine(), province)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    if output is None:
        for line in lines:
            click.echo(line)
        return
    with open(output, "w", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in lines)
    click.echo(f"{len(lines) - 1} row(s) of province {province} written to {output}")


@audit.command("checkpoint")
@click.option("--checkpoints", default=None, help="checkpoint file(s) (default: BVTE_AUDIT_CHECKPOINTS)")
@friendly
def audit_checkpoint(checkpoints):
    """Append each audit chain's newest row to the checkpoint file (the timer worker does it every sweep)."""
    from engine.admin import checkpoint_audit

    wrote = checkpoint_audit(engine(), checkpoints)
    click.echo("checkpoint written" if wrote else "nothing new to checkpoint (or no checkpoint file configured)")


COMMANDS = [check_cmd, audit]
