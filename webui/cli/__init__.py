"""The ``bvte`` command line. Every failure exits non-zero with a sentence, never a traceback.

One module per command group (``db``, ``processes``, ``cases``, ``tasks``, ``messages``, ``time_limits``, ``timers``, ``notify``,
``check``, ``tokens``, ``reports``, ``admin``, ``serve``); this root group gathers them. Commands build their engine
with ``make_engine`` (``webui.compose.build_engine``, the one composition root) and hold no SQL: they call
the engine's and the procedures' service functions.
"""

from __future__ import annotations

import click

from engine.clock import Clock
from engine.runtime import Engine


def make_engine(clock: Clock | None = None) -> Engine:
    from webui.compose import build_engine

    return build_engine(clock=clock)


@click.group()
def main():
    """BVTE: the interagency child-protection procedure (Nghị định 56/2017) as BPMN workflows."""


def _register() -> None:
    from webui.cli import admin
    from webui.cli import cases
    from webui.cli import check
    from webui.cli import db
    from webui.cli import messages
    from webui.cli import notify
    from webui.cli import processes
    from webui.cli import province_split
    from webui.cli import register
    from webui.cli import reports
    from webui.cli import serve
    from webui.cli import tasks
    from webui.cli import time_limits
    from webui.cli import timers
    from webui.cli import tokens

    for module in (db, processes, cases, tasks, messages, time_limits, timers, check, tokens, reports, notify, admin,
                   register, serve, province_split):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
