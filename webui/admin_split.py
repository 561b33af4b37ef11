"""Administration page (#16.10): which level of local government carries each former district task in the
administrator's province (NĐ 147/2025/NĐ-CP, until 01/03/2027), the decree's default, who changed it and why.
A change is one audited transaction; tasks opened after it follow it. No SQL here: ``engine.province_settings``."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from engine import province_settings
from engine.errors import EngineError
from webui.account import tr
from webui.admin import admin_required
from webui.admin import me
from webui.admin import province
from webui.admin import refused
from workflows import registry

bp = Blueprint("admin_split", __name__, url_prefix="/admin")


def _engine():
    from webui import get_engine

    return get_engine()


def _splits():
    return registry.level_splits(), registry.LEVEL_TITLES


@bp.get("/province-split")
@admin_required
def page():
    splits, titles = _splits()
    return render_template("admin/province_split.html", rows=province_settings.show(_engine(), splits, province()),
                           titles=titles)


@bp.post("/province-split")
@admin_required
def change():
    splits, _titles = _splits()
    form = request.form
    try:
        province_settings.change(_engine(), splits, province(), form.get("key", "").strip()[:80],
                                 form.get("level", "").strip()[:40], form.get("reason", "")[:1000], me())
    except EngineError as exc:
        return refused(exc, "admin_split.page")
    flash(tr("Đã lưu; các nhiệm vụ mở từ bây giờ theo thiết lập mới.",
             "Saved; tasks opened from now on follow the new setting."))
    return redirect(url_for("admin_split.page"))
