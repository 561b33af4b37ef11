"""Administration pages for the calendar (#20.5: this year's and next year's days off and swapped working days
with the deciding document, national and the province's own; a preview of the running deadlines a change
moves, then the confirmed change; the history), the report schedules, and the API tokens (scope and expiry) of
a province's users. No SQL here: ``engine.admin_calendar``, ``engine.calendar_moves``, ``engine.accounts``."""

from __future__ import annotations

import datetime as dt
import functools

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from engine import accounts
from engine import admin_calendar
from engine import admin_users
from engine import calendar_moves
from engine.errors import EngineError
from engine.errors import InvalidTaskData
from engine.workdays import VN_TZ
from webui.account import tr
from webui.admin import ADMIN_ROLES
from webui.admin import admin_required
from webui.admin import errors_of
from webui.admin import flash_error
from webui.admin import me
from webui.admin import province

bp = Blueprint("admin_more", __name__, url_prefix="/admin")


def _engine():
    from webui import get_engine

    return get_engine()


CALENDAR_READERS = {"policy"}   # policy staff of the province read the calendar deadlines count on; they change nothing


def calendar_reader(view):
    """The province's administrator, or its policy staff (read only); 403 for everyone else."""
    guarded = admin_required(view)

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role in CALENDAR_READERS and current_user.province_code:
            return view(*args, **kwargs)
        return guarded(*args, **kwargs)
    return wrapped


def _years() -> tuple[int, int]:
    """This year and the next, by the engine's clock in Vietnam."""
    year = _engine().now().astimezone(VN_TZ).year
    return year, year + 1


KINDS = {"off": False, "working": True, "clear": None}


def _change(form) -> calendar_moves.Change:
    """The province's change as the form gives it; ``InvalidTaskData`` naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    day = doc_date = None
    try:
        day = dt.date.fromisoformat(form.get("day", ""))
    except ValueError:
        errors["day"] = [tr("Ngày không hợp lệ (yyyy-mm-dd).", "Not a date (yyyy-mm-dd).")]
    kind = form.get("kind", "")
    if kind not in KINDS:
        errors["kind"] = [tr("Chọn ngày nghỉ, ngày làm việc hoặc xoá khai báo.",
                             "Choose a day off, a working day or removing the declaration.")]
    if form.get("doc_date"):
        try:
            doc_date = dt.date.fromisoformat(form["doc_date"])
        except ValueError:
            errors["doc_date"] = [tr("Ngày văn bản không hợp lệ.", "The document's date is not a date.")]
    change = calendar_moves.Change(province(), day or dt.date.min, KINDS.get(kind), form.get("doc_number", "")[:120],
                                   doc_date, form.get("note", "")[:300], form.get("reason", "")[:300])
    try:
        calendar_moves.check(change)
    except InvalidTaskData as exc:
        errors = {**exc.fields, **errors}
    if errors:
        raise InvalidTaskData(errors)
    return change


def _page(errors: dict | None = None, status: int = 200):
    eng = _engine()
    return render_template("admin/calendar.html", years={y: admin_calendar.year_days(eng, y, province())
                                                         for y in _years()},
                           history=admin_calendar.history(eng, province()), errors=errors or {},
                           form=request.form if errors else {}, kinds=KINDS,
                           may_change=current_user.role in ADMIN_ROLES), status


@bp.get("/calendar")
@calendar_reader
def calendar():
    return _page()


@bp.post("/calendar/preview")
@admin_required
def calendar_preview():
    """The running deadlines of the province the change would move (old -> new); nothing is written."""
    try:
        change = _change(request.form)
        moves = calendar_moves.preview(_engine(), change)
    except InvalidTaskData as exc:
        return _page(exc.fields, 422)
    except EngineError as exc:
        return _page(errors_of(exc), 422)
    return render_template("admin/calendar_preview.html", change=change, moves=moves, form=request.form)


@bp.post("/calendar")
@admin_required
def calendar_set():
    """Apply a previewed change: the province's day, the deadlines it moves, audited, in one transaction."""
    try:
        change = _change(request.form)
        moves = calendar_moves.apply(_engine(), change, me())
    except InvalidTaskData as exc:
        return _page(exc.fields, 422)
    except EngineError as exc:
        return _page(errors_of(exc), 422)
    flash(tr(f"Đã lưu lịch của tỉnh; {len(moves)} hạn đang chạy đã được tính lại.",
             f"The province's calendar is saved; {len(moves)} running deadline(s) recomputed."))
    return redirect(url_for("admin_more.calendar"))


