"""Input refused before any view sees it: a NUL character anywhere in the query, the form or the path.

PostgreSQL cannot store NUL in text and some drivers cut a string at it; nothing a person types contains
one. The answer is 400 naming the field (JSON under /api), never a 500 (issue #18.10).
"""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask import request

from webui.errors import json_error


def _field_with_nul() -> str | None:
    if "\x00" in request.path:
        return "path"
    sources = [request.args] + ([request.form] if request.method in ("POST", "PUT", "PATCH") else [])
    for source in sources:
        for key in source:
            if "\x00" in key or any("\x00" in v for v in source.getlist(key)):
                return key.replace("\x00", "")[:60] or "field"
    return None


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        name = _field_with_nul()
        if name is None:
            return None
        message = f"trường '{name}' chứa ký tự NUL / field '{name}' contains a NUL character"
        if request.path.startswith("/api/"):
            return json_error(400, "invalid", message, fields={name: [message]})
        return render_template("error.html", code=400, message=message), 400
