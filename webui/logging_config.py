"""One logging configuration for every BVTE process: the web app (under gunicorn, whose own error and
access logs take the same form), the timer workers and the command line.

A line is ``<timestamp> <LEVEL> <logger>: <message>[ key=value ...]``, e.g.::

    2026-12-02 09:15:02,114 INFO gunicorn.access: remote=127.0.0.1 method=GET path="/inbox" status=200 ...
    2026-12-02 09:15:07,530 ERROR bvte.timers: database error, retrying in 10 s: ... attempt=2

The timestamp is the server's local time (``logging``'s default form, the one the timer worker has always
written); ``extra={...}`` fields of a record are appended as ``key=value`` (quoted when they hold spaces).
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# gunicorn's access line as key=value: path without the query string (it may carry search terms)
ACCESS_LOG_FORMAT = ('remote=%(h)s method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
                     'agent="%(a)s"')
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class KeyValueFormatter(logging.Formatter):
    """``FORMAT``, then the record's extra fields as ``key=value``."""

    def __init__(self, fmt: str = FORMAT, datefmt: str | None = None, style: Any = "%", **_: Any):
        super().__init__(fmt, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = [(k, v) for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")]
        return line + "".join(f" {k}={_value(v)}" for k, v in extras)


def _value(v: object) -> str:
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
    return json.dumps(text, ensure_ascii=False) if (not text or any(c in text for c in ' "=\n')) else text


def dict_config(level: str | None = None, gunicorn: bool = True) -> dict:
    """The configuration, for ``logging.config.dictConfig`` and gunicorn's ``logconfig_dict`` (with
    ``gunicorn``: its error log to stderr and access log to stdout, in the same form)."""
    level = (level or os.environ.get("BVTE_LOG_LEVEL") or "INFO").upper()
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"bvte": {"()": KeyValueFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "bvte", "stream": "ext://sys.stderr"},
                     "stdout": {"class": "logging.StreamHandler", "formatter": "bvte", "stream": "ext://sys.stdout"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {"alembic": {"level": "WARNING"}},   # not a line per /ready probe
    }
    if gunicorn:
        config["loggers"].update({
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False}})
    return config


def configure(level: str | None = None) -> None:
    """Configure this process's logging (the timer worker, the CLI, a server other than gunicorn)."""
    logging.config.dictConfig(dict_config(level, gunicorn=False))


def configure_if_unset() -> None:
    """Configure the root logger unless something already did (gunicorn with ``webui.gunicorn_conf``, a
    test runner); gunicorn's own loggers are left as its command line set them."""
    if not logging.getLogger().handlers:
        configure()