@bp.get("/schedules")
@admin_required
def schedules():
    return render_template("admin/schedules.html", rows=admin_calendar.schedules(_engine(), province()))


@bp.post("/schedules")
@admin_required
def schedule_set():
    from workflows import reporting

    form = request.form
    try:
        d, m = (int(x) for x in form.get("due", "").split("/"))
        reporting.set_schedule(_engine(), province(), form.get("code", "").strip()[:40], form.get("label", "").strip()[:200],
                               m, d, int(form.get("remind_days") or 10))
    except ValueError:
        flash(tr("Hạn phải có dạng ngày/tháng.", "The due date must be day/month."), "warning")
    except EngineError as exc:
        flash_error(exc)
    else:
        flash(tr("Đã lưu lịch báo cáo.", "Report schedule saved."))
    return redirect(url_for("admin_more.schedules"))


@bp.get("/tokens")
@admin_required
def tokens():
    eng = _engine()
    users = [u for u in admin_users.list_users(eng, province()) if u.active]
    return render_template("admin/tokens.html", rows=accounts.list_api_tokens(eng, province()), users=users,
                           token=None, scopes=accounts.TOKEN_SCOPES)


@bp.post("/tokens")
@admin_required
def token_create():
    eng = _engine()
    form = request.form
    username = form.get("user", "")
    try:
        admin_users.get_user(eng, province(), username)    # only the province's own users
        token = accounts.create_api_token(eng, username, form.get("name", "").strip()[:120] or "api",
                                          scope=form.get("scope", "read"), days=int(form.get("days") or 90),
                                          actor=me())
    except (EngineError, ValueError) as exc:
        flash(getattr(exc, "message", str(exc)), "warning")
        return redirect(url_for("admin_more.tokens"))
    users = [u for u in admin_users.list_users(eng, province()) if u.active]
    return render_template("admin/tokens.html", rows=accounts.list_api_tokens(eng, province()), users=users,
                           token=token, scopes=accounts.TOKEN_SCOPES)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def token_revoke(token_id: int):
    eng = _engine()
    if token_id not in {t["id"] for t in accounts.list_api_tokens(eng, province())}:
        flash(tr("Không có mã này.", "No such token."), "warning")
    else:
        accounts.revoke_api_token(eng, token_id, actor=me())
        flash(tr("Đã thu hồi mã truy cập.", "Token revoked."))
    return redirect(url_for("admin_more.tokens"))


VN = dt.timezone(dt.timedelta(hours=7))


@bp.get("/rosters")
@admin_required
def rosters():
    from engine import admin_org
    from engine.notify import admin as notify_admin

    eng = _engine()
    mine = {a["code"] for a in admin_org.agencies(eng, province())}
    rows = [r for r in notify_admin.roster(eng) if r[0] in mine]
    users = [u for u in admin_users.list_users(eng, province()) if u.active]
    return render_template("admin/rosters.html", rows=rows, users=users, vn=VN)


@bp.post("/rosters")
@admin_required
def roster_add():
    from engine.notify import admin as notify_admin

    eng = _engine()
    form = request.form
    try:
        person = admin_users.get_user(eng, province(), form.get("user", ""))
        starts = dt.datetime.fromisoformat(form.get("from", "")).replace(tzinfo=VN)
        ends = dt.datetime.fromisoformat(form.get("to", "")).replace(tzinfo=VN)
        if person.agency_code is None or not person.active:
            raise ValueError("inactive")
        notify_admin.add_shift(eng, person.agency_code, person.username, starts, ends, actor=me())
    except EngineError as exc:
        flash_error(exc)
    except (ValueError, LookupError):
        flash(tr("Ca trực không hợp lệ (giờ kết thúc phải sau giờ bắt đầu).",
                 "Not a valid shift (it must end after it starts)."), "warning")
    else:
        flash(tr("Đã thêm ca trực.", "Shift added."))
    return redirect(url_for("admin_more.rosters"))
