"""Agency inbox and the task page: claim, release, fill in and complete a task."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from engine import auditlog
from engine import casefile
from engine import lookups
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Case
from engine.models import OpenTask
from webui.access import COMMUNE_FULL_ROLES
from webui.access import can_intake
from webui.access import form_to_data
from webui.access import procedure_of
from webui.access import visible_data
from webui.filters import translated
from webui.labels import in_language
from webui.labels import initials
from webui.labels import with_offset
from workflows.forms import Form

bp = Blueprint("inbox", __name__)
PAGE = 50
NO_FORM = Form("Xác nhận hoàn thành", [])


def _lang() -> str:
    return str(get_locale() or "vi")


def _engine():
    from webui import get_engine

    return get_engine()


SORTS = ("due", "received", "urgency", "reference")


@bp.get("/inbox")
@login_required
def index():
    if current_user.agency_id is None:
        abort(403)
    engine = _engine()
    args = request.args
    claimed = args.get("claimed", "all")
    if claimed not in ("all", "mine", "unclaimed"):
        claimed = "all"
    sort = args.get("sort", "due")
    if sort not in SORTS:
        sort = "due"
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    commune = args.get("commune") or None
    task_name = args.get("task") or None
    query = (args.get("q") or "").strip()[:80]
    found = casefile.inbox_rows(engine, current_user.agency_id, claimed=claimed, user_id=current_user.id,
                                task_name=task_name, commune=commune)
    rows = [_row(engine, ot, case) for ot, case in found]
    if query:
        rows = [r for r in rows if _matches(r, query)]
    rows = _sorted(rows, sort)
    communes = lookups.communes(engine)
    shown = rows[(page - 1) * PAGE: page * PAGE]
    claimers = casefile.user_names(engine, [r["task"].claimed_by for r in shown])
    return render_template("inbox/index.html", rows=shown, sent=_reports_sent(engine), has_next=len(rows) > page * PAGE, page=page,
                           total=len(rows), claimed=claimed, commune=commune or "", task_filter=task_name or "",
                           q=query, sort=sort, communes=communes, commune_names={c.code: c.name for c in communes},
                           task_types=casefile.task_types(engine, current_user.agency_id), claimers=claimers)


def _reports_sent(engine) -> list[dict]:
    """The status of the reports the user's agency recorded (a hotline follows what it sent: reference, status,
    open steps, dates; never the content). Shown to an agency that records reports but has no case list."""
    if current_user.role in COMMUNE_FULL_ROLES or not can_intake(current_user):
        return []
    sent = lookups.reports_sent(engine, current_user.agency_id)
    if sent:
        auditlog.record(engine, current_user.username, "cases.sent_list", detail={"shown": len(sent)})
    return sent


URGENCY_RANK = {"emergency": 0, "high": 0, "urgent": 1, "medium": 1, "normal": 2, "low": 3, "non_emergency": 3}


def _row(engine, ot: OpenTask, case: Case) -> dict:
    """What one inbox line shows: the person only by initials, and only to a role that may know them."""
    proc = procedure_of(engine, case)
    person = ""
    if proc is not None and proc.person_field:
        name = case.summary.get(proc.person_field)
        if name and proc.person_field in proc.filter_data({proc.person_field: name}, current_user.role):
            person = name
    urgency = case.summary.get("urgency") if isinstance(case.summary, dict) else None
    return {"task": ot, "case": case, "person": person, "initials": initials(person), "urgency": urgency,
            "procedure": proc}


def _matches(row: dict, query: str) -> bool:
    q = query.casefold()
    hay = [row["case"].reference, row["task"].title, translated(row["task"].title), row["person"]]
    return any(q in (h or "").casefold() for h in hay)


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    if sort == "received":
        return sorted(rows, key=lambda r: r["case"].received_at, reverse=True)
    if sort == "reference":
        return sorted(rows, key=lambda r: r["case"].reference)
    if sort == "urgency":
        return sorted(rows, key=lambda r: (URGENCY_RANK.get(r["urgency"] or "", 5), r["task"].due_at or far))
    return rows   # soonest due first, as read


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
            who = casefile.people(engine, [steps[0].user_name]).get(steps[0].user_name, (steps[0].user_name, ""))
            flash(_("Nhiệm vụ này đã được %(user)s hoàn thành.", user=" · ".join(x for x in who if x)), "warning")
            return redirect(url_for("inbox.index"))
        abort(404)
    assert case is not None
    form = engine.form_for(ot, case) or NO_FORM
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = with_offset(form_to_data(request.form, form.fields), form.fields)
        try:
            expected = int(request.form.get("case_version", "0")) or None
        except ValueError:
            expected = None
        try:
            engine.complete_task(task_id, values, current_user.actor, expected_version=expected)
            flash(_("Đã hoàn thành: %(title)s", title=translated(ot.title)), "success")
            return redirect(url_for("inbox.index"))
        except InvalidTaskData as exc:
            errors = exc.fields
        except Conflict as exc:
            flash(in_language(exc.message, _lang()), "warning")
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
    place = lookups.commune(engine, ot.commune_code)
    communes = lookups.communes(engine)
    return render_template("inbox/task.html", task=ot, case=case, form=form, errors=errors, values=values,
                           summary=visible_data(engine, data, current_user, case), rule=rule,
                           commune_name=place.name if place is not None else None, may_attach=True,
                           communes=communes, commune_names={c.code: c.name for c in communes}, procedure=proc,
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
        flash(in_language(exc.message, _lang()), "warning")
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
        flash(in_language(exc.message, _lang()), "warning")
    return redirect(request.referrer if _safe_ref() else url_for("inbox.index"))


def _safe_ref() -> bool:
    ref = request.referrer or ""
    return ref.startswith(request.host_url)
