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
from engine.notify import messages
from engine.notify import views
from webui.filters import translated

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
    return _page(200)


def _page(status: int):
    eng = _engine()
    agency_duty = views.on_duty_now(eng, current_user.agency_id) if current_user.agency_id else []
    contact = views.my_contact(eng, current_user.id)
    province = views.province_quiet(eng, current_user.province_code)
    rows = views.inbox(eng, current_user.id)
    lang = str(get_locale() or "vi")
    subjects = {r.id: messages.in_language(r.subject, r.kind, lang, translated) for r in rows}
    return render_template("notifications/index.html", rows=rows, subjects=subjects, contact=contact,
                           on_duty=agency_duty, province_quiet=_hhmm(province),
                           own_quiet=_hhmm((contact.quiet_start_minute, contact.quiet_end_minute))
                           if contact is not None and contact.quiet_start_minute is not None else None), status


def _hhmm(minutes: tuple[int, int]) -> tuple[str, str]:
    return tuple(f"{m // 60:02d}:{m % 60:02d}" for m in minutes)   # type: ignore[return-value]


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
    """Save the user's addresses, channels and own quiet hours; bad input is a 422 naming the field."""
    form = request.form
    email = (form.get("email") or "").strip()
    phone = (form.get("phone") or "").strip()
    errors = []
    if email and ("@" not in email or len(email) > 200 or any(c.isspace() for c in email)):
        errors.append(_t("Thư điện tử: địa chỉ không hợp lệ.", "E-mail: the address is not valid."))
    if phone and (len(phone) > 40 or not all(c.isdigit() or c in "+-. ()" for c in phone)):
        errors.append(_t("Số điện thoại: không hợp lệ.", "Phone: the number is not valid."))
    quiet = _quiet(form.get("quiet_from") or "", form.get("quiet_to") or "", errors)
    if errors:
        for e in errors:
            flash(e, "error")
        return _page(422)
    views.save_contact(_engine(), current_user.id, current_user.username, email=email, phone=phone,
                       email_on=form.get("email_on") == "1", sms_on=form.get("sms_on") == "1", quiet=quiet)
    flash(_t("Đã lưu cách nhận thông báo.", "Notification settings saved."), "success")
    return redirect(url_for("notifications.index"))


def _minutes(text: str) -> int | None:
    """``HH:MM`` (as an ``<input type=time>`` sends it) as minutes after midnight, else None."""
    hh, sep, mm = text.strip().partition(":")
    if not (sep and hh.isdigit() and mm[:2].isdigit() and len(hh) <= 2):
        return None
    h, m = int(hh), int(mm[:2])
    return h * 60 + m if h < 24 and m < 60 else None


def _quiet(start: str, end: str, errors: list[str]) -> tuple[int, int] | None:
    """The user's own quiet hours, or None (both left empty: the province's)."""
    if not start.strip() and not end.strip():
        return None
    a, b = _minutes(start), _minutes(end)
    if a is None:
        errors.append(_t("Giờ yên tĩnh từ: nhập giờ dạng HH:MM.", "Quiet hours from: enter a time as HH:MM."))
    if b is None:
        errors.append(_t("Giờ yên tĩnh đến: nhập giờ dạng HH:MM.", "Quiet hours to: enter a time as HH:MM."))
    if a is not None and b is not None and a == b:
        errors.append(_t("Giờ yên tĩnh đến: phải khác giờ bắt đầu.", "Quiet hours to: must differ from the start."))
    return (a, b) if a is not None and b is not None else None


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
