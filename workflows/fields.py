"""One-letter field constructors that keep a procedure's form tables readable (``T("name", "Họ tên", "Name")``).

T text · A textarea · B yes/no · C one choice · M several choices · D date · N whole number.
"""
# ruff: noqa: N802

from __future__ import annotations

from workflows.forms import Field


def T(name, vi, en, required=False, **kw):
    return Field(name, "text", vi, en, required, **kw)


def A(name, vi, en, required=False, **kw):
    return Field(name, "textarea", vi, en, required, **kw)


def B(name, vi, en, **kw):
    return Field(name, "bool", vi, en, **kw)


def C(name, vi, en, choices, required=False, **kw):
    return Field(name, "choice", vi, en, required, choices=choices, **kw)


def M(name, vi, en, choices, required=False, **kw):
    return Field(name, "multichoice", vi, en, required, choices=choices, **kw)


def D(name, vi, en, required=False, **kw):
    return Field(name, "date", vi, en, required, **kw)


def N(name, vi, en, required=False, **kw):
    return Field(name, "int", vi, en, required, **kw)
