"""The case page's "awaited messages" card: a button per message or signal the case waits for, shown to the
agencies the process lets send it (``engine.messages``), and the route it posts to (of the ``cases``
blueprint; ``webui.cases`` imports this). Delivery is permission-checked and audited by the engine."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
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


@bp.app_context_processor
def _messages_context():
    return {"case_awaited": _awaited}


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
    try:
        messages.deliver(engine, case.id, kind, messages.check_name(name), {"note": note} if note else {},
                         current_user.actor)
        flash(_("Đã gửi; hồ sơ tiếp tục theo quy trình."), "success")
    except Forbidden:
        abort(403)
    except InvalidTaskData as exc:
        flash("; ".join(in_language(m, lang) for ms in exc.fields.values() for m in ms), "warning")
    except (Conflict, NotFound) as exc:
        flash(in_language(exc.message, lang), "warning")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="awaited")), 303
