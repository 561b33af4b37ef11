"""Errors become clear 4xx pages (or JSON for /api), never a traceback."""

from __future__ import annotations

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


def status_for(exc: EngineError) -> int:
    for cls, code in STATUS.items():
        if isinstance(exc, cls):
            return code
    return 422


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app):
    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError):
        code = status_for(exc)
        if _wants_json():
            body = {"error": exc.code, "message": exc.message}
            if isinstance(exc, InvalidTaskData):
                body["fields"] = exc.fields
            return jsonify(body), code
        return render_template("error.html", code=code, message=exc.message), code

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        msg = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Vui lòng tải lại trang."
        if _wants_json():
            return jsonify({"error": "csrf", "message": msg}), 400
        return render_template("error.html", code=400, message=msg), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        messages = {404: "Không tìm thấy trang hoặc hồ sơ.", 403: "Bạn không có quyền truy cập.",
                    405: "Phương thức không được hỗ trợ.", 413: "Dữ liệu gửi lên quá lớn.",
                    400: "Yêu cầu không hợp lệ."}
        msg = messages.get(exc.code, exc.description)
        if _wants_json():
            return jsonify({"error": exc.name, "message": msg}), exc.code
        return render_template("error.html", code=exc.code, message=msg), exc.code

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
        msg = MESSAGES[kind]
        if _wants_json():
            resp = jsonify({"error": f"database_{kind}", "message": msg})
        else:
            resp = render_template("error.html", code=code, message=msg)
        return resp, code, {"Retry-After": "2" if kind == "busy" else "10"}

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        msg = "Lỗi hệ thống; thao tác chưa được ghi. Vui lòng thử lại hoặc báo quản trị."
        if _wants_json():
            return jsonify({"error": "internal", "message": msg}), 500
        return render_template("error.html", code=500, message=msg), 500
