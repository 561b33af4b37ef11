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
