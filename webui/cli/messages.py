"""``bvte messages send`` and ``bvte signals send``: deliver a message or a signal a case waits for, with the
same permission check, payload validation and audit as the API and the case page (``engine.messages``)."""

from __future__ import annotations

import click

from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly
from webui.cli.common import json_object


def _actor(target, username):
    if username is None:
        return cli_actor()
    from engine.accounts import active_actor

    actor = active_actor(target, username)
    if actor is None:
        fail(f"no active user '{username}'")
    return actor


@click.group()
def messages():
    """Messages to cases."""


@messages.command("send")
@click.argument("name")
@click.option("--case", "case_ref", default=None, help="case id or reference")
@click.option("--commune", default=None, help="without --case: start a case of each process whose start event "
                                               "waits for NAME, in this commune")
@click.option("--data", "data_json", default="{}", help="JSON object: the message's payload")
@click.option("--as", "username", required=True, help="the user who sends it (their agency must be allowed to)")
@friendly
def messages_send(name, case_ref, commune, data_json, username):
    """Deliver message NAME to a case that waits for it (or start cases with it: message start events)."""
    from engine import messages as service

    data = json_object(data_json, "--data")
    target = engine()
    if case_ref is None:
        if not commune:
            fail("give --case, or --commune to start a case with the message")
        started = service.start_on_message(target, service.check_name(name), data, _actor(target, username), commune)
        if not started:
            fail(f"no process you may start starts with message '{name}'")
        click.echo("started " + ", ".join(target.get_case(c).reference for c in started))
        return
    case = service.find_case(target, case_ref)
    service.deliver(target, case.id, "message", service.check_name(name), data, _actor(target, username))
    case = target.get_case(case.id)
    click.echo(f"delivered; case {case.reference} is {case.status}")


@click.group()
def signals():
    """Signals to cases."""


@signals.command("send")
@click.argument("name")
@click.option("--case", "case_ref", default=None, help="one case (id or reference); else every case waiting")
@click.option("--commune", default=None, help="only the waiting cases of this commune")
@click.option("--data", "data_json", default="{}", help="JSON object: the signal's payload")
@click.option("--as", "username", default=None, help="the user who sends it (default: this operator, audited)")
@friendly
def signals_send(name, case_ref, commune, data_json, username):
    """Deliver signal NAME to one case, or to every open case waiting for it (of a commune)."""
    from engine import messages as service

    data = json_object(data_json, "--data")
    target = engine()
    actor = _actor(target, username)
    if case_ref:
        case = service.find_case(target, case_ref)
        service.deliver(target, case.id, "signal", service.check_name(name), data, actor)
        click.echo(f"delivered to {target.get_case(case.id).reference}")
        return
    reached = service.broadcast(target, service.check_name(name), data, actor, commune=commune)
    click.echo(f"delivered to {len(reached)} case(s)")
    if not reached:
        fail(f"no open case waits for signal '{name}'")


COMMANDS = [messages, signals]
