"""The writes of a register record (routes of ``webui.register.bp``): a record made without a report, its
details, caregivers, dated groups and flags, consents to share it, and its export for a lawful request.
Only the commune officer of the record writes; each write is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from engine import lookups
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.register import records
from engine.register import service
from webui import register_scope as rs
from webui.access import form_to_data
from webui.register import _engine
from webui.register import bp
from webui.register import person_in_scope


def _writable(person_id: str):
    person, scope = person_in_scope(person_id)
    if not rs.may_write(current_user, scope):
        abort(403)
    return _engine(), person


def _back(person_id: str, anchor: str = ""):
    return redirect(url_for("register.show", person_id=person_id) + anchor), 303


def _failed(person_id: str, exc: Exception):
    if isinstance(exc, InvalidTaskData):
        flash("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items()), "warning")
    else:
        flash(str(exc), "warning")
    return _back(person_id)


@bp.route("/register/new", methods=["GET", "POST"])
@login_required
def create():
    """A record of a child known to the commune without a report (e.g. from the annual review)."""
    register = rs.main_register()
    if register is None or current_user.role != "commune_officer":
        abort(403)
    engine = _engine()
    form = register.person_form
    values: dict = {"residence_commune": current_user.commune_code or ""}
    errors: dict = {}
    if request.method == "POST":
        values = form_to_data(request.form, form.fields)
        try:
            fields = register.fields_of(values)
            with engine.db.read() as s:
                from engine.register.queries import served_communes

                if fields.residence_commune_code not in served_communes(s, current_user.commune_code):
                    raise InvalidTaskData({"residence_commune": ["chỉ trẻ cư trú tại xã mình / a child living in "
                                                                 "your commune only"]})
            with engine.db.write() as s:
                person = records.create_person(s, engine.now(), current_user.username, current_user.province_code,
                                               fields)
            flash(_("Đã tạo hồ sơ trẻ mới trong sổ."), "success")
            return _back(person.id)
        except InvalidTaskData as exc:
            errors = exc.fields
    return render_template("register/edit.html", form=form, values=values, errors=errors, person=None,
                           register=register, communes=lookups.communes(engine)), (422 if errors else 200)


@bp.route("/register/<person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(person_id: str):
    engine, person = _writable(person_id)
    register = rs.main_register()
    form = register.person_form
    errors: dict = {}
    if request.method == "POST":
        values = form_to_data(request.form, form.fields)
        try:
            with engine.db.write() as s:
                records.update_person(s, engine.now(), current_user.username, person.id, register.fields_of(values))
            _period_hook(register, "on_person_updated", engine, person.id)
            flash(_("Đã lưu."), "success")
            return _back(person.id)
        except InvalidTaskData as exc:
            errors = exc.fields
    else:
        with engine.db.read() as s:
            values = register.form_values(records.record_of(s, person.id))
    return render_template("register/edit.html", form=form, values=values, errors=errors, person=person,
                           register=register, communes=lookups.communes(engine)), (422 if errors else 200)


@bp.post("/register/<person_id>/caregivers")
@login_required
def add_caregiver(person_id: str):
    engine, person = _writable(person_id)
    register = rs.main_register()
    try:
        rel = register.relation_fields(form_to_data(request.form, register.relation_form.fields))
        with engine.db.write() as s:
            records.add_relation(s, engine.now(), current_user.username, person.id, rel)
    except (InvalidTaskData, Conflict) as exc:
        return _failed(person.id, exc)
    return _back(person.id, "#caregivers")


@bp.post("/register/<person_id>/caregivers/<int:relation_id>/remove")
@login_required
def remove_caregiver(person_id: str, relation_id: int):
    engine, person = _writable(person_id)
    try:
        with engine.db.write() as s:
            records.remove_relation(s, engine.now(), current_user.username, person.id, relation_id)
    except NotFound:
        abort(404)
    return _back(person.id, "#caregivers")


@bp.post("/register/<person_id>/periods/<kind>")
@login_required
def add_period(person_id: str, kind: str):
    engine, person = _writable(person_id)
    register = rs.main_register()
    form = register.period_forms.get(kind)
    if form is None:
        abort(404)
    try:
        clean = form.validate(form_to_data(request.form, form.fields))
        end = dt.date.fromisoformat(clean["end_date"]) if clean.get("end_date") else None
        with engine.db.write() as s:
            period_id = records.add_period(s, engine.now(), current_user.username, person.id, kind, clean["code"],
                                           dt.date.fromisoformat(clean["start_date"]), end, clean["basis"]).id
    except (InvalidTaskData, Conflict) as exc:
        return _failed(person.id, exc)
    _period_hook(register, "on_period_added", engine, period_id)
    return _back(person.id, f"#{kind}")


def person_hook(register, engine, person_id: str) -> None:
    """The procedure's reaction to a report matched to a record (``on_person_decided``), as ``_period_hook``."""
    _period_hook(register, "on_person_decided", engine, person_id)


