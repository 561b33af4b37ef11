"""Two cards of the case page and the routes they post to (of the ``cases`` blueprint; ``webui.cases``
imports this):

- "awaited messages": a button per BPMN message or signal the case waits for, shown to the agencies the
  process lets send it (``engine.messages``); delivery is permission-checked and audited by the engine;
- "messages and directives" (issue #17.1): what agencies wrote on the case for one another (Sở Y tế's
  *hướng dẫn, kiểm tra, đôn đốc*, the chairman's direction, a partner's word), read by the author's agency,
  the addressee and those who see the whole case, and the form to write one (``engine.notify.case_messages``:
  need-to-know, one transaction with the addressee's notifications and the audit event)."""

from __future__ import annotations

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

from engine import messages
from engine.errors import Conflict
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.notify import case_messages as notes
from webui.access import COMMUNE_FULL_ROLES
from webui.access import form_to_data
from webui.access import procedure_of
from webui.cases import _case_in_scope
from webui.cases import _engine
from webui.cases import bp
from webui.labels import in_language

MAX_NOTE = 2_000


def _awaited(case) -> list[messages.Awaited]:
    """What the case waits for that this user's agency may send (for ``cases/_messages.html``)."""
    if not current_user.is_authenticated or case is None:
        return []
    try:
        return [a for a in messages.awaited(_engine(), case, current_user.actor) if a.may_send]
    except Exception:   # a state that does not load is the incidents page's business, not this card's
        return []


def _notes(case, scope: str | None) -> dict:
    """The case's messages this user may read, and what the form offers (``cases/_messages.html``)."""
    if not current_user.is_authenticated or case is None or scope is None:
        return {"rows": [], "recipients": [], "kinds": []}
    eng = _engine()
    rows = notes.for_reader(eng, case.id, current_user.agency_id, scope == "full")
    writable = scope in ("full", "partner") and current_user.agency_id is not None
    recipients = [a for a in notes.recipients(eng, case.id, COMMUNE_FULL_ROLES)
                  if a.id != current_user.agency_id] if writable else []
    kinds = [(k, notes.KINDS[k]) for k in notes.kinds_for(eng, case.id, current_user.agency_type)] if recipients else []
    return {"rows": rows, "recipients": recipients, "kinds": kinds}


def _event_form(case, awaited):
    """The payload form of an awaited message or signal (e.g. «Nguy cơ mới»: its kind, among them the parents'
    refusal of the plan, NĐ 56/2017 Điều 32), or None: the card then offers a note only."""
    proc = procedure_of(_engine(), case) if case is not None else None
    rule = proc.config.events.get((awaited.kind, awaited.name)) if proc is not None else None
    form = getattr(rule.form, "form", None) if rule is not None else None
    return form if getattr(form, "fields", None) else None


@bp.app_context_processor
def _messages_context():
    return {"case_awaited": _awaited, "case_notes": _notes, "case_event_form": _event_form}


@bp.post("/cases/<case_id>/notes")
@login_required
def post_note(case_id: str):
    """Leave a message or directive on the case for another agency that may see it."""
    case, scope = _case_in_scope(case_id)
    if scope not in ("full", "partner"):
        abort(403)   # emergency (break-glass) access reads; it does not write to other agencies
    lang = str(get_locale() or "vi")
    try:
        notes.post(_engine(), case.id, current_user.actor, request.form.get("to"), request.form.get("kind") or "",
                   request.form.get("text") or "", COMMUNE_FULL_ROLES)
    except Forbidden:
        abort(403)
    except InvalidTaskData as exc:
        names = {"kind": _("Loại"), "to": _("Gửi đến"), "text": _("Nội dung")}
        message = "; ".join(f"{names.get(f, f)}: " + ", ".join(in_language(m, lang) for m in ms)
                            for f, ms in exc.fields.items())
        return render_template("error.html", code=422, message=message, back=url_for("cases.show", case_id=case.id)), 422
    flash(_("Đã gửi tin nhắn; cơ quan nhận được thông báo."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="case-messages")), 303


@bp.post("/cases/<case_id>/events/<kind>/<name>")
@login_required
def send_event(case_id: str, kind: str, name: str):
    """Deliver a message or signal the case waits for (with an optional note as its payload)."""
    if kind not in messages.KINDS:
        abort(404)
    engine = _engine()
    case, _scope = _case_in_scope(case_id)
    lang = str(get_locale() or "vi")
    note = (request.form.get("note") or "").strip()[:MAX_NOTE]
    payload: dict = {"note": note} if note else {}
    form = _event_form(case, messages.Awaited(kind, name, "", "", True))
    fields = form.fields if form is not None and any(f.name in request.form for f in form.fields) else None
    if fields is not None:   # the card showed the payload's own form: its fields, checked by the process's rule
        payload = form_to_data(request.form, fields)
    try:
        messages.deliver(engine, case.id, kind, messages.check_name(name), payload, current_user.actor)
        flash(_("Đã gửi; hồ sơ tiếp tục theo quy trình."), "success")
    except Forbidden:
        abort(403)
    except InvalidTaskData as exc:
        if fields is not None:   # 422 naming each field, in the user's language
            labels = {f.name: f.label(lang) for f in fields}
            message = "; ".join(f"{labels.get(f, f)} ({f}): " + ", ".join(in_language(m, lang) for m in ms)
                                for f, ms in exc.fields.items())
            return render_template("error.html", code=422, message=message,
                                   back=url_for("cases.show", case_id=case.id, _anchor="awaited")), 422
        flash("; ".join(in_language(m, lang) for ms in exc.fields.values() for m in ms), "warning")
    except (Conflict, NotFound) as exc:
        flash(in_language(exc.message, lang), "warning")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="awaited")), 303
