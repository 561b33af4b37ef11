"""Statutory reports of each procedure that has indicators: figures on the page, Excel export."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from engine import auditlog
from engine.workdays import VN_TZ
from workflows import registry

bp = Blueprint("reports", __name__)
PROVINCE_ROLES = {"provincial_reader", "provincial_health", "policy"}
COMMUNE_ROLES = {"commune_officer", "commune_chairman"}


def _engine():
    from webui import get_engine

    return get_engine()


def _params():
    """(start, end, commune) from the query, limited to what this user may see; 422 on bad dates."""
    if current_user.role not in PROVINCE_ROLES | COMMUNE_ROLES or not current_user.province_code:
        abort(403)
    today = _engine().now().astimezone(VN_TZ).date()
    errors = {}
    try:
        start = dt.date.fromisoformat(request.args.get("start") or f"{today.year}-01-01")
    except ValueError:
        errors["start"] = "Ngày không hợp lệ (YYYY-MM-DD)"
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.args.get("end") or today.isoformat())
    except ValueError:
        errors["end"] = "Ngày không hợp lệ (YYYY-MM-DD)"
        end = today
    if end < start:
        errors["end"] = "Ngày kết thúc trước ngày bắt đầu"
    commune = request.args.get("commune") or None
    if current_user.role in COMMUNE_ROLES:
        commune = current_user.commune_code
    return start, end, commune, errors


def _procedure(code: str | None):
    """The procedure whose indicators are asked for (default: the first that has some); 404 if none."""
    procs = [p for p in registry.procedures() if p.indicators is not None]
    proc = next((p for p in procs if p.code == code), None) if code else (procs[0] if procs else None)
    if proc is None:
        abort(404)
    return proc, procs


@bp.get("/reports")
@login_required
def index():
    start, end, commune, errors = _params()
    proc, procs = _procedure(request.args.get("procedure"))
    ind = proc.indicators
    rep = None if errors else ind.build(_engine(), current_user.province_code, start, end, commune)
    if rep is not None:
        auditlog.record(_engine(), current_user.username, "report.view",
                        detail={"procedure": proc.code, "start": start.isoformat(), "end": end.isoformat(),
                                "commune": commune})
    return render_template(ind.template, rep=rep, errors=errors, start=start, end=end, commune=commune or "",
                           labels=ind.labels(lang_of()), procedure=proc, procedures=procs), (422 if errors else 200)


@bp.get("/reports.xlsx")
@login_required
def export():
    start, end, commune, errors = _params()
    if errors:
        abort(422)
    proc, _procs = _procedure(request.args.get("procedure"))
    engine = _engine()
    rep = proc.indicators.build(engine, current_user.province_code, start, end, commune)
    auditlog.record(engine, current_user.username, "report.export",
                    detail={"procedure": proc.code, "start": start.isoformat(), "end": end.isoformat(),
                            "commune": commune})
    name = f"bao-cao-{proc.code}-{current_user.province_code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return Response(proc.indicators.to_excel(rep),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _period(today: dt.date):
    """The period asked for (``period=YYYY-kind``), the latest ended one by default; 422 naming the field."""
    from workflows.reporting import periods

    code = request.args.get("period") or request.form.get("period")
    if not code:
        return periods.current(today), periods
    found = periods.period(code)
    if found is None:
        abort(Response(f"period: không có kỳ báo cáo «{code[:40]}» / no such report period (YYYY-q1|6t|9t|nam)",
                       status=422, mimetype="text/plain"))
    return found, periods


@bp.get("/reports/submissions")
@login_required
def submissions():
    """Commune: its report for the period, sent or not, and the button to send it. Province: every commune,
    who has and has not sent, and the total of what was received."""
    from engine import submissions as subs

    if current_user.role not in PROVINCE_ROLES | COMMUNE_ROLES or not current_user.province_code:
        abort(403)
    proc, procs = _procedure(request.args.get("procedure"))
    engine = _engine()
    per, periods = _period(engine.now().astimezone(VN_TZ).date())
    rows = subs.status(engine, current_user.province_code, proc.code, per.code)
    if current_user.role in COMMUNE_ROLES:
        rows = [r for r in rows if r.commune == current_user.commune_code]
    names = getattr(proc.indicators, "figure_names", lambda lang: {})(lang_of())
    auditlog.record(engine, current_user.username, "report.submissions_view",
                    detail={"procedure": proc.code, "period": per.code})
    choices = [p for y in (per.end.year - 1, per.end.year, per.end.year + 1) for p in periods.periods(y, lang_of())]
    shown = next((p.label for p in choices if p.code == per.code), per.label)   # in the reader's language
    return render_template("reports/submissions.html", procedure=proc, procedures=procs, period=per, period_label=shown,
                           periods=choices, rows=rows, total=subs.aggregate(rows), names=names,
                           commune_view=current_user.role in COMMUNE_ROLES)


@bp.post("/reports/submissions")
@login_required
def submit():
    """The commune sends its report of the period: its figures now, as a snapshot, audited (a resend revises)."""
    from engine import submissions as subs
    from engine.errors import InvalidTaskData

    if current_user.role not in COMMUNE_ROLES or not current_user.commune_code:
        abort(403)
    proc, _procs = _procedure(request.form.get("procedure"))
    engine = _engine()
    per, _periods = _period(engine.now().astimezone(VN_TZ).date())
    rep = proc.indicators.build(engine, current_user.province_code, per.start, per.end, current_user.commune_code)
    try:
        subs.submit(engine, current_user.username, current_user.commune_code, proc.code, per.code, per.start,
                    per.end, rep.figures(), note=(request.form.get("note") or "").strip())
    except InvalidTaskData as exc:
        return Response("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items()), status=422,
                        mimetype="text/plain")
    return redirect(url_for("reports.submissions", procedure=proc.code, period=per.code))


@bp.get("/reports/submissions.xlsx")
@login_required
def submissions_export():
    from engine import submissions as subs

    if current_user.role not in PROVINCE_ROLES or not current_user.province_code:
        abort(403)
    proc, _procs = _procedure(request.args.get("procedure"))
    engine = _engine()
    per, _periods = _period(engine.now().astimezone(VN_TZ).date())
    rows = subs.status(engine, current_user.province_code, proc.code, per.code)
    auditlog.record(engine, current_user.username, "report.submissions_export",
                    detail={"procedure": proc.code, "period": per.code})
    names = proc.indicators.figure_names("vi")
    name = f"tong-hop-xa-{proc.code}-{current_user.province_code}-{per.code}.xlsx"
    return Response(proc.indicators.submissions_excel(per, rows, names),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def lang_of() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")[:2]
