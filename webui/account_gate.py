"""What happens between a correct password and a session: the second factor when the user has it, then
(before anything else) a forced password change or a two-factor enrolment the province requires."""

from __future__ import annotations

from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from engine import account_self
from webui.auth import start_session
from webui.errors import json_error

PENDING_SECONDS = 300
# what a user held at the gate may still reach
OPEN_ENDPOINTS = {"account.index", "account.password", "account.totp", "account.totp_confirm", "auth.logout",
                  "static", "set_language", "index"}


def _engine():
    from webui import get_engine

    return get_engine()


def after_password(user_id: int, username: str, target: str):
    """The password was right: ask for the second factor, or open the session."""
    st = account_self.state(_engine(), user_id)
    if st.totp_enabled:
        kept = {k: session[k] for k in ("lang", "csrf_token") if k in session}
        session.clear()
        session.update(kept)
        session["pending_2fa"] = {"uid": user_id, "username": username, "target": target,
                                  "at": _engine().now().timestamp()}
        return redirect(url_for("account.second_factor"))
    return open_and_gate(user_id, username, target, st)


def open_and_gate(user_id: int, username: str, target: str, st=None):
    """Open the session; send the user to a password change or a two-factor enrolment first if they owe one."""
    st = st or account_self.state(_engine(), user_id)
    start_session(user_id, username)
    if st.must_change_password:
        session["gate"] = "password"
        return redirect(url_for("account.password"))
    if st.totp_required and not st.totp_enabled:
        session["gate"] = "totp"
        return redirect(url_for("account.totp"))
    return redirect(target)


def pending() -> dict | None:
    """The login waiting for its second factor (five minutes at most), or None."""
    p = session.get("pending_2fa")
    if not p or _engine().now().timestamp() - p.get("at", 0) > PENDING_SECONDS:
        return None
    return p


def enforce():
    """Before every request: a user who owes a password change or an enrolment reaches nothing else."""
    gate = session.get("gate")
    if not gate or not current_user.is_authenticated or request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.path.startswith("/api/"):
        return json_error(403, "forbidden", "finish the account set-up in the browser first")
    return redirect(url_for("account.password" if gate == "password" else "account.totp"))
