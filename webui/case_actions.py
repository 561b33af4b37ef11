"""Routes of the case file beyond reading it: the official printouts (Mẫu 01–06, on screen and as PDF) and
reopening a wrongly completed step. They belong to the ``cases`` blueprint (``webui.cases`` imports this).
"""

from __future__ import annotations

import pathlib

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

from engine import auditlog
from engine import casefile
from engine import lookups
from engine import reopen
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.workdays import VN_TZ
from webui import access
from webui.access import visible_data
from webui.casefile_view import may_reopen
from webui.cases import _case_in_scope
from webui.cases import _engine
from webui.cases import bp
from webui.labels import display
from webui.labels import in_language


def _printout(case_id: str, form_id: str) -> tuple[str, object, object]:
    """The filled printable (HTML), its case and its ``Printable``; 404 for an unknown form."""
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    proc = access.procedure_of(engine, case)
    printable = proc.printable(form_id) if proc is not None else None
    form = proc.form_of(printable.task) if proc is not None and printable is not None else None
    if proc is None or printable is None or form is None:
        abort(404)
    data = visible_data(engine, engine.case_data(case_id), current_user, case, scope)
    rows = [(f, data.get(f.name)) for f in form.fields if f.name in data]
    steps = [s for s in engine.steps(case.id) if printable.task is not None and s.task_name == printable.task]
    step = steps[-1] if steps else None
    people = casefile.people(engine, [s.user_name for s in engine.steps(case.id)])
    signer_name = people.get(step.user_name, ("", ""))[0] if step is not None else ""
    agencies = casefile.agency_names(engine, [s.agency_id for s in engine.steps(case.id)]
                                     + [t.agency_id for t in engine.open_tasks(case.id)])
    commune = lookups.commune(engine, case.commune_code)
    communes = {c.code: c.name for c in lookups.communes(engine)}
    signed_at = (step.completed_at if step is not None else case.received_at).astimezone(VN_TZ)
    number = f"{printable.form_no.split()[-1]}/{case.reference}"
    html = render_template(printable.template, case=case, printable=printable, rows=rows, commune=commune,
                           printables=proc.printables, signer_name=signer_name, signed_at=signed_at,
                           number=number, recipients=sorted(set(agencies.values())),
                           value=lambda key, v: display(key, v, "vi", communes),
                           pdf=request.path.endswith(".pdf"), css=_print_css())
    auditlog.record(engine, current_user.username, "case.print", case_id=case_id,
                    detail={"form": form_id, "scope": scope, "pdf": request.path.endswith(".pdf")})
    return html, case, printable


def _print_css() -> str:
    return pathlib.Path(str(current_app.static_folder), "print.css").read_text(encoding="utf-8")


@bp.get("/cases/<case_id>/print/<form_id>")
@login_required
def print_form(case_id: str, form_id: str):
    """A printable form of the case's procedure, filled with the case data this role may see."""
    return _printout(case_id, form_id)[0]


@bp.get("/cases/<case_id>/print/<form_id>.pdf")
@login_required
def print_pdf(case_id: str, form_id: str):
    """The same form as a PDF (WeasyPrint, A4, the fonts of the machine: Liberation/DejaVu Serif)."""
    html, case, printable = _printout(case_id, form_id)
    from weasyprint import HTML

    def no_fetch(url, *args, **kwargs):   # the PDF is built from the page alone: nothing is fetched
        raise ValueError(f"not fetched: {url[:40]}")

    pdf = HTML(string=html, url_fetcher=no_fetch).write_pdf()
    name = f"{printable.code}-{case.reference}.pdf"   # type: ignore[attr-defined]
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@bp.post("/cases/<case_id>/reopen")
@login_required
def reopen_step(case_id: str):
    """The chairman (or an operator) puts a wrongly completed step back to its agency, with a reason."""
    engine = _engine()
    case, scope = _case_in_scope(case_id)
    if not may_reopen(current_user, scope):
        abort(403)
    lang = str(get_locale() or "vi")
    try:
        step_id = int(request.form.get("step_id") or "0")
    except ValueError:
        abort(400)
    try:
        reopen.reopen_step(engine, case.id, step_id, request.form.get("reason") or "", current_user.actor)
        flash(_("Đã mở lại bước; cơ quan phụ trách thấy lại việc này trong danh sách việc cần làm."), "success")
    except InvalidTaskData as exc:
        flash(in_language(exc.fields["reason"][0], lang), "warning")
    except (Conflict, NotFound) as exc:
        flash(in_language(exc.message, lang), "warning")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="reopen")), 303

