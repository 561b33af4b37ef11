"""Errors become clear 4xx pages (or JSON for /api), never a traceback.

``json_error`` is the one JSON error body of the application (``{"error", "message"[, "fields"]}``): the
API's own refusals and every handler below answer with it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from flask import render_template
from flask import request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from engine.db import MESSAGES
from engine.db import classify_error
from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import Forbidden
from engine.errors import InvalidProcess
from engine.errors import InvalidTaskData
from engine.errors import NotFound

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidTaskData: 422, InvalidProcess: 422}
HTTP_MESSAGES = {404: "Không tìm thấy trang hoặc hồ sơ.", 403: "Bạn không có quyền truy cập.",
                 405: "Phương thức không được hỗ trợ.", 413: "Dữ liệu gửi lên quá lớn.",
                 400: "Yêu cầu không hợp lệ.", 401: "Cần đăng nhập / authentication required."}


def json_error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None,
               headers: dict[str, str] | None = None, **extra: Any) -> tuple[Response, int, dict[str, str]]:
    """The JSON error response: ``code`` is stable (for programs), ``message`` for people; ``fields``
    maps a field name to its messages (422); ``extra`` adds members (e.g. a validator's ``problems``)."""
    body: dict[str, Any] = {"error": code, "message": message, **extra}
    if fields:
        body["fields"] = fields
    return jsonify(body), status, dict(headers or {})


def status_for(exc: EngineError) -> int:
    for cls, code in STATUS.items():
        if isinstance(exc, cls):
            return code
    return 422


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(code: int, message: str, headers: dict[str, str] | None = None):
    return render_template("error.html", code=code, message=message), code, dict(headers or {})


def init_app(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError):
        code = status_for(exc)
        if _wants_json():
            return json_error(code, exc.code, exc.message, exc.fields if isinstance(exc, InvalidTaskData) else None)
        return _page(code, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        msg = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Vui lòng tải lại trang."
        return json_error(400, "csrf", msg) if _wants_json() else _page(400, msg)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        msg = HTTP_MESSAGES.get(code, exc.description or exc.name)
        return json_error(code, exc.name, msg) if _wants_json() else _page(code, msg)

    @app.errorhandler(SQLAlchemyError)
    def _database_error(exc: SQLAlchemyError):
        """A locked case row (409, try again), a read-only or unreachable database (503): one sentence,
        one log line, no traceback; the transaction was rolled back, so nothing was half-written."""
        kind = classify_error(exc)
        app.logger.error("database %s: %s", kind, str(getattr(exc, "orig", exc)).strip().splitlines()[0:1])
        code = 409 if kind == "busy" else 503
        if kind != "busy":   # reconnect on the next request (a pooled session keeps a read-only state)
            from webui import get_engine

            get_engine().db.dispose()
        retry = {"Retry-After": "2" if kind == "busy" else "10"}
        msg = MESSAGES[kind]
        return json_error(code, f"database_{kind}", msg, headers=retry) if _wants_json() else _page(code, msg, retry)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        msg = "Lỗi hệ thống; thao tác chưa được ghi. Vui lòng thử lại hoặc báo quản trị."
        return json_error(500, "internal", msg) if _wants_json() else _page(500, msg)
