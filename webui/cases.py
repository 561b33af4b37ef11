"""Intake (Mẫu 01), the case list of a commune, and the case file with its timeline."""

from __future__ import annotations

import uuid

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
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
from engine.loader import BPMN
from engine.models import Case
from engine.models import Commune
from engine.models import ProcessVersion
from webui.access import can_intake
from webui.access import case_scope
from webui.access import form_to_data
from webui.access import visible_data
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


def _case_in_scope(case_id: str) -> tuple[Case, str]:
    """The case and this user's scope on it; 404 (audited) when absent or out of scope, alike."""
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
                         detail={"ip": request.remote_addr, "path": request.path})
        abort(404)   # denial looks like absence
    return case, scope


@bp.get("/cases/<case_id>")
@login_required
def show(case_id: str):
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    data = visible_data(engine.case_data(case_id), current_user)
    steps = engine.steps(case_id)
    tasks = engine.open_tasks(case_id)
    timers = engine.waiting_timers(case_id)
    with engine.db.write() as s:
        audit.append(s, engine.now(), current_user.username, "case.view", case_id=case_id,
                     detail={"scope": scope, "fields": sorted(data)})
    return render_template("cases/show.html", case=case, data=data, steps=steps, tasks=tasks, timers=timers,
                           scope=scope)


@bp.get("/cases/<case_id>/diagram")
@login_required
def diagram(case_id: str):
    """The main process diagram of the case's version, with the elements to highlight."""
    engine = _engine()
    case, _scope = _case_in_scope(case_id)
    with engine.db.read() as s:
        version = s.get(ProcessVersion, case.process_version_id)
    bundle = engine.loaded(version).bundle
    main_file = next(name for name, root in bundle.trees.items()
                     if any(p.get("id") == version.process_id for p in root.iter(BPMN + "process")))
    return jsonify({"xml": bundle.files[main_file], "version": version.version,
                    "active": highlight_ids(bundle, [t.task_name for t in engine.open_tasks(case.id)]),
                    "done": highlight_ids(bundle, [st.task_name for st in engine.steps(case.id)])})


def highlight_ids(bundle, task_names: list[str]) -> list[str]:
    """Element ids of the main process: the task itself, or the call activity that runs it."""
    main_ids, owner = set(), {}
    for _pid, el in bundle.elements("userTask"):
        if _pid == bundle.main_id:
            main_ids.add(el.get("id"))
        else:
            owner[el.get("id")] = _pid
    callers = {}
    for pid, call in bundle.elements("callActivity"):
        if pid == bundle.main_id:
            callers.setdefault(call.get("calledElement"), []).append(call.get("id"))
    out = []
    for name in task_names:
        if name in main_ids:
            out.append(name)
        else:
            out.extend(callers.get(owner.get(name), []))
    return sorted(set(out))
