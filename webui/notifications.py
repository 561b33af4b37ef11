"""Notifications in the web UI: the bell (unread count on every page), the list (opened = read), a person's
e-mail, phone and channel choices, a case's delivery status for its commune officer, and the outbox for the
operators. Reads and writes go through ``engine.notify.views`` (no SQL here)."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from engine.errors import EngineError
from engine.notify import views

bp = Blueprint("notifications", __name__)
OPERATOR_ROLES = {"policy"}


def _engine():
    from webui import get_engine

    return get_engine()


def _t(vi: str, en: str) -> str:
    return en if str(get_locale() or "vi") == "en" else vi


@bp.app_context_processor
def _bell():
    def notify_unread() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        try:
            return views.unread_count(_engine(), current_user.id)
        except Exception:   # the bell never breaks a page (e.g. the error page of a database outage)
            return 0
    return {"notify_unread": notify_unread}


@bp.get("/notifications")
@login_required
def index():
    eng = _engine()
    agency_duty = views.on_duty_now(eng, current_user.agency_id) if current_user.agency_id else []
    return render_template("notifications/index.html", rows=views.inbox(eng, current_user.id),
                           contact=views.my_contact(eng, current_user.id), on_duty=agency_duty)


@bp.get("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    eng = _engine()
    link = views.link_of(eng, current_user.id, notification_id)
    if link is None:
        abort(404)
    views.mark_read(eng, current_user.id, [notification_id])
    return redirect(link if link.startswith("/") and not link.startswith("//") else url_for("notifications.index"))


@bp.post("/notifications/read")
@login_required
def read_all():
    views.mark_read(_engine(), current_user.id)
    flash(_t("Đã đánh dấu tất cả là đã đọc.", "All marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/settings")
@login_required
def settings():
    email = (request.form.get("email") or "").strip()
    phone = (request.form.get("phone") or "").strip()
    if email and ("@" not in email or len(email) > 200 or any(c.isspace() for c in email)):
        flash(_t("Địa chỉ thư điện tử không hợp lệ.", "The e-mail address is not valid."), "error")
        return redirect(url_for("notifications.index"))
    if phone and (len(phone) > 40 or not all(c.isdigit() or c in "+-. ()" for c in phone)):
        flash(_t("Số điện thoại không hợp lệ.", "The phone number is not valid."), "error")
        return redirect(url_for("notifications.index"))
    views.save_contact(_engine(), current_user.id, email=email, phone=phone,
                       email_on=request.form.get("email_on") == "1", sms_on=request.form.get("sms_on") == "1")
    flash(_t("Đã lưu cách nhận thông báo.", "Notification settings saved."), "success")
    return redirect(url_for("notifications.index"))


@bp.get("/notifications/case/<case_id>")
@login_required
def case_status(case_id: str):
    eng = _engine()
    try:
        case = eng.get_case(case_id)
    except EngineError:
        abort(404)
    officer = current_user.role == "commune_officer" and current_user.commune_code == case.commune_code
    operator = current_user.role in OPERATOR_ROLES and current_user.province_code == case.province_code
    if not (officer or operator):
        abort(404)
    return render_template("notifications/case.html", case=case, rows=views.case_deliveries(eng, case.id))


@bp.get("/notifications/outbox")
@login_required
def outbox():
    if current_user.role not in OPERATOR_ROLES or not current_user.province_code:
        abort(403)
    counts, pending = views.operator_view(_engine(), current_user.province_code)
    return render_template("notifications/outbox.html", counts=counts, pending=pending)
