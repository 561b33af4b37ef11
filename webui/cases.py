"""Intake (each procedure's report form), the case list of a commune, and the case file with its timeline."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy.exc import IntegrityError

from engine import auditlog
from engine import breakglass
from engine import lookups
from engine.errors import InvalidTaskData
from engine.loader import BPMN
from webui import access
from webui import casefile_view
from webui.access import BREAK_GLASS_HOURS
from webui.access import BREAK_GLASS_ROLES
from webui.access import can_intake
from webui.access import case_scope
from webui.access import form_to_data
from webui.access import visible_data
from webui.labels import with_offset
from workflows import registry

bp = Blueprint("cases", __name__)


def _engine():
    from webui import get_engine

    return get_engine()


@bp.app_context_processor
def _intake_menu():
    return {"may_intake": lambda: current_user.is_authenticated and can_intake(current_user)}


@bp.get("/intake")
@login_required
def intake_choice():
    """The procedures this user may open a case in: straight to the form when there is one."""
    procs = registry.intake_procedures(current_user.role)
    if not procs:
        abort(403)
    if len(procs) == 1:
        return redirect(url_for("cases.intake", code=procs[0].code))
    return render_template("cases/intake_choice.html", procedures=procs)


@bp.route("/intake/<code>", methods=["GET", "POST"])
@login_required
def intake(code: str):
    proc = registry.get(code)
    if proc is None or proc.intake is None:
        abort(404)
    if not can_intake(current_user, proc):
        abort(403)
    engine = _engine()
    form = proc.intake.form
    errors: dict = {}
    values: dict = {"incident_commune": current_user.commune_code or ""}
    intake_key = request.form.get("intake_key") or str(uuid.uuid4())
    if len(intake_key) > 64:
        abort(400)
    if request.method == "POST":
        values = with_offset(form_to_data(request.form, form.fields), form.fields)
        key = f"web-intake:{intake_key}"
        previous = engine.replay(current_user.id, key)
        if previous is not None:   # the same form sent twice (a double click, a resubmit): no second case
            done = engine.get_case(previous.body["case_id"])
            flash(_("Báo cáo này đã được ghi nhận: hồ sơ %(ref)s.", ref=done.reference), "info")
            return redirect(url_for("inbox.index"))
        try:
            case = proc.intake.open_case(engine, values, current_user.actor, idempotency=(current_user.id, key, "web"))
            flash(_("Đã tạo hồ sơ %(ref)s.", ref=case.reference), "success")
            others = _possible_duplicates(engine, case)
            if others:
                flash(_("Người này có thể đã có hồ sơ đang mở: %(refs)s. Cán bộ xã sẽ quyết định có liên kết "
                        "hay không.", refs=", ".join(c.reference for c in others)), "warning")
            if proc.register is not None and case_scope(engine, current_user, case) == "full" \
                    and current_user.role == "commune_officer":   # which child of the register (#21.1)
                return redirect(url_for("register.match", case_id=case.id))
            return redirect(url_for("inbox.index"))
        except InvalidTaskData as exc:
            errors = exc.fields
        except IntegrityError:   # the same form, sent twice at once: the other request recorded it
            if engine.replay(current_user.id, key) is None:
                raise
            flash(_("Báo cáo này đã được ghi nhận."), "info")
            return redirect(url_for("inbox.index"))
    return render_template("cases/intake.html", form=form, procedure=proc, errors=errors, values=values,
                           communes=lookups.communes(engine), intake_key=intake_key), (422 if errors else 200)


def _possible_duplicates(engine, case) -> list:
    return access.possible_duplicates(engine, current_user, case)


@bp.get("/cases")
@login_required
def index():
    if current_user.role not in ("commune_officer", "commune_chairman"):
        abort(403)
    engine = _engine()
    q = (request.args.get("q") or "").strip()[:200]
    cases = _search(engine, q) if q else lookups.cases_of_commune(engine, current_user.commune_code)
    auditlog.record(engine, current_user.username, "cases.search" if q else "cases.list",
                    detail={"commune": current_user.commune_code, "shown": len(cases), **({"query": q} if q else {})})
    return render_template("cases/index.html", cases=[(c, access.procedure_of(engine, c)) for c in cases], q=q)


def _search(engine, q: str) -> list:
    """The commune's cases found by reference, or whose person the register finds (name without diacritics,
    typos, identifier, caregiver; #21.2)."""
    from engine.register import queries
    from engine.register.search import search
    from webui import register_scope

    found = {}
    exact = lookups.case_by_reference(engine, q.upper())
    if exact is not None:
        found[exact.id] = exact
    scope = register_scope.user_scope(engine, current_user)
    if scope is not None:
        with engine.db.read() as s:
            for hit in search(s, scope, q, limit=50):
                for c in queries.cases_of_person(s, hit.person.id):
                    found.setdefault(c.id, c)
    return [c for c in found.values() if case_scope(engine, current_user, c) == "full"]


def _case_in_scope(case_id: str) -> tuple[Any, str]:
    """The case and this user's scope on it; 404 (audited) when absent or out of scope, alike."""
    engine = _engine()
    try:
        uuid.UUID(case_id)
    except ValueError:
        abort(404)
    case = lookups.find_case(engine, case_id)
    scope = case_scope(engine, current_user, case) if case is not None else None
    if case is None or scope is None:
        auditlog.record(engine, current_user.username, "case.view_denied", case_id=case_id,
                        detail={"ip": request.remote_addr, "path": request.path})
        if current_user.role in BREAK_GLASS_ROLES:   # the same page for absent and out of scope
            abort(make_response(render_template("cases/not_found.html"), 404))
        abort(404)   # denial looks like absence
    return case, scope


