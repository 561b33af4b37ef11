"""Intake (Mẫu 01), the case list of a commune, and the case file with its timeline."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import audit
from engine.errors import InvalidTaskData
from engine.loader import BPMN
from engine.models import BreakGlass
from engine.models import Case
from engine.models import Commune
from engine.models import ProcessVersion
from webui.access import BREAK_GLASS_HOURS
from webui.access import BREAK_GLASS_ROLES
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
    intake_key = request.form.get("intake_key") or str(uuid.uuid4())
    if len(intake_key) > 64:
        abort(400)
    if request.method == "POST":
        values = form_to_data(request.form, INTAKE.fields)
        key = f"web-intake:{intake_key}"
        previous = engine.replay(current_user.id, key)
        if previous is not None:   # the same form sent twice (a double click, a resubmit): no second case
            done = engine.get_case(previous.body["case_id"])
            flash(_("Báo cáo này đã được ghi nhận: hồ sơ %(ref)s.", ref=done.reference), "info")
            return redirect(url_for("inbox.index"))
        try:
            case = open_case(engine, values, current_user.actor, idempotency=(current_user.id, key, "web"))
            flash(_("Đã tạo hồ sơ %(ref)s.", ref=case.reference), "success")
            others = _open_cases_for_child(engine, case)
            if others:
                flash("Trẻ này đã có hồ sơ đang mở: " + ", ".join(c.reference for c in others)
                      + ". Cán bộ xã sẽ quyết định có liên kết hay không.", "warning")
            return redirect(url_for("inbox.index"))
        except InvalidTaskData as exc:
            errors = exc.fields
        except IntegrityError:   # the same form, sent twice at once: the other request recorded it
            if engine.replay(current_user.id, key) is None:
                raise
            flash(_("Báo cáo này đã được ghi nhận."), "info")
            return redirect(url_for("inbox.index"))
    with engine.db.read() as s:
        communes = list(s.execute(select(Commune).order_by(Commune.code)).scalars())
    return render_template("cases/intake.html", form=INTAKE, errors=errors, values=values,
                           communes=communes, intake_key=intake_key), (422 if errors else 200)


def _open_cases_for_child(engine, case) -> list:
    """Other open cases of the child, read after the case was committed: a failure here must not turn a
    recorded case into an error page (the officer would record it again)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return engine.open_cases_with_key(case.dedup_key, exclude=case.id)
    except SQLAlchemyError:
        return []


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
        scope = case_scope(s, current_user, case, engine.now()) if case is not None else None
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
    with engine.db.read() as s:
        grants = list(s.execute(select(BreakGlass).where(BreakGlass.case_id == case_id)
                                .order_by(BreakGlass.created_at.desc())).scalars())
    linked = engine.linked_cases(case_id)
    candidates = [] if scope != "full" else [
        c for c in engine.open_cases_with_key(case.dedup_key, exclude=case.id) if c.id not in {x.id for x in linked}]
    steps = engine.steps(case_id)
    tasks = engine.open_tasks(case_id)
    timers = engine.waiting_timers(case_id)
    with engine.db.write() as s:
        audit.append(s, engine.now(), current_user.username, "case.view", case_id=case_id,
                     detail={"scope": scope, "fields": sorted(data)})
    return render_template("cases/show.html", case=case, data=data, steps=steps, tasks=tasks, timers=timers,
                           scope=scope, grants=grants, linked=linked, candidates=candidates)


