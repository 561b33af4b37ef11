"""What every ``bvte`` command shares: its engine, its actor, and errors as one sentence and an exit status."""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import NoReturn

import click

from engine.clock import Clock
from engine.context import Actor
from engine.errors import EngineError
from engine.runtime import Engine


def engine(clock: Clock | None = None) -> Engine:
    """The engine a command runs on: ``webui.cli.make_engine``, looked up when called (a test may swap it)."""
    from webui import cli

    return cli.make_engine() if clock is None else cli.make_engine(clock)


def cli_actor() -> Actor:
    return Actor(f"cli:{os.environ.get('USER', 'admin')}")


def fail(message: str, status: int = 1) -> NoReturn:
    """Print ``Lỗi / error: message`` on stderr and exit with ``status``."""
    click.echo(f"Lỗi / error: {message}", err=True)
    sys.exit(status)


def friendly(fn):
    """Turn engine and database errors into one clear sentence and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EngineError as exc:
            click.echo(f"Lỗi / error: {exc.message}", err=True)
            sys.exit(1)
        except Exception as exc:   # database unreachable, bad URL, missing table
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, (SQLAlchemyError, OSError)):
                click.echo(f"Lỗi cơ sở dữ liệu / database error: {str(exc).splitlines()[0]}", err=True)
                click.echo("Hint: run 'bvte db upgrade' and check DATABASE_URL.", err=True)
                sys.exit(2)
            raise
    return wrapper


def json_object(text: str, option: str) -> dict:
    """``text`` parsed as a JSON object, or exit 1 naming ``option``."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        fail(f"{option} must be a JSON object")
    return data


def worker_loop(step, *, db, log, interval: float, once: bool, done: str, failed: str) -> None:
    """Run ``step()`` (returns how many things it handled) until SIGTERM/SIGINT, every ``interval`` seconds.

    A worker never dies: any error is logged with time and level (a database error in one line), the
    connection pool ``db`` is renewed (a pooled session may keep a failed-over server's state), and the wait
    doubles up to a minute until a step succeeds again. ``--once`` runs one step and raises its error.
    ``done`` formats the count (``"fired timers of %d case(s)"``), ``failed`` names what failed.
    """
    import signal
    import time

    import click
    from sqlalchemy.exc import SQLAlchemyError

    stop = {"flag": False}

    def _stop(*_):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    wait = interval
    while True:
        started = time.monotonic()
        try:
            handled = step()
            wait = interval
        except Exception as exc:   # restarted, unreachable, read-only, locked, or a bug: wait and retry
            if once:
                raise
            wait = min(max(wait * 2, interval), 60.0)
            db.dispose()
            if isinstance(exc, SQLAlchemyError):
                text = str(getattr(exc, "orig", exc)).strip()
                log.error("database error, retrying in %.0f s: %s", wait,
                          text.splitlines()[0] if text else type(exc).__name__)
            else:
                log.exception("%s failed, retrying in %.0f s", failed, wait)
            handled = 0
        if once:
            click.echo(f"{done % handled} in {time.monotonic() - started:.2f} s")
            return
        if handled:
            log.info(done, handled)
        slept = 0.0
        while slept < wait and not stop["flag"]:
            time.sleep(0.1)
            slept += 0.1
        if stop["flag"]:
            return
