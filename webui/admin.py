"""Administration of a province (role ``provincial_admin``): its users and its two-factor policy. An
administrator sees no case content: these pages name people and agencies only. Organisation, calendar,
schedules and tokens are in ``webui.admin_org`` and ``webui.admin_more``. No SQL here: ``engine.admin_users``
and ``engine.account_self`` do the reads and the audited writes."""

from __future__ import annotations

import functools

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from engine import account_self
from engine import admin_users
from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from webui.account import tr
from webui.labels import in_language
from workflows import registry

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_ROLES = {"provincial_admin"}


def _engine():
    from webui import get_engine

    return get_engine()


def admin_required(view):
    """Logged in as an administrator of a province; 403 for everyone else."""
    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in ADMIN_ROLES or not current_user.province_code:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def province() -> str:
    return current_user.province_code


def me() -> str:
    return current_user.username


def errors_of(exc: EngineError) -> dict:
    return exc.fields if isinstance(exc, InvalidTaskData) else {"form": [exc.message]}


FIELD_NAMES = {"reason": ("Lý do", "Reason"), "agency": ("Cơ quan", "Agency"), "username": ("Tên đăng nhập", "Username"),
               "full_name": ("Họ và tên", "Full name"), "file": ("Tệp", "File"), "code": ("Mã", "Code"),
               "name": ("Tên", "Name"), "type": ("Loại cơ quan", "Agency type"), "role": ("Vai trò", "Role"),
               "roles": ("Vai trò", "Roles"), "doc": ("Văn bản", "Document"), "commune": ("Xã", "Commune")}
STATUS_OF = ((NotFound, 404), (Forbidden, 403), (Conflict, 409))


def flash_error(exc: EngineError) -> None:
    """The refusal in the reader's language, each message after the name of its field."""
    lang = str(get_locale() or "vi")
    parts = []
    for field, messages in errors_of(exc).items():
        text = ", ".join(in_language(m, lang) for m in messages)
        name = FIELD_NAMES.get(field)
        parts.append(f"{name[0] if lang == 'vi' else name[1]}: {text}" if name else text)
    flash("; ".join(parts), "warning")


def refused(exc: EngineError, endpoint: str, **values):
    """A refused change: the page it came from again, the error naming the field, with a 4xx status (422 bad
    input, 404 unknown, 403 forbidden, 409 conflict) rather than a redirect that would hide it."""
    flash_error(exc)
    response = make_response(current_app.view_functions[endpoint](**values))
    response.status_code = next((code for cls, code in STATUS_OF if isinstance(exc, cls)), 422)
    return response


def setup_url(token: str) -> str:
    return url_for("account.setup", token=token, _external=True)


@bp.get("")
@admin_required
def index():
    return render_template("admin/index.html")


@bp.get("/users")
@admin_required
def users():
    eng = _engine()
    return render_template("admin/users.html", users=admin_users.list_users(eng, province()),
                           agencies=admin_users.agencies(eng, province()), errors={}, form={})


@bp.post("/users")
@admin_required
def create_user():
    eng = _engine()
    form = request.form
    try:
        token = admin_users.create_user(eng, me(), province(), form.get("username", ""), form.get("full_name", ""),
                                        form.get("agency", ""), form.get("reason", ""))
    except EngineError as exc:
        return render_template("admin/users.html", users=admin_users.list_users(eng, province()),
                               agencies=admin_users.agencies(eng, province()), errors=errors_of(exc),
                               form=form), 422
    return render_template("admin/link.html", username=form.get("username", "").strip().lower(),
                           url=setup_url(token), purpose="setup")


@bp.get("/users/<username>")
@admin_required
def user(username: str):
    eng = _engine()
    try:
        row = admin_users.get_user(eng, province(), username)
    except EngineError:
        abort(404)
    return render_template("admin/user.html", user=row, agencies=admin_users.agencies(eng, province()), errors={})


@bp.post("/users/<username>")
@admin_required
def update_user(username: str):
    eng = _engine()
    try:
        admin_users.update_user(eng, me(), province(), username, request.form.get("full_name", ""),
                                request.form.get("agency", ""), request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin.user", username=username)
    flash(tr("Đã lưu.", "Saved."))
    return redirect(url_for("admin.user", username=username))


@bp.post("/users/<username>/deactivate")
@admin_required
def deactivate(username: str):
    try:
        counts = admin_users.deactivate_user(_engine(), me(), province(), username, request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin.user", username=username)
    else:
        flash(tr(f"Đã khoá tài khoản: {counts['released_tasks']} việc trả về hộp việc của cơ quan, "
                 f"{counts['sessions']} phiên và {counts['tokens']} mã truy cập bị thu hồi.",
                 f"Deactivated: {counts['released_tasks']} task(s) back in the agency's inbox, "
                 f"{counts['sessions']} session(s) and {counts['tokens']} token(s) revoked."))
    return redirect(url_for("admin.user", username=username))


@bp.post("/users/<username>/reactivate")
@admin_required
def reactivate(username: str):
    try:
        token = admin_users.reactivate_user(_engine(), me(), province(), username, request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin.user", username=username)
    return render_template("admin/link.html", username=username, url=setup_url(token), purpose="reset")


@bp.post("/users/<username>/reset-password")
@admin_required
def reset_password(username: str):
    try:
        token = admin_users.reset_password(_engine(), me(), province(), username, request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin.user", username=username)
    return render_template("admin/link.html", username=username, url=setup_url(token), purpose="reset")


@bp.post("/users/<username>/reset-2fa")
@admin_required
def reset_2fa(username: str):
    try:
        admin_users.reset_two_factor(_engine(), me(), province(), username, request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin.user", username=username)
    else:
        flash(tr("Đã xoá xác thực hai lớp: người dùng đăng ký lại ở lần đăng nhập sau.",
                 "Two-factor sign-in cleared: the user enrols again at next login."))
    return redirect(url_for("admin.user", username=username))


@bp.route("/users/import", methods=["GET", "POST"])
@admin_required
def import_users():
    result, errors = None, {}
    if request.method == "POST":
        upload = request.files.get("file")
        text = upload.read().decode("utf-8", "replace") if upload and upload.filename else request.form.get("csv", "")
        try:
            result = admin_users.import_users(_engine(), me(), province(), text, request.form.get("reason", ""),
                                              apply=request.form.get("apply") == "1")
        except EngineError as exc:
            errors = errors_of(exc)
        if result is not None:
            result["urls"] = {u: setup_url(t) for u, t in result["links"].items()}
    return render_template("admin/import_users.html", result=result, errors=errors, form=request.form), \
        422 if errors else 200


@bp.route("/security", methods=["GET", "POST"])
@admin_required
def security():
    eng = _engine()
    if request.method == "POST":
        try:
            account_self.set_totp_roles(eng, me(), province(), request.form.getlist("roles"),
                                        request.form.get("reason", ""))
        except EngineError as exc:
            flash_error(exc)
            return _security_page(eng), 422
        flash(tr("Đã lưu chính sách xác thực hai lớp.", "Two-factor policy saved."))
        return redirect(url_for("admin.security"))
    return _security_page(eng)


def _security_page(eng):
    return render_template("admin/security.html", roles=account_self.totp_roles(eng, province()),
                           types=registry.agency_types())
