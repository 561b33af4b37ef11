"""Jinja filters: dates as people read them (dd/mm/yyyy HH:mm, Vietnam's time), deadline countdowns, case
values by name, and titles and messages in the reader's language."""

from __future__ import annotations

import datetime as dt

from flask_babel import get_locale
from flask_babel import gettext

from webui.citations import cite
from webui.labels import day
from webui.labels import display
from webui.labels import in_language
from webui.labels import initials
from webui.labels import local_input
from webui.labels import when


def _lang() -> str:
    return str(get_locale() or "vi")


def vn_time(value: dt.datetime | None) -> str:
    return when(value)


def countdown(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return ""
    en = _lang() == "en"
    delta = due - now
    late = delta.total_seconds() < 0
    secs = abs(int(delta.total_seconds()))
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    units = ("d", "h", "min") if en else ("ngày", "giờ", "phút")
    parts = ([f"{days} {units[0]}"] if days else []) + ([f"{hours} {units[1]}"] if hours else []) \
        + [f"{minutes} {units[2]}"]
    text = " ".join(parts[:2])
    if en:
        return f"overdue by {text}" if late else f"{text} left"
    return f"quá hạn {text}" if late else f"còn {text}"


def urgency_class(due: dt.datetime | None, now: dt.datetime) -> str:
    """'late', 'soon' (within 12 hours) or '' for a task's due instant."""
    if due is None:
        return ""
    left = (due - now).total_seconds()
    return "late" if left < 0 else ("soon" if left < 12 * 3600 else "")


def translated(text: str | None) -> str:
    """A Vietnamese name from a process package (a task title) in the reader's language, when the
    catalogue has it."""
    if not text:
        return ""
    return gettext(text) if _lang() != "vi" else text


def init_app(app) -> None:
    app.jinja_env.filters["vn"] = vn_time
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["initials"] = initials
    app.jinja_env.filters["tr"] = translated
    app.jinja_env.filters["cite"] = lambda text: cite(text, _lang())
    app.jinja_env.filters["in_lang"] = lambda msg: in_language(str(msg), _lang())
    app.jinja_env.globals["countdown"] = countdown
    app.jinja_env.globals["local_input"] = local_input
    app.jinja_env.globals["urgency_class"] = urgency_class
    app.jinja_env.globals["show"] = lambda key, value, communes=None: display(key, value, _lang(), communes)
