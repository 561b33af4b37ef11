"""Administration of a province's organisation: communes (official codes; create, rename, deactivate; CSV
import of the administrative units with merges and a preview) and agencies (create, rename, deactivate).
No SQL here: ``engine.admin_org`` does the reads and the audited writes."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from engine import admin_org
from engine.errors import EngineError
from webui.account import tr
from webui.admin import admin_required
from webui.admin import errors_of
from webui.admin import me
from webui.admin import province
from webui.admin import refused
from workflows import registry

bp = Blueprint("admin_org", __name__, url_prefix="/admin")


def _engine():
    from webui import get_engine

    return get_engine()


def _types() -> list[tuple[str, str, str]]:
    return [(t.code, t.name_vi, t.level) for t in registry.agency_types().values()]


@bp.get("/communes")
@admin_required
def communes():
    return render_template("admin/communes.html", communes=admin_org.communes(_engine(), province()),
                           errors={}, form={}, plan=None)


@bp.post("/communes")
@admin_required
def create_commune():
    eng = _engine()
    try:
        admin_org.create_commune(eng, me(), province(), request.form.get("code", ""), request.form.get("name", ""),
                                 _types(), request.form.get("reason", ""))
    except EngineError as exc:
        return render_template("admin/communes.html", communes=admin_org.communes(eng, province()),
                               errors=errors_of(exc), form=request.form, plan=None), 422
    flash(tr("Đã thêm xã và các cơ quan cấp xã.", "Commune added, with its commune-level agencies."))
    return redirect(url_for("admin_org.communes"))


@bp.post("/communes/<code>")
@admin_required
def update_commune(code: str):
    eng = _engine()
    try:
        if request.form.get("action") == "deactivate":
            admin_org.deactivate_commune(eng, me(), province(), code, request.form.get("reason", ""))
        else:
            admin_org.rename_commune(eng, me(), province(), code, request.form.get("name", ""),
                                     request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin_org.communes")
    flash(tr("Đã lưu.", "Saved."))
    return redirect(url_for("admin_org.communes"))


@bp.post("/communes/import")
@admin_required
def import_communes():
    eng = _engine()
    upload = request.files.get("file")
    text = upload.read().decode("utf-8", "replace") if upload and upload.filename else request.form.get("csv", "")
    try:
        plan = admin_org.import_units(eng, me(), province(), text, _types(), request.form.get("reason", ""),
                                      apply=request.form.get("apply") == "1")
    except EngineError as exc:
        return render_template("admin/communes.html", communes=admin_org.communes(eng, province()),
                               errors=errors_of(exc), form=request.form, plan=None), 422
    return render_template("admin/communes.html", communes=admin_org.communes(eng, province()), errors={},
                           form=request.form, plan=plan), 422 if plan.errors else 200


@bp.get("/agencies")
@admin_required
def agencies():
    eng = _engine()
    return render_template("admin/agencies.html", agencies=admin_org.agencies(eng, province()),
                           communes=admin_org.communes(eng, province()), types=registry.agency_types(), errors={})


@bp.post("/agencies")
@admin_required
def create_agency():
    eng = _engine()
    try:
        admin_org.create_agency(eng, me(), province(), request.form.get("type", ""), request.form.get("commune") or None,
                                request.form.get("name", ""), _types(), request.form.get("reason", ""))
    except EngineError as exc:
        return render_template("admin/agencies.html", agencies=admin_org.agencies(eng, province()),
                               communes=admin_org.communes(eng, province()), types=registry.agency_types(),
                               errors=errors_of(exc)), 422
    flash(tr("Đã thêm cơ quan.", "Agency added."))
    return redirect(url_for("admin_org.agencies"))


@bp.post("/agencies/<code>")
@admin_required
def update_agency(code: str):
    action = request.form.get("action")
    active = {"deactivate": False, "activate": True}.get(action or "")
    try:
        admin_org.update_agency(_engine(), me(), province(), code, request.form.get("name") or None, active,
                                request.form.get("reason", ""))
    except EngineError as exc:
        return refused(exc, "admin_org.agencies")
    flash(tr("Đã lưu.", "Saved."))
    return redirect(url_for("admin_org.agencies"))