@bp.get("/cases/<case_id>")
@login_required
def show(case_id: str):
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    data = visible_data(engine, engine.case_data(case_id), current_user, case, scope)
    proc = access.procedure_of(engine, case)
    linked = engine.linked_cases(case_id)
    candidates = [] if scope != "full" else [
        c for c in engine.open_cases_with_key(case.dedup_key, exclude=case.id) if c.id not in {x.id for x in linked}]
    auditlog.record(engine, current_user.username, "case.view", case_id=case_id,
                    detail={"scope": scope, "fields": sorted(data)})
    return render_template("cases/show.html", case=case, data=data, scope=scope, linked=linked,
                           candidates=candidates, procedure=proc,
                           **casefile_view.context(engine, case, proc, scope, current_user))


@bp.post("/cases/<case_id>/link")
@login_required
def link(case_id: str):
    """The commune officer links this case with another open case about the same person."""
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    if scope != "full" or current_user.role != "commune_officer":
        abort(403)
    other = request.form.get("other_case_id") or ""
    candidates = {c.id for c in engine.open_cases_with_key(case.dedup_key, exclude=case.id)}
    if other not in candidates:
        abort(404)
    engine.link_cases(case.id, other, current_user.actor)
    flash(_("Đã liên kết hai hồ sơ về cùng một người."), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


@bp.get("/cases/<case_id>/diagram")
@login_required
def diagram(case_id: str):
    """The main process diagram of the case's version, with the elements to highlight."""
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    auditlog.record(engine, current_user.username, "case.view_diagram", case_id=case.id, detail={"scope": scope})
    version = lookups.version_of(engine, case)
    bundle = engine.loaded(version).bundle
    main_file = next(name for name, root in bundle.trees.items()
                     if any(p.get("id") == version.process_id for p in root.iter(BPMN + "process")))
    return jsonify({"xml": bundle.files[main_file], "version": version.version,
                    "decisions": {name: bundle.files[name] for name in bundle.decisions},   # DMN, read only
                    "active": highlight_ids(bundle, [t.task_name for t in engine.open_tasks(case.id)]),
                    "done": highlight_ids(bundle, [st.task_name for st in engine.steps(case.id)])})


def highlight_ids(bundle, task_names: list[str]) -> list[str]:
    """Element ids of the main process: the task itself, or the call activity that runs it."""
    main_ids: set[str] = set()
    owner: dict[str, str] = {}
    for _pid, el in bundle.elements("userTask"):
        if _pid == bundle.main_id:
            main_ids.add(el.get("id"))
        else:
            owner[el.get("id")] = _pid
    callers: dict[str, list[str]] = {}
    for pid, call in bundle.elements("callActivity"):
        if pid == bundle.main_id:
            callers.setdefault(call.get("calledElement"), []).append(call.get("id"))
    out = []
    for name in task_names:
        if name in main_ids:
            out.append(name)
        else:
            out.extend(callers.get(owner.get(name) or "", []))
    return sorted(set(out))


@bp.route("/break-glass", methods=["GET", "POST"])
@login_required
def break_glass():
    """Emergency access to a case outside one's scope, by its reference, with a written reason."""
    if current_user.role not in BREAK_GLASS_ROLES:
        abort(403)
    engine = _engine()
    errors: dict = {}
    reference = (request.form.get("reference") or "").strip()[:40]
    reason = (request.form.get("reason") or "").strip()[:2000]
    if request.method == "POST":
        if len(reason) < 20:
            errors["reason"] = _("Lý do phải cụ thể (ít nhất 20 ký tự).")
        if not errors:
            try:
                case = breakglass.request(engine, current_user.id, current_user.username, current_user.province_code,
                                          reference, reason, BREAK_GLASS_HOURS)
            except breakglass.Refused as exc:   # in the reader's language
                errors[exc.field] = {
                    "too_many_attempts": _("Đã thử quá nhiều lần; thử lại sau một giờ."),
                    "too_many_grants": _("Đã dùng %(n)s lần truy cập khẩn cấp trong 24 giờ; liên hệ Sở Y tế.",
                                         n=breakglass.MAX_GRANTS),
                }.get(exc.code, _("Không tìm thấy hồ sơ với mã này trong tỉnh."))
        if not errors:
            flash(_("Đã mở quyền truy cập khẩn cấp trong %(hours)s giờ. Việc truy cập được thông báo cho cán bộ xã "
                    "và tỉnh.", hours=BREAK_GLASS_HOURS), "warning")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/break_glass.html", errors=errors, reference=reference, reason=reason,
                           hours=BREAK_GLASS_HOURS), (422 if errors else 200)


@bp.get("/break-glass/log")
@login_required
def break_glass_log():
    """Emergency accesses in this province (for the province) or to this commune's cases (for the commune)."""
    engine = _engine()
    if current_user.role in ("provincial_health", "provincial_reader"):
        rows = breakglass.log(engine, province=current_user.province_code)
    elif current_user.role in ("commune_officer", "commune_chairman"):
        rows = breakglass.log(engine, commune=current_user.commune_code)
    else:
        abort(403)
    auditlog.record(engine, current_user.username, "break_glass.log_view", detail={"shown": len(rows)})
    return render_template("cases/break_glass_log.html", rows=rows)


from webui import case_actions  # noqa: E402,F401  (reopening a step and the printouts: routes of this blueprint)
from webui import case_messages  # noqa: E402,F401  (messages and signals the case waits for: routes of this blueprint)