def _period_hook(register, name: str, engine, period_id) -> None:
    """The procedure's reaction to a period added or ended (e.g. its periodic follow-up starts or stops); the
    period is already written, and the timer worker's sweep retries what fails here."""
    hook = getattr(register, name, None)
    if hook is None:
        return
    try:
        hook(engine, period_id)
    except Exception:   # noqa: BLE001 - the sweep catches up; the officer's write stands
        import logging

        logging.getLogger(__name__).exception("register %s for period %s", name, period_id)


@bp.post("/register/<person_id>/periods/<int:period_id>/end")
@login_required
def end_period(person_id: str, period_id: int):
    engine, person = _writable(person_id)
    try:
        end = dt.date.fromisoformat(request.form.get("end_date") or "")
    except ValueError:
        return _failed(person.id, Conflict(_("Cần ngày kết thúc.")))
    try:
        with engine.db.write() as s:
            records.end_period(s, engine.now(), current_user.username, person.id, period_id, end,
                               (request.form.get("basis") or "").strip()[:2000])
    except NotFound:
        abort(404)
    except Conflict as exc:
        return _failed(person.id, exc)
    if end <= engine.now().date():
        _period_hook(rs.main_register(), "on_period_ended", engine, period_id)
    return _back(person.id)


@bp.post("/register/<person_id>/consents")
@login_required
def add_consent(person_id: str):
    engine, person = _writable(person_id)
    form = rs.main_register().consent_form
    try:
        c = form.validate(form_to_data(request.form, form.fields))
        with engine.db.write() as s:
            records.add_consent(s, engine.now(), current_user.username, person.id, recipient=c["recipient"],
                                purpose=c["purpose"], data_scope=c["data_scope"], given_by=c["given_by"],
                                given_on=dt.date.fromisoformat(c["given_on"]),
                                expires_on=dt.date.fromisoformat(c["expires_on"]) if c.get("expires_on") else None,
                                evidence=c.get("evidence"))
    except (InvalidTaskData, Conflict) as exc:
        return _failed(person.id, exc)
    return _back(person.id, "#consents")


@bp.post("/register/<person_id>/consents/<int:consent_id>/withdraw")
@login_required
def withdraw_consent(person_id: str, consent_id: int):
    engine, person = _writable(person_id)
    try:
        with engine.db.write() as s:
            records.withdraw_consent(s, engine.now(), current_user.username, person.id, consent_id)
    except NotFound:
        abort(404)
    return _back(person.id, "#consents")


@bp.post("/register/<person_id>/export")
@login_required
def export(person_id: str):
    """The whole record as JSON for a lawful request (the requester and the legal basis are required and
    audited; Luật Bảo vệ dữ liệu cá nhân 2025 Điều 19.1 for a competent authority, Điều 4 for the child's
    legal representative)."""
    engine, person = _writable(person_id)
    requester = (request.form.get("requester") or "").strip()[:300]
    basis = (request.form.get("basis") or "").strip()[:1000]
    if len(requester) < 3 or len(basis) < 10:
        flash(_("Cần ghi người hoặc cơ quan yêu cầu và căn cứ pháp lý của yêu cầu."), "warning")
        return _back(person.id, "#export")
    data = service.export(engine, current_user.username, person.id, requester, basis)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="ho-so-tre-{person.id[:8]}.json"'})
