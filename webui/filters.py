"""Jinja filters: Vietnamese local time and deadline countdowns."""

from __future__ import annotations

import datetime as dt

from engine.workdays import VN_TZ


def vn_time(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def countdown(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return ""
    delta = due - now
    late = delta.total_seconds() < 0
    secs = abs(int(delta.total_seconds()))
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    parts = ([f"{days} ngày"] if days else []) + ([f"{hours} giờ"] if hours else []) + [f"{minutes} phút"]
    text = " ".join(parts[:2])
    return f"quá hạn {text}" if late else f"còn {text}"


def init_app(app) -> None:
    app.jinja_env.filters["vn"] = vn_time
    app.jinja_env.globals["countdown"] = countdown
