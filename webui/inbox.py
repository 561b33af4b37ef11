"""Agency inbox and the task page: claim, release, fill in and complete a task."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from engine import auditlog
from engine import lookups
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Case
from engine.models import OpenTask
from webui.access import form_to_data
from webui.access import procedure_of
from webui.access import visible_data
from workflows.forms import Form

bp = Blueprint("inbox", __name__)
PAGE = 50
NO_FORM = Form("Xác nhận hoàn thành", [])


def _engine():
    from webui import get_engine

    return get_engine()


@bp.get("/inbox")
@login_required
def index():
    if current_user.agency_id is None:
        abort(403)
    claimed = request.args.get("claimed", "all")
    if claimed not in ("all", "mine", "unclaimed"):
        claimed = "all"
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    commune = request.args.get("commune") or None
    task_name = request.args.get("task") or None
    tasks = _engine().inbox(current_user.agency_id, claimed=claimed, user_id=current_user.id, task_name=task_name,
                            commune=commune, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template("inbox/index.html", tasks=tasks[:PAGE], has_next=len(tasks) > PAGE, page=page,
                           claimed=claimed, commune=commune or "", task_filter=task_name or "")


def _task_or_404(task_id: str) -> tuple[OpenTask, Case] | tuple[None, None]:
    """The task and its case if it is open and belongs to the user's agency, else (None, None)."""
    found = _engine().task_with_case(task_id)
    if found is None or found[0].agency_id != current_user.agency_id:
        return None, None
    return found


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    engine = _engine()
    ot, case = _task_or_404(task_id)
    if ot is None:
        # who finished it is told only within the agency that held it (issue #18.10); others see absence
        steps = [st for st in _done_steps(task_id) if st.agency_id == current_user.agency_id]
        if steps:
            flash(_("Nhiệm vụ này đã được %(user)s hoàn thành.", user=steps[0].user_name), "warning")
            return redirect(url_for("inbox.index"))
        abort(404)
    form = engine.form_for(ot, case) or NO_FORM
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = form_to_data(request.form, form.fields)
        try:
            expected = int(request.form.get("case_version", "0")) or None
        except ValueError:
            expected = None
        try:
            engine.complete_task(task_id, values, current_user.actor, expected_version=expected)
            flash(_("Đã hoàn thành: %(title)s", title=ot.title), "success")
            return redirect(url_for("inbox.index"))
        except InvalidTaskData as exc:
            errors = exc.fields
        except Conflict as exc:
            flash(exc.message, "warning")
            return redirect(url_for("inbox.index")), 303
        except NotFound:
            flash(_("Nhiệm vụ không còn tồn tại (có thể người khác đã hoàn thành)."), "warning")
            return redirect(url_for("inbox.index"))
    data = engine.task_data(task_id, case)
    if request.method == "GET" and getattr(form, "prefill", False):
        values = {f.name: data[f.name] for f in form.fields if data.get(f.name) is not None}
    auditlog.record(engine, current_user.username, "case.view_task", case_id=case.id, task_id=task_id)
    proc = procedure_of(engine, case)
    config = proc.config if proc is not None else None
    rule = config.deadlines.get(ot.deadline_rule) if config is not None and ot.deadline_rule else None
    status = 422 if errors else 200
    return render_template("inbox/task.html", task=ot, case=case, form=form, errors=errors, values=values,
                           summary=visible_data(engine, data, current_user, case), rule=rule,
                           help=proc.help.get(ot.task_name) if proc is not None else None), status


def _done_steps(task_id):
    return lookups.steps_of_task(_engine(), task_id)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    if _task_or_404(task_id)[0] is None:
        abort(404)
    try:
        _engine().claim(task_id, current_user.actor)
        flash(_("Đã nhận nhiệm vụ."), "success")
    except Conflict as exc:
        flash(exc.message, "warning")
    return redirect(request.referrer if _safe_ref() else url_for("inbox.index"))


@bp.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str):
    if _task_or_404(task_id)[0] is None:
        abort(404)
    try:
        _engine().unclaim(task_id, current_user.actor)
        flash(_("Đã trả lại nhiệm vụ."), "success")
    except Conflict as exc:
        flash(exc.message, "warning")
    return redirect(request.referrer if _safe_ref() else url_for("inbox.index"))


def _safe_ref() -> bool:
    ref = request.referrer or ""
    return ref.startswith(request.host_url)
