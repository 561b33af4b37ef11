"""Login and logout. Passwords are argon2 hashes; failed logins slow down per account and per real client
(``engine.signin``, in the database, shared by every worker); a session is a server-side row, checked on
every request and revoked at logout, at a password change and at deactivation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from engine import accounts
from engine import signin
from engine.context import Actor
from webui.extensions import login_manager
from workflows.agencies import AGENCY_TYPES

bp = Blueprint("auth", __name__)


@dataclass
class LoginUser:
    """The logged-in person as the web layer sees it (Flask-Login adapter over ``engine.models.User``).
    ``scope`` is the API token's (``full``/``read``/``intake``), None in a browser session."""

    id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None
    agency_name: str
    agency_type: str | None
    commune_code: str | None
    province_code: str | None
    scope: str | None = None
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.id, self.agency_id, self.role)

    @property
    def role_name(self) -> str:
        agency_type = AGENCY_TYPES.get(self.role)
        return agency_type.name_vi if agency_type else self.role


def load_login_user(user_id: int) -> LoginUser | None:
    """The active user with this id (whatever the session: for code that acts as a user, not for requests)."""
    from webui import get_engine

    return _login_user(accounts.active_user(get_engine(), user_id))


def _login_user(row: accounts.UserRecord | None) -> LoginUser | None:
    if row is None:
        return None
    return LoginUser(row.id, row.username, row.full_name, row.role, row.agency_id, row.agency_name or "",
                     row.agency_type, row.commune_code, row.province_code, row.scope)


def load_token_user(token_hash: str) -> LoginUser | None:
    """The active user an unrevoked, unexpired API token belongs to, with its scope (one query)."""
    from webui import get_engine

    return _login_user(accounts.token_user(get_engine(), token_hash))


@login_manager.user_loader
def _load(user_id: str):
    """The user of this request's session: only while its server-side row is open (one query)."""
    from webui import get_engine

    try:
        uid = int(user_id)
    except ValueError:
        return None
    return _login_user(signin.session_user(get_engine(), uid, session.get("sid")))


def client_address() -> str | None:
    """The real client: ``remote_addr`` after ProxyFix (trusting only ``BVTE_TRUSTED_PROXIES`` proxies)."""
    return request.remote_addr


def safe_next(target: str | None) -> str | None:
    """A local path to go to after login, or None. Control characters, whitespace and invisible format
    characters are dropped first (browsers do the same), then only a path is accepted: no scheme, no host,
    no backslash (``/\\evil`` is ``//evil`` to a browser)."""
    if not target:
        return None
    cleaned = "".join(c for c in target if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs")))
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def _english() -> bool:
    from flask_babel import get_locale

    return str(get_locale() or "vi") == "en"


def _policy() -> signin.ThrottlePolicy:
    cfg = current_app.config
    return signin.ThrottlePolicy(free_user=cfg["LOGIN_MAX_FAILURES"], free_client=cfg["LOGIN_MAX_FAILURES"] * 4,
                                 base=cfg["LOGIN_DELAY_SECONDS"], cap=cfg["LOGIN_LOCK_SECONDS"])


def start_session(user_id: int, username: str):
    """Log a checked user in: a fresh cookie session (no fixation) bound to a new server-side session row."""
    from webui import get_engine

    kept = {k: session[k] for k in ("lang", "csrf_token") if k in session}
    session.clear()
    session.update(kept)
    session["sid"] = signin.open_session(get_engine(), user_id, username, client_address())
    session.permanent = True   # expires after PERMANENT_SESSION_LIFETIME without a request
    user = _login_user(signin.session_user(get_engine(), user_id, session["sid"]))
    if user is not None:
        login_user(user)
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    from webui import get_engine

    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    error = None
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()[:80]
        password = request.form.get("password") or ""
        engine = get_engine()
        wait = signin.login_wait(engine, username, client_address())
        if wait > 0:
            error = (f"Too many failed logins. Please try again in {wait} seconds." if _english() else
                     f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {wait} giây.")
            status = 429
            headers["Retry-After"] = str(wait)
        else:
            found = accounts.authenticate(engine, username, password)
            if found is not None:
                from webui import account_gate

                target = safe_next(request.args.get("next")) or url_for("inbox.index")
                return account_gate.after_password(found.user_id, found.username, target)
            signin.record_failure(engine, username, client_address(), _policy())
            error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
            status = 401
    return render_template("auth/login.html", error=error), status, headers


@bp.post("/logout")
@login_required
def logout():
    from webui import get_engine

    signin.close_session(get_engine(), session.get("sid"), current_user.username, client_address())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Đã đăng xuất."))
    return redirect(url_for("auth.login"))


@bp.after_app_request
def _hsts(resp):
    """HTTPS only in production (the reverse proxy terminates TLS): Strict-Transport-Security."""
    if current_app.config.get("BVTE_ENV") == "production":
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return resp