@bp.post("/cases/<case_id>/link")
@login_required
def link(case_id: str):
    """The commune officer links this case with another open case about the same child."""
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    if scope != "full" or current_user.role != "commune_officer":
        abort(403)
    other = request.form.get("other_case_id") or ""
    candidates = {c.id for c in engine.open_cases_with_key(case.dedup_key, exclude=case.id)}
    if other not in candidates:
        abort(404)
    engine.link_cases(case.id, other, current_user.actor)
    flash("Đã liên kết hai hồ sơ về cùng một trẻ.", "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


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


PRINTABLE = {"mau-01": ("Mẫu số 01", "BÁO CÁO TIẾP NHẬN THÔNG TIN VỀ TRẺ EM", None),
             "mau-02": ("Mẫu số 02", "BÁO CÁO ĐÁNH GIÁ NGUY CƠ BAN ĐẦU", "initial_assessment"),
             "mau-03": ("Mẫu số 03", "BÁO CÁO ĐÁNH GIÁ NHU CẦU HỖ TRỢ, CAN THIỆP", "specific_assessment"),
             "mau-04": ("Mẫu số 04", "KẾ HOẠCH HỖ TRỢ, CAN THIỆP", "draft_plan"),
             "mau-05": ("Mẫu số 05", "QUYẾT ĐỊNH PHÊ DUYỆT KẾ HOẠCH HỖ TRỢ, CAN THIỆP", "approve_plan"),
             "mau-06": ("Mẫu số 06", "BÁO CÁO RÀ SOÁT, ĐÁNH GIÁ THỰC HIỆN KẾ HOẠCH", "review_visit")}


@bp.get("/cases/<case_id>/print/<form_id>")
@login_required
def print_form(case_id: str, form_id: str):
    """A statutory form (Mẫu 01–06) filled with the case data this role may see, laid out for printing."""
    if form_id not in PRINTABLE:
        abort(404)
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    form_no, title, task = PRINTABLE[form_id]
    form = INTAKE if task is None else FORMS[task]
    data = visible_data(engine.case_data(case_id), current_user)
    with engine.db.read() as s:
        commune = s.get(Commune, case.commune_code)
    with engine.db.write() as s:
        audit.append(s, engine.now(), current_user.username, "case.print", case_id=case_id,
                     detail={"form": form_id, "scope": scope})
    rows = [(f, data.get(f.name)) for f in form.fields if f.name in data]
    return render_template("cases/print.html", case=case, form_no=form_no, title=title, rows=rows,
                           commune=commune, printable=PRINTABLE)


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
            errors["reason"] = "Lý do phải cụ thể (ít nhất 20 ký tự)."
        with engine.db.read() as s:
            case = s.execute(select(Case).where(Case.reference == reference)).scalar() if reference else None
        if case is None:
            errors["reference"] = "Không tìm thấy hồ sơ với mã này."
        if not errors:
            now = engine.now()
            with engine.db.write() as s:
                s.add(BreakGlass(user_id=current_user.id, username=current_user.username, case_id=case.id,
                                 reason=reason, created_at=now,
                                 expires_at=now + dt.timedelta(hours=BREAK_GLASS_HOURS)))
                audit.append(s, now, current_user.username, "case.break_glass", case_id=case.id,
                             detail={"reason": reason, "hours": BREAK_GLASS_HOURS})
            flash(f"Đã mở quyền truy cập khẩn cấp trong {BREAK_GLASS_HOURS} giờ. Việc truy cập được thông báo cho "
                  "cán bộ xã và tỉnh.", "warning")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/break_glass.html", errors=errors, reference=reference, reason=reason,
                           hours=BREAK_GLASS_HOURS), (422 if errors else 200)


@bp.get("/break-glass/log")
@login_required
def break_glass_log():
    """Emergency accesses in this province (for the province) or to this commune's cases (for the commune)."""
    engine = _engine()
    with engine.db.read() as s:
        q = select(BreakGlass, Case.reference, Case.commune_code).join(Case, Case.id == BreakGlass.case_id)
        if current_user.role in ("provincial_health", "provincial_reader"):
            q = q.where(Case.province_code == current_user.province_code)
        elif current_user.role in ("commune_officer", "commune_chairman"):
            q = q.where(or_(Case.commune_code == current_user.commune_code,
                            Case.incident_commune_code == current_user.commune_code))
        else:
            abort(403)
        rows = list(s.execute(q.order_by(BreakGlass.created_at.desc()).limit(500)))
    return render_template("cases/break_glass_log.html", rows=rows)
