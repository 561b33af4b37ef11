"""Intake (Mẫu 01), the case list of a commune, and the case file with its timeline."""

from __future__ import annotations

import uuid

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import or_
from sqlalchemy import select

from engine import audit
from engine.errors import InvalidTaskData
from engine.models import Case
from engine.models import Commune
from webui.access import can_intake
from webui.access import case_scope
from webui.access import form_to_data
from webui.access import visible_data
from workflows.child_protection.forms import FORMS
from workflows.child_protection.forms import INTAKE
from workflows.child_protection.process import open_case

bp = Blueprint("cases", __name__)


def _engine():
    from webui import get_engine

    return get_engine()


@bp.route("/intake", methods=["GET", "POST"])
@login_required
def intake():
    if not can_intake(current_user):
        abort(403)
    engine = _engine()
    errors: dict = {}
    values: dict = {"incident_commune": current_user.commune_code or ""}
    if request.method == "POST":
        values = form_to_data(request.form, INTAKE.fields)
        try:
            case = open_case(engine, values, current_user.actor)
            flash(f"Đã tạo hồ sơ {case.reference}.", "success")
            return redirect(url_for("inbox.index"))
        except InvalidTaskData as exc:
            errors = exc.fields
    with engine.db.read() as s:
        communes = list(s.execute(select(Commune).order_by(Commune.code)).scalars())
    return render_template("cases/intake.html", form=INTAKE, errors=errors, values=values,
                           communes=communes), (422 if errors else 200)


@bp.get("/cases")
@login_required
def index():
    if current_user.role not in ("commune_officer", "commune_chairman"):
        abort(403)
    engine = _engine()
    code = current_user.commune_code
    with engine.db.read() as s:
        cases = list(s.execute(select(Case).where(or_(Case.commune_code == code, Case.incident_commune_code == code,
                                                      Case.residence_commune_code == code))
                               .order_by(Case.received_at.desc()).limit(200)).scalars())
    return render_template("cases/index.html", cases=cases)


@bp.get("/cases/<case_id>")
@login_required
def show(case_id: str):
    engine = _engine()
    try:
        uuid.UUID(case_id)
    except ValueError:
        abort(404)
    with engine.db.read() as s:
        case = s.get(Case, case_id)
        scope = case_scope(s, current_user, case) if case is not None else None
    if case is None or scope is None:
        with engine.db.write() as s:
            audit.append(s, engine.now(), current_user.username, "case.view_denied", case_id=case_id,
                         detail={"ip": request.remote_addr})
        abort(404)   # denial looks like absence
    data = visible_data(engine.case_data(case_id), current_user)
    steps = engine.steps(case_id)
    tasks = engine.open_tasks(case_id)
    timers = engine.waiting_timers(case_id)
    with engine.db.write() as s:
        audit.append(s, engine.now(), current_user.username, "case.view", case_id=case_id,
                     detail={"scope": scope, "fields": sorted(data)})
    labels = {f.name: f.label_vi for form in [INTAKE, *FORMS.values()] for f in form.fields}
    choices = {f.name: {c[0]: c[1] for c in f.choices} for form in [INTAKE, *FORMS.values()] for f in form.fields}
    return render_template("cases/show.html", case=case, data=data, steps=steps, tasks=tasks, timers=timers,
                           labels=labels, choices=choices, scope=scope)
