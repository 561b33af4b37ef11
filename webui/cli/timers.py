"""``bvte timers run``: the timer worker (escalations and every procedure's sweep hooks)."""

from __future__ import annotations

import os
import signal
import time

import click

from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


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

    from sqlalchemy.exc import SQLAlchemyError

    from engine import metrics
    from engine.admin import checkpoint_audit
    from webui.logging_config import configure
    from workflows.registry import run_sweep_hooks

    configure()
    log = logging.getLogger("bvte.timers")
    worker = engine(_clock_at(now_text))
    stop = {"flag": False}

    def _stop(*_):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    wait = interval
    while True:
        started = time.monotonic()
        try:
            run_sweep_hooks(worker)
            fired = worker.fire_due_timers()
            checkpoint_audit(worker)   # the chain's tail pinned outside the database (BVTE_AUDIT_CHECKPOINTS)
            metrics.record_sweep(worker)   # the heartbeat /ready reads
            wait = interval
        except Exception as exc:   # restarted, unreachable, read-only, locked, or a bug: wait and retry
            if once:
                raise
            wait = min(max(wait * 2, interval), 60.0)
            text = str(getattr(exc, "orig", exc)).strip()
            worker.db.dispose()   # reconnect next time: a pooled session may keep a failed-over server's state
            if isinstance(exc, SQLAlchemyError):
                log.error("database error, retrying in %.0f s: %s", wait, text.splitlines()[0] if text
                          else type(exc).__name__)
            else:
                log.exception("sweep failed, retrying in %.0f s", wait)
            fired = 0
        if once:
            click.echo(f"fired timers of {fired} case(s) in {time.monotonic() - started:.2f} s")
            return
        if fired:
            log.info("fired timers of %d case(s)", fired)
        slept = 0.0
        while slept < wait and not stop["flag"]:
            time.sleep(0.2)
            slept += 0.2
        if stop["flag"]:
            return


COMMANDS = [timers]
