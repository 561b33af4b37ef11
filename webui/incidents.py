"""The incidents page ("Sự cố"): cases that cannot move, for the operators (policy staff), with retry.
Their counts for monitoring are in ``/metrics`` (``webui.ops``)."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from engine import incidents

bp = Blueprint("incidents", __name__)
OPERATOR_ROLES = {"policy"}


def _engine():
    from webui import get_engine

    return get_engine()


def _operator() -> None:
    if current_user.role not in OPERATOR_ROLES or not current_user.province_code:
        abort(403)


@bp.get("/incidents")
@login_required
def index():
    _operator()
    rows = incidents.listing(_engine(), province=current_user.province_code)
    return render_template("incidents/index.html", rows=rows)


@bp.post("/incidents/<case_id>/retry")
@login_required
def retry(case_id: str):
    _operator()
    if case_id not in {i.case_id for i in incidents.listing(_engine(), province=current_user.province_code)}:
        abort(404)
    incidents.retry(_engine(), case_id, current_user.actor)
    still = {i.case_id: i for i in incidents.listing(_engine(), province=current_user.province_code)}
    if case_id in still:
        flash(_("Đã thử lại; hồ sơ vẫn chưa chạy được (lần %(n)s).", n=still[case_id].attempts), "warning")
    else:
        flash(_("Đã thử lại; hồ sơ đã chạy tiếp."), "success")
    return redirect(url_for("incidents.index"))

