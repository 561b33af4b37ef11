"""``bvte timers run``: the timer worker (escalations and every procedure's sweep hooks)."""

from __future__ import annotations

import os

import click

from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly
from webui.cli.common import worker_loop


@click.group()
def timers():
    """The timer worker."""


def _clock_at(now_text: str | None):
    """The fixed clock of ``--now`` (only with the test clock, never in production); None without it."""
    from engine.clock import FixedClock
    from engine.clock_settable import parse_aware

    if now_text is None:
        return None
    if os.environ.get("BVTE_TEST_CLOCK") != "1" or os.environ.get("BVTE_ENV") == "production":
        fail("--now needs BVTE_TEST_CLOCK=1 and is refused in production", 2)
    try:
        return FixedClock(parse_aware(now_text, "--now"))
    except ValueError as exc:
        fail(str(exc), 2)


@timers.command("run")
@click.option("--once", is_flag=True, help="sweep once and exit")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=5.0, show_default=True)
@click.option("--now", "now_text", default=None, metavar="ISO-INSTANT",
              help="sweep as of this instant (only with BVTE_TEST_CLOCK=1, never in production)")
@friendly
def timers_run(once, interval, now_text):
    """Fire due timers (escalations) — safe to run in several processes at once.

    The worker never dies of a database error: it logs it (with time and level), waits with a
    backoff that doubles up to a minute, and sweeps again once the database answers.
    """
    import logging

    from engine import metrics
    from engine.admin import checkpoint_audit
    from webui.logging_config import configure
    from workflows.registry import run_sweep_hooks

    configure()
    log = logging.getLogger("bvte.timers")
    worker = engine(_clock_at(now_text))

    def sweep() -> int:
        run_sweep_hooks(worker)
        fired = worker.fire_due_timers()
        checkpoint_audit(worker)   # the chain's tail pinned outside the database (BVTE_AUDIT_CHECKPOINTS)
        metrics.record_sweep(worker)   # the heartbeat /ready reads
        return fired

    worker_loop(sweep, db=worker.db, log=log, interval=interval, once=once, done="fired timers of %d case(s)",
                failed="sweep")


COMMANDS = [timers]
