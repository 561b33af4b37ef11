"""The register of persons (``engine.register``): the list with its search, a person's page, and the step
after intake where the commune officer confirms which record a new report is about, or creates one.

Every page is audited (``register.list``, ``register.search``, ``register.view``, ``register.match_view``);
a record or case out of the reader's scope answers 404 like an absent one (audited as ``*_denied``).
"""

from __future__ import annotations

import uuid

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
from engine.register import queries
from engine.register import search as register_search
from engine.register import service
from engine.register.models import Person
from webui import register_scope as rs
from webui.access import case_scope

bp = Blueprint("register", __name__)


def _engine():
    from webui import get_engine

    return get_engine()


@bp.app_context_processor
def _register_menu():
    return {"may_register": lambda: current_user.is_authenticated and rs.may_use_register(current_user),
            "register_title": lambda: (rs.main_register().title(_lang()) if rs.main_register() else "")}


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


def _birth_year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2100 else None


@bp.get("/register")
@login_required
def index():
    """The register of the reader's commune (or province), a search, and the reports awaiting a decision."""
    engine = _engine()
    scope = rs.user_scope(engine, current_user) if rs.may_use_register(current_user) else None
    if scope is None:
        abort(403)
    q = (request.args.get("q") or "").strip()[:200]
    year = _birth_year(request.args.get("birth_year"))
    with engine.db.read() as s:
        if q:
            hits = register_search.search(s, scope, q, birth_year=year, limit=50)
        else:
            hits = [register_search.Hit(p, "list", 0, 1.0, "") for p in queries.recent(s, scope)]
        pending = queries.undecided_cases(s, scope.communes or frozenset(), rs.process_ids()) \
            if current_user.role in ("commune_officer", "commune_chairman") else []
    auditlog.record(engine, current_user.username, "register.search" if q else "register.list",
                    detail={"query": q, "birth_year": year, "shown": len(hits),
                            "persons": [h.person.id for h in hits]})
    return render_template("register/index.html", hits=hits, q=q, birth_year=year or "", pending=pending,
                           register=rs.main_register(), communes={c.code: c.name for c in lookups.communes(engine)},
                           may_create=current_user.role == "commune_officer")


def person_in_scope(person_id: str):
    """The record and the reader's scope on it; 404 (audited) when absent or out of scope, alike."""
    engine = _engine()
    try:
        uuid.UUID(person_id)
    except ValueError:
        abort(404)
    with engine.db.read() as s:
        person = s.get(Person, person_id)
    scope = rs.person_scope(engine, current_user, person) if person is not None else None
    if person is None or scope is None:
        auditlog.record(engine, current_user.username, "register.view_denied",
                        detail={"person": person_id, "ip": request.remote_addr, "path": request.path})
        abort(404)
    return person, scope


@bp.get("/register/<person_id>")
@login_required
def show(person_id: str):
    engine = _engine()
    person, scope = person_in_scope(person_id)
    record = service.record(engine, current_user.username, person.id, scope)
    register = rs.main_register()
    # the cases the reader may open from here (the others are listed by reference only, for the commune)
    openable = {c["id"] for c in record["cases"]
                if (case := lookups.find_case(engine, c["id"])) is not None and case_scope(engine, current_user, case)}
    today = service.today(engine)
    return render_template("register/show.html", record=record, person=person, scope=scope, register=register,
                           may_write=rs.may_write(current_user, scope), openable=openable, today=today,
                           communes={c.code: c.name for c in lookups.communes(engine)})


def _case_for_match(case_id: str):
    engine = _engine()
    try:
        uuid.UUID(case_id)
    except ValueError:
        abort(404)
    case = lookups.find_case(engine, case_id)
    scope = case_scope(engine, current_user, case) if case is not None else None
    register = rs.register_for_case(engine, case) if case is not None else None
    if case is None or scope != "full" or register is None:
        auditlog.record(engine, current_user.username, "register.match_denied", case_id=case_id,
                        detail={"path": request.path})
        abort(404)
    return engine, case, register


@bp.route("/register/match/<case_id>", methods=["GET", "POST"])
@login_required
def match(case_id: str):
    """After intake: the records this report may be about, with why; the officer links one or creates one.
    Nothing happens without that decision (no silent merge)."""
    engine, case, register = _case_for_match(case_id)
    scope = rs.user_scope(engine, current_user)
    if scope is None:
        abort(404)
    proposal, scored, linked = service.proposals(engine, scope, case, register)
    if request.method == "POST":
        if current_user.role != "commune_officer":
            abort(403)
        choice = request.form.get("person_id") or ""
        visible = {p.id for p, _s, _r in scored}
        if choice not in visible and choice != "new":
            abort(404)
        try:
            person_id = service.decide(engine, current_user.username, case, proposal,
                                       None if choice == "new" else choice)
        except Conflict as exc:
            flash(str(exc), "warning")
            return redirect(url_for("register.match", case_id=case.id)), 303
        from webui.register_edit import person_hook

        person_hook(register, engine, person_id)
        flash(_("Đã tạo hồ sơ trẻ mới trong sổ.") if choice == "new" else
              _("Đã gắn báo cáo %(ref)s với hồ sơ trẻ trong sổ.", ref=case.reference), "success")
        return redirect(url_for("register.show", person_id=person_id)), 303
    auditlog.record(engine, current_user.username, "register.match_view", case_id=case.id,
                    detail={"candidates": [p.id for p, _s, _r in scored], "linked": linked})
    return render_template("register/match.html", case=case, proposal=proposal, scored=scored, linked=linked,
                           register=register, communes={c.code: c.name for c in lookups.communes(engine)},
                           may_decide=current_user.role == "commune_officer")


from webui import register_edit  # noqa: E402,F401  (the record's writes, consents and export: routes of this blueprint)
