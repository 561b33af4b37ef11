"""Labels and choice names of every form field, in Vietnamese or English, for showing case data; and how a
value is shown to people (dates as dd/mm/yyyy HH:mm in Vietnam's time, choices by name, communes by name).

Fields come from every installed procedure's forms (``workflows.registry``); a field keeps the first label
found, so two procedures naming one field alike show it alike.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from engine.workdays import VN_TZ
from workflows import registry

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@lru_cache(maxsize=16)
def field_labels(lang: str = "vi", procedure: str | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(labels, choice names) of every field; ``procedure`` (a code) first, so a case shows its own
    procedure's wording where two procedures share a field name."""
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    ordered = sorted(registry.procedures(), key=lambda p: p.code != procedure)
    for proc in ordered:
        for form in proc.forms():
            for f in form.fields:
                labels.setdefault(f.name, f.label(lang))
                if f.choices:
                    named = choices.setdefault(f.name, {})
                    for c in f.choices:
                        named.setdefault(c[0], c[1] if lang == "vi" else c[2])
    return labels, choices


def when(value) -> str:
    """An instant as people read it: dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh ("—" for none)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def day(value) -> str:
    """A calendar date as dd/mm/yyyy."""
    if isinstance(value, str) and _DATE.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return when(value)


def display(key: str, value, lang: str = "vi", communes: dict[str, str] | None = None) -> str:
    """One case value for people: yes/no, the choice's name, a date or instant in the Vietnamese form,
    a commune by its name, lists joined."""
    _labels, choices = field_labels(lang)
    named = choices.get(key, {})
    if value is True:
        return "Có" if lang == "vi" else "Yes"
    if value is False:
        return "Không" if lang == "vi" else "No"
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(display(key, v, lang, communes) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(k, v, lang, communes)}" for k, v in value.items())
    if isinstance(value, str):
        if value in named:
            return named[value]
        if communes and value in communes and key.endswith("commune"):
            return communes[value]
        if _DATE.match(value):
            return day(value)
        if _DATETIME.match(value):
            return when(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return when(value)
    return str(value)


def initials(name: str | None) -> str:
    """The initials of a person's name ("Nguyễn Thị Bé" -> "N.T.B."): enough to tell two cases apart in a
    list, little to a passer-by."""
    parts = [p for p in (name or "").split() if p[:1].isalpha()]
    return "".join(p[0].upper() + "." for p in parts)


def in_language(message: str, lang: str) -> str:
    """The part of a bilingual message ("Bắt buộc nhập / Required") in the reader's language; the API keeps
    both, the web pages show one."""
    if " / " not in message:
        return message
    vi, en = message.split(" / ", 1)
    return vi if lang == "vi" else en


def local_input(value) -> str:
    """An instant as a ``datetime-local`` input's value, in Vietnam's time ("" for none)."""
    if not value:
        return ""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        return parsed.strftime("%Y-%m-%dT%H:%M")
    return parsed.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")


def with_offset(data: dict, fields) -> dict:
    """Date-times typed in a ``datetime-local`` input (no offset) are Vietnam's time: add +07:00."""
    out = dict(data)
    for f in fields:
        value = out.get(f.name)
        if f.kind == "datetime" and isinstance(value, str) and value:
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            if parsed.tzinfo is None:
                out[f.name] = parsed.replace(tzinfo=VN_TZ).isoformat()
    return out
