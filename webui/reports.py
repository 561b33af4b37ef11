"""Statutory reports: figures and charts on the page, Excel export in the provincial layout."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from engine import audit
from engine.workdays import VN_TZ
from workflows.child_protection.forms import ABUSE_FORMS
from workflows.child_protection.forms import SEXES
from workflows.child_protection.reports import AGE_GROUPS
from workflows.child_protection.reports import build_report
from workflows.child_protection.reports import to_excel

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


@bp.get("/reports")
@login_required
def index():
    start, end, commune, errors = _params()
    rep = None if errors else build_report(_engine(), current_user.province_code, start, end, commune)
    labels = {"abuse": {c: vi for c, vi, _ in ABUSE_FORMS}, "sex": {c: vi for c, vi, _ in SEXES},
              "age": {c: label for c, label, *_ in AGE_GROUPS} | {"unknown": "Không rõ tuổi"}}
    return render_template("reports/index.html", rep=rep, errors=errors, start=start, end=end,
                           commune=commune or "", labels=labels), (422 if errors else 200)


@bp.get("/reports.xlsx")
@login_required
def export():
    start, end, commune, errors = _params()
    if errors:
        abort(422)
    engine = _engine()
    rep = build_report(engine, current_user.province_code, start, end, commune)
    with engine.db.write() as s:
        audit.append(s, engine.now(), current_user.username, "report.export",
                     detail={"start": start.isoformat(), "end": end.isoformat(), "commune": commune})
    name = f"bao-cao-{current_user.province_code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return Response(to_excel(rep), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
