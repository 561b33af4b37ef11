"""Evidence files of a case: upload (to the case or one of its tasks) and download, both audited.

Where files go: ``BVTE_ATTACHMENTS_DIR`` (app config or environment) names a directory on disk; unset, they
are kept in the database. Checks, cleaning (metadata stripped) and need-to-know are ``engine.attachments``'.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from engine import attachments
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from webui.labels import in_language

bp = Blueprint("attachments", __name__)
COMMUNE_ROLES = {"commune_officer", "commune_chairman"}


def _engine():
    from webui import get_engine

    return get_engine()


def directory() -> str | None:
    return current_app.config.get("BVTE_ATTACHMENTS_DIR") or os.environ.get("BVTE_ATTACHMENTS_DIR") or None


def visible(engine, case_id: str, scope: str | None) -> list:
    """The case's files this user may see."""
    return [a for a in attachments.of_case(engine, case_id)
            if attachments.may_see(a, scope, current_user.agency_id, current_user.role in COMMUNE_ROLES)]


def _case(case_id: str):
    from webui.cases import _case_in_scope

    return _case_in_scope(case_id)


@bp.route("/cases/<case_id>/attachments/new", methods=["GET", "POST"])
@login_required
def upload(case_id: str):
    engine = _engine()
    case, scope = _case(case_id)
    if scope not in ("full", "partner"):
        abort(403)
    task_id = request.values.get("task") or None
    task = next((t for t in engine.open_tasks(case.id) if t.id == task_id), None) if task_id else None
    if task_id and (task is None or task.agency_id != current_user.agency_id):
        abort(404)
    errors: dict = {}
    if request.method == "POST":
        sent = request.files.get("file")
        data = sent.stream.read(attachments.MAX_BYTES + 1) if sent is not None else b""
        try:
            attachments.add(engine, attachments.Upload(
                case_id=case.id, filename=(sent.filename or "") if sent is not None else "", data=data,
                audience=request.form.get("audience") or "case", note=request.form.get("note") or "",
                task_id=task.id if task else None, task_title=task.title if task else None),
                current_user.actor, directory())
            flash(_("Đã đính kèm tệp vào hồ sơ."), "success")
            if task is not None:
                return redirect(url_for("inbox.task", task_id=task.id)), 303
            return redirect(url_for("cases.show", case_id=case.id, _anchor="attachments")), 303
        except InvalidTaskData as exc:
            lang = str(get_locale() or "vi")
            errors = {k: [in_language(m, lang) for m in v] for k, v in exc.fields.items()}
    return render_template("cases/attachment_new.html", case=case, task=task, errors=errors,
                           audiences=attachments.AUDIENCES, max_mb=attachments.MAX_BYTES // (1024 * 1024)), \
        (422 if errors else 200)


@bp.get("/cases/<case_id>/attachments/<int:attachment_id>")
@login_required
def download(case_id: str, attachment_id: int):
    engine = _engine()
    case, scope = _case(case_id)
    row = attachments.get(engine, case.id, attachment_id)
    if row is None or not attachments.may_see(row, scope, current_user.agency_id, current_user.role in COMMUNE_ROLES):
        abort(404)
    try:
        row, data = attachments.fetch(engine, case.id, attachment_id, current_user.actor, directory())
    except NotFound:
        abort(404)
    inline = request.args.get("view") == "1" and row.media_type.startswith("image/")
    plain = row.filename.encode("ascii", "ignore").decode() or "tep"
    return Response(data, mimetype=row.media_type, headers={
        "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename=\"{plain}\"; "
                               f"filename*=UTF-8''{quote(row.filename)}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store"})
