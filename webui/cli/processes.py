"""``bvte validate`` and ``bvte deploy``: BPMN files checked, then deployed as immutable process versions."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from engine.errors import InvalidProcess
from engine.loader import collect_bundle
from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


def _read_bundle(files) -> dict[str, bytes]:
    for path in files:
        if not os.path.isfile(path):
            fail(f"file not found: {path}")
    bundle = collect_bundle(files[0])
    for path in files[1:]:
        with open(path, "rb") as fh:
            bundle[os.path.basename(path)] = fh.read()
    return bundle


def _print_problems(exc: InvalidProcess) -> NoReturn:
    for element, message in exc.problems:
        click.echo(f"{element}: {message}")
    sys.exit(1)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly
def validate_cmd(files):
    """Validate BPMN FILES (called processes are found beside the first). Exit 1 listing each problem."""
    from engine.clock import SystemClock
    from webui.compose import build_engine

    checker = build_engine("sqlite:///:memory:", SystemClock())   # no database needed to validate
    bundle = _read_bundle(files)
    try:
        parsed = checker.validate(bundle)
    except InvalidProcess as exc:
        _print_problems(exc)
    for element, text in parsed.warnings:   # accepted: normalised or ignored (#19 item 2)
        click.echo(f"warning: {element}: {text}")
    click.echo(f"OK: {parsed.main_id} ({len(parsed.files)} files, sha256 {parsed.content_hash[:12]})")


@click.command("deploy")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly
def deploy_cmd(files):
    """Validate and deploy BPMN FILES as a new immutable process version."""
    target = engine()
    try:
        row = target.deploy(_read_bundle(files), cli_actor())
    except InvalidProcess as exc:
        _print_problems(exc)
    click.echo(f"deployed {row.process_id} version {row.version} (sha256 {row.content_hash[:12]}); new cases start on it")


COMMANDS = [validate_cmd, deploy_cmd]
