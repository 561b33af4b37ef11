"""My account, for everyone: password change under the policy, contact details (the notifications page),
two-factor sign-in (TOTP; QR code drawn with segno; recovery codes), the second step of a login, and the
one-time set-up link. Reads and writes go through ``engine.account_self`` (no SQL here)."""

from __future__ import annotations

import segno
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required
from markupsafe import Markup

from engine import account_self
from engine import signin
from engine.errors import EngineError
from engine.errors import InvalidTaskData
from webui import account_gate
from webui.auth import client_address

bp = Blueprint("account", __name__)
bp.before_app_request(account_gate.enforce)


def _engine():
    from webui import get_engine

    return get_engine()


def tr(vi: str, en: str) -> str:
    """Vietnamese first, English when chosen."""
    return en if str(get_locale() or "vi") == "en" else vi


@bp.app_context_processor
def _inject():
    return {"tr": tr}


def _errors(exc: EngineError) -> dict:
    return exc.fields if isinstance(exc, InvalidTaskData) else {"form": [exc.message]}


@bp.get("/account")
@login_required
def index():
    st = account_self.state(_engine(), current_user.id)
    return render_template("account/index.html", st=st, errors={})


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    eng = _engine()
    errors: dict = {}
    if request.method == "POST":
        new = request.form.get("new") or ""
        if new != (request.form.get("confirm") or ""):
            errors = {"confirm": [tr("Hai lần nhập không khớp", "The two entries differ")]}
        else:
            try:
                account_self.change_password(eng, current_user.id, request.form.get("current") or "", new,
                                             session.get("sid"))
            except EngineError as exc:
                errors = _errors(exc)
        if not errors:
            flash(tr("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
                     "Password changed. Your other sessions have ended."))
            st = account_self.state(eng, current_user.id)
            if st.totp_required and not st.totp_enabled:
                session["gate"] = "totp"
                return redirect(url_for("account.totp"))
            session.pop("gate", None)
            return redirect(url_for("account.index"))
    forced = session.get("gate") == "password"
    return render_template("account/password.html", errors=errors, forced=forced), 422 if errors else 200


def _qr(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (no script, no external image)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, title="QR")
    return Markup(svg)  # noqa: S704  (drawn by segno from our own otpauth URI)


@bp.get("/account/2fa")
@login_required
def totp():
    eng = _engine()
    st = account_self.state(eng, current_user.id)
    if st.totp_enabled:
        return render_template("account/totp.html", st=st, errors={}, qr=None, secret=None)
    secret, uri = account_self.totp_begin(eng, current_user.id)
    return render_template("account/totp.html", st=st, errors={}, qr=_qr(uri), secret=secret,
                           forced=session.get("gate") == "totp")


@bp.post("/account/2fa")
@login_required
def totp_confirm():
    eng = _engine()
    try:
        codes = account_self.totp_confirm(eng, current_user.id, request.form.get("code") or "")
    except EngineError as exc:
        st = account_self.state(eng, current_user.id)
        secret = account_self.pending_secret(eng, current_user.id)
        uri = account_self.totp_uri(secret, current_user.username) if secret else None
        return render_template("account/totp.html", st=st, errors=_errors(exc), qr=_qr(uri) if uri else None,
                               secret=secret, forced=session.get("gate") == "totp"), 422
    if session.get("gate") == "totp":
        session.pop("gate", None)
    return render_template("account/recovery.html", codes=codes)


@bp.post("/account/2fa/disable")
@login_required
def totp_disable():
    try:
        account_self.totp_disable(_engine(), current_user.id, request.form.get("code") or "")
    except EngineError as exc:
        flash(" ".join(" ".join(v) for v in _errors(exc).values()), "warning")
        return redirect(url_for("account.totp"))
    flash(tr("Đã tắt xác thực hai lớp.", "Two-factor sign-in is off."))
    return redirect(url_for("account.index"))


@bp.route("/login/2fa", methods=["GET", "POST"])
def second_factor():
    eng = _engine()
    p = account_gate.pending()
    if p is None:
        session.pop("pending_2fa", None)
        return redirect(url_for("auth.login"))
    error, status, headers = None, 200, {}
    if request.method == "POST":
        wait = signin.login_wait(eng, p["username"], client_address())
        if wait > 0:
            error, status = tr(f"Sai quá nhiều lần. Thử lại sau {wait} giây.",
                               f"Too many failures. Try again in {wait} seconds."), 429
            headers["Retry-After"] = str(wait)
        elif account_self.totp_check(eng, p["uid"], request.form.get("code") or ""):
            session.pop("pending_2fa", None)
            return account_gate.open_and_gate(p["uid"], p["username"], p["target"])
        else:
            signin.record_failure(eng, p["username"], client_address())
            error, status = tr("Mã không đúng.", "The code is wrong."), 401
    return render_template("account/second_factor.html", error=error), status, headers


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """The one-time link an administrator gave: choose a password, then log in."""
    eng = _engine()
    username = account_self.link_owner(eng, token)
    if username is None:
        return render_template("account/setup.html", username=None, errors={}), 404
    errors: dict = {}
    if request.method == "POST":
        new = request.form.get("new") or ""
        if new != (request.form.get("confirm") or ""):
            errors = {"confirm": [tr("Hai lần nhập không khớp", "The two entries differ")]}
        else:
            try:
                account_self.use_link(eng, token, new)
            except EngineError as exc:
                errors = _errors(exc)
        if not errors:
            flash(tr("Đã đặt mật khẩu. Mời đăng nhập.", "Password set. Please log in."))
            return redirect(url_for("auth.login"))
    return render_template("account/setup.html", username=username, errors=errors), 422 if errors else 200
